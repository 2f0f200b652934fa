// Device interrupt lines: the I/O APICs and ISA overrides the MADT names, and the vectors
// routed lines arrive on.
#pragma once

#include <stdint.h>

#include "tessera/spec_format.h"

namespace platform::x86 {

/// Vectors kDeviceVectorBase .. + kDeviceVectorCount - 1 carry routed device lines, in the
/// order the kernel routed them (platform::route_irq's index).
inline constexpr uint8_t kDeviceVectorBase = 0x50;
inline constexpr unsigned kDeviceVectorCount = 32;
static_assert(kDeviceVectorCount >= tessera::spec::kMaxIrqs, "each granted line needs a vector");

/// Records an I/O APIC and masks all its entries; returns how many it has.
unsigned ioapic_add(uint64_t mmio_phys, uint32_t gsi_base);
/// Records that ISA IRQ `source` arrives on `gsi` with MPS INTI `flags`.
void isa_override_add(uint8_t source, uint32_t gsi, uint16_t flags);
/// A device vector fired: EOI, then the kernel's handler.
void device_interrupt(uint64_t vector);

}  // namespace platform::x86
