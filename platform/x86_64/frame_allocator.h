// Boot-time physical frame allocator: free ranges of RAM, handed out from the bottom up.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::mb2 {
struct BootInfo;
}

namespace platform::x86 {

/// Collects the available RAM of `info`, minus the first 1 MiB, the kernel image, the boot
/// information itself and every module. Returns the highest RAM address + 1 (what the
/// direct map must cover).
uint64_t frame_allocator_init(const kernel::mb2::BootInfo& info, uint64_t info_phys);

/// Frames not yet handed out.
uint64_t free_frame_count();

}  // namespace platform::x86
