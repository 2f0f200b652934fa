// Local APIC, the time base (TSC and APIC-timer rates from CPUID or a short measurement
// against the PIT), INIT-SIPI start-up of other CPUs, and the tick.
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
constexpr uint64_t kPitHz = 1'193'182;
/// The measurement window: 597 PIT clocks, 500 us (see docs/platform-x86_64.md, "Time base",
/// for what that costs and how accurate it is).
constexpr uint32_t kCalibrationPitTicks = 597;
constexpr int kCalibrationTries = 3;

/// One look at the TSC and the APIC timer over kCalibrationPitTicks of the PIT.
struct Window {
  uint64_t tsc = 0;     ///< TSC ticks from just before the PIT started to just after it ended
  uint32_t apic = 0;    ///< APIC timer counts (divided by 16) over the same span
  bool steady = false;  ///< no stall: no two looks at the clocks further apart than 1/8 of it
};

Window measure_window() {
  const uint8_t gate = inb(0x61);
  outb(0x61, static_cast<uint8_t>((gate & ~0x3) | 0x0));  // gate low, speaker off
  outb(0x43, 0xb0);                                       // channel 2, lo/hi, mode 0
  outb(0x42, static_cast<uint8_t>(kCalibrationPitTicks));
  outb(0x42, static_cast<uint8_t>(kCalibrationPitTicks >> 8));
  write(kTimerInitial, 0xffff'ffff);
  // Every read of the TSC before the gate opens and after the output rises, so that a delay
  // anywhere (an SMI, a host that deschedules this virtual CPU) can only lengthen what is
  // measured, and shows as a gap between two consecutive reads.
  const uint64_t first = rdtsc();
  const uint32_t apic_start = read(kTimerCurrent);
  const uint64_t tsc_start = rdtsc();
  uint64_t last = tsc_start;
  uint64_t widest = tsc_start - first;
  outb(0x61, static_cast<uint8_t>((gate & ~0x3) | 0x1));  // gate high: counting starts
  while ((inb(0x61) & 0x20) == 0) {
    const uint64_t now = rdtsc();
    if (now - last > widest) widest = now - last;
    last = now;
  }
  const uint64_t tsc_end = rdtsc();
  const uint32_t apic_end = read(kTimerCurrent);
  const uint64_t after = rdtsc();
  write(kTimerInitial, 0);
  outb(0x61, gate);
  if (tsc_end - last > widest) widest = tsc_end - last;
  if (after - tsc_end > widest) widest = after - tsc_end;
  return Window{tsc_end - tsc_start, apic_start - apic_end, widest * 8 < after - first};
}

/// The TSC rate CPUID states [Intel SDM vol2 CPUID leaves 15H and 16H]: the core crystal
/// clock (leaf 0x15 ECX) times the TSC/crystal ratio EBX/EAX; where the crystal is left out
/// (ECX = 0), the processor base frequency of leaf 0x16, which is the rate the TSC runs at,
/// nominally. 0 when the CPU states neither (AMD CPUs, older Intel ones, QEMU's TCG).
uint64_t tsc_hz_from_cpuid() {
  const uint32_t max_leaf = cpuid(0).eax;
  if (max_leaf < 0x15) return 0;
  const CpuidResult ratio = cpuid(0x15);
  if (ratio.eax == 0 || ratio.ebx == 0) return 0;
  if (ratio.ecx != 0) return uint64_t{ratio.ecx} * ratio.ebx / ratio.eax;
  if (max_leaf < 0x16) return 0;
  return uint64_t{cpuid(0x16).eax & 0xffff} * 1'000'000;
}

/// Whether a CPU needs the 10 ms between INIT and the first SIPI. Only the CPUs the MP
/// specification was written for: Intel's before the P6 family and its NetBurst family 0xF
/// (the 64-bit Pentium 4 and Xeon). Intel's family 6 and AMD's CPUs since family 0xF accept
/// the SIPI at once (Linux has started them so, with no wait, since 2015), and so do the
/// virtual CPUs of QEMU and KVM, which latch INIT and SIPI and act on them in order.
bool init_needs_wait() {
  const CpuidResult vendor = cpuid(0);
  const bool intel = vendor.ebx == 0x756e'6547 && vendor.edx == 0x4965'6e69 &&
                     vendor.ecx == 0x6c65'746e;  // GenuineIntel
  const uint32_t family = (cpuid(1).eax >> 8) & 0xf;
  return family < 6 || (intel && family == 0xf);
}

/// Puts an event of the machine's timers 10 us ahead: PIT channel 0 counts down once (mode
/// 0), its interrupt line masked at both PICs and the I/O APIC, so nothing else happens.
/// For QEMU with -icount, where an INIT charges the CPU it resets with the whole time slice
/// it was given, as if it had run that many instructions: QEMU gives each CPU the time to
/// the next timer event divided by the number of CPUs, and with nothing armed that is tens
/// of milliseconds, all counted in the TSC (docs/platform-x86_64.md, "Starting the other
/// CPUs"). The pause ends this CPU's slice, so the next slices are measured to the PIT's
/// event. On other machines it costs three port writes.
void timer_event_soon() {
  constexpr uint16_t kTicks = 12;  // 10 us
  outb(0x43, 0x30);                // channel 0, lo/hi, mode 0 (one count, no reload)
  outb(0x40, static_cast<uint8_t>(kTicks));
  outb(0x40, static_cast<uint8_t>(kTicks >> 8));
  asm volatile("pause");
}

/// Polls `done` for at most `ns` nanoseconds of the calibrated TSC; true as soon as it is.
bool wait_until(bool (*done)(), uint64_t ns) {
  const uint64_t deadline = rdtsc() + g_tsc_hz / 1000 * ns / 1'000'000;
  for (;;) {
    if (done()) return true;
    if (rdtsc() >= deadline) return done();
    asm volatile("pause");
  }
}

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
  // The sequence is INIT, 10 ms, SIPI, 200 us, SIPI, 200 us [Intel SDM vol3 §9.4.4.1, MP
  // spec 1.4 §B.4]. Here the waits after each SIPI are upper bounds: they end as soon as the
  // CPU reports in. A second SIPI goes only to a CPU that has not reported in yet, and does
  // nothing to one the first has started (a SIPI is taken only in the wait-for-SIPI state).
  // After it the wait is long, for a virtual CPU whose host thread has yet to run; a CPU
  // that is up costs none of it.
  timer_event_soon();
  send_icr(apic_id, kIcrInit | kIcrAssert);
  if (init_needs_wait()) delay_ns(10'000'000);
  send_icr(apic_id, kIcrStartup | kIcrAssert | page);
  if (wait_until(arrived, 200'000)) return true;
  send_icr(apic_id, kIcrStartup | kIcrAssert | page);
  return wait_until(arrived, 1'000'000'000);
}

void time_calibrate() {
  g_tsc_deadline = (cpuid(1).ecx & (1u << 24)) != 0;
  write(kTimerDivide, kTimerDivideBy16);
  write(kLvtTimer, 1u << 16);  // masked, one-shot
  g_tsc_hz = tsc_hz_from_cpuid();
  uint64_t apic_hz = 0;  // APIC timer counts per second after the divide by 16; 0: not needed
  const char* source = "TSC from CPUID";
  // The APIC timer's rate matters only in periodic mode, and is measured then: CPUID's
  // crystal clock is its rate on Intel CPUs [Intel SDM vol3 §11.5.4], but not under KVM,
  // whose APIC timer counts nanoseconds.
  if (g_tsc_hz == 0 || !g_tsc_deadline) {
    // The first steady window of three (or, if none was, the shortest: a stall only ever
    // lengthens one).
    Window best = measure_window();
    for (int i = 1; i < kCalibrationTries && !best.steady; ++i) {
      const Window w = measure_window();
      if (w.steady || w.tsc < best.tsc) best = w;
    }
    if (g_tsc_hz == 0) {
      g_tsc_hz = best.tsc * kPitHz / kCalibrationPitTicks;
      source = best.steady ? "measured against the PIT" : "measured against the PIT, disturbed";
    }
    apic_hz = uint64_t{best.apic} * kPitHz / kCalibrationPitTicks;
  }
  g_apic_ticks_per_tick = apic_hz * kTickNs / 1'000'000'000;
  if (g_apic_ticks_per_tick == 0) g_apic_ticks_per_tick = 1;
  g_tsc_per_tick = g_tsc_hz * kTickNs / 1'000'000'000;
  kernel::log("time: TSC %lu kHz (%s), APIC timer %lu kHz (/16), tick %lu us, %s mode\n", g_tsc_hz / 1000, source,
              apic_hz / 1000, kTickNs / 1000, g_tsc_deadline ? "TSC-deadline" : "periodic");
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
