// The fastpath's decisions: a call or reply_recv whose peer can run at once on this CPU or
// waits on another, yield, signal, wait, and a cap_delete that goes in one step, each carried
// out in one pass with exactly the general path's result (on the first try, register-only
// messages to a peer on this CPU without out-of-line calls).
// Each operation either does all of its work and returns the thread to run, or changes
// nothing and returns no thread, and the general path (syscall_dispatch) then runs the system
// call from the start. docs/kernel.md, "The IPC fastpath", lists the preconditions and what
// the fastpath skips.
#pragma once

#include "arch/direct_switch.h"  // the platform's, or the host tests' own
#include "kernel/component.h"
#include "kernel/cpu.h"
#include "kernel/endpoint.h"
#include "kernel/message.h"
#include "kernel/notification.h"
#include "kernel/scheduler.h"
#include "kernel/syscall_args.h"

namespace kernel {

/// What the fastpath decided. `next()` is the thread to run: nullptr when the general path must
/// run the system call (nothing was changed), self when self goes on. With `message()`, next
/// receives self's message on its way out to ring 3: kOk, self's info word and message
/// registers, which the entry's exit loads straight from self's frame and registers instead of
/// copying them into next's, and the badge, which the fastpath wrote into next's frame
/// (deliver_badge; docs/kernel.md, "The IPC fastpath").
class FastPath {
 public:
  FastPath() = default;
  FastPath(Thread* next) : next_(next) {}  // NOLINT: implicit, as a result
  static FastPath with_message(Thread* next) {
    FastPath r(next);
    r.message_ = true;
    return r;
  }

  /// The answer of fastpath<Try::kFirst> to a call or reply_recv that only the second try
  /// does (a message beyond the registers, a peer on another CPU): nothing changed, and
  /// fastpath<Try::kSecond> may do it.
  static FastPath second_try() {
    FastPath r;
    r.second_try_ = true;
    return r;
  }

  Thread* next() const { return next_; }
  bool message() const { return message_; }
  bool wants_second_try() const { return second_try_; }

 private:
  Thread* next_ = nullptr;
  bool message_ = false;
  bool second_try_ = false;
};

/// Which calls and reply_recvs the fastpath does: on the entry's first try, kept free of
/// out-of-line calls so that the entry saves no more registers than the common case uses,
/// only register-only messages to a peer on this CPU; on the second, also words beyond the
/// registers and caps (check_message and transfer_extra) and a peer on another CPU (its
/// interrupt, and the switch to the idle thread here).
enum class Try : uint8_t { kFirst, kSecond };

/// The cap in `slot` of self's table when it is a live endpoint cap with every right in
/// `needed` and its endpoint is up; nullptr otherwise (the general path says why).
[[gnu::always_inline]] inline Cap* fast_endpoint_cap(const Thread& self, uint64_t slot, uint16_t needed) {
  Cap* cap = self.component->caps.find(slot, tessera::CapType::kEndpoint, needed);
  if (cap == nullptr || static_cast<const Endpoint*>(cap->object)->down) return nullptr;
  return cap;
}

/// Hands self's message to `to` with `badge`. Register-only (`beyond` false), the entry's exit
/// loads it from self's frame and only the badge is written; otherwise it is copied into to's
/// frame and its words and caps moved as the general path moves them (transfer_extra, which
/// also writes the info word `to` sees), and `to` resumes from its frame.
[[gnu::always_inline]] inline FastPath hand_message(const Thread* self, Thread* to, uint64_t badge, bool beyond) {
  if (!beyond) [[likely]] {
    deliver_badge(*to->frame, badge);
    return FastPath::with_message(to);
  }
  deliver_message(*self->frame, *to->frame, badge);
  transfer_extra(self, to);
  return FastPath(to);
}

/// Hands self's message to `to`, which lives on another CPU, and gives this CPU to `next`
/// (next_here's answer): the message is copied into to's frame whole, since the entry's exit
/// leaves through next's, and its words and caps moved as the general path moves them; `to`
/// is queued on its own CPU, which is interrupted when `to` outranks what it runs (make_ready,
/// as hand_over does for a peer elsewhere).
[[gnu::always_inline]] inline FastPath hand_across(Cpu& cpu, const Thread* self, Thread* to, uint64_t badge,
                                                   bool beyond, Thread* next) {
  deliver_message(*self->frame, *to->frame, badge);
  if (beyond) transfer_extra(self, to);
  make_ready(cpu, to);
  if (next != cpu.idle) cpu.ready.pop_peeked(next);  // make_ready queued `to` on another CPU
  return FastPath(next);
}

/// Whether `t`, made ready on `cpu`, would run at once there (what hand_over decides): it
/// lives on `cpu` and outranks every queued thread, so no one of its priority is overtaken.
[[gnu::always_inline]] inline bool runs_at_once(const Cpu& cpu, const Thread& t) {
  return t.cpu == &cpu && static_cast<int>(t.priority) > cpu.ready.highest();
}

/// Whether the fastpath may switch to ready thread `t`: it can be resumed from its frame
/// (it left the kernel at the end of a system call, not through an interrupt) and
/// `can_switch(t)`.
template <class CanSwitch>
[[gnu::always_inline]] inline bool may_resume(Thread& t, CanSwitch& can_switch) {
  return platform::resumes_from_frame(t.context) && can_switch(t);
}

/// Who runs on this CPU when self blocks and its peer was made ready on another CPU (what
/// hand_over(cpu, nullptr) picks): the first ready thread, if it may be resumed from its frame
/// and `can_switch(it)`, or, with nothing ready, the idle thread if it starts afresh
/// (resumes_from_frame: it keeps nothing, docs/kernel.md). nullptr: the general path's switch.
template <class CanSwitch>
[[gnu::always_inline]] inline Thread* next_here(Cpu& cpu, CanSwitch& can_switch) {
  Thread* next = cpu.ready.peek_highest();
  if (next == nullptr) return platform::resumes_from_frame(cpu.idle->context) ? cpu.idle : nullptr;
  return may_resume(*next, can_switch) ? next : nullptr;
}

/// The thread a call or reply_recv switches to, decided before anything changes: `peer`, made
/// ready, when it runs at once on this CPU and `can_switch(peer)`; next_here's answer when it
/// lives on another CPU; nullptr (the general path) otherwise.
template <class CanSwitch>
[[gnu::always_inline]] inline Thread* fast_next(Cpu& cpu, Thread& peer, CanSwitch& can_switch) {
  if (peer.cpu != &cpu) return next_here(cpu, can_switch);
  return runs_at_once(cpu, peer) && can_switch(peer) ? &peer : nullptr;
}

/// kCall to a waiting receiver, on this CPU or another: ipc_call's first branch, with
/// hand_over's answer known before anything changes.
template <Try kTry, class CanSwitch>
[[gnu::always_inline]] inline FastPath fastpath_call(Cpu& cpu, Thread* self, MessageArgs args, CanSwitch can_switch) {
  const bool beyond = message_beyond_registers(args.info);
  if (kTry == Try::kFirst && beyond) return FastPath::second_try();
  Cap* cap = fast_endpoint_cap(*self, args.slot, tessera::rights::kSend);
  if (cap == nullptr) return {};
  auto* ep = static_cast<Endpoint*>(cap->object);
  Thread* server = ep->receivers.front();
  // A receiver with a deadline is in a timer queue too, which the general path leaves.
  if (server == nullptr || server->timer_queue != nullptr) return {};
  if (kTry == Try::kFirst && server->cpu != &cpu) return FastPath::second_try();
  Thread* next = fast_next(cpu, *server, can_switch);
  if (next == nullptr) return {};
  const bool grant = (cap->rights & tessera::rights::kGrant) != 0;
  // A message the general path would refuse goes there to be refused.
  if (beyond && check_message(self, args.info, grant) != Status::kOk) return {};
  ep->receivers.pop_front();
  server->blocked_on = nullptr;
  server->state = ThreadState::kReady;
  self->reply_grant = grant;
  self->state = ThreadState::kBlockedReply;
  self->callee = server;
  server->reply_to = self;
  if (next != server) return hand_across(cpu, self, server, cap->badge, beyond, next);
  return hand_message(self, server, cap->badge, beyond);
}

/// kReplyRecv with a caller to answer, on this CPU or another, and nothing queued on the
/// endpoint: ipc_reply_recv's first branch, with hand_over's answer known.
template <Try kTry, class CanSwitch>
[[gnu::always_inline]] inline FastPath fastpath_reply_recv(Cpu& cpu, Thread* self, MessageArgs args,
                                                           CanSwitch can_switch) {
  const bool beyond = message_beyond_registers(args.info);
  if (kTry == Try::kFirst && beyond) return FastPath::second_try();
  Thread* caller = self->reply_to;
  if (caller == nullptr) return {};
  if (kTry == Try::kFirst && caller->cpu != &cpu) return FastPath::second_try();
  Cap* cap = fast_endpoint_cap(*self, args.slot, tessera::rights::kRecv);
  if (cap == nullptr) return {};
  auto* ep = static_cast<Endpoint*>(cap->object);
  if (!ep->senders.empty()) return {};
  Thread* next = fast_next(cpu, *caller, can_switch);
  if (next == nullptr) return {};
  // A reply the general path would refuse goes there to be refused.
  if (beyond && check_message(self, args.info, caller->reply_grant) != Status::kOk) return {};
  self->reply_to = nullptr;
  caller->callee = nullptr;
  caller->state = ThreadState::kReady;
  self->state = ThreadState::kBlockedRecv;
  self->blocked_on = ep;
  ep->receivers.push_back(self);
  if (next != caller) return hand_across(cpu, self, caller, 0, beyond, next);
  return hand_message(self, caller, 0, beyond);  // a reply carries no badge
}

/// kYield: self goes on when no other thread of its priority (or above) is ready;
/// otherwise self goes behind its equals and the first ready thread runs, if it can be
/// resumed from its frame alone (it left the kernel through a system call, not an
/// interrupt) and `can_switch(it)`.
template <class CanSwitch>
[[gnu::always_inline]] inline Thread* fastpath_yield(Cpu& cpu, Thread* self, CanSwitch can_switch) {
  if (runs_at_once(cpu, *self)) {
    write_status(*self->frame, Status::kOk);
    return self;
  }
  Thread* next = cpu.ready.peek_highest();
  if (!may_resume(*next, can_switch)) return nullptr;
  write_status(*self->frame, Status::kOk);
  return yield(cpu, self);
}

/// kSignal: the bits are set; a waiter on this CPU gets the word and runs at once if it
/// outranks self, else is queued (notification_signal and wake). A waiter on another CPU
/// takes the general path, which interrupts that CPU.
template <class CanSwitch>
[[gnu::always_inline]] inline Thread* fastpath_signal(Cpu& cpu, Thread* self, SignalArgs args, CanSwitch can_switch) {
  Cap* cap = self->component->caps.find(args.slot, tessera::CapType::kNotification, tessera::rights::kSend);
  if (cap == nullptr) return nullptr;
  auto* n = static_cast<Notification*>(cap->object);
  const uint64_t bits = args.bits | cap->badge;
  if (bits == 0) return nullptr;  // refused: kInvalidArgument
  Thread* waiter = n->waiters.front();
  if (waiter != nullptr) {
    if (waiter->cpu != &cpu) return nullptr;
    if (waiter->priority > self->priority && !may_resume(*waiter, can_switch)) return nullptr;
  }
  n->word |= bits;
  write_status(*self->frame, Status::kOk);
  if (waiter == nullptr) return self;
  return wake_here(cpu, self, notification_deliver(n));  // the waiter, which lives on this CPU
}

/// kWait: the word at once if bits are set; otherwise self waits and the first ready thread
/// runs, if it may be resumed from its frame (with nothing ready, the general path runs the
/// idle thread).
template <class CanSwitch>
[[gnu::always_inline]] inline Thread* fastpath_wait(Cpu& cpu, Thread* self, SlotArgs args, CanSwitch can_switch) {
  Cap* cap = self->component->caps.find(args.slot, tessera::CapType::kNotification, tessera::rights::kRecv);
  if (cap == nullptr) return nullptr;
  auto* n = static_cast<Notification*>(cap->object);
  if (n->word != 0) {
    write_results(*self->frame, Status::kOk, WordResult{notification_poll(n)});
    return self;
  }
  Thread* next = cpu.ready.peek_highest();
  if (next == nullptr || !may_resume(*next, can_switch)) return nullptr;
  self->state = ThreadState::kBlockedWait;
  n->waiters.push_back(self);
  cpu.ready.pop_peeked(next);
  return next;
}

/// kCapDelete of a cap that goes in one step (cap_delete_at_once): no children to hand up,
/// nothing mapped to undo. Anything else (an empty, revoked or bad slot, a cap with children,
/// a mapped memory cap) takes the general path, which may need more than one step.
[[gnu::always_inline]] inline Thread* fastpath_cap_delete(Thread* self, SlotArgs args) {
  auto cap = self->component->caps.occupied(args.slot);
  if (!cap.ok() || !cap_delete_at_once(*cap.value())) return nullptr;
  write_status(*self->frame, Status::kOk);
  return self;
}

/// What fastpath() hands back by default: the decision itself (host tests look at it).
struct KeepDecision {
  FastPath operator()(FastPath r) const { return r; }
};

/// The fastpath for the system call in self's frame: finish(the thread to run), where that is
/// self, or another thread to switch to, self then blocked, perhaps with self's message, or no
/// thread when the general path must run the system call. `finish` is applied in each case
/// (inline), so that the compiler sees which kinds of result each case can make.
/// Precondition: the kernel lock is held.
template <Try kTry = Try::kSecond, class CanSwitch, class Finish = KeepDecision>
[[gnu::always_inline]] inline auto fastpath(Cpu& cpu, Thread* self, CanSwitch can_switch, Finish finish = {}) {
  // Its component was stopped from another CPU while it waited for the lock.
  if (self->state != ThreadState::kReady) return finish(FastPath{});
  const SyscallFrame& f = *self->frame;
  switch (syscall_number(f)) {
    case Syscall::kCall:
      return finish(fastpath_call<kTry>(cpu, self, read_args<MessageArgs>(f), can_switch));
    case Syscall::kReplyRecv:
      return finish(fastpath_reply_recv<kTry>(cpu, self, read_args<MessageArgs>(f), can_switch));
    case Syscall::kYield:
      return finish(fastpath_yield(cpu, self, can_switch));
    case Syscall::kSignal:
      return finish(fastpath_signal(cpu, self, read_args<SignalArgs>(f), can_switch));
    case Syscall::kWait:
      return finish(fastpath_wait(cpu, self, read_args<SlotArgs>(f), can_switch));
    case Syscall::kCapDelete:
      return finish(fastpath_cap_delete(self, read_args<SlotArgs>(f)));
    default:
      return finish(FastPath{});
  }
}

/// Whether the fastpath may switch this CPU from `from` to `to` directly: no I/O port grants
/// to open or close (switch_io_ports is the general path's) and the platform agrees.
[[gnu::always_inline]] inline bool switches_directly(const Cpu& cpu, Thread& from, Thread& to) {
  return cpu.io_owner == nullptr && to.component->ioport_count == 0 &&
         platform::direct_switch_possible(from.context, to.context);
}

}  // namespace kernel
