// The kernel's virtual memory layout on x86_64 and the linker symbols that bound the image.
#pragma once

#include <stdint.h>

namespace platform::x86 {

/// The kernel image is linked here (top 2 GiB, -mcmodel=kernel); physical 0 maps to it.
inline constexpr uint64_t kKernelVirtualBase = 0xffff'ffff'8000'0000;
/// All RAM is mapped here, 2 MiB pages, no-execute, kernel only (PML4 slot 256).
inline constexpr uint64_t kDirectMapBase = 0xffff'8000'0000'0000;
/// The boot page tables map this much physical memory before the direct map is built.
inline constexpr uint64_t kEarlyMapLimit = 1ull << 30;
inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kLargePageSize = 2ull << 20;

/// Page table entry bits [Intel SDM vol3 §4.5, tables 4-14 to 4-20].
namespace pte {
inline constexpr uint64_t kPresent = 1ull << 0;
inline constexpr uint64_t kWrite = 1ull << 1;
inline constexpr uint64_t kUser = 1ull << 2;
inline constexpr uint64_t kLarge = 1ull << 7;
inline constexpr uint64_t kGlobal = 1ull << 8;
inline constexpr uint64_t kNoExecute = 1ull << 63;
inline constexpr uint64_t kAddressMask = 0x000f'ffff'ffff'f000;
}  // namespace pte

/// Physical address of a symbol in the kernel image.
inline uint64_t image_phys(const void* symbol) { return reinterpret_cast<uint64_t>(symbol) - kKernelVirtualBase; }

}  // namespace platform::x86

// Defined by kernel.ld and boot.S.
extern "C" {
extern char kernel_phys_start[];  ///< physical address of the image's first byte (1 MiB)
extern char kernel_phys_end[];    ///< physical address just past .bss, page aligned
extern char kernel_text_start[];  ///< virtual: .text (read, execute)
extern char kernel_text_end[];
extern char kernel_rodata_start[];  ///< virtual: .rodata (read only) up to kernel_data_start
extern char kernel_data_start[];    ///< virtual: .data and .bss (read, write) up to the end
extern uint64_t boot_pml4[512];     ///< the kernel's PML4, set up by boot.S
extern uint64_t boot_pd[512];       ///< the boot 2 MiB page directory for physical 0..1 GiB
}
