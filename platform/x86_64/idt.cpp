// The interrupt descriptor table: vectors 0-31 to the exception stubs, the APIC and device
// vectors to theirs, the APIC's spurious vector ignored, the rest to the stray stub.
#include "platform/x86_64/apic.h"
#include "platform/x86_64/cpu_local.h"
#include "platform/x86_64/exceptions.h"
#include "platform/x86_64/irq.h"

extern "C" const uint64_t exception_stubs[32];
extern "C" const uint64_t device_stubs[32];
extern "C" void ignore_interrupt();
extern "C" void interrupt_stub_0x100();
extern "C" void interrupt_stub_0x40();
extern "C" void reschedule_stub();
extern "C" void interrupt_stub_0x42();

namespace platform::x86 {
namespace {

// A 64-bit interrupt gate [Intel SDM vol3 §6.14.1].
struct [[gnu::packed]] Gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attributes;
  uint16_t offset_middle;
  uint32_t offset_high;
  uint32_t reserved;
};
static_assert(sizeof(Gate) == 16);

// P=1, DPL=0, type 0xE (interrupt gate: IF cleared on entry, so the kernel runs with
// interrupts off). DPL 0 also makes `int n` from ring 3 a #GP instead of a fake exception.
constexpr uint8_t kInterruptGate = 0x8e;

alignas(16) Gate g_idt[256];

void set_gate(uint8_t vector, uint64_t handler, IstStack ist) {
  g_idt[vector] = Gate{static_cast<uint16_t>(handler),
                       kKernelCode,
                       static_cast<uint8_t>(ist),
                       kInterruptGate,
                       static_cast<uint16_t>(handler >> 16),
                       static_cast<uint32_t>(handler >> 32),
                       0};
}

}  // namespace

void idt_init() {
  for (unsigned v = 0; v < 256; ++v)
    set_gate(static_cast<uint8_t>(v), reinterpret_cast<uint64_t>(&interrupt_stub_0x100), IstStack{0});
  set_gate(kSpuriousVector, reinterpret_cast<uint64_t>(&ignore_interrupt), IstStack{0});
  for (uint8_t v = 0; v < 32; ++v) set_gate(v, exception_stubs[v], IstStack{0});
  set_gate(kTimerVector, reinterpret_cast<uint64_t>(&interrupt_stub_0x40), IstStack{0});
  set_gate(kRescheduleVector, reinterpret_cast<uint64_t>(&reschedule_stub), IstStack{0});
  set_gate(kShootdownVector, reinterpret_cast<uint64_t>(&interrupt_stub_0x42), IstStack{0});
  static_assert(kDeviceVectorCount == 32, "exception_entry.S has 32 device stubs");
  for (unsigned i = 0; i < kDeviceVectorCount; ++i)
    set_gate(static_cast<uint8_t>(kDeviceVectorBase + i), device_stubs[i], IstStack{0});
  // These may arrive with a corrupt or overflowing kernel stack: give them their own.
  set_gate(2, exception_stubs[2], IstStack::kNmi);
  set_gate(8, exception_stubs[8], IstStack::kDoubleFault);
  set_gate(18, exception_stubs[18], IstStack::kMachineCheck);
}

void idt_load() {
  struct [[gnu::packed]] {
    uint16_t limit;
    uint64_t base;
  } pointer{sizeof g_idt - 1, reinterpret_cast<uint64_t>(g_idt)};
  asm volatile("lidt %0" : : "m"(pointer));
}

}  // namespace platform::x86
