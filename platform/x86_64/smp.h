// Multiprocessor bring-up from the ACPI MADT: interrupt controllers, the time base, and the
// application processors, which then wait until the kernel releases them.
#pragma once

#include <stdint.h>

namespace kernel::mb2 {
struct BootInfo;
}

namespace platform::x86 {

/// On the bootstrap processor, after paging_init: finds the CPUs and I/O APICs in the MADT,
/// masks the I/O APICs, enables the local APIC, calibrates time and starts every other
/// enabled CPU (at most kMaxCpus in all). Logs each CPU that came up and each that did not.
void smp_init(const kernel::mb2::BootInfo& info);

/// The local APIC ID of CPU `cpu` (0 = bootstrap processor).
uint32_t apic_id_of(unsigned cpu);

/// Handles an APIC interrupt (vector >= 32) on this CPU.
void interrupt_dispatch(uint64_t vector);

}  // namespace platform::x86
