// The endpoint system calls: send, call, recv (with or without a timeout), reply and
// reply_recv. Each decodes (the cap, its rights, the message) and then invokes an IPC
// operation of kernel/ipc.h, which cannot fail.
#include "kernel/component.h"
#include "kernel/ipc.h"
#include "kernel/message.h"
#include "kernel/scheduler.h"
#include "kernel/syscalls.h"

namespace kernel {
namespace {

using tessera::CapType;
namespace rights = tessera::rights;

/// A decoded send: where to, the badge its cap delivers, and whether a reply may carry caps.
struct SendOp {
  Endpoint* ep;
  uint64_t badge;
  bool grant;
};

/// The live endpoint behind slot `slot` of self's table, whose cap has `needed` rights.
[[gnu::always_inline]] inline Result<Cap*> endpoint_cap(const Thread& self, uint64_t slot, uint16_t needed) {
  Cap* cap = TRY(self.component->caps.lookup(slot, CapType::kEndpoint, needed));
  const Endpoint* ep = static_cast<Endpoint*>(cap->object);
  if (ep->down) [[unlikely]]
    return ep->down_status;
  return cap;
}

[[gnu::always_inline]] inline Result<Endpoint*> receive_endpoint(const Thread& self, uint64_t slot) {
  Cap* cap = TRY(endpoint_cap(self, slot, rights::kRecv));
  return static_cast<Endpoint*>(cap->object);
}

/// A message self sends with info word `info`: one beyond the registers is checked by
/// check_message (caps only when `may_grant`). The register-only case is the fast path, and
/// `kLong` says at compile time which of the two a handler is, so the fast one never makes
/// an out-of-line call before it hands over to IPC.
template <bool kLong>
[[gnu::always_inline]] inline Status check_outgoing(const Thread& self, uint64_t info, bool may_grant) {
  if constexpr (kLong) {
    return check_message(&self, info, may_grant);
  } else {
    return Status::kOk;
  }
}

template <bool kLong>
[[gnu::always_inline]] inline Result<SendOp> decode_send(const Thread& self, MessageArgs args) {
  Cap* cap = TRY(endpoint_cap(self, args.slot, rights::kSend));
  const bool grant = (cap->rights & rights::kGrant) != 0;
  if (Status s = check_outgoing<kLong>(self, args.info, grant); s != Status::kOk) return s;
  return SendOp{static_cast<Endpoint*>(cap->object), cap->badge, grant};
}

/// The reply self is about to give, if it has a caller: caps only when the caller called
/// through a cap with the grant right.
template <bool kLong>
[[gnu::always_inline]] inline Status check_reply(const Thread& self, uint64_t info) {
  if (self.reply_to == nullptr) return Status::kOk;
  return check_outgoing<kLong>(self, info, self.reply_to->reply_grant);
}

template <bool kLong>
[[gnu::always_inline]] inline Result<Endpoint*> decode_reply_recv(const Thread& self, MessageArgs args) {
  Endpoint* ep = TRY(receive_endpoint(self, args.slot));
  if (Status s = check_reply<kLong>(self, args.info); s != Status::kOk) return s;
  return ep;
}

template <bool kLong>
[[gnu::always_inline]] inline Thread* call(Cpu& cpu, Thread* self, MessageArgs args) {
  auto op = decode_send<kLong>(*self, args);
  if (!op.ok()) return refuse(self, op.status());
  self->reply_grant = op.value().grant;
  return ipc_call(cpu, self, op.value().ep, op.value().badge);
}

template <bool kLong>
[[gnu::always_inline]] inline Thread* send(Cpu& cpu, Thread* self, MessageArgs args) {
  auto op = decode_send<kLong>(*self, args);
  if (!op.ok()) return refuse(self, op.status());
  return ipc_send(cpu, self, op.value().ep, op.value().badge);
}

template <bool kLong>
[[gnu::always_inline]] inline Thread* reply_recv(Cpu& cpu, Thread* self, MessageArgs args) {
  auto ep = decode_reply_recv<kLong>(*self, args);
  if (!ep.ok()) return refuse(self, ep.status());
  return ipc_reply_recv(cpu, self, ep.value());
}

Status decode_reply(const Thread& self, ReplyArgs args) {
  if (self.reply_to == nullptr) return Status::kNoReplyTarget;
  if (!message_beyond_registers(args.info)) return Status::kOk;
  return check_reply<true>(self, args.info);
}

/// A decoded receive with a timeout: the endpoint and the deadline (kNever: none).
struct TimedRecvOp {
  Endpoint* ep;
  uint64_t deadline;
};

Result<TimedRecvOp> decode_recv_timeout(const Thread& self, RecvTimeoutArgs args) {
  if (args.ms > tessera::kMaxTimeoutMs) return Status::kInvalidArgument;
  Endpoint* ep = TRY(receive_endpoint(self, args.slot));
  // A zero timeout is a poll: nothing queued is its answer, not a wait.
  if (args.ms == 0 && ep->senders.empty()) return Status::kTimeout;
  return TimedRecvOp{ep, deadline_in_ms(args.ms)};
}

/// The long-message variants, out of line: the fast path then saves no registers.
[[gnu::noinline]] Thread* call_long(Cpu& cpu, Thread* self, MessageArgs args) { return call<true>(cpu, self, args); }
[[gnu::noinline]] Thread* send_long(Cpu& cpu, Thread* self, MessageArgs args) { return send<true>(cpu, self, args); }
[[gnu::noinline]] Thread* reply_recv_long(Cpu& cpu, Thread* self, MessageArgs args) {
  return reply_recv<true>(cpu, self, args);
}

}  // namespace

Thread* sys_call(Cpu& cpu, Thread* self, MessageArgs args) {
  if (message_beyond_registers(args.info)) return call_long(cpu, self, args);
  return call<false>(cpu, self, args);
}

Thread* sys_send(Cpu& cpu, Thread* self, MessageArgs args) {
  if (message_beyond_registers(args.info)) return send_long(cpu, self, args);
  return send<false>(cpu, self, args);
}

Thread* sys_recv(Cpu& cpu, Thread* self, SlotArgs args) {
  auto ep = receive_endpoint(*self, args.slot);
  if (!ep.ok()) return refuse(self, ep.status());
  return ipc_recv(cpu, self, ep.value());
}

Thread* sys_recv_timeout(Cpu& cpu, Thread* self, RecvTimeoutArgs args) {
  auto op = decode_recv_timeout(*self, args);
  if (!op.ok()) return refuse(self, op.status());
  return ipc_recv(cpu, self, op.value().ep, op.value().deadline);
}

Thread* sys_reply(Cpu& cpu, Thread* self, ReplyArgs args) {
  if (Status s = decode_reply(*self, args); s != Status::kOk) return refuse(self, s);
  return ipc_reply(cpu, self);
}

Thread* sys_reply_recv(Cpu& cpu, Thread* self, MessageArgs args) {
  if (message_beyond_registers(args.info)) return reply_recv_long(cpu, self, args);
  return reply_recv<false>(cpu, self, args);
}

}  // namespace kernel
