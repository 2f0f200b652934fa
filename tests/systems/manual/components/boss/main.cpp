// boss: a supervisor written by the user. Its worker (start: manual) must not run before the
// boss starts it; each run's fault report must name the worker, #UD and the instruction the
// worker said it would fault at. A component cap does only what a component cap does.
#include "../worker/runs.h"
#include "component.h"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("boss: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

const volatile Runs* runs() { return reinterpret_cast<const volatile Runs*>(boss::memory::kRunsBase); }

/// Waits for the next report and checks it against what run `run` left.
void check_report(uint64_t run) {
  tessera::Message msg;
  const tessera::Status s = tessera::sys::recv(boss::caps::kFaultEndpoint, msg);
  tessera::Ending ending;
  tessera::FaultReport r;
  const bool decoded = s == tessera::Status::kOk && tessera::decode_fault_report(msg, ending, r);
  expect(decoded, "a fault report arrived");
  if (!decoded) return;
  tessera::log("boss: report: ending %u, component %lu, thread %lu, cpu %lu, vector %lu, rip 0x%lx, restarts %lu\n",
               static_cast<unsigned>(ending), r.component, r.thread, r.cpu, r.vector, r.ip, r.restarts);
  const auto& worker = boss::supervision::kSupervised[0];
  expect(msg.badge == worker.control_slot, "its badge is the worker's control slot");
  expect(ending == tessera::Ending::kFault && r.component == worker.index && r.thread == 0,
         "it is a fault of the worker's first thread");
  if (run == 1) {
    expect(r.vector == 6, "the vector is #UD (6)");
    expect(runs()->count == run && r.ip == runs()->fault_ip, "the rip is where the worker said it would fault");
  } else {
    // A write to its text: a present page, a write, from user mode [Intel SDM vol3 §4.7].
    expect(r.vector == 14 && (r.error_code & 7) == 7, "a write to its own text is a page fault, never a copy");
    expect(runs()->count == run && r.address == runs()->fault_ip, "the address is the text it wrote to");
  }
  expect(r.restarts == run - 1 && r.restart_pending == 0, "restarts so far, and none due (restart: never)");
}

}  // namespace

int main() {
  static_assert(boss::supervision::kSupervisedCount == 1);
  const uint32_t worker = boss::caps::kControlWorker;
  tessera::sys::sleep_ms(20);
  expect(runs()->count == 0, "the worker did not run before it was started");

  // The component cap is not an endpoint, and the fault endpoint is not a component cap.
  tessera::Message msg;
  expect(tessera::sys::call(worker, msg) == tessera::Status::kWrongType, "a call through the component cap is refused");
  expect(tessera::sys::component_start(boss::caps::kFaultEndpoint) == tessera::Status::kWrongType,
         "a start through the fault endpoint is refused");
  expect(tessera::sys::component_start(0) == tessera::Status::kEmptySlot, "a start through slot 0 is refused");

  uint64_t generation = 99;
  expect(tessera::sys::component_start(worker, &generation) == tessera::Status::kOk && generation == 0,
         "start: generation 0");
  check_report(1);

  expect(tessera::sys::component_start(worker, &generation) == tessera::Status::kOk && generation == 1,
         "started again: generation 1");
  check_report(2);
  expect(tessera::sys::component_stop(worker, &generation) == tessera::Status::kOk && generation == 1,
         "stop of the stopped worker");

  tessera::log(failures == 0 ? "boss: PASS\n" : "boss: FAIL\n");
  return failures == 0 ? 0 : 1;
}
