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

/// Sends self's message (frame rsi + MRs) and waits for the reply.
Thread* ipc_call(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t badge);
/// Sends self's message without waiting for a reply (blocks until it is received).
Thread* ipc_send(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t badge);
/// Takes the first queued message, or blocks until one arrives or, when `deadline` is not
/// TimerQueue::kNever, until the deadline passes (then the receiver gets kTimeout). A call
/// self still holds unanswered is dropped: its caller gets kCallDropped.
Thread* ipc_recv(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t deadline = TimerQueue::kNever);
/// Blocks self until `deadline`.
Thread* sleep_until(Cpu& cpu, Thread* self, uint64_t deadline);
/// Wakes every thread whose deadline is <= now: sleepers with kOk, receivers with kTimeout.
/// Returns the thread to run next instead of cpu.current if one of them outranks it.
Thread* expire_timers(Cpu& cpu, uint64_t now);
/// Replies to self's caller (if any) and then receives from ep.
Thread* ipc_reply_recv(Cpu& cpu, Thread* self, Endpoint* ep);
/// Replies to self's caller; kNoReplyTarget when there is none.
Status ipc_reply(Cpu& cpu, Thread* self, Thread** next);

/// Makes a blocked thread ready with `status` in its rax (used on peer death).
void ipc_abort(Cpu& cpu, Thread* t, Status status);
/// Takes a thread out of every IPC relation and queue; used when its component stops.
void ipc_detach(Cpu& cpu, Thread* t);
/// Marks ep dead and fails everyone queued on it with kPeerDied.
void endpoint_kill(Cpu& cpu, Endpoint* ep);

/// Queues ready thread `t` on its own CPU; when that is another CPU and t outranks what it
/// runs, interrupts it (platform::send_reschedule).
void make_ready(Cpu& cpu, Thread* t);
/// The thread cpu should run now instead of cpu.current: a queued thread that outranks it,
/// the next one when current is dead, or current itself.
Thread* preempt_check(Cpu& cpu);

/// Self stops running (blocked or dead): the next thread to run here, favouring `candidate`
/// (just made ready, not queued) when it lives on this CPU and outranks every queued thread
/// (an equal goes behind them); nullptr when only the idle thread is left.
Thread* hand_over(Cpu& cpu, Thread* candidate);
/// `t` became ready while `self` keeps running: queue it, or preempt self if t outranks it.
Thread* wake(Cpu& cpu, Thread* self, Thread* t);

}  // namespace kernel
