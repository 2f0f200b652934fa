// Generated from tests/systems/restart/interfaces/crashy.yaml by codegen/tessera-gen.py. Do not edit.
// Interface `crashy`: A counter whose server can be told to crash: `crash` is answered by a fault, so the caller's call is lost and the server restarted.
// Client<Transport> encodes calls into messages; Server<Impl> decodes them and calls Impl.
// Words beyond the six message registers travel in the IPC buffer, capabilities beside
// the words; the kernel transport does both, so the code below only fills a Message.
#pragma once

#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/bytes.h>
#include <tessera/message.h>
#include <tessera/outcome.h>

namespace tessera::interfaces::crashy {

/// The high 16 bits of every request label of this interface.
inline constexpr uint16_t kInterfaceId = 0xc4ce;
inline constexpr uint32_t kMethodCount = 3;
/// The most caps one request carries (servers keep that many empty slots ready).
inline constexpr uint32_t kMaxRequestCaps = 0;
/// The most words of one request and of one reply, and the most caps of one reply.
inline constexpr uint32_t kMaxRequestWords = 0;
inline constexpr uint32_t kMaxReplyWords = 1;
inline constexpr uint32_t kMaxReplyCaps = 0;
// The stubs below fill Message::mr and Message::caps up to these counts, and a label keeps
// the method number in its low 16 bits.
static_assert(kMaxRequestWords <= ::tessera::kMaxMessageWords && kMaxReplyWords <= ::tessera::kMaxMessageWords);
static_assert(kMaxRequestCaps <= ::tessera::kMaxMessageCaps && kMaxReplyCaps <= ::tessera::kMaxMessageCaps);
static_assert(kMethodCount >= 1 && kMethodCount <= 0xffff);

/// Errors a method can return; the number is the reply label.
enum class Error : uint32_t {
};

/// Request labels: (kInterfaceId << 16) | method number.
inline constexpr uint32_t kLabelGet = 0xc4ce0001;
inline constexpr uint32_t kLabelCrash = 0xc4ce0002;
inline constexpr uint32_t kLabelBump = 0xc4ce0003;

/// Calls the interface through `Transport::call(slot, msg)` (the kernel, or a Loopback in
/// tests), building each request in `Transport::message()` (the kernel transport's is the
/// calling thread's sys::message(), so long messages cost no copy in the runtime). A method
/// that returns caps takes, after its inputs, the empty slot each should arrive in.
template <class Transport>
class Client {
 public:
  Client(Transport& transport, uint32_t slot) : transport_(transport), slot_(slot) {}

  /// get() -> value: u64
  /// the counter
  Outcome<uint64_t, Error> get() {
    using Result_ = Outcome<uint64_t, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelGet, 0, 0);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      uint64_t value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// crash()
  /// the server faults instead of answering
  Outcome<void, Error> crash() {
    using Result_ = Outcome<void, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelCrash, 0, 0);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 0 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      return Result_();
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// bump() -> value: u64
  /// adds one to the counter and returns it
  Outcome<uint64_t, Error> bump() {
    using Result_ = Outcome<uint64_t, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelBump, 0, 0);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      uint64_t value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

 private:
  Transport& transport_;
  uint32_t slot_;
};

/// Decodes requests for `Impl`, which has every method with the Client's signature (without
/// the receive slots: a cap result is a slot of the server's own table). An Impl with a
/// `set_caller(uint64_t badge)` member learns, before each method, the badge of the cap the
/// request came through (system.yaml gives each client its own: clients::k<Name>).
template <class Impl>
struct Server {
  /// True if `label` names a method of this interface.
  static constexpr bool handles(uint32_t label) {
    return (label >> 16) == kInterfaceId && (label & 0xffffu) >= 1 && (label & 0xffffu) <= kMethodCount;
  }

  /// Decodes the request in `msg`, calls `impl`, and leaves the reply in `msg`. True if a
  /// method of `impl` was called: it owns the caps the request brought. False if the request
  /// was refused first (unknown label, wrong counts, undecodable words): its caps are still
  /// the caller's to delete (serve() does), or each such request would keep a free slot.
  [[nodiscard]] static bool dispatch(Impl& impl, Message& msg) {
    switch (::tessera::info_label(msg.info)) {
      case kLabelGet:
        return get_(impl, msg);
      case kLabelCrash:
        return crash_(impl, msg);
      case kLabelBump:
        return bump_(impl, msg);
      default:
        return ::tessera::wire::refuse(msg, Status::kUnknownMethod);
    }
  }

 private:
  static bool get_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<uint64_t, Error> outcome = impl.get();
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1, 0);
    return true;
  }
  static bool crash_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<void, Error> outcome = impl.crash();
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.info = ::tessera::make_info(kReplyOk, 0, 0);
    return true;
  }
  static bool bump_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<uint64_t, Error> outcome = impl.bump();
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1, 0);
    return true;
  }
};

}  // namespace tessera::interfaces::crashy
