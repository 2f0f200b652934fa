// misuse: IPC that must be refused before anything is sent or received: bad slots, missing
// rights, info words claiming too many words or caps, caps that cannot be sent, and replies
// without a caller. Nothing here may reach the ponger (its cap is one of the targets).
#include "probe.h"

namespace probe {
namespace {

using tessera::make_info;
namespace caps = self::caps;

constexpr uint32_t kFree = caps::kFirstFree;         // a free slot, empty at the start
constexpr uint32_t kNoGrant = caps::kFirstFree + 1;  // a copy of the pong cap without grant
constexpr uint32_t kChild = caps::kFirstFree + 2;    // a copy of the pong cap, revoked below

/// A send or call of `info` through `slot` with caps `sent` named in the IPC buffer.
Status send(Syscall number, uint64_t slot, uint64_t info, const uint32_t (&sent)[4] = {0, 0, 0, 0}) {
  tessera::IpcBuffer* buffer = tessera::sys::detail::ipc_buffer();
  for (unsigned i = 0; i < tessera::kMaxMessageCaps; ++i) buffer->send_caps[i] = sent[i];
  return raw(number, Regs{slot, info, 1, 2, 3, 4, 5, 6}).status;
}

const char* call_name(Syscall number) { return number == Syscall::kSend ? "send" : "call"; }

/// Slots a send or call must not get through, whatever the message.
void bad_slots(Syscall number) {
  const char* n = call_name(number);
  const uint64_t good = make_info(1, 1);
  // 1 << 32 | kPong names the pong cap in its low half; a message it refuses keeps a
  // truncating kernel from actually calling.
  const uint64_t slots[] = {caps::kSlotCount, caps::kSlotCount + 1, 4096, 1ull << 32, kAll, kTop};
  for (uint64_t slot : slots) {
    expect(send(number, slot, good), Status::kInvalidSlot, "%s through slot 0x%lx", n, slot);
    expect(send(number, slot | caps::kPong, make_info(1, 129)), Status::kInvalidSlot,
           "%s of 129 words through slot 0x%lx", n, slot | caps::kPong);
  }
  expect(send(number, 0, good), Status::kEmptySlot, "%s through slot 0", n);
  expect(send(number, kFree, good), Status::kEmptySlot, "%s through an empty slot", n);
  expect(send(number, caps::kEndpoint, good), Status::kNoRights, "%s through my endpoint (recv only)", n);
  expect(send(number, caps::kScratch, good), Status::kWrongType, "%s through a memory cap", n);
  expect(send(number, kChild, good), Status::kRevoked, "%s through a revoked cap", n);
}

/// Messages the pong cap (send, grant) must refuse before the ponger sees them.
void bad_messages(Syscall number) {
  const char* n = call_name(number);
  for (uint32_t words = tessera::kMaxMessageWords + 1; words <= 255; words += 7)
    expect(send(number, caps::kPong, make_info(1, words)), Status::kInvalidArgument, "%s of %u words", n, words);
  for (uint32_t count = tessera::kMaxMessageCaps + 1; count <= 7; ++count)
    expect(send(number, caps::kPong, make_info(1, 0, count), {caps::kPong, caps::kPong, caps::kPong, caps::kPong}),
           Status::kInvalidArgument, "%s of %u caps", n, count);
  // Both limits exceeded, and junk in the info word's unused high bits.
  expect(send(number, caps::kPong, make_info(1, 200, 6) | (0x1fffffull << 43)), Status::kInvalidArgument,
         "%s of 200 words and 6 caps", n);
  // One cap, named by a slot that holds nothing the message may carry.
  const struct {
    uint32_t slot;
    Status want;
    const char* what;
  } one[] = {
      {0, Status::kEmptySlot, "slot 0"},
      {kFree, Status::kEmptySlot, "an empty slot"},
      {caps::kSlotCount, Status::kInvalidSlot, "the slot beyond my table"},
      {0xffff'ffffu, Status::kInvalidSlot, "slot ~0"},
      {caps::kEndpoint, Status::kNoRights, "my endpoint (no grant)"},
      {kNoGrant, Status::kNoRights, "a copy without grant"},
      {kChild, Status::kRevoked, "a revoked cap"},
  };
  for (const auto& c : one) {
    expect(send(number, caps::kPong, make_info(1, 1, 1), {c.slot, 0, 0, 0}), c.want, "%s of a cap in %s", n, c.what);
    // The last of four is the bad one: every cap is looked at.
    expect(send(number, caps::kPong, make_info(1, 1, 4), {caps::kPong, caps::kScratch, caps::kPong, c.slot}), c.want,
           "%s of four caps, the last in %s", n, c.what);
  }
  // Through a cap without grant no cap may go, whatever it names; too many words are still
  // too many.
  expect(send(number, kNoGrant, make_info(1, 1, 1), {caps::kPong, 0, 0, 0}), Status::kNoRights,
         "%s of a cap through a cap without grant", n);
  expect(send(number, kNoGrant, make_info(1, 129)), Status::kInvalidArgument,
         "%s of 129 words through a cap without grant", n);
}

/// Receiving through slots that cannot receive.
void bad_receives() {
  const struct {
    uint64_t slot;
    Status want;
    const char* what;
  } slots[] = {
      {0, Status::kEmptySlot, "slot 0"},
      {kFree, Status::kEmptySlot, "an empty slot"},
      {caps::kSlotCount, Status::kInvalidSlot, "the slot beyond my table"},
      {kAll, Status::kInvalidSlot, "slot ~0"},
      {(1ull << 32) | caps::kEndpoint, Status::kInvalidSlot, "slot 1 << 32 | my endpoint"},
      {caps::kPong, Status::kNoRights, "the pong cap (send only)"},
      {caps::kScratch, Status::kWrongType, "a memory cap"},
      {kChild, Status::kRevoked, "a revoked cap"},
  };
  for (const auto& s : slots) {
    expect(raw(Syscall::kRecv, Regs{s.slot}).status, s.want, "recv on %s", s.what);
    expect(raw(Syscall::kReplyRecv, Regs{s.slot, make_info(0, 0)}).status, s.want, "reply_recv on %s", s.what);
    expect(raw(Syscall::kRecvTimeout, Regs{s.slot, 0}).status, s.want, "recv_timeout on %s", s.what);
    expect(raw(Syscall::kRecvTimeout, Regs{s.slot, 5}).status, s.want, "recv_timeout of 5 ms on %s", s.what);
    // The notification and interrupt calls on the same slots: a type mismatch at best.
    const Status other = s.want == Status::kNoRights ? Status::kWrongType : s.want;
    expect(raw(Syscall::kSignal, Regs{s.slot, 1}).status, other, "signal on %s", s.what);
    expect(raw(Syscall::kWait, Regs{s.slot}).status, other, "wait on %s", s.what);
    expect(raw(Syscall::kPoll, Regs{s.slot}).status, other, "poll on %s", s.what);
    expect(raw(Syscall::kIrqAck, Regs{s.slot}).status, other, "irq_ack on %s", s.what);
  }
  expect(raw(Syscall::kSignal, Regs{caps::kEndpoint, 1}).status, Status::kWrongType, "signal on my endpoint");
  expect(raw(Syscall::kWait, Regs{caps::kEndpoint}).status, Status::kWrongType, "wait on my endpoint");
  expect(raw(Syscall::kIrqAck, Regs{caps::kScratch}).status, Status::kWrongType, "irq_ack on a memory cap");
  // The timeout is checked before the slot.
  expect(raw(Syscall::kRecvTimeout, Regs{caps::kEndpoint, (1ull << 40) + 1}).status, Status::kInvalidArgument,
         "recv_timeout of 2^40 + 1 ms");
  expect(raw(Syscall::kRecvTimeout, Regs{0, kAll}).status, Status::kInvalidArgument, "recv_timeout of ~0 ms on slot 0");
  // Nobody calls my endpoint: looking finds nothing, and waiting a little times out.
  expect(raw(Syscall::kRecvTimeout, Regs{caps::kEndpoint, 0}).status, Status::kTimeout, "recv_timeout of 0 ms");
  expect(raw(Syscall::kRecvTimeout, Regs{caps::kEndpoint, 1}).status, Status::kTimeout, "recv_timeout of 1 ms");
}

/// Replies with nobody to reply to, whatever they say.
void bad_replies() {
  const uint64_t infos[] = {make_info(0, 0),   make_info(0, 6),    make_info(0, 128),
                            make_info(0, 129), make_info(0, 0, 7), kAll};
  for (uint64_t info : infos) {
    expect(send(Syscall::kReply, 0, info, {kFree, 0, 0, 0}), Status::kNoReplyTarget, "reply 0x%lx with no caller",
           info);
    expect(send(Syscall::kReply, kAll, info), Status::kNoReplyTarget, "reply 0x%lx with no caller, rdi ~0", info);
  }
}

}  // namespace

void check_ipc() {
  // The copies the checks send through: one without grant, one to be revoked.
  expect(call(Syscall::kCapMint, caps::kPong, kNoGrant, tessera::rights::kSend), Status::kOk,
         "mint pong without grant");
  expect(call(Syscall::kCapCopy, caps::kPong, kChild), Status::kOk, "copy pong");
  const Answer revoked = raw(Syscall::kCapRevoke, Regs{kNoGrant});
  expect(revoked.status, Status::kOk, "revoke the copy without grant (it has no children)");
  expect_true(revoked.out.rdi == 0, "revoking a cap without children revokes none (got %lu)", revoked.out.rdi);
  // Revoking the pong cap revokes both copies; the copy without grant is made again.
  const Answer both = raw(Syscall::kCapRevoke, Regs{caps::kPong});
  expect(both.status, Status::kOk, "revoke the pong cap's copies");
  expect_true(both.out.rdi == 2, "revoking the pong cap revoked its 2 copies (got %lu)", both.out.rdi);
  expect(call(Syscall::kCapDelete, kNoGrant), Status::kOk, "delete the revoked copy without grant");
  expect(call(Syscall::kCapMint, caps::kPong, kNoGrant, tessera::rights::kSend), Status::kOk,
         "mint pong without grant again");

  for (Syscall number : {Syscall::kSend, Syscall::kCall}) {
    bad_slots(number);
    bad_messages(number);
  }
  bad_receives();
  bad_replies();

  expect(call(Syscall::kCapDelete, kChild), Status::kOk, "delete the revoked copy");
  expect(call(Syscall::kCapDelete, kNoGrant), Status::kOk, "delete the copy without grant");
  tessera::IpcBuffer* buffer = tessera::sys::detail::ipc_buffer();
  for (unsigned i = 0; i < tessera::kMaxMessageCaps; ++i) buffer->send_caps[i] = 0;
}

}  // namespace probe
