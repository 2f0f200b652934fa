// The map window: quota-backed pages and region mappings, and what a released cap unmaps.
#include "kernel/memory.h"

#include "kernel/component.h"
#include "kernel/log.h"

namespace kernel {
namespace {

using tessera::layout::kMapBase;
using tessera::layout::kMapWindow;
using tessera::layout::kPageSize;

uint64_t pool_alloc(void* context) { return static_cast<FramePool*>(context)->pop(); }

/// [vaddr, vaddr + pages) is a page-aligned, non-empty range of the map window.
Status check_window(uint64_t vaddr, uint64_t pages) {
  if (pages == 0 || (vaddr & (kPageSize - 1)) != 0) return Status::kInvalidArgument;
  if (vaddr < kMapBase || vaddr >= kMapBase + kMapWindow) return Status::kBadAddress;
  if (pages > (kMapBase + kMapWindow - vaddr) / kPageSize) return Status::kBadAddress;
  return Status::kOk;
}

bool any_mapped(const Component& c, uint64_t vaddr, uint64_t pages) {
  for (uint64_t i = 0; i < pages; ++i)
    if (platform::translate(c.space, vaddr + i * kPageSize, platform::MapFlags{}) != 0) return true;
  return false;
}

/// True if a region mapping of one of c's caps overlaps [vaddr, vaddr + pages).
bool overlaps_region_mapping(const Component& c, uint64_t vaddr, uint64_t pages) {
  const uint64_t end = vaddr + pages * kPageSize;
  for (uint32_t slot = 0; slot < c.caps.size(); ++slot) {
    auto cap = c.caps.lookup(slot, tessera::CapType::kMemory, 0);
    if (!cap.ok() || cap.value()->mapped_at == 0) continue;
    const auto* region = static_cast<const Region*>(cap.value()->object);
    const uint64_t at = cap.value()->mapped_at;
    if (at < end && vaddr < at + uint64_t{region->pages} * kPageSize) return true;
  }
  return false;
}

platform::MapFlags flags_of(const Cap& cap) {
  const bool write = (cap.rights & tessera::rights::kWrite) != 0;
  return platform::MapFlags{true, write, !write && (cap.rights & tessera::rights::kExec) != 0};
}

void unmap_region(Component& c, Cap& cap) {
  const auto* region = static_cast<const Region*>(cap.object);
  for (uint32_t i = 0; i < region->pages; ++i) platform::unmap_page(c.space, cap.mapped_at + i * kPageSize);
  platform::flush_tlb(c.space);
  cap.mapped_at = 0;
}

}  // namespace

uint64_t FramePool::pop() {
  if (free_ == 0) return 0;
  const uint64_t frame = frames_[--free_];
  __builtin_memset(platform::phys_to_virt(frame), 0, kPageSize);
  return frame;
}

Status map_pages(Component& c, uint64_t vaddr, uint64_t pages, uint64_t flags) {
  // Decode.
  if ((flags & ~(tessera::map_flags::kWrite | tessera::map_flags::kExec)) != 0) return Status::kInvalidArgument;
  const bool write = (flags & tessera::map_flags::kWrite) != 0;
  const bool exec = (flags & tessera::map_flags::kExec) != 0;
  if (write && exec) return Status::kInvalidArgument;
  if (Status s = check_window(vaddr, pages); s != Status::kOk) return s;
  if (pages > c.map_pool.capacity()) return Status::kOutOfMemory;
  if (any_mapped(c, vaddr, pages)) return Status::kAlreadyMapped;
  if (pages + platform::missing_tables(c.space, vaddr, pages) > c.map_pool.available()) return Status::kOutOfMemory;
  // Invoke. Invariant: the pool holds a frame for every page and for every page table
  // missing_tables counted, and the range is user memory that nothing maps: neither pop nor
  // map_page can fail. If one does, decode and platform disagree (a kernel bug): stop before
  // a page is left unbacked, or backed by frame 0, rather than report success.
  const platform::FrameSource tables{pool_alloc, &c.map_pool};
  for (uint64_t i = 0; i < pages; ++i) {
    const uint64_t at = vaddr + i * kPageSize;
    const uint64_t frame = c.map_pool.pop();
    if (frame == 0 || !platform::map_page(c.space, at, frame, platform::MapFlags{true, write, exec}, tables))
      panic("map of %lu pages at 0x%lx in %s: page 0x%lx failed after the decode accepted it", pages, vaddr,
            c.name, at);
  }
  return Status::kOk;
}

Status unmap_pages(Component& c, uint64_t vaddr, uint64_t pages) {
  if (Status s = check_window(vaddr, pages); s != Status::kOk) return s;
  // More pages than the quota holds cannot all be map()'s; this also bounds the work.
  if (pages > c.map_pool.capacity() || overlaps_region_mapping(c, vaddr, pages)) return Status::kNotMapped;
  for (uint64_t i = 0; i < pages; ++i)
    if (platform::translate(c.space, vaddr + i * kPageSize, platform::MapFlags{}) == 0) return Status::kNotMapped;
  for (uint64_t i = 0; i < pages; ++i) c.map_pool.push(platform::unmap_page(c.space, vaddr + i * kPageSize));
  platform::flush_tlb(c.space);
  return Status::kOk;
}

Status region_map(Component& c, Cap& cap, uint64_t vaddr) {
  if ((cap.rights & tessera::rights::kRead) == 0) return Status::kNoRights;
  if (cap.mapped_at != 0) return Status::kAlreadyMapped;
  const auto* region = static_cast<const Region*>(cap.object);
  if (Status s = check_window(vaddr, region->pages); s != Status::kOk) return s;
  if (any_mapped(c, vaddr, region->pages)) return Status::kAlreadyMapped;
  if (platform::missing_tables(c.space, vaddr, region->pages) > c.map_pool.available()) return Status::kOutOfMemory;
  // Invoke. Invariant: as in map_pages, the pool holds every page table the range lacks.
  const platform::FrameSource tables{pool_alloc, &c.map_pool};
  for (uint32_t i = 0; i < region->pages; ++i) {
    const uint64_t at = vaddr + i * kPageSize;
    if (!platform::map_page(c.space, at, region->phys + i * kPageSize, flags_of(cap), tables))
      panic("region_map of %u pages at 0x%lx in %s: page 0x%lx failed after the decode accepted it", region->pages,
            vaddr, c.name, at);
  }
  cap.mapped_at = vaddr;
  return Status::kOk;
}

Status region_unmap(Component& c, Cap& cap) {
  if (cap.mapped_at == 0) return Status::kNotMapped;
  unmap_region(c, cap);
  return Status::kOk;
}

bool region_map_at_boot(Component& c, Cap& cap, uint64_t vaddr) {
  const auto* region = static_cast<const Region*>(cap.object);
  for (uint32_t i = 0; i < region->pages; ++i)
    if (!platform::map_page(c.space, vaddr + i * kPageSize, region->phys + i * kPageSize, flags_of(cap))) return false;
  cap.mapped_at = vaddr;
  return true;
}

void cap_released(Cap& cap) {
  if (cap.type == tessera::CapType::kMemory && cap.mapped_at != 0 && cap.holder != nullptr)
    unmap_region(*cap.holder, cap);
}

}  // namespace kernel
