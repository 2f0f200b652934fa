// ACPI tables the kernel needs: the RSDP (from multiboot2), the RSDT or XSDT, and the MADT
// with the CPUs' local APICs, the I/O APICs and the ISA interrupt overrides.
// Portable: physical memory is read through a callback, so host tests feed it fake tables.
// Every signature, length and checksum is checked before a table is used.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::acpi {

/// A pointer to `length` readable bytes at physical `phys`, or nullptr if not readable.
using PhysReader = const uint8_t* (*)(uint64_t phys, size_t length, void* context);

/// MADT processor entries kept, disabled and beyond-limit ones too: one per xAPIC ID (a
/// parser capacity, not the system's CPU limit, kMaxCpus).
inline constexpr size_t kMaxLocalApics = 256;
inline constexpr size_t kMaxIoApics = 8;
inline constexpr size_t kMaxOverrides = 16;

struct LocalApic {
  uint32_t apic_id = 0;
  uint32_t processor_uid = 0;
  bool enabled = false;  ///< enabled, or online-capable
};

struct IoApic {
  uint32_t id = 0;
  uint64_t address = 0;
  uint32_t gsi_base = 0;
};

/// An ISA IRQ that arrives on another global system interrupt [ACPI 6.5 §5.2.12.5].
struct Override {
  uint8_t source_irq = 0;
  uint32_t gsi = 0;
  uint16_t flags = 0;  ///< MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3
};

struct Madt {
  uint64_t local_apic_address = 0;
  bool legacy_pics = false;  ///< PCAT_COMPAT: 8259s are present (and must be masked)
  LocalApic cpus[kMaxLocalApics];
  size_t cpu_count = 0;
  bool cpus_truncated = false;
  IoApic ioapics[kMaxIoApics];
  size_t ioapic_count = 0;
  Override overrides[kMaxOverrides];
  size_t override_count = 0;
};

enum class Status : uint32_t { kOk, kBadRsdp, kBadRootTable, kNoMadt, kBadMadt };

/// Finds the MADT ("APIC") through the RSDP copy multiboot2 hands over (`rsdp_length`
/// bytes) and fills `out`. Revision 2+ RSDPs with an XSDT address use the XSDT, older ones
/// the RSDT.
[[nodiscard]] Status parse_madt(const uint8_t* rsdp, size_t rsdp_length, PhysReader read, void* context, Madt& out);

const char* status_name(Status status);

}  // namespace kernel::acpi
