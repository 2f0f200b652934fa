// Device interrupts: I/O APIC redirection entries for the lines drivers are granted
// [82093AA I/O APIC datasheet §3.2.4], with the ISA overrides of the MADT [ACPI 6.5 §5.2.12.5].
#include "platform/x86_64/irq.h"

#include "kernel/platform.h"
#include "platform/x86_64/apic.h"
#include "platform/x86_64/paging.h"
#include "platform/x86_64/smp.h"

namespace platform::x86 {
namespace {

struct IoApicInfo {
  volatile uint32_t* regs = nullptr;
  uint32_t gsi_base = 0;
  unsigned entries = 0;
};

struct IsaOverride {
  uint8_t source = 0;
  uint32_t gsi = 0;
  uint16_t flags = 0;
};

constexpr size_t kMaxIoApics = 8;
constexpr size_t kMaxOverrides = 16;
IoApicInfo g_ioapics[kMaxIoApics];
size_t g_ioapic_count = 0;
IsaOverride g_overrides[kMaxOverrides];
size_t g_override_count = 0;

// Redirection entry bits (low word).
constexpr uint32_t kActiveLow = 1u << 13;
constexpr uint32_t kLevel = 1u << 15;
constexpr uint32_t kMasked = 1u << 16;

struct Route {
  IoApicInfo* ioapic = nullptr;
  unsigned entry = 0;
  uint32_t polarity_trigger = 0;  ///< kActiveLow | kLevel as the line needs
};

/// The I/O APIC entry of `line`: an ISA IRQ through its override (or identity, edge,
/// active high), anything else as a PCI-style GSI (level, active low).
bool find_route(uint32_t line, Route& out) {
  uint32_t gsi = line;
  uint32_t mode = line < 16 ? 0 : kActiveLow | kLevel;
  for (size_t i = 0; i < g_override_count && line < 16; ++i) {
    if (g_overrides[i].source != line) continue;
    gsi = g_overrides[i].gsi;
    const uint16_t f = g_overrides[i].flags;
    mode = 0;
    if ((f & 0x3) == 0x3) mode |= kActiveLow;     // polarity: 11 = active low
    if (((f >> 2) & 0x3) == 0x3) mode |= kLevel;  // trigger: 11 = level
  }
  for (size_t i = 0; i < g_ioapic_count; ++i) {
    IoApicInfo& io = g_ioapics[i];
    if (gsi >= io.gsi_base && gsi < io.gsi_base + io.entries) {
      out = Route{&io, gsi - io.gsi_base, mode};
      return true;
    }
  }
  return false;
}

void write_entry(IoApicInfo& io, unsigned entry, uint32_t low, uint32_t high) {
  io.regs[0] = 0x10 + 2 * entry + 1;
  io.regs[4] = high;
  io.regs[0] = 0x10 + 2 * entry;
  io.regs[4] = low;
}

void set_mask(IoApicInfo& io, unsigned entry, bool masked) {
  io.regs[0] = 0x10 + 2 * entry;
  const uint32_t low = io.regs[4];
  io.regs[4] = masked ? (low | kMasked) : (low & ~kMasked);
}

}  // namespace

unsigned ioapic_add(uint64_t mmio_phys, uint32_t gsi_base) {
  // Index register at +0, data window at +0x10; register 1 holds the highest entry number
  // in bits 16-23 [82093AA I/O APIC datasheet §3].
  auto* regs = static_cast<volatile uint32_t*>(map_mmio(mmio_phys));
  regs[0] = 1;
  const unsigned entries = ((regs[4] >> 16) & 0xff) + 1;
  for (unsigned i = 0; i < entries; ++i) {
    regs[0] = 0x10 + 2 * i;
    regs[4] = kMasked;
    regs[0] = 0x10 + 2 * i + 1;
    regs[4] = 0;
  }
  if (g_ioapic_count < kMaxIoApics) g_ioapics[g_ioapic_count++] = IoApicInfo{regs, gsi_base, entries};
  return entries;
}

void isa_override_add(uint8_t source, uint32_t gsi, uint16_t flags) {
  if (g_override_count < kMaxOverrides) g_overrides[g_override_count++] = IsaOverride{source, gsi, flags};
}

void device_interrupt(uint64_t vector) {
  lapic_eoi();
  kernel::irq_interrupt(static_cast<unsigned>(vector - kDeviceVectorBase));
}

}  // namespace platform::x86

namespace platform {

bool route_irq(uint32_t line, unsigned index, unsigned cpu) {
  using namespace x86;
  x86::Route route;
  if (index >= kDeviceVectorCount || cpu >= cpu_count() || !find_route(line, route)) return false;
  if (apic_id_of(cpu) >= kBroadcastApicId) return false;  // beyond the entry's 8-bit destination
  const uint32_t low = static_cast<uint32_t>(kDeviceVectorBase + index) | route.polarity_trigger | kMasked;
  // Fixed delivery, physical destination: the APIC ID in bits 56-63.
  write_entry(*route.ioapic, route.entry, low, apic_id_of(cpu) << 24);
  return true;
}

void mask_irq(uint32_t line, bool masked) {
  x86::Route route;
  if (x86::find_route(line, route)) x86::set_mask(*route.ioapic, route.entry, masked);
}

}  // namespace platform
