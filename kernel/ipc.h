// Synchronous IPC decisions: who blocks, who wakes, whose registers receive which message.
// Callers have already decoded and checked the caps; nothing here can fail.
// Each operation returns the thread that should run next on this CPU: `self` to go on,
// another thread to switch to directly, or nullptr when this CPU has nothing left to run.
// A thread of another CPU that becomes ready is queued there (make_ready).
#pragma once

#include "kernel/cpu.h"
#include "kernel/endpoint.h"
#include "kernel/result.h"

namespace kernel {

/// Sends self's message (its info word and message registers, and the rest from its IPC
/// buffer) and waits for the reply.
Thread* ipc_call(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t badge);
/// Sends self's message without waiting for a reply (blocks until it is received).
Thread* ipc_send(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t badge);
/// Takes the first queued message, or blocks until one arrives or, when `deadline` is not
/// TimerQueue::kNever, until the deadline passes (then the receiver gets kTimeout). A call
/// self still holds unanswered is dropped: its caller gets kCallDropped.
Thread* ipc_recv(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t deadline = TimerQueue::kNever);
/// Replies to self's caller (if any) and then receives from ep.
Thread* ipc_reply_recv(Cpu& cpu, Thread* self, Endpoint* ep);
/// Replies to self's caller, and self goes on. Precondition: self has a caller
/// (self->reply_to), which the decode of kReply checked.
Thread* ipc_reply(Cpu& cpu, Thread* self);

/// Makes a blocked thread ready with `status` as its system call's result (peer death); a
/// reporter is dropped instead (it never runs).
void ipc_abort(Cpu& cpu, Thread* t, Status status);
/// Takes a thread out of every IPC relation and queue (kDead); used when its component
/// stops. A caller it held the reply right for fails with `peer_status`.
void ipc_detach(Cpu& cpu, Thread* t, Status peer_status = Status::kPeerDied);
/// The endpoint's owner stopped: every use of ep fails with `status` (kPeerDied or
/// kPeerRestarted) until endpoint_revive, and so does everyone queued on it.
void endpoint_down(Cpu& cpu, Endpoint* ep, Status status);
/// The owner runs again (a new instance): ep works as it did at boot.
inline void endpoint_revive(Endpoint* ep) { ep->down = false; }
/// Sends the message in reporter's frame (a fault report) on ep with `badge`: to a waiting
/// receiver at once, else queued until one receives. The reporter never blocks or runs.
/// Precondition: ep is up and reporter is not queued.
void ipc_report(Cpu& cpu, Thread* reporter, Endpoint* ep, uint64_t badge);

}  // namespace kernel
