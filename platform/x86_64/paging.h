// Kernel page tables: the direct map of RAM, and the kernel half shared by every address space.
#pragma once

#include <stdint.h>

namespace platform::x86 {

/// Physical address of the kernel's own PML4 (built by boot.S).
uint64_t kernel_root();

/// Replaces the boot mappings: maps [0, ram_top) at kDirectMapBase (2 MiB pages, NX, global),
/// remaps the kernel image W^X with 4 KiB pages, and drops the low identity map.
void paging_init(uint64_t ram_top);

/// End of the physical range the direct map covers (whole GiBs from 0).
uint64_t direct_map_end();

/// Maps the 4 KiB page holding device registers at `phys` uncached into the kernel's MMIO
/// window (PML4 slot 257, shared by every address space) and returns the address of `phys`.
/// Boot only; mapping the same page twice returns the same address.
void* map_mmio(uint64_t phys);

/// Writes CR3 and flushes global TLB entries too (toggling CR4.PGE) [Intel SDM vol3 §4.10.4.1].
void flush_all_tlb(uint64_t root);

}  // namespace platform::x86
