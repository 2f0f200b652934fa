// Page tables: the kernel's direct map, user address spaces (create_address_space, map_page,
// translate) and phys_to_virt. 4-level paging [Intel SDM vol3 §4.5].
#include "platform/x86_64/paging.h"

#include "kernel/log.h"
#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/cpu_local.h"
#include "platform/x86_64/layout.h"
#include "tessera/abi.h"

namespace platform::x86 {
namespace {

constexpr uint64_t kGiB = 1ull << 30;
constexpr unsigned kKernelHalfFirst = 256;           // PML4 slots 256..511 belong to the kernel
constexpr uint64_t kDirectMapMaxBytes = 512 * kGiB;  // one PML4 slot
constexpr unsigned kMmioSlot = 257;
constexpr uint64_t kMmioBase = 0xffff'8080'0000'0000;    // PML4 slot 257
constexpr uint64_t kPcdPwt = (1ull << 4) | (1ull << 3);  // uncached [Intel SDM vol3 §11.12]
constexpr size_t kMaxMmioPages = 16;
uint64_t g_mmio_pages[kMaxMmioPages];  // physical page of each window slot
size_t g_mmio_count = 0;
uint64_t g_direct_map_end = kEarlyMapLimit;

uint64_t* table_at(uint64_t phys) { return static_cast<uint64_t*>(phys_to_virt(phys)); }

unsigned table_index(uint64_t vaddr, unsigned level) {
  // level 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT
  return static_cast<unsigned>((vaddr >> (12 + 9 * level)) & 511);
}

// The entry of `table` at `index`, with a fresh kernel table below it when it was empty.
uint64_t* next_table(uint64_t* table, unsigned index) {
  uint64_t& entry = table[index];
  if ((entry & pte::kPresent) == 0) {
    const uint64_t frame = alloc_frame();
    if (frame == 0) kernel::panic("paging: no frame for an MMIO page table");
    entry = frame | pte::kPresent | pte::kWrite;
  }
  return table_at(entry & pte::kAddressMask);
}

// Kernel image protection for a 4 KiB page of the kernel window at `virt`: W^X by section,
// nothing outside the image (the low 1 MiB and the 32-bit boot code are left unmapped).
uint64_t image_page_flags(uint64_t virt) {
  const auto at = [](const char* symbol) { return reinterpret_cast<uint64_t>(symbol); };
  const uint64_t end = kKernelVirtualBase + at(kernel_phys_end);
  const uint64_t kernel = pte::kPresent | pte::kGlobal;
  if (virt >= at(kernel_text_start) && virt < at(kernel_text_end)) return kernel;
  if (virt >= at(kernel_rodata_start) && virt < at(kernel_data_start)) return kernel | pte::kNoExecute;
  if (virt >= at(kernel_data_start) && virt < end) return kernel | pte::kWrite | pte::kNoExecute;
  return 0;
}

// Replaces the kernel window's 2 MiB RWX pages by 4 KiB pages with per-section rights. The
// physical addresses stay the same, so the code running now keeps working across the change.
void map_kernel_image() {
  const uint64_t image_end = reinterpret_cast<uint64_t>(kernel_phys_end);
  const uint64_t chunks = (image_end + kLargePageSize - 1) / kLargePageSize;
  for (uint64_t chunk = 0; chunk < 512; ++chunk) {
    if (chunk >= chunks) {
      boot_pd[chunk] = 0;
      continue;
    }
    const uint64_t pt = alloc_frame();
    if (pt == 0 || pt >= kEarlyMapLimit) kernel::panic("paging: no frame for the kernel image tables");
    uint64_t* entries = table_at(pt);
    for (uint64_t i = 0; i < 512; ++i) {
      const uint64_t phys = chunk * kLargePageSize + i * kPageSize;
      const uint64_t flags = image_page_flags(kKernelVirtualBase + phys);
      entries[i] = flags != 0 ? phys | flags : 0;
    }
    boot_pd[chunk] = pt | pte::kPresent | pte::kWrite;
  }
}

}  // namespace

uint64_t kernel_root() { return image_phys(boot_pml4); }

uint64_t direct_map_end() { return g_direct_map_end; }

void* map_mmio(uint64_t phys) {
  const uint64_t page = phys & ~(kPageSize - 1);
  for (size_t i = 0; i < g_mmio_count; ++i)
    if (g_mmio_pages[i] == page) return reinterpret_cast<void*>(kMmioBase + i * kPageSize + (phys - page));
  if (g_mmio_count == kMaxMmioPages) kernel::panic("paging: MMIO window full");
  const uint64_t va = kMmioBase + g_mmio_count * kPageSize;
  g_mmio_pages[g_mmio_count++] = page;
  uint64_t* table = table_at(kernel_root());
  for (unsigned level = 3; level > 0; --level) table = next_table(table, table_index(va, level));
  table[table_index(va, 0)] = page | pte::kPresent | pte::kWrite | pte::kGlobal | pte::kNoExecute | kPcdPwt;
  return reinterpret_cast<void*>(va + (phys - page));
}

void flush_all_tlb(uint64_t root) {
  write_cr3(root);
  const uint64_t cr4 = read_cr4();
  if ((cr4 & kCr4Pge) != 0) {
    write_cr4(cr4 & ~kCr4Pge);
    write_cr4(cr4);
  }
}

void paging_init(uint64_t ram_top) {
  if (ram_top > kDirectMapMaxBytes) {
    kernel::log("paging: RAM above 512 GiB is not mapped\n");
    ram_top = kDirectMapMaxBytes;
  }
  // Frames for the new tables come from the bottom of RAM, which the boot direct map (first
  // GiB) already covers, so they can be zeroed and filled through it.
  const uint64_t pdpt = alloc_frame();
  if (pdpt == 0 || pdpt >= kEarlyMapLimit) kernel::panic("paging: no low frame for the direct map");
  uint64_t* pdpt_table = table_at(pdpt);
  for (uint64_t gib = 0; gib * kGiB < ram_top; ++gib) {
    const uint64_t pd = alloc_frame();
    if (pd == 0 || pd >= kEarlyMapLimit) kernel::panic("paging: no low frame for the direct map");
    uint64_t* pd_table = table_at(pd);
    for (uint64_t i = 0; i < 512; ++i) {
      pd_table[i] = (gib * kGiB + i * kLargePageSize) | pte::kPresent | pte::kWrite | pte::kLarge | pte::kGlobal |
                    pte::kNoExecute;
    }
    pdpt_table[gib] = pd | pte::kPresent | pte::kWrite;
    g_direct_map_end = (gib + 1) * kGiB;
  }

  // Before map_kernel_image: from then on the early direct map no longer reaches free frames
  // (it shares boot_pd with the kernel window), so nothing may be allocated until the new
  // direct map is in place.
  const uint64_t mmio_pdpt = alloc_frame();
  if (mmio_pdpt == 0) kernel::panic("paging: no frame for the MMIO window");
  boot_pml4[kMmioSlot] = mmio_pdpt | pte::kPresent | pte::kWrite;

  map_kernel_image();

  boot_pml4[0] = 0;  // the identity map was only needed to reach the higher half
  boot_pml4[kKernelHalfFirst] = pdpt | pte::kPresent | pte::kWrite;
  flush_all_tlb(kernel_root());
}

}  // namespace platform::x86

namespace platform {

void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(x86::kDirectMapBase + phys); }

bool create_address_space(AddressSpace& as) {
  using namespace x86;
  const uint64_t root = alloc_frame();
  if (root == 0) return false;
  const uint64_t* kernel = table_at(kernel_root());
  uint64_t* fresh = table_at(root);
  // Invariant: the kernel never adds PML4 slots after boot, so copying them once keeps every
  // address space's kernel half identical to the kernel's.
  for (unsigned i = kKernelHalfFirst; i < 512; ++i) fresh[i] = kernel[i];
  as.root = root;
  return true;
}

namespace {

uint64_t boot_table(void*) { return alloc_frame(); }

}  // namespace

bool map_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags) {
  return map_page(as, vaddr, paddr, flags, FrameSource{boot_table, nullptr});
}

bool map_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags, FrameSource tables) {
  using namespace x86;
  if (as.root == 0 || vaddr >= tessera::layout::kUserTop) return false;
  if ((vaddr | paddr) & (kPageSize - 1)) return false;
  if ((paddr & ~pte::kAddressMask) != 0) return false;
  uint64_t* table = table_at(as.root);
  for (unsigned level = 3; level > 0; --level) {
    uint64_t& entry = table[table_index(vaddr, level)];
    if ((entry & pte::kPresent) == 0) {
      const uint64_t next = tables.alloc(tables.context);
      if (next == 0) return false;
      // Intermediate tables allow everything; the leaf entry decides [Intel SDM vol3 §4.6].
      entry = next | pte::kPresent | pte::kWrite | pte::kUser;
    } else if ((entry & pte::kLarge) != 0) {
      return false;  // user halves never hold large pages
    }
    table = table_at(entry & pte::kAddressMask);
  }
  uint64_t& leaf = table[table_index(vaddr, 0)];
  const bool was_present = (leaf & pte::kPresent) != 0;
  leaf = paddr | pte::kPresent | (flags.write ? pte::kWrite : 0) | (flags.user ? pte::kUser : 0) |
         (flags.exec ? 0 : pte::kNoExecute);
  if (was_present && this_cpu().current_root == as.root) invlpg(vaddr);
  return true;
}

uint64_t missing_tables(const AddressSpace& as, uint64_t vaddr, uint64_t pages) {
  using namespace x86;
  if (as.root == 0 || pages == 0) return 0;
  // Walks the range one lowest-level table (2 MiB) at a time; a table missing at some level
  // means every table below it is missing too, and is counted once per span it covers.
  uint64_t missing = 0;
  const uint64_t end = vaddr + pages * kPageSize;
  uint64_t last_span[4] = {~0ull, ~0ull, ~0ull, ~0ull};
  for (uint64_t at = vaddr & ~(kLargePageSize - 1); at < end; at += kLargePageSize) {
    const uint64_t* table = table_at(as.root);
    for (unsigned level = 3; level > 0; --level) {
      const uint64_t span = at >> (12 + 9 * level);  // which table of level-1 this entry gives
      const uint64_t entry = table != nullptr ? table[table_index(at, level)] : 0;
      if ((entry & pte::kPresent) == 0) {
        if (last_span[level] != span) ++missing;
        last_span[level] = span;
        table = nullptr;
      } else {
        table = table_at(entry & pte::kAddressMask);
      }
    }
  }
  return missing;
}

uint64_t unmap_page(AddressSpace& as, uint64_t vaddr) {
  using namespace x86;
  if (as.root == 0 || vaddr >= tessera::layout::kUserTop) return 0;
  uint64_t* table = table_at(as.root);
  for (unsigned level = 3; level > 0; --level) {
    const uint64_t entry = table[table_index(vaddr, level)];
    if ((entry & pte::kPresent) == 0 || (entry & pte::kLarge) != 0) return 0;
    table = table_at(entry & pte::kAddressMask);
  }
  uint64_t& leaf = table[table_index(vaddr, 0)];
  if ((leaf & pte::kPresent) == 0) return 0;
  const uint64_t phys = leaf & pte::kAddressMask;
  leaf = 0;
  return phys;
}

uint64_t next_mapped(const AddressSpace& as, uint64_t from, uint64_t end) {
  using namespace x86;
  if (as.root == 0) return end;
  uint64_t at = from;
  while (at < end) {
    // Down the tables of `at`; a missing one skips the whole span it would cover.
    const uint64_t* table = table_at(as.root);
    bool missing = false;
    for (unsigned level = 3; level > 0; --level) {
      const uint64_t entry = table[table_index(at, level)];
      if ((entry & pte::kPresent) == 0) {
        const uint64_t span = 1ull << (12 + 9 * level);
        at = (at & ~(span - 1)) + span;
        missing = true;
        break;
      }
      table = table_at(entry & pte::kAddressMask);
    }
    if (missing) continue;
    // The page table of `at`: looked through to its end without walking down again.
    for (unsigned i = table_index(at, 0); i < 512 && at < end; ++i, at += kPageSize)
      if ((table[i] & pte::kPresent) != 0) return at;
  }
  return end;
}

uint64_t translate(const AddressSpace& as, uint64_t vaddr, MapFlags flags) {
  using namespace x86;
  if (as.root == 0 || vaddr >= tessera::layout::kUserTop) return 0;
  const uint64_t* table = table_at(as.root);
  for (unsigned level = 3;; --level) {
    const uint64_t entry = table[table_index(vaddr, level)];
    // Permissions are the intersection over all levels [Intel SDM vol3 §4.6.1].
    if ((entry & pte::kPresent) == 0) return 0;
    if (flags.user && (entry & pte::kUser) == 0) return 0;
    if (flags.write && (entry & pte::kWrite) == 0) return 0;
    if (flags.exec && (entry & pte::kNoExecute) != 0) return 0;
    const uint64_t frame = entry & pte::kAddressMask;
    if (level == 0) return frame | (vaddr & (kPageSize - 1));
    if (level <= 2 && (entry & pte::kLarge) != 0) {
      const uint64_t page_mask = (1ull << (12 + 9 * level)) - 1;
      return (frame & ~page_mask) | (vaddr & page_mask);
    }
    table = table_at(frame);
  }
}

}  // namespace platform
