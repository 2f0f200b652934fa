// The map window: quota-backed pages and region mappings, what a released cap unmaps, and
// its system calls (map, unmap, region_map, region_unmap), each a decode then an invoke.
#include "kernel/memory.h"

#include "kernel/component.h"
#include "kernel/log.h"
#include "kernel/syscalls.h"

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

/// True if a region mapping of one of c's caps overlaps [vaddr, vaddr + pages). Revoked caps
/// count too: one that is still being taken apart keeps some pages mapped until it is done.
bool overlaps_region_mapping(const Component& c, uint64_t vaddr, uint64_t pages) {
  if (c.region_mappings == 0) return false;
  const uint64_t end = vaddr + pages * kPageSize;
  for (uint32_t slot = 0; slot < c.caps.size(); ++slot) {
    auto cap = c.caps.occupied(slot);
    if (!cap.ok() || cap.value()->type != tessera::CapType::kMemory || cap.value()->mapped_at == 0) continue;
    const uint64_t at = cap.value()->mapped_at;
    if (at < end && vaddr < at + uint64_t{cap.value()->mapped_pages} * kPageSize) return true;
  }
  return false;
}

platform::MapFlags flags_of(const Cap& cap) {
  const bool write = (cap.rights & tessera::rights::kWrite) != 0;
  return platform::MapFlags{true, write, !write && (cap.rights & tessera::rights::kExec) != 0};
}

uint64_t at_most(uint64_t n, const WorkBudget& work) { return n < work.left() ? n : work.left(); }

/// Unmaps the last pages of cap's region mapping in c, as many as `work` allows, then flushes
/// the TLBs (the call's one flush). True when no page is left mapped.
bool unmap_region(Component& c, Cap& cap, WorkBudget& work) {
  if (cap.mapped_pages == 0) return true;
  if (!work.may_flush() || work.spent()) return false;
  const auto now = static_cast<uint32_t>(at_most(cap.mapped_pages, work));
  for (uint32_t i = 0; i < now; ++i) {
    --cap.mapped_pages;
    platform::unmap_page(c.space, cap.mapped_at + uint64_t{cap.mapped_pages} * kPageSize);
  }
  work.spend(now);
  platform::flush_tlb(c.space);
  work.flushed();
  if (cap.mapped_pages != 0) return false;
  cap.mapped_at = 0;
  --c.region_mappings;
  return true;
}

}  // namespace

uint64_t FramePool::pop() {
  const uint64_t frame = take();
  if (frame != 0) __builtin_memset(platform::phys_to_virt(frame), 0, kPageSize);
  return frame;
}

Result<MapOp> decode_map(const Component& c, uint64_t vaddr, uint64_t pages, uint64_t flags, const WorkBudget& work) {
  // The whole range's arguments, then the pages this call maps, then the quota for the whole
  // range (missing_tables takes one step per 2 MiB), so that a map the quota cannot hold
  // fails before its first page.
  if ((flags & ~(tessera::map_flags::kWrite | tessera::map_flags::kExec)) != 0) return Status::kInvalidArgument;
  const bool write = (flags & tessera::map_flags::kWrite) != 0;
  const bool exec = (flags & tessera::map_flags::kExec) != 0;
  if (write && exec) return Status::kInvalidArgument;
  if (Status s = check_window(vaddr, pages); s != Status::kOk) return s;
  if (pages > c.map_pool.capacity()) return Status::kOutOfMemory;
  const uint64_t now = at_most(pages, work);
  if (any_mapped(c, vaddr, now)) return Status::kAlreadyMapped;
  if (pages + platform::missing_tables(c.space, vaddr, pages) > c.map_pool.available()) return Status::kOutOfMemory;
  return MapOp{vaddr, pages, now, platform::MapFlags{true, write, exec}};
}

Progress invoke_map(Component& c, const MapOp& op, WorkBudget& work) {
  // Invariant: the pool holds a frame for every page and for every page table
  // missing_tables counted, and the range is user memory that nothing maps: neither pop nor
  // map_page can fail. If one does, decode and platform disagree (a kernel bug): stop before
  // a page is left unbacked, or backed by frame 0, rather than report success.
  const platform::FrameSource tables{pool_alloc, &c.map_pool};
  const MapOp m = op;  // a copy the page-table writes below cannot alias
  for (uint64_t i = 0; i < m.now; ++i) {
    const uint64_t at = m.vaddr + i * kPageSize;
    const uint64_t frame = c.map_pool.pop();
    if (frame == 0 || !platform::map_page(c.space, at, frame, m.flags, tables))
      panic("map of %lu pages at 0x%lx in %s: page 0x%lx failed after the decode accepted it", m.pages, m.vaddr, c.name,
            at);
  }
  work.spend(static_cast<uint32_t>(m.now));
  return Progress{m.now, m.now == m.pages};
}

[[gnu::always_inline]] inline Result<UnmapOp> decode_unmap(const Component& c, uint64_t vaddr, uint64_t pages,
                                                           const WorkBudget& work) {
  if (Status s = check_window(vaddr, pages); s != Status::kOk) return s;
  // More pages than the quota holds cannot all be map()'s.
  if (pages > c.map_pool.capacity() || overlaps_region_mapping(c, vaddr, pages)) return Status::kNotMapped;
  const uint64_t now = at_most(pages, work);
  for (uint64_t i = 0; i < now; ++i)
    if (platform::translate(c.space, vaddr + i * kPageSize, platform::MapFlags{}) == 0) return Status::kNotMapped;
  return UnmapOp{vaddr, pages, now};
}

[[gnu::always_inline]] inline Progress invoke_unmap(Component& c, const UnmapOp& op, WorkBudget& work) {
  const UnmapOp u = op;  // a copy the pool writes below cannot alias
  for (uint64_t i = 0; i < u.now; ++i) c.map_pool.push(platform::unmap_page(c.space, u.vaddr + i * kPageSize));
  work.spend(static_cast<uint32_t>(u.now));
  platform::flush_tlb(c.space);
  work.flushed();
  return Progress{u.now, u.now == u.pages};
}

Result<RegionMapOp> decode_region_map(const Component& c, const Cap& cap, uint64_t vaddr, const WorkBudget& work) {
  if ((cap.rights & tessera::rights::kRead) == 0) return Status::kNoRights;
  const auto* region = static_cast<const Region*>(cap.object);
  // A mapping under way goes on at its own address; a whole one, or another address, is refused.
  if (cap.mapped_at != 0 && (vaddr != cap.mapped_at || cap.mapped_pages == region->pages))
    return Status::kAlreadyMapped;
  if (Status s = check_window(vaddr, region->pages); s != Status::kOk) return s;
  const uint32_t first = cap.mapped_pages;
  const uint64_t from = vaddr + uint64_t{first} * kPageSize;
  const uint32_t left = region->pages - first;
  const auto now = static_cast<uint32_t>(at_most(left, work));
  if (any_mapped(c, from, now)) return Status::kAlreadyMapped;
  if (platform::missing_tables(c.space, from, left) > c.map_pool.available()) return Status::kOutOfMemory;
  return RegionMapOp{vaddr, first, now};
}

Status invoke_region_map(Component& c, Cap& cap, const RegionMapOp& op, WorkBudget& work) {
  // Invariant: as in invoke_map, the pool holds every page table the range lacks, so
  // map_page cannot fail; if it does, decode and platform disagree (a kernel bug).
  const auto* region = static_cast<const Region*>(cap.object);
  const platform::FrameSource tables{pool_alloc, &c.map_pool};
  const RegionMapOp r = op;  // a copy the page-table writes below cannot alias
  for (uint32_t i = r.first; i < r.first + r.now; ++i) {
    const uint64_t at = r.vaddr + uint64_t{i} * kPageSize;
    if (!platform::map_page(c.space, at, region->phys + uint64_t{i} * kPageSize, flags_of(cap), tables))
      panic("region_map of %u pages at 0x%lx in %s: page 0x%lx failed after the decode accepted it", region->pages,
            r.vaddr, c.name, at);
  }
  work.spend(r.now);
  if (cap.mapped_at == 0) ++c.region_mappings;
  cap.mapped_at = r.vaddr;
  cap.mapped_pages = r.first + r.now;
  return cap.mapped_pages == region->pages ? Status::kOk : Status::kIncomplete;
}

Status invoke_region_unmap(Component& c, Cap& cap, WorkBudget& work) {
  return unmap_region(c, cap, work) ? Status::kOk : Status::kIncomplete;
}

bool region_map_at_boot(Component& c, Cap& cap, uint64_t vaddr) {
  const auto* region = static_cast<const Region*>(cap.object);
  for (uint32_t i = 0; i < region->pages; ++i)
    if (!platform::map_page(c.space, vaddr + i * kPageSize, region->phys + i * kPageSize, flags_of(cap))) return false;
  cap.mapped_at = vaddr;
  cap.mapped_pages = region->pages;
  ++c.region_mappings;
  return true;
}

bool region_map_again(Component& c, Cap& cap, uint64_t vaddr, WorkBudget& work) {
  const auto* region = static_cast<const Region*>(cap.object);
  const platform::FrameSource no_tables{[](void*) -> uint64_t { return 0; }, nullptr};
  while (cap.mapped_pages < region->pages) {
    if (work.spent()) return false;
    const uint64_t at = vaddr + uint64_t{cap.mapped_pages} * kPageSize;
    if (!platform::map_page(c.space, at, region->phys + uint64_t{cap.mapped_pages} * kPageSize, flags_of(cap),
                            no_tables))
      panic("restart of %s: the boot mapping at 0x%lx lost its page tables", c.name, at);
    if (cap.mapped_at == 0) ++c.region_mappings;
    cap.mapped_at = vaddr;
    ++cap.mapped_pages;
    work.spend();
  }
  return true;
}

bool reset_map_window(Component& c, uint32_t& cursor, WorkBudget& work) {
  if (c.map_pool.capacity() == 0) return true;  // nothing can have been mapped
  constexpr uint64_t kEnd = kMapBase + kMapWindow;
  constexpr uint64_t kSpan = 512 * kPageSize;  // a page table's pages: a unit to look through
  const auto page_of = [](uint64_t at) { return static_cast<uint32_t>((at - kMapBase) / kPageSize); };
  uint64_t at = kMapBase + uint64_t{cursor} * kPageSize;
  while (at < kEnd) {
    const uint64_t span_end = (at & ~(kSpan - 1)) + kSpan;
    // Only a page table that is there is looked through entry by entry; a missing one is
    // skipped at once.
    const bool table = platform::missing_tables(c.space, span_end - kSpan, 1) == 0;
    for (at = platform::next_mapped(c.space, at, span_end); at < span_end;
         at = platform::next_mapped(c.space, at + kPageSize, span_end)) {
      if (work.spent()) {
        cursor = page_of(at);
        return false;
      }
      c.map_pool.push(platform::unmap_page(c.space, at));
      work.spend();
    }
    // A page table looked through: a unit, or, without one left, the call stops here (so
    // every call gets somewhere).
    if (!table || at >= kEnd) continue;
    if (work.spent()) {
      cursor = page_of(at);
      return false;
    }
    work.spend();
  }
  cursor = page_of(at);
  return true;
}

bool cap_holds_nothing(const Cap& cap) {
  return cap.type != tessera::CapType::kMemory || cap.mapped_at == 0 || cap.holder == nullptr;
}

bool cap_release(Cap& cap, WorkBudget& work) {
  if (cap_holds_nothing(cap)) return true;
  return unmap_region(*cap.holder, cap, work);
}

// ---- the system calls: each pairs a decode above with its invoke ------------------------
namespace {

/// The memory cap in slot `slot` of self's table.
Result<Cap*> memory_cap(const Thread& self, uint64_t slot) {
  return self.component->caps.lookup(slot, tessera::CapType::kMemory, 0);
}

}  // namespace

Thread* sys_map(Cpu&, Thread* self, MapArgs args) {
  Component& c = *self->component;
  WorkBudget work;
  auto op = decode_map(c, args.address, args.pages, args.flags, work);
  if (!op.ok()) return answer_progress(self, op.status());
  return answer_progress(self, invoke_map(c, op.value(), work));
}

Thread* sys_unmap(Cpu&, Thread* self, UnmapArgs args) {
  Component& c = *self->component;
  WorkBudget work;
  auto op = decode_unmap(c, args.address, args.pages, work);
  if (!op.ok()) return answer_progress(self, op.status());
  return answer_progress(self, invoke_unmap(c, op.value(), work));
}

Thread* sys_region_map(Cpu&, Thread* self, RegionMapArgs args) {
  Component& c = *self->component;
  auto cap = memory_cap(*self, args.slot);
  if (!cap.ok()) return refuse(self, cap.status());
  WorkBudget work;
  auto op = decode_region_map(c, *cap.value(), args.address, work);
  if (!op.ok()) return refuse(self, op.status());
  return answer(self, invoke_region_map(c, *cap.value(), op.value(), work));
}

Thread* sys_region_unmap(Cpu&, Thread* self, SlotArgs args) {
  auto cap = memory_cap(*self, args.slot);
  if (!cap.ok()) return refuse(self, cap.status());
  if (cap.value()->mapped_at == 0) return refuse(self, Status::kNotMapped);
  WorkBudget work;
  return answer(self, invoke_region_unmap(*self->component, *cap.value(), work));
}

}  // namespace kernel
