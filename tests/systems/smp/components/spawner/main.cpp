// spawner: thread creation within the description's quota (threads: 3). Two more threads
// start, run on CPUs of the component's affinity set and exit; a third beyond the quota is
// refused with kQuotaExceeded while they live, and allowed once they have exited.
#include "component.h"

namespace self = TESSERA_COMPONENT;

namespace {

uint32_t g_done = 0;
uint32_t g_cpu[3] = {};
uint8_t g_stacks[3][8192] __attribute__((aligned(16)));

void worker(void* arg) {
  const auto index = reinterpret_cast<uintptr_t>(arg);
  g_cpu[index] = tessera::sys::cpu_id();
  tessera::sys::sleep_ms(5);  // stay alive while main tries to exceed the quota
  __atomic_fetch_add(&g_done, 1, __ATOMIC_RELEASE);
}

void wait_for(uint32_t count) {
  while (__atomic_load_n(&g_done, __ATOMIC_ACQUIRE) < count) tessera::sys::sleep_ms(1);
}

}  // namespace

int main() {
  int failures = 0;
  uint32_t ids[2] = {};
  for (uintptr_t i = 0; i < 2; ++i) {
    if (tessera::sys::thread_create(worker, reinterpret_cast<void*>(i), g_stacks[i], sizeof g_stacks[i], &ids[i]) !=
        tessera::Status::kOk)
      ++failures;
  }
  const tessera::Status over = tessera::sys::thread_create(worker, reinterpret_cast<void*>(2), g_stacks[2],
                                                           sizeof g_stacks[2]);
  tessera::log("spawner: third extra thread while two live -> status %u: %s\n", static_cast<unsigned>(over),
               over == tessera::Status::kQuotaExceeded ? "ok" : "FAILED");
  if (over != tessera::Status::kQuotaExceeded) ++failures;
  wait_for(2);
  tessera::sys::sleep_ms(2);  // let both finish exiting
  const tessera::Status again = tessera::sys::thread_create(worker, reinterpret_cast<void*>(2), g_stacks[2],
                                                            sizeof g_stacks[2]);
  if (again != tessera::Status::kOk) ++failures;
  wait_for(3);
  tessera::log("spawner: threads %u and %u ran on cpus %u and %u, a later one on cpu %u; main on cpu %u\n", ids[0],
               ids[1], g_cpu[0], g_cpu[1], g_cpu[2], tessera::sys::cpu_id());
  // Affinity [0, 1]: each lands on the less loaded of the two (placement is host-tested).
  const bool spread = g_cpu[0] <= 1 && g_cpu[1] <= 1 && g_cpu[2] <= 1;
  tessera::log("spawner: threads ran within the affinity set: %s; after exits a new thread starts: %s\n",
               spread ? "ok" : "FAILED", again == tessera::Status::kOk ? "ok" : "FAILED");
  if (!spread) ++failures;
  tessera::log("spawner: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
