// Copy-on-write images: the writable pages of a restartable component (data, bss, heap,
// stack) are mapped read-only onto pristine boot copies until the component writes them; a
// restart maps the written ones back, so it costs only the pages the instance had written.
#pragma once

#include <stdint.h>

#include "kernel/memory.h"
#include "kernel/platform.h"
#include "kernel/work_budget.h"

namespace kernel {

/// One page of a copy-on-write image.
struct CowPage {
  uint64_t vaddr = 0;
  /// The page as the boot image has it: a copy of the ELF's data made at boot, or the
  /// kernel's one zero frame for pages that start zeroed. Never written after boot.
  uint64_t pristine = 0;
  uint64_t copy = 0;  ///< the instance's own frame, once it wrote the page (0: none yet)
};

/// The writable pages of one component, in ascending address order, and the frames for
/// their copies (one per page, reserved at boot: a write fault never runs out).
///
/// Invariant: a page with copy == 0 is mapped read-only onto `pristine`; one with a copy is
/// mapped writable onto it. The copies not in use are in the pool.
class CowImage {
 public:
  CowImage() = default;
  /// `pages` has room for `capacity` records; `copies` holds at least as many frames.
  CowImage(CowPage* pages, uint32_t capacity, FramePool copies) : pages_(pages), capacity_(capacity), copies_(copies) {}

  uint32_t size() const { return count_; }
  uint32_t copied() const { return copied_; }
  const CowPage& page(uint32_t i) const { return pages_[i]; }

  /// Boot: records the page at vaddr (above every page recorded so far) and maps it
  /// read-only onto `pristine` in `space`. False when the records are full, the order is
  /// wrong or the mapping fails.
  bool add(platform::AddressSpace& space, uint64_t vaddr, uint64_t pristine);

  /// The page that holds `address`, or nullptr when it is not one of the image.
  CowPage* find(uint64_t address);

  /// A write to `page`, mapped read-only onto its pristine frame: gives it its own copy of
  /// that frame, mapped writable. The TLBs of other CPUs may still hold the read-only
  /// translation until the caller flushes them. Precondition: page.copy == 0.
  void copy_page(platform::AddressSpace& space, CowPage& page);

  /// Restart: maps written pages back onto their pristine frames, read-only, from page
  /// `cursor` on, as far as `work` allows (a unit per page given back, and the units
  /// WorkBudget::looked_at charges for looking through records); their copies go back
  /// to the pool. True when every page is pristine again; the TLBs still hold the old
  /// translations until the caller flushes them.
  bool restore(platform::AddressSpace& space, uint32_t& cursor, WorkBudget& work);

 private:
  CowPage* pages_ = nullptr;
  uint32_t capacity_ = 0;
  uint32_t count_ = 0;
  uint32_t copied_ = 0;  ///< pages with a copy
  FramePool copies_;
};

}  // namespace kernel
