// boss: cowrace's supervisor, of low priority on CPU 0 so that cowrace's two threads get a
// CPU each (the built-in supervisor would outrank them and push both onto one CPU). It only
// logs the report of cowrace's ending.
#include "component.h"

int main() {
  tessera::Message msg;
  for (;;) {
    tessera::Ending ending;
    tessera::FaultReport r;
    if (tessera::sys::recv(boss::caps::kFaultEndpoint, msg) != tessera::Status::kOk ||
        !tessera::decode_fault_report(msg, ending, r))
      continue;
    tessera::log("boss: cowrace ended (%s, vector %lu, exit code %lu)\n",
                 ending == tessera::Ending::kFault ? "fault" : "exit", r.vector, r.exit_code);
  }
}
