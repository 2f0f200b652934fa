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
  /// kOk while its owner runs; once the owner stopped, what every use of it fails with:
  /// kPeerRestarted while a restart is due (until the new instance runs), else kPeerDied.
  Status down = Status::kOk;
};

}  // namespace kernel
