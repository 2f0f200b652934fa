// Synchronous IPC: message transfer between frames, endpoint queues and reply rights.
#include "kernel/ipc.h"

#include "kernel/message.h"
#include "kernel/scheduler.h"
#include "kernel/syscall_args.h"

namespace kernel {
namespace {

/// Copies the message; the receiver's status becomes kOk and its first result the badge.
/// Words beyond the registers and caps take the slow path (transfer_extra).
inline void transfer(const Thread* from, Thread* to, uint64_t badge) {
  deliver_message(*from->frame, *to->frame, badge);
  if (message_beyond_registers(message_info(*from->frame))) transfer_extra(from, to);
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

}  // namespace

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
    write_status(*self->frame, Status::kOk);
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
    if (sender->reporter) {  // the kernel sent it: nobody to wake
      sender->state = ThreadState::kDead;
      return self;
    }
    sender->state = ThreadState::kReady;
    write_status(*sender->frame, Status::kOk);
    return wake(cpu, self, sender);
  }
  enqueue_blocked(self, ep->receivers, ep, ThreadState::kBlockedRecv);
  if (deadline != TimerQueue::kNever) cpu.timers.insert(self, deadline);
  return hand_over(cpu, nullptr);
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

Thread* ipc_reply(Cpu& cpu, Thread* self) {
  Thread* caller = deliver_reply(self);
  write_status(*self->frame, Status::kOk);
  return wake(cpu, self, caller);
}

void ipc_abort(Cpu& cpu, Thread* t, Status status) {
  if (t->queue != nullptr) t->queue->remove(t);
  if (t->timer_queue != nullptr) t->timer_queue->remove(t);
  t->blocked_on = nullptr;
  if (t->reporter) {  // a report nobody will receive
    t->state = ThreadState::kDead;
    return;
  }
  t->callee = nullptr;
  write_status(*t->frame, status);
  t->state = ThreadState::kReady;
  make_ready(cpu, t);
}

void ipc_detach(Cpu& cpu, Thread* t, Status peer_status) {
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
    ipc_abort(cpu, caller, peer_status);
  }
  t->state = ThreadState::kDead;
}

void endpoint_down(Cpu& cpu, Endpoint* ep, Status status) {
  ep->down = true;
  ep->down_status = status;
  while (!ep->senders.empty()) ipc_abort(cpu, ep->senders.front(), status);
  while (!ep->receivers.empty()) ipc_abort(cpu, ep->receivers.front(), status);
}

void ipc_report(Cpu& cpu, Thread* reporter, Endpoint* ep, uint64_t badge) {
  if (!ep->receivers.empty()) {
    Thread* receiver = dequeue(ep->receivers);
    transfer(reporter, receiver, badge);
    receiver->state = ThreadState::kReady;
    reporter->state = ThreadState::kDead;
    make_ready(cpu, receiver);
    return;
  }
  reporter->sending_call = false;
  reporter->send_badge = badge;
  enqueue_blocked(reporter, ep->senders, ep, ThreadState::kBlockedSend);
}

}  // namespace kernel
