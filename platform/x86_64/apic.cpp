// Local APIC, I/O APIC, TSC and APIC-timer calibration against the PIT, and the tick.
#include "platform/x86_64/apic.h"

#include "kernel/log.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/paging.h"

namespace platform::x86 {
namespace {

// Registers as xAPIC MMIO offsets; the x2APIC MSR is 0x800 + offset / 16 [Intel SDM vol3
// §11.12.1.2, table 11-6].
enum Reg : uint32_t {
  kId = 0x20,
  kTpr = 0x80,
  kEoi = 0xb0,
  kSpurious = 0xf0,
  kIsr = 0x100,  // in-service bits 0-31; the next 7 registers follow every 0x10
  kIcrLow = 0x300,
  kIcrHigh = 0x310,
  kLvtTimer = 0x320,
  kTimerInitial = 0x380,
  kTimerCurrent = 0x390,
  kTimerDivide = 0x3e0,
};

constexpr uint32_t kApicBaseMsr = 0x1b;
constexpr uint64_t kApicBaseEnable = 1ull << 11;
constexpr uint64_t kApicBaseX2 = 1ull << 10;
constexpr uint32_t kTscDeadlineMsr = 0x6e0;
constexpr uint32_t kSpuriousEnable = 1u << 8;
constexpr uint32_t kIcrPending = 1u << 12;
constexpr uint32_t kIcrAssert = 1u << 14;
constexpr uint32_t kIcrInit = 5u << 8;
constexpr uint32_t kIcrStartup = 6u << 8;
constexpr uint32_t kTimerPeriodic = 1u << 17;
constexpr uint32_t kTimerTscDeadline = 2u << 17;
constexpr uint32_t kTimerDivideBy16 = 0x3;

bool g_x2apic = false;
volatile uint32_t* g_mmio = nullptr;
uint64_t g_tsc_hz = 0;
uint64_t g_apic_ticks_per_tick = 0;  // APIC timer counts (divided by 16) per scheduler tick
bool g_tsc_deadline = false;
uint64_t g_tsc_per_tick = 0;

uint64_t rdmsr_raw(uint32_t msr) { return rdmsr(static_cast<Msr>(msr)); }
void wrmsr_raw(uint32_t msr, uint64_t value) { wrmsr(static_cast<Msr>(msr), value); }

uint32_t read(Reg reg) {
  if (g_x2apic) return static_cast<uint32_t>(rdmsr_raw(0x800 + reg / 16));
  return g_mmio[reg / 4];
}

void write(Reg reg, uint32_t value) {
  if (g_x2apic) {
    wrmsr_raw(0x800 + reg / 16, value);
  } else {
    g_mmio[reg / 4] = value;
  }
}

void send_icr(uint32_t apic_id, uint32_t low) {
  if (g_x2apic) {
    // One 64-bit write, destination in the high half [Intel SDM vol3 §11.12.9].
    wrmsr_raw(0x830, static_cast<uint64_t>(apic_id) << 32 | low);
    return;
  }
  write(kIcrHigh, apic_id << 24);
  write(kIcrLow, low);
  while ((read(kIcrLow) & kIcrPending) != 0) asm volatile("pause");
}

// PIT channel 2 as a one-shot reference [Intel 8254 datasheet; port 0x61 bit 0 gates
// channel 2, bit 5 reads its output].
constexpr uint32_t kPitHz = 1'193'182;
constexpr uint32_t kCalibrationMs = 10;

}  // namespace

void lapic_init(uint64_t mmio_phys) {
  const bool has_x2apic = (cpuid(1).ecx & (1u << 21)) != 0;
  uint64_t base = rdmsr_raw(kApicBaseMsr) | kApicBaseEnable;
  if (has_x2apic) base |= kApicBaseX2;
  wrmsr_raw(kApicBaseMsr, base);
  g_x2apic = has_x2apic;
  if (!g_x2apic && g_mmio == nullptr) g_mmio = static_cast<volatile uint32_t*>(map_mmio(mmio_phys));
  write(kSpurious, kSpuriousEnable | kSpuriousVector);
}

uint32_t lapic_id() {
  if (g_x2apic) return static_cast<uint32_t>(rdmsr_raw(0x802));
  return read(kId) >> 24;
}

bool lapic_x2apic() { return g_x2apic; }

void lapic_eoi() { write(kEoi, 0); }

void lapic_set_task_priority(uint8_t priority) { write(kTpr, priority); }

int lapic_in_service() {
  for (int i = 7; i >= 0; --i) {
    const uint32_t bits = read(static_cast<Reg>(kIsr + 0x10 * static_cast<uint32_t>(i)));
    if (bits != 0) return i * 32 + (31 - __builtin_clz(bits));
  }
  return -1;
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector) { send_icr(apic_id, vector); }

bool lapic_start_ap(uint32_t apic_id, uint8_t page, bool (*arrived)()) {
  // INIT, 10 ms, then up to two SIPIs 200 us apart [Intel SDM vol3 §9.4.4.1]; emulators can
  // be slow to schedule the new CPU, so the wait for its first sign of life is generous.
  send_icr(apic_id, kIcrInit | kIcrAssert);
  delay_ns(10'000'000);
  for (int attempt = 0; attempt < 2; ++attempt) {
    send_icr(apic_id, kIcrStartup | kIcrAssert | page);
    const uint64_t deadline = rdtsc() + (attempt == 0 ? g_tsc_hz / 5 : g_tsc_hz);
    while (rdtsc() < deadline) {
      if (arrived()) return true;
      asm volatile("pause");
    }
  }
  return arrived();
}

void time_calibrate() {
  g_tsc_deadline = (cpuid(1).ecx & (1u << 24)) != 0;
  write(kTimerDivide, kTimerDivideBy16);
  write(kLvtTimer, 1u << 16);  // masked, one-shot
  const uint8_t gate = inb(0x61);
  outb(0x61, static_cast<uint8_t>((gate & ~0x3) | 0x0));  // gate low, speaker off
  outb(0x43, 0xb0);                                       // channel 2, lo/hi, mode 0
  const uint32_t count = kPitHz * kCalibrationMs / 1000;
  outb(0x42, static_cast<uint8_t>(count));
  outb(0x42, static_cast<uint8_t>(count >> 8));
  write(kTimerInitial, 0xffff'ffff);
  const uint32_t apic_start = read(kTimerCurrent);
  const uint64_t tsc_start = rdtsc();
  outb(0x61, static_cast<uint8_t>((gate & ~0x3) | 0x1));  // gate high: counting starts
  while ((inb(0x61) & 0x20) == 0) asm volatile("pause");
  const uint64_t tsc_end = rdtsc();
  const uint32_t apic_end = read(kTimerCurrent);
  write(kTimerInitial, 0);
  outb(0x61, gate);

  g_tsc_hz = (tsc_end - tsc_start) * (1000 / kCalibrationMs);
  const uint64_t apic_hz = uint64_t{apic_start - apic_end} * (1000 / kCalibrationMs);
  g_apic_ticks_per_tick = apic_hz * kTickNs / 1'000'000'000;
  if (g_apic_ticks_per_tick == 0) g_apic_ticks_per_tick = 1;
  g_tsc_per_tick = g_tsc_hz * kTickNs / 1'000'000'000;
  kernel::log("time: TSC %lu kHz, APIC timer %lu kHz (/16), tick %lu us, %s mode\n", g_tsc_hz / 1000, apic_hz / 1000,
              kTickNs / 1000, g_tsc_deadline ? "TSC-deadline" : "periodic");
}

void tick_start() {
  if (g_tsc_deadline) {
    write(kLvtTimer, kTimerTscDeadline | kTimerVector);
    // A write to the LVT must be ordered before the deadline MSR [Intel SDM vol3 §11.5.4.1].
    asm volatile("mfence" ::: "memory");
    wrmsr_raw(kTscDeadlineMsr, rdtsc() + g_tsc_per_tick);
    return;
  }
  write(kTimerDivide, kTimerDivideBy16);
  write(kLvtTimer, kTimerPeriodic | kTimerVector);
  write(kTimerInitial, static_cast<uint32_t>(g_apic_ticks_per_tick));
}

void tick_rearm() {
  if (g_tsc_deadline) wrmsr_raw(kTscDeadlineMsr, rdtsc() + g_tsc_per_tick);
}

uint64_t tsc_hz() { return g_tsc_hz; }
bool tsc_deadline_mode() { return g_tsc_deadline; }

void delay_ns(uint64_t ns) {
  const uint64_t end = rdtsc() + (g_tsc_hz != 0 ? g_tsc_hz : 1'000'000'000) / 1000 * ns / 1'000'000;
  while (rdtsc() < end) asm volatile("pause");
}

}  // namespace platform::x86
