// Local APIC (x2APIC when the CPU has it, xAPIC otherwise), the I/O APIC, the calibrated
// time base and the scheduler tick [Intel SDM vol3 ch. 11].
#pragma once

#include <stdint.h>

namespace platform::x86 {

/// Interrupt vectors the platform uses. Exceptions own 0-31, the remapped and masked PICs
/// 0x20-0x2f (their spurious IRQs are ignored); 0xff is the APIC's spurious vector.
inline constexpr uint8_t kTimerVector = 0x40;
inline constexpr uint8_t kRescheduleVector = 0x41;
inline constexpr uint8_t kShootdownVector = 0x42;
inline constexpr uint8_t kSpuriousVector = 0xff;
/// No device or CPU uses it: the boot check of stray interrupts sends itself one (smp.cpp).
inline constexpr uint8_t kStrayTestVector = 0xf8;
/// What the IDT stub of every vector nobody owns passes for the vector (see idt.cpp).
inline constexpr uint64_t kStrayVector = 0x100;
// Device lines use 0x50-0x6f (irq.h).

/// The xAPIC destination that means every CPU: no single CPU with this APIC ID (or a
/// higher one) can be named in xAPIC mode, nor by an I/O APIC's 8-bit destination.
inline constexpr uint32_t kBroadcastApicId = 0xff;

/// The scheduler tick.
inline constexpr uint64_t kTickNs = 1'000'000;

/// Enables this CPU's local APIC (x2APIC mode when available); `mmio_phys` is the xAPIC
/// register page from the MADT. Call on every CPU, the bootstrap processor first.
void lapic_init(uint64_t mmio_phys);
/// This CPU's APIC ID.
uint32_t lapic_id();
bool lapic_x2apic();
void lapic_eoi();
/// Interrupts whose vector's upper four bits are at most those of `priority` stay pending
/// [Intel SDM vol3 §11.8.3.1]; 0 lets every vector through.
void lapic_set_task_priority(uint8_t priority);
/// The highest vector in service at this local APIC (one whose EOI is due), or -1.
int lapic_in_service();
/// A fixed-vector interrupt to the CPU with `apic_id`.
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/// INIT, then start-up IPIs with the 4 KiB page number `page` [Intel SDM vol3 §9.4.4.1].
/// Returns when `arrived()` is true or after the time-outs (then false).
bool lapic_start_ap(uint32_t apic_id, uint8_t page, bool (*arrived)());

/// Measures the TSC and the APIC timer against the PIT (bootstrap processor, once).
void time_calibrate();
/// Starts this CPU's periodic scheduler tick (TSC-deadline mode where available).
void tick_start();
/// Called from the timer interrupt: re-arms a TSC-deadline tick.
void tick_rearm();
uint64_t tsc_hz();
bool tsc_deadline_mode();

/// Busy-waits `ns` nanoseconds on the calibrated TSC.
void delay_ns(uint64_t ns);

inline uint64_t rdtsc() {
  uint32_t low, high;
  asm volatile("rdtsc" : "=a"(low), "=d"(high));
  return static_cast<uint64_t>(high) << 32 | low;
}

}  // namespace platform::x86
