// A synchronous IPC endpoint: the threads waiting to send on it and to receive from it.
#pragma once

#include "kernel/result.h"
#include "kernel/thread.h"

namespace kernel {

struct Component;

/// Invariant: at most one of `senders` and `receivers` is non-empty.
struct Endpoint {
  ThreadQueue senders;         ///< kBlockedSend threads, in arrival order
  ThreadQueue receivers;       ///< kBlockedRecv threads, in arrival order
  Component* owner = nullptr;  ///< the component that receives on it
  /// Its owner stopped: every use fails with `down_status`. (A flag of its own, so that the
  /// IPC fast path tests one byte.)
  bool down = false;
  /// While down: kPeerRestarted while a restart is due (until the new instance runs), else
  /// kPeerDied.
  Status down_status = Status::kPeerDied;

  /// What a use of it gets: kOk while it is up, else its down status.
  Status status() const { return down ? down_status : Status::kOk; }
};

}  // namespace kernel
