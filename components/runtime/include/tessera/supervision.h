// What a supervisor works with: the policy table the generator emits into its component.h
// (one entry per component it supervises) and the fault reports the kernel sends it.
#pragma once

#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/message.h>

namespace tessera {

/// One component a supervisor supervises, as the description says (restart, restart_limit,
/// restart_backoff, start).
struct SupervisedComponent {
  const char* name;
  uint32_t index;         ///< its index in the boot spec (FaultReport::component)
  uint32_t control_slot;  ///< the supervisor's component cap for it; also its reports' badge
  RestartPolicy restart;
  uint32_t restart_limit;  ///< restarts allowed; after that many an ending leaves it stopped
  uint32_t backoff_ms;     ///< wait before the first restart, doubled each time up to 1 s
  bool manual_start;       ///< `start: manual`: the supervisor starts it
};

/// The fault report a message on the fault endpoint carries; false when the message is not
/// one (a wrong label or word count: only the kernel can send on a fault endpoint, so that
/// means a kernel and runtime that disagree).
inline bool decode_fault_report(const Message& m, Ending& ending, FaultReport& report) {
  const uint32_t label = info_label(m.info);
  if (info_count(m.info) != kFaultReportWords ||
      (label != static_cast<uint32_t>(Ending::kFault) && label != static_cast<uint32_t>(Ending::kExit)))
    return false;
  ending = static_cast<Ending>(label);
  __builtin_memcpy(&report, m.mr, sizeof report);
  return true;
}

}  // namespace tessera
