// Synchronous IPC: message transfer between frames, endpoint queues and reply rights.
#include "kernel/ipc.h"

#include "kernel/message.h"

namespace kernel {
namespace {

/// Copies the message; the receiver's status becomes kOk and its rdi the badge. Words
/// beyond the registers and caps take the slow path (transfer_extra).
inline void transfer(const Thread* from, Thread* to, uint64_t badge) {
  const SyscallFrame* s = from->frame;
  SyscallFrame* d = to->frame;
  d->rax = static_cast<uint64_t>(Status::kOk);
  d->rdi = badge;
  d->rsi = s->rsi;
  for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) d->mr[i] = s->mr[i];
  if ((s->rsi >> 32) > tessera::kMessageRegisters) transfer_extra(from, to);
}

inline void block_for_reply(Thread* caller, Thread* server) {
  caller->state = ThreadState::kBlockedReply;
  caller->callee = server;
  server->reply_to = caller;
}

inline void enqueue_blocked(Thread* t, ThreadQueue& q, Endpoint* ep, ThreadState state) {
  t->state = state;
  t->blocked_on = ep;
  q.push_back(t);
}

inline Thread* dequeue(ThreadQueue& q) {
  Thread* t = q.pop_front();
  t->blocked_on = nullptr;
  // A message beat the receiver's deadline.
  if (t->timer_queue != nullptr) t->timer_queue->remove(t);
  return t;
}

/// Delivers the reply in server's frame to its caller; the caller becomes ready (unqueued).
inline Thread* deliver_reply(Thread* server) {
  Thread* caller = server->reply_to;
  transfer(server, caller, 0);
  server->reply_to = nullptr;
  caller->callee = nullptr;
  caller->state = ThreadState::kReady;
  return caller;
}

inline Thread* next_from_queue(Cpu& cpu) { return cpu.ready.pop_highest(); }

inline bool is_remote(const Cpu& cpu, const Thread* t) { return t->cpu != &cpu; }

}  // namespace

void make_ready(Cpu& cpu, Thread* t) {
  if (!is_remote(cpu, t)) {
    cpu.ready.enqueue(t);
    return;
  }
  Cpu& home = *t->cpu;
  home.ready.enqueue(t);
  // Only a thread that should preempt what its CPU runs is worth an interrupt; an equal
  // waits for the slice to end there. The interrupt is taken once that CPU has interrupts
  // on again, after this CPU lets go of the lock, so the wake-up cannot be lost.
  if (static_cast<int>(t->priority) > run_priority(home, home.current)) platform::send_reschedule(home.index);
}

Thread* hand_over(Cpu& cpu, Thread* candidate) {
  if (candidate != nullptr) {
    // Strictly higher: a thread made ready goes behind the equals already queued, so a caller
    // woken by a reply does not keep its peers of one priority from the CPU.
    if (!is_remote(cpu, candidate) && static_cast<int>(candidate->priority) > cpu.ready.highest())
      return candidate;
    make_ready(cpu, candidate);
  }
  return next_from_queue(cpu);
}

Thread* wake(Cpu& cpu, Thread* self, Thread* t) {
  if (!is_remote(cpu, t) && t->priority > self->priority) {
    cpu.ready.enqueue(self);
    return t;
  }
  make_ready(cpu, t);
  return self;
}

Thread* preempt_check(Cpu& cpu) {
  Thread* self = cpu.current;
  if (self == nullptr) return nullptr;
  if (self->state == ThreadState::kDead) return next_from_queue(cpu);
  if (self != cpu.idle && self->state != ThreadState::kReady) return self;
  if (cpu.ready.highest() > run_priority(cpu, self)) {
    if (self != cpu.idle) cpu.ready.enqueue(self);
    return next_from_queue(cpu);
  }
  return self;
}

Thread* ipc_call(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t badge) {
  if (!ep->receivers.empty()) {
    Thread* server = dequeue(ep->receivers);
    transfer(self, server, badge);
    server->state = ThreadState::kReady;
    block_for_reply(self, server);
    return hand_over(cpu, server);
  }
  self->sending_call = true;
  self->send_badge = badge;
  enqueue_blocked(self, ep->senders, ep, ThreadState::kBlockedSend);
  return hand_over(cpu, nullptr);
}

Thread* ipc_send(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t badge) {
  if (!ep->receivers.empty()) {
    Thread* receiver = dequeue(ep->receivers);
    transfer(self, receiver, badge);
    receiver->state = ThreadState::kReady;
    self->frame->rax = static_cast<uint64_t>(Status::kOk);
    return wake(cpu, self, receiver);
  }
  self->sending_call = false;
  self->send_badge = badge;
  enqueue_blocked(self, ep->senders, ep, ThreadState::kBlockedSend);
  return hand_over(cpu, nullptr);
}

Thread* ipc_recv(Cpu& cpu, Thread* self, Endpoint* ep, uint64_t deadline) {
  // Invariant: one reply right per server thread. Receiving again without answering drops
  // the call it holds, so that caller is not left waiting forever.
  if (self->reply_to != nullptr) {
    Thread* dropped = self->reply_to;
    self->reply_to = nullptr;
    ipc_abort(cpu, dropped, Status::kCallDropped);
  }
  if (!ep->senders.empty()) {
    Thread* sender = dequeue(ep->senders);
    transfer(sender, self, sender->send_badge);
    if (sender->sending_call) {
      block_for_reply(sender, self);
      return self;
    }
    sender->state = ThreadState::kReady;
    sender->frame->rax = static_cast<uint64_t>(Status::kOk);
    return wake(cpu, self, sender);
  }
  enqueue_blocked(self, ep->receivers, ep, ThreadState::kBlockedRecv);
  if (deadline != TimerQueue::kNever) cpu.timers.insert(self, deadline);
  return hand_over(cpu, nullptr);
}

Thread* sleep_until(Cpu& cpu, Thread* self, uint64_t deadline) {
  self->state = ThreadState::kSleeping;
  cpu.timers.insert(self, deadline);
  return hand_over(cpu, nullptr);
}

Thread* expire_timers(Cpu& cpu, uint64_t now) {
  while (Thread* t = cpu.timers.pop_expired(now)) {
    Status status = Status::kOk;
    if (t->state == ThreadState::kBlockedRecv) {
      t->queue->remove(t);
      t->blocked_on = nullptr;
      status = Status::kTimeout;
    }
    t->frame->rax = static_cast<uint64_t>(status);
    t->state = ThreadState::kReady;
    make_ready(cpu, t);
  }
  return preempt_check(cpu);
}

Thread* ipc_reply_recv(Cpu& cpu, Thread* self, Endpoint* ep) {
  if (self->reply_to == nullptr) return ipc_recv(cpu, self, ep);
  Thread* caller = deliver_reply(self);
  if (ep->senders.empty()) {
    // The fast path: the server waits again and the caller runs at once.
    enqueue_blocked(self, ep->receivers, ep, ThreadState::kBlockedRecv);
    return hand_over(cpu, caller);
  }
  Thread* next = ipc_recv(cpu, self, ep);  // takes a queued message; self stays runnable
  if (next != self) {
    make_ready(cpu, caller);
    return next;
  }
  return wake(cpu, self, caller);
}

Status ipc_reply(Cpu& cpu, Thread* self, Thread** next) {
  if (self->reply_to == nullptr) return Status::kNoReplyTarget;
  Thread* caller = deliver_reply(self);
  self->frame->rax = static_cast<uint64_t>(Status::kOk);
  *next = wake(cpu, self, caller);
  return Status::kOk;
}

void ipc_abort(Cpu& cpu, Thread* t, Status status) {
  if (t->queue != nullptr) t->queue->remove(t);
  if (t->timer_queue != nullptr) t->timer_queue->remove(t);
  t->blocked_on = nullptr;
  t->callee = nullptr;
  t->frame->rax = static_cast<uint64_t>(status);
  t->state = ThreadState::kReady;
  make_ready(cpu, t);
}

void ipc_detach(Cpu& cpu, Thread* t) {
  if (t->queue != nullptr) t->queue->remove(t);
  if (t->timer_queue != nullptr) t->timer_queue->remove(t);
  t->blocked_on = nullptr;
  if (t->callee != nullptr) {  // the server must not reply into a dead thread
    t->callee->reply_to = nullptr;
    t->callee = nullptr;
  }
  if (t->reply_to != nullptr) {  // our caller will never get an answer from us
    Thread* caller = t->reply_to;
    t->reply_to = nullptr;
    ipc_abort(cpu, caller, Status::kPeerDied);
  }
  t->state = ThreadState::kDead;
}

void endpoint_kill(Cpu& cpu, Endpoint* ep) {
  ep->dead = true;
  while (!ep->senders.empty()) ipc_abort(cpu, ep->senders.front(), Status::kPeerDied);
  while (!ep->receivers.empty()) ipc_abort(cpu, ep->receivers.front(), Status::kPeerDied);
}

}  // namespace kernel
