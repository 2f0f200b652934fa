// supervisor: the built-in supervisor the generator adds when a component has a restart
// policy and names no supervisor of its own. It starts the `start: manual` components it
// supervises, then waits for fault reports: it logs each as one line and, when the kernel
// says a restart is due (restart_pending: the policy of the description), restarts the
// component once its backoff has passed. It is an ordinary component: any other can take
// its place by being named in `supervisor:`.
#include "component.h"
#include "policy.h"

namespace self = TESSERA_COMPONENT;

namespace {

constexpr size_t kCount = self::supervision::kSupervisedCount;
const tessera::SupervisedComponent* const kTable = self::supervision::kSupervised;

void restart(size_t i) {
  uint64_t generation = 0;
  const tessera::Status s = tessera::sys::component_restart(kTable[i].control_slot, &generation);
  if (s == tessera::Status::kOk) {
    tessera::log("supervisor: %s runs again (generation %lu)\n", kTable[i].name, generation);
  } else {
    tessera::log("supervisor: restart of %s failed with status %u\n", kTable[i].name, static_cast<unsigned>(s));
  }
}

}  // namespace

int main() {
  for (size_t i = 0; i < kCount; ++i) {
    if (!kTable[i].manual_start) continue;
    const tessera::Status s = tessera::sys::component_start(kTable[i].control_slot);
    tessera::log("supervisor: started %s (status %u)\n", kTable[i].name, static_cast<unsigned>(s));
  }
  policy::RestartQueue<kCount> waiting;
  tessera::Message msg;
  for (;;) {
    // Restarts whose backoff is over, then the next report (or the next deadline).
    const uint64_t now = tessera::sys::clock_ns();
    for (size_t i = waiting.take_due(now); i != kCount; i = waiting.take_due(now)) restart(i);
    const uint64_t next = waiting.next();
    tessera::Status s;
    if (next == waiting.kNone) {
      s = tessera::sys::recv(self::caps::kFaultEndpoint, msg);
    } else {
      const uint64_t ms = next > now ? (next - now + 999'999) / 1'000'000 : 0;
      s = tessera::sys::recv_timeout(self::caps::kFaultEndpoint, msg, ms);
    }
    if (s != tessera::Status::kOk) continue;  // kTimeout: a restart is due
    tessera::Ending ending;
    tessera::FaultReport report;
    const size_t i = policy::find_by_badge(kTable, kCount, msg.badge);
    if (!tessera::decode_fault_report(msg, ending, report) || i == kCount) {
      tessera::log("supervisor: a message on the fault endpoint that is not a report (badge %lu)\n", msg.badge);
      continue;
    }
    const uint64_t wait = policy::backoff_ms(kTable[i].backoff_ms, report.restarts);
    char line[256];
    const size_t n = policy::describe(kTable[i], ending, report, wait, line, sizeof line);
    tessera::sys::debug_write(line, n);
    if (report.restart_pending == 0) {
      waiting.cancel(i);
    } else if (wait == 0) {
      restart(i);
    } else {
      waiting.schedule(i, tessera::sys::clock_ns() + wait * 1'000'000);
    }
  }
}
