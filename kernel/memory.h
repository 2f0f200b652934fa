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

 private:
  uint64_t* frames_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t free_ = 0;
};

/// kMap: backs [vaddr, vaddr + pages) of c's map window with zeroed frames of its quota,
/// writable and/or executable as `flags` say (tessera::map_flags). Page tables come out of
/// the quota too. Maps at most work.left() pages, from vaddr on: `done` says how many, and
/// an unfinished map is continued by a call for the rest of the range. Errors:
/// kInvalidArgument (unaligned, no pages, unknown flags, write+exec), kBadAddress (outside
/// the window), kAlreadyMapped, kOutOfMemory (the range and its tables beyond the quota);
/// an error changes nothing, and once decoded the mapping cannot fail (else: panic).
Result<Progress> map_pages(Component& c, uint64_t vaddr, uint64_t pages, uint64_t flags, WorkBudget& work);

/// kUnmap: releases pages kMap backed; their frames return to the quota. At most
/// work.left() pages from vaddr on, like map_pages. Errors: kInvalidArgument, kBadAddress,
/// kNotMapped (a page of the part this call looks at is not backed by kMap).
Result<Progress> unmap_pages(Component& c, uint64_t vaddr, uint64_t pages, WorkBudget& work);

/// kRegionMap: maps the region of memory cap `cap` (held by c) at vaddr in c's map window,
/// with the cap's rights, as far as `work` allows: kIncomplete when pages are left, which the
/// same call at the same address goes on mapping. Errors: kNoRights (no kRead),
/// kAlreadyMapped (this cap is mapped, elsewhere or wholly, or a page of the range is),
/// kInvalidArgument, kBadAddress, kOutOfMemory (page tables); as with map_pages, an error
/// changes nothing and a decoded mapping cannot fail.
Status region_map(Component& c, Cap& cap, uint64_t vaddr, WorkBudget& work);

/// kRegionUnmap: removes the mapping `cap` made, as far as `work` allows (kIncomplete: the
/// same call goes on). Error: kNotMapped.
Status region_unmap(Component& c, Cap& cap, WorkBudget& work);

/// Maps region `r` at vaddr of c with `rights` at boot (tables from the boot allocator) and
/// records the mapping in `cap`.
bool region_map_at_boot(Component& c, Cap& cap, uint64_t vaddr);

}  // namespace kernel
