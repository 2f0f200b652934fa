// CPU discovery (ACPI MADT), AP start-up through the real-mode trampoline, IPIs, TLB
// shootdown and the platform's CPU and time calls.
#include "platform/x86_64/smp.h"

#include "kernel/log.h"
#include "kernel/platform.h"
#include "platform/x86_64/acpi.h"
#include "platform/x86_64/apic.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/cpu_init.h"
#include "platform/x86_64/cpu_local.h"
#include "platform/x86_64/irq.h"
#include "platform/x86_64/layout.h"
#include "platform/x86_64/multiboot2.h"
#include "platform/x86_64/paging.h"
#include "platform/x86_64/serial.h"

extern "C" {
extern const char ap_trampoline_start[];
extern const char ap_trampoline_end[];
extern const char ap_trampoline_params[];
}

extern "C" [[noreturn]] void ap_entry(uint64_t index);

namespace platform::x86 {
namespace {

constexpr uint64_t kTrampolinePhys = 0x8000;  // below 1 MiB, page aligned, never allocated
constexpr size_t kApBootStackPages = 4;

struct TrampolineParams {
  uint64_t cr3;
  uint64_t stack;
  uint64_t entry;
  uint64_t index;
};

uint32_t g_apic_ids[kMaxCpus];
unsigned g_cpu_count = 1;
uint64_t g_lapic_phys = 0xfee0'0000;
bool g_ap_arrived = false;
bool g_released = false;
uint64_t g_tsc_boot = 0;
uint64_t g_ns_per_tsc_fixed = 0;  // nanoseconds per TSC tick, 32.32 fixed point
// One pending TLB flush request per CPU (an address space root, 0 = none).
uint64_t g_shootdown_root[kMaxCpus];

const uint8_t* read_phys(uint64_t phys, size_t length, void*) {
  if (phys + length < phys || phys + length > direct_map_end()) return nullptr;
  return static_cast<const uint8_t*>(phys_to_virt(phys));
}

bool ap_arrived() { return __atomic_load_n(&g_ap_arrived, __ATOMIC_ACQUIRE); }

void log_cpu(unsigned index, uint32_t apic_id, const char* what) {
  kernel::log("smp: cpu %u (APIC ID %u) %s\n", index, apic_id, what);
}

/// A CPU of the MADT that gets no number.
void log_skipped(uint32_t apic_id, const char* why) { kernel::log("smp: APIC ID %u %s; not started\n", apic_id, why); }

// Maps physical 0..2 MiB at virtual 0 in the kernel's tables while APs start, so the
// trampoline survives turning paging on, and removes the mapping again.
void identity_map_low(bool on) {
  static uint64_t pdpt = 0;
  if (!on) {
    boot_pml4[0] = 0;
    flush_all_tlb(kernel_root());
    return;
  }
  if (pdpt == 0) {
    pdpt = alloc_frame();
    const uint64_t pd = alloc_frame();
    if (pdpt == 0 || pd == 0) kernel::panic("smp: no frames for the trampoline mapping");
    static_cast<uint64_t*>(phys_to_virt(pd))[0] = 0 | pte::kPresent | pte::kWrite | pte::kLarge;
    static_cast<uint64_t*>(phys_to_virt(pdpt))[0] = pd | pte::kPresent | pte::kWrite;
  }
  boot_pml4[0] = pdpt | pte::kPresent | pte::kWrite;
  flush_all_tlb(kernel_root());
}

bool start_ap(unsigned index, uint32_t apic_id) {
  if (!cpu_tables_reserve(index)) return false;
  const uint64_t stack = alloc_frames(kApBootStackPages);
  if (stack == 0) return false;
  auto* params = reinterpret_cast<TrampolineParams*>(static_cast<char*>(phys_to_virt(kTrampolinePhys)) +
                                                     (ap_trampoline_params - ap_trampoline_start));
  params->cr3 = kernel_root();
  params->stack = reinterpret_cast<uint64_t>(phys_to_virt(stack)) + kApBootStackPages * kPageSize;
  params->entry = reinterpret_cast<uint64_t>(&ap_entry);
  params->index = index;
  __atomic_store_n(&g_ap_arrived, false, __ATOMIC_RELEASE);
  return lapic_start_ap(apic_id, static_cast<uint8_t>(kTrampolinePhys >> 12), ap_arrived);
}

void start_aps(const kernel::acpi::Madt& madt, uint32_t bsp_id) {
  const size_t size = static_cast<size_t>(ap_trampoline_end - ap_trampoline_start);
  __builtin_memcpy(phys_to_virt(kTrampolinePhys), ap_trampoline_start, size);
  identity_map_low(true);
  for (size_t i = 0; i < madt.cpu_count; ++i) {
    const auto& cpu = madt.cpus[i];
    if (cpu.apic_id == bsp_id) continue;
    if (!cpu.enabled) {
      log_skipped(cpu.apic_id, "is disabled in the MADT");
      continue;
    }
    if (g_cpu_count == kMaxCpus) {
      log_skipped(cpu.apic_id, "is beyond the kernel's CPU limit");
      continue;
    }
    // xAPIC destinations are 8 bits, and 0xff means every CPU [Intel SDM vol3 §11.6.2.1];
    // the I/O APIC's are 8 bits in either mode (irq.cpp).
    if (cpu.apic_id >= kBroadcastApicId && !lapic_x2apic()) {
      log_skipped(cpu.apic_id, "cannot be addressed in xAPIC mode");
      continue;
    }
    const unsigned index = g_cpu_count;
    g_apic_ids[index] = cpu.apic_id;
    if (start_ap(index, cpu.apic_id)) {
      ++g_cpu_count;
      log_cpu(index, cpu.apic_id, "up");
    } else {
      // The index is reused by the next CPU; the system runs on those that came up.
      log_cpu(index, cpu.apic_id, "did not start; running without it");
    }
  }
  identity_map_low(false);
}

}  // namespace

// The AP's first C++ code, on its boot stack with the kernel's page tables.
extern "C" [[noreturn]] void ap_entry(uint64_t index) {
  cpu_init(static_cast<uint32_t>(index), kernel_root());
  lapic_init(g_lapic_phys);
  __atomic_store_n(&g_ap_arrived, true, __ATOMIC_RELEASE);
  // Halted, not spinning, until released: with dozens of CPUs a spinning one takes time from
  // the bootstrap processor wherever CPUs share a core (hyper-threads, an emulator running
  // every virtual CPU on one host thread), and under QEMU's -icount it counts in the TSC that
  // boot's accounting reads. The release's wake-up IPI may come before the hlt: sti delays
  // interrupts by one instruction, so a pending one ends the hlt [Intel SDM vol2 STI]. Its
  // vector is the stray-test one, which only gets an EOI (stray_interrupt); the task priority
  // holds back every other one (a device line, a reschedule) until this CPU has a kernel to
  // hand it to.
  static_assert(kStrayTestVector >= 0xf0, "the wake-up vector is above the held-back classes");
  lapic_set_task_priority(0xe0);
  while (!__atomic_load_n(&g_released, __ATOMIC_ACQUIRE)) asm volatile("sti; hlt; cli" ::: "memory");
  lapic_set_task_priority(0);
  tick_start();
  kernel::secondary_main();
}

/// An interrupt on a vector nobody owns (a misprogrammed device, a stray IPI). If the local
/// APIC delivered it, it is in service until an EOI, which would block its priority class
/// and every lower one on this CPU for good [Intel SDM vol3 §11.8.3]: acknowledge it. The
/// masked PICs' spurious IRQs and the APIC's spurious vector set no in-service bit and get
/// no EOI. Handlers never nest (interrupts stay off in the kernel), so the highest bit in
/// service is this interrupt's.
void stray_interrupt() {
  const int vector = lapic_in_service();
  if (vector < 0) return;
  lapic_eoi();
  static bool reported = false;
  if (vector != kStrayTestVector && !__atomic_exchange_n(&reported, true, __ATOMIC_RELAXED)) {
    kernel::log("apic: stray interrupt on vector 0x%016lx acknowledged (reported once)\n",
                static_cast<uint64_t>(vector));
  }
}

/// Boot check that the path above works: an interrupt on a vector nobody owns must leave
/// nothing in service, or the timer and every device would stop on this CPU.
void check_stray_interrupts() {
  lapic_send_ipi(lapic_id(), kStrayTestVector);
  asm volatile("sti; nop; nop; nop; nop; cli" ::: "memory");
  if (lapic_in_service() >= 0) kernel::panic("an interrupt on an unowned vector was left in service");
}

void smp_init(const kernel::mb2::BootInfo& info) {
  // Static: with every CPU an xAPIC can name it is a few KiB, too much for the boot stack.
  static kernel::acpi::Madt madt;
  kernel::acpi::Status status = kernel::acpi::Status::kBadRsdp;
  if (info.rsdp != nullptr) status = kernel::acpi::parse_madt(info.rsdp, info.rsdp_length, read_phys, nullptr, madt);
  if (status != kernel::acpi::Status::kOk) {
    kernel::log("acpi: %s; running on the bootstrap processor only\n", kernel::acpi::status_name(status));
  } else {
    g_lapic_phys = madt.local_apic_address;
    if (madt.cpus_truncated)
      kernel::log("acpi: the MADT lists more than %lu CPUs; the rest are ignored\n", madt.cpu_count);
    for (size_t i = 0; i < madt.ioapic_count; ++i) {
      const unsigned entries = ioapic_add(madt.ioapics[i].address, madt.ioapics[i].gsi_base);
      kernel::log("acpi: I/O APIC %u at 0x%016lx, GSI %u..%u, all masked\n", madt.ioapics[i].id,
                  madt.ioapics[i].address, madt.ioapics[i].gsi_base, madt.ioapics[i].gsi_base + entries - 1);
    }
    for (size_t i = 0; i < madt.override_count; ++i) {
      isa_override_add(madt.overrides[i].source_irq, madt.overrides[i].gsi, madt.overrides[i].flags);
      kernel::log("acpi: IRQ %u -> GSI %u\n", madt.overrides[i].source_irq, madt.overrides[i].gsi);
    }
  }
  lapic_init(g_lapic_phys);
  const uint32_t bsp_id = lapic_id();
  g_apic_ids[0] = bsp_id;
  kernel::log(lapic_x2apic() ? "apic: x2APIC mode\n" : "apic: xAPIC mode\n");
  check_stray_interrupts();
  time_calibrate();
  g_tsc_boot = rdtsc();
  g_ns_per_tsc_fixed = (1'000'000'000ull << 32) / tsc_hz();
  log_cpu(0, bsp_id, "up (bootstrap processor)");
  if (status == kernel::acpi::Status::kOk) start_aps(madt, bsp_id);
  kernel::log("smp: %u %s running\n", g_cpu_count, g_cpu_count == 1 ? "CPU" : "CPUs");
}

uint32_t apic_id_of(unsigned cpu) { return g_apic_ids[cpu]; }

/// The reschedule interrupt taken in the idle thread's halt (syscall_entry.S): acknowledged
/// first, as interrupt_dispatch does, since the kernel may switch away before it returns.
extern "C" uintptr_t reschedule_in_idle() {
  lapic_eoi();
  return kernel::idle_wake();
}

void interrupt_dispatch(uint64_t vector) {
  // EOI first: the kernel may switch to another thread before this handler returns.
  if (vector >= kDeviceVectorBase && vector < kDeviceVectorBase + kDeviceVectorCount) return device_interrupt(vector);
  switch (vector) {
    case kTimerVector:
      lapic_eoi();
      tick_rearm();
      kernel::timer_interrupt();
      return;
    case kRescheduleVector:
      lapic_eoi();
      kernel::reschedule_interrupt();
      return;
    case kShootdownVector:
      lapic_eoi();
      platform::poll_remote_requests();
      return;
    default:
      return stray_interrupt();
  }
}

}  // namespace platform::x86

namespace platform {

unsigned cpu_count() { return x86::g_cpu_count; }

unsigned cpu_index() { return x86::this_cpu().index; }

uint64_t now_ns() {
  const uint64_t delta = x86::rdtsc() - x86::g_tsc_boot;
  return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * x86::g_ns_per_tsc_fixed) >> 32);
}

uint64_t cycle_count() { return x86::rdtsc(); }

void send_reschedule(unsigned cpu) { x86::lapic_send_ipi(x86::g_apic_ids[cpu], x86::kRescheduleVector); }

void release_secondary_cpus() {
  x86::console_go_asynchronous();
  __atomic_store_n(&x86::g_released, true, __ATOMIC_RELEASE);
  for (unsigned cpu = 1; cpu < x86::g_cpu_count; ++cpu)
    x86::lapic_send_ipi(x86::g_apic_ids[cpu], x86::kStrayTestVector);
  x86::tick_start();
}

void flush_tlb(const AddressSpace& as) {
  using namespace x86;
  const unsigned self = this_cpu().index;
  if (this_cpu().current_root == as.root) write_cr3(as.root);
  for (unsigned cpu = 0; cpu < g_cpu_count; ++cpu) {
    if (cpu == self) continue;
    __atomic_store_n(&g_shootdown_root[cpu], as.root, __ATOMIC_RELEASE);
    lapic_send_ipi(g_apic_ids[cpu], kShootdownVector);
  }
  // Each CPU clears its request after flushing: from an interrupt if it runs with them on,
  // or from the kernel lock's spin loop if it is waiting for the lock (see poll_remote_requests).
  for (unsigned cpu = 0; cpu < g_cpu_count; ++cpu)
    while (__atomic_load_n(&g_shootdown_root[cpu], __ATOMIC_ACQUIRE) != 0) asm volatile("pause");
}

void poll_remote_requests() {
  using namespace x86;
  PerCpu& me = this_cpu();
  const uint64_t root = __atomic_load_n(&g_shootdown_root[me.index], __ATOMIC_ACQUIRE);
  if (root == 0) return;
  // Reloading CR3 drops every non-global entry; user pages are never global.
  if (me.current_root == root) write_cr3(root);
  __atomic_store_n(&g_shootdown_root[me.index], 0, __ATOMIC_RELEASE);
}

}  // namespace platform
