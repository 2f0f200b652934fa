// Copy-on-write images of restartable components: the page records, a write fault's copy,
// and a restart's return to the pristine pages.
#include "kernel/cow.h"

#include "kernel/log.h"

namespace kernel {
namespace {

using tessera::layout::kPageSize;

constexpr platform::MapFlags kReadOnly{true, false, false};
constexpr platform::MapFlags kWritable{true, true, false};

/// A page's mapping changes, never its page tables: these exist since boot.
uint64_t no_tables(void*) { return 0; }

void remap(platform::AddressSpace& space, uint64_t vaddr, uint64_t frame, platform::MapFlags flags) {
  if (!platform::map_page(space, vaddr, frame, flags, platform::FrameSource{no_tables, nullptr}))
    panic("cow: page 0x%lx lost its page table", vaddr);
}

}  // namespace

bool CowImage::add(platform::AddressSpace& space, uint64_t vaddr, uint64_t pristine) {
  if (count_ == capacity_ || (count_ > 0 && pages_[count_ - 1].vaddr >= vaddr)) return false;
  if (!platform::map_page(space, vaddr, pristine, kReadOnly)) return false;
  pages_[count_++] = CowPage{vaddr, pristine, 0};
  return true;
}

CowPage* CowImage::find(uint64_t address) {
  const uint64_t vaddr = address & ~(kPageSize - 1);
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (pages_[mid].vaddr < vaddr) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < count_ && pages_[lo].vaddr == vaddr ? &pages_[lo] : nullptr;
}

void CowImage::copy_page(platform::AddressSpace& space, CowPage& page) {
  // Invariant: the pool holds a frame for every page without a copy. Not zeroed first: the
  // copy overwrites every byte of it.
  const uint64_t frame = copies_.take();
  if (frame == 0) panic("cow: no frame for the copy of page 0x%lx", page.vaddr);
  __builtin_memcpy(platform::phys_to_virt(frame), platform::phys_to_virt(page.pristine), kPageSize);
  page.copy = frame;
  ++copied_;
  remap(space, page.vaddr, frame, kWritable);
}

bool CowImage::restore(platform::AddressSpace& space, uint32_t& cursor, WorkBudget& work) {
  for (; cursor < count_; ++cursor) {
    CowPage& page = pages_[cursor];
    if (page.copy != 0) {
      if (work.spent()) return false;
      remap(space, page.vaddr, page.pristine, kReadOnly);
      copies_.push(page.copy);
      page.copy = 0;
      --copied_;
      work.spend();
    }
    // Looking through records is work too.
    if (!work.looked_at(cursor, count_)) {
      ++cursor;
      return false;
    }
  }
  return true;
}

}  // namespace kernel
