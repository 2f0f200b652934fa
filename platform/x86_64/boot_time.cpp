// The boot figures: how long from the kernel's first instruction, and from reset, until the
// kernel lets the first component run. Logged once as BENCH lines in every boot.
#include "kernel/log.h"
#include "kernel/platform.h"
#include "platform/x86_64/apic.h"

/// The TSC as boot.S found it at the kernel's first instructions.
extern "C" uint64_t boot_entry_tsc;

namespace platform {

void user_thread_starting() {
  static bool noted = false;
  if (__atomic_load_n(&noted, __ATOMIC_RELAXED)) return;
  const uint64_t now = x86::rdtsc();
  // Two CPUs may get here at once (neither holds the kernel lock): one reports.
  if (__atomic_exchange_n(&noted, true, __ATOMIC_RELAXED)) return;
  // The TSC starts at 0 at reset under QEMU (TCG with -icount, KVM); under plain TCG it is
  // the host's, and only the first figure means anything. Lines go to the console buffer
  // and out at the next flush, so the component this CPU enters next does not wait.
  kernel::log("BENCH boot_kernel_to_first_component value=%lu unit=tsc\n", now - boot_entry_tsc);
  kernel::log("BENCH boot_reset_to_first_component value=%lu unit=tsc\n", now);
}

}  // namespace platform
