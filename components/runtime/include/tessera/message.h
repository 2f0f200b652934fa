// A message as it travels through an endpoint, and the word-level wire encoding generated
// stubs use: every scalar, bool and enum is one message register. Header-only, freestanding.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <type_traits>

#include <tessera/abi.h>

namespace tessera {

/// One IPC message: the info word (label, word count, cap count), its words, the badge the
/// kernel delivers with a received request, and the caps it carries. Words beyond the
/// registers (mr[kMessageRegisters..]) and caps travel through the thread's IPC buffer; only
/// the first info_count words are meaningful, so only the register words start zeroed.
struct Message {
  uint64_t info = 0;
  uint64_t mr[kMaxMessageWords];
  uint64_t badge = 0;
  /// Sending: the slots of the caps to transfer. Received: the slots they arrived in.
  uint32_t caps[kMaxMessageCaps] = {};

  Message() { reset(); }

  /// Back to an empty message (cheaper than assigning Message{}: the words past the
  /// registers are left alone).
  void reset() {
    info = 0;
    for (unsigned i = 0; i < kMessageRegisters; ++i) mr[i] = 0;
    badge = 0;
    for (uint32_t& c : caps) c = 0;
  }
};

// A Message has the layout of an IPC buffer from its info word to its send_caps, so a thread's
// own Message can live in its buffer (sys::message()) and a long message sent from it or
// received into it needs no copy.
static_assert(offsetof(Message, mr) - offsetof(Message, info) ==
              offsetof(IpcBuffer, words) - offsetof(IpcBuffer, info));
static_assert(offsetof(Message, badge) - offsetof(Message, info) ==
              offsetof(IpcBuffer, badge) - offsetof(IpcBuffer, info));
static_assert(offsetof(Message, caps) - offsetof(Message, info) ==
              offsetof(IpcBuffer, send_caps) - offsetof(IpcBuffer, info));
static_assert(sizeof(Message) == offsetof(IpcBuffer, recv_slots) - offsetof(IpcBuffer, info));

/// A capability as an interface parameter or result: the slot it is in. Sending, a slot of
/// the sender's table (the kernel copies the cap to the receiver); received, the slot of the
/// receiver's table it arrived in, which the receiver now owns (sys::cap_delete when done).
/// A server's Impl owns the caps of the requests it is handed; those of a request refused
/// before that (unknown label, wrong counts, undecodable words) the generated serve() deletes.
template <CapType kType>
struct CapRef {
  uint32_t slot = 0;
  friend bool operator==(const CapRef&, const CapRef&) = default;
};
using EndpointCap = CapRef<CapType::kEndpoint>;
using NotificationCap = CapRef<CapType::kNotification>;
using MemoryCap = CapRef<CapType::kMemory>;

namespace wire {

/// The register form of an integer, bool or enum: zero-extended unsigned values, sign-extended
/// signed values, the underlying value of an enum.
template <class T>
constexpr uint64_t encode(T value) {
  static_assert(std::is_integral_v<T> || std::is_enum_v<T>, "only integers, bools and enums fit a register");
  if constexpr (std::is_enum_v<T>) {
    return static_cast<uint64_t>(static_cast<std::underlying_type_t<T>>(value));
  } else if constexpr (std::is_same_v<T, bool>) {
    return value ? 1u : 0u;
  } else if constexpr (std::is_signed_v<T>) {
    return static_cast<uint64_t>(static_cast<int64_t>(value));
  } else {
    return static_cast<uint64_t>(value);
  }
}

/// Decodes a register into an integer or bool; false if the word is not a value of T
/// (a bool other than 0/1, an unsigned too wide, a signed that is not a sign extension).
template <class T>
constexpr bool decode(uint64_t word, T& out) {
  static_assert(std::is_integral_v<T>, "decode() takes integers and bools; enums use decode_enum()");
  if constexpr (std::is_same_v<T, bool>) {
    if (word > 1) return false;
    out = word == 1;
    return true;
  } else if constexpr (std::is_signed_v<T>) {
    const int64_t v = static_cast<int64_t>(word);
    if constexpr (sizeof(T) < sizeof(int64_t)) {
      constexpr int64_t kMax = (int64_t{1} << (sizeof(T) * 8 - 1)) - 1;
      if (v < -kMax - 1 || v > kMax) return false;
    }
    out = static_cast<T>(v);
    return true;
  } else {
    if constexpr (sizeof(T) < sizeof(uint64_t)) {
      if ((word >> (sizeof(T) * 8)) != 0) return false;
    }
    out = static_cast<T>(word);
    return true;
  }
}

/// Decodes a register into an enum with `count` values numbered 0..count-1.
template <class E>
constexpr bool decode_enum(uint64_t word, uint32_t count, E& out) {
  static_assert(std::is_enum_v<E>);
  if (word >= count) return false;
  out = static_cast<E>(static_cast<std::underlying_type_t<E>>(word));
  return true;
}

/// Zeroes the registers and caps before a reply, so nothing of the request leaks into it
/// (words beyond the reply's count are never sent).
inline void clear(Message& msg) {
  for (unsigned i = 0; i < kMessageRegisters; ++i) msg.mr[i] = 0;
  for (uint32_t& c : msg.caps) c = 0;
}

/// Turns `msg` into a protocol-error reply: label kReplyProtocolError + status, no registers.
inline void reply_failure(Message& msg, Status status) {
  clear(msg);
  msg.info = make_info(kReplyProtocolError + static_cast<uint32_t>(status), 0);
}

/// reply_failure for a request refused before the implementation saw it; false, the value a
/// Server's dispatch returns for such a request (its caller then deletes the request's caps).
inline bool refuse(Message& msg, Status status) {
  reply_failure(msg, status);
  return false;
}

/// Copies the slots the caps of the received `msg` arrived in to `out`, before the reply
/// overwrites Message::caps; returns how many there are.
inline uint32_t arrived_caps(const Message& msg, uint32_t (&out)[kMaxMessageCaps]) {
  const uint32_t n = info_caps(msg.info) < kMaxMessageCaps ? info_caps(msg.info) : kMaxMessageCaps;
  for (uint32_t i = 0; i < n; ++i) out[i] = msg.caps[i];
  return n;
}

/// The reply to a call that did not succeed: a transport-level `status`, or else interface
/// error number `error` (1..0xffff; anything else is the server's bug, answered kBadMessage).
inline void reply_not_ok(Message& msg, Status status, uint32_t error) {
  if (status != Status::kOk) return reply_failure(msg, status);
  if (error == 0 || error >= kReplyProtocolError) return reply_failure(msg, Status::kBadMessage);
  clear(msg);
  msg.info = make_info(error, 0);
}

/// The Status a client reports for reply label `label` that is neither success nor one of the
/// method's errors: the status of a protocol error, or kBadMessage for anything else.
constexpr Status reply_status(uint32_t label) {
  if (label > kReplyProtocolError && label - kReplyProtocolError < kReplyProtocolError)
    return static_cast<Status>(label - kReplyProtocolError);
  return Status::kBadMessage;
}

}  // namespace wire
}  // namespace tessera
