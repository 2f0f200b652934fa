// A synchronous IPC endpoint: the threads waiting to send on it and to receive from it.
#pragma once

#include "kernel/thread.h"

namespace kernel {

struct Component;

/// Invariant: at most one of `senders` and `receivers` is non-empty.
struct Endpoint {
  ThreadQueue senders;         ///< kBlockedSend threads, in arrival order
  ThreadQueue receivers;       ///< kBlockedRecv threads, in arrival order
  Component* owner = nullptr;  ///< the component that receives on it
  bool dead = false;           ///< its owner stopped: every use fails with kPeerDied
};

}  // namespace kernel
