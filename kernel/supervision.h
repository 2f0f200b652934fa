// Supervision: how a component's ending is decided (restart due or not), reported to its
// supervisor, and undone by a restart that brings the boot image back.
#pragma once

#include <stdint.h>

#include "kernel/cow.h"
#include "kernel/result.h"
#include "kernel/work_budget.h"
#include "tessera/spec_format.h"

namespace kernel {

struct Component;
struct Cpu;
struct Endpoint;
struct Thread;

/// Whether the description's policy restarts a component that ended as `ending` (with
/// `exit_code` for kExit) after `restarts` restarts: kOnFailure after a fault or a non-zero
/// exit, kAlways after any ending, and neither once `limit` restarts were made.
constexpr bool restart_due(tessera::RestartPolicy policy, tessera::Ending ending, uint64_t exit_code, uint64_t restarts,
                           uint32_t limit) {
  if (restarts >= limit) return false;
  switch (policy) {
    case tessera::RestartPolicy::kAlways:
      return true;
    case tessera::RestartPolicy::kOnFailure:
      return ending == tessera::Ending::kFault || exit_code != 0;
    default:
      return false;
  }
}

/// How far a reset got; a start repeats it (kIncomplete) until it is through.
enum class ResetStep : uint8_t { kThreads, kBuffers, kCaps, kMapWindow, kImage, kRegions, kDone };

/// What the kernel keeps of a component for its supervisor and its restarts.
struct Supervision {
  /// It ran since its last reset: a start resets it first (and counts a restart).
  bool ran = false;
  /// Boot built all of it (image, threads, mappings): only then can it be started. A
  /// component whose boot failed stays stopped for good.
  bool loaded = false;
  uint64_t generation = 0;  ///< restarts so far
  tessera::RestartPolicy restart = tessera::RestartPolicy::kNever;
  uint32_t restart_limit = 0;
  Endpoint* fault_endpoint = nullptr;  ///< its supervisor's; nullptr when nobody supervises it
  uint64_t report_badge = 0;
  Thread* reporter = nullptr;                      ///< the kernel's sender of its fault reports (supervised only)
  CowImage image;                                  ///< data, bss, heap and stack (supervised only)
  uint64_t entry = 0;                              ///< its ELF's entry point
  const tessera::spec::Component* boot = nullptr;  ///< its boot spec record (the module stays reserved)
  const tessera::spec::Cap* boot_caps = nullptr;   ///< boot->cap_count caps
  ResetStep step = ResetStep::kThreads;            ///< where the next reset goes on (kDone: through, not yet run)
  uint32_t cursor = 0;                             ///< within the step
  uint32_t restored = 0;                           ///< pages of the image the current reset gave back (for the log)
};

/// How a component ended, for its fault report.
struct EndingReport {
  tessera::Ending ending = tessera::Ending::kFault;
  uint32_t thread = 0;
  uint32_t cpu = 0;
  uint64_t vector = 0, error_code = 0, address = 0, ip = 0;
  uint64_t exit_code = 0;
};

/// Component c ended (a fault, or an exit with `report.exit_code`): stops it with its IPC
/// partners failing kPeerRestarted when its policy restarts it, else kPeerDied, and sends
/// its supervisor (if any) the fault report. `shutdown_status` is the system's exit status
/// when c is the shutdown component. Precondition: this CPU holds the kernel lock and c runs.
void component_ended(Cpu& cpu, Component* c, const EndingReport& report, uint32_t shutdown_status);

/// Supervisor `s` stopped: the stopped components it supervises will not be restarted or
/// started by it (its new instance, if any, never heard of them): their endpoints fail with
/// kPeerDied from now on (a start by someone else brings them back).
void drop_pending_restarts(Cpu& cpu, const Component& s);

/// A supervisor's kComponentStop: stops c for good (kPeerDied), with no report.
void component_stop(Cpu& cpu, Component* c);

/// A supervisor's kComponentStart of stopped c: undoes what its last instance did, as far as
/// `work` allows, and once that is done runs it anew. Its first thread (ready, not queued:
/// the caller wakes it), or kIncomplete when the same call must go on.
Result<Thread*> component_start(Cpu& cpu, Component* c, WorkBudget& work);

/// A write to `address` faulted in ring 3 in c: true when it was a first write to one of
/// c's copy-on-write pages, which it now has a copy of (the thread goes on), false when it
/// is a fault of the component.
bool component_write_fault(Component& c, uint64_t address);

}  // namespace kernel
