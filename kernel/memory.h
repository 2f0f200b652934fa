// Memory a component manages at run time: pages backed from its map quota (kMap/kUnmap) and
// shared regions mapped through memory caps (kRegionMap/kRegionUnmap), all in its map window.
#pragma once

#include <stdint.h>

#include "kernel/cap_table.h"
#include "kernel/platform.h"
#include "kernel/result.h"
#include "kernel/work_budget.h"

namespace kernel {

struct Component;

/// A shared memory region of the description: physically contiguous, allocated at boot.
struct Region {
  uint64_t phys = 0;
  uint32_t pages = 0;
};

/// A stack of free physical frames: one component's map quota, reserved at boot.
class FramePool {
 public:
  FramePool() = default;
  FramePool(uint64_t* storage, uint32_t capacity) : frames_(storage), capacity_(capacity) {}

  uint32_t capacity() const { return capacity_; }
  uint32_t available() const { return free_; }
  /// Precondition: fewer than capacity() frames are in the pool.
  void push(uint64_t frame) { frames_[free_++] = frame; }
  /// A zeroed frame, or 0 when the pool is empty.
  uint64_t pop();
  /// A frame as its last user left it (for a caller that overwrites all of it), or 0.
  uint64_t take() { return free_ == 0 ? 0 : frames_[--free_]; }

 private:
  uint64_t* frames_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t free_ = 0;
};

// Each system call of the map window is a decode, which checks everything and changes
// nothing, and an invoke, which cannot fail (the sys_* handlers at its end pair them). A call does at
// most work.left() pages and reports kIncomplete when the caller must go on.

/// A decoded kMap: the whole range, the pages this call maps from its start, the flags.
struct MapOp {
  uint64_t vaddr;
  uint64_t pages;
  uint64_t now;
  platform::MapFlags flags;
};

/// kMap backs [vaddr, vaddr + pages) of c's map window with zeroed frames of its quota,
/// writable and/or executable as `flags` say (tessera::map_flags); page tables come out of
/// the quota too. An unfinished map is continued by a call for the rest of the range.
/// Errors: kInvalidArgument (unaligned, no pages, unknown flags, write+exec), kBadAddress
/// (outside the window), kAlreadyMapped, kOutOfMemory (the range and its tables beyond the
/// quota).
Result<MapOp> decode_map(const Component& c, uint64_t vaddr, uint64_t pages, uint64_t flags, const WorkBudget& work);
/// Maps op.now pages: `done` says how many. A failure here is a kernel bug: it panics.
Progress invoke_map(Component& c, const MapOp& op, WorkBudget& work);

/// A decoded kUnmap: the whole range and the pages this call unmaps from its start.
struct UnmapOp {
  uint64_t vaddr;
  uint64_t pages;
  uint64_t now;
};

// kUnmap releases pages kMap backed; their frames return to the quota. Errors:
// kInvalidArgument, kBadAddress, kNotMapped (a page of the part this call looks at is not
// backed by kMap). Its decode and invoke are inline in memory.cpp, beside sys_unmap: the
// call is a benchmark's whole path.

/// A decoded kRegionMap: where, the first page still to map, and how many this call maps.
struct RegionMapOp {
  uint64_t vaddr;
  uint32_t first;
  uint32_t now;
};

/// kRegionMap maps the region of memory cap `cap` (held by c) at vaddr in c's map window,
/// with the cap's rights; kIncomplete when pages are left, which the same call at the same
/// address goes on mapping. Errors: kNoRights (no kRead), kAlreadyMapped (this cap is mapped,
/// elsewhere or wholly, or a page of the range is), kInvalidArgument, kBadAddress,
/// kOutOfMemory (page tables).
Result<RegionMapOp> decode_region_map(const Component& c, const Cap& cap, uint64_t vaddr, const WorkBudget& work);
/// Maps op.now pages of the region; kOk when the region is wholly mapped, else kIncomplete.
Status invoke_region_map(Component& c, Cap& cap, const RegionMapOp& op, WorkBudget& work);

/// kRegionUnmap (decoded: the cap's region is mapped) removes the mapping `cap` made, as far
/// as `work` allows: kIncomplete when the same call must go on.
Status invoke_region_unmap(Component& c, Cap& cap, WorkBudget& work);

/// Maps region `r` at vaddr of c with `rights` at boot (tables from the boot allocator) and
/// records the mapping in `cap`.
bool region_map_at_boot(Component& c, Cap& cap, uint64_t vaddr);

/// A restart maps a boot mapping again (its page tables exist since boot), from the pages
/// `cap` already maps on, as far as `work` allows; true when the whole region is mapped.
bool region_map_again(Component& c, Cap& cap, uint64_t vaddr, WorkBudget& work);

/// A restart gives every page kMap backed in c's map window back to the quota, from page
/// `cursor` of the window on, as far as `work` allows (a unit per page given back, and one
/// per page table looked through); true when none is left. Region
/// mappings are gone already (their caps were deleted). The window's page tables stay, empty,
/// and still count against the quota: the new instance reuses them. No TLB is flushed.
bool reset_map_window(Component& c, uint32_t& cursor, WorkBudget& work);

}  // namespace kernel
