// Generated from interfaces/kv.yaml by codegen/tessera-gen.py. Do not edit.
// Interface `kv`: Key-value store: u64 keys to u64 values.
// Client<Transport> encodes calls into messages; Server<Impl> decodes them and calls Impl.
#pragma once

#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/bytes.h>
#include <tessera/message.h>
#include <tessera/outcome.h>

namespace tessera::interfaces::kv {

/// The high 16 bits of every request label of this interface.
inline constexpr uint16_t kInterfaceId = 0x44a9;
inline constexpr uint32_t kMethodCount = 6;

/// Errors a method can return; the number is the reply label.
enum class Error : uint32_t {
  kNotFound = 1,
  kInvalidKey = 2,
  kFull = 3,
};

enum class Stat : uint32_t {
  kPuts = 0,
  kGets = 1,
  kMisses = 2,
};

/// Request labels: (kInterfaceId << 16) | method number.
inline constexpr uint32_t kLabelPut = 0x44a90001;
inline constexpr uint32_t kLabelGet = 0x44a90002;
inline constexpr uint32_t kLabelRemove = 0x44a90003;
inline constexpr uint32_t kLabelContains = 0x44a90004;
inline constexpr uint32_t kLabelCount = 0x44a90005;
inline constexpr uint32_t kLabelStat = 0x44a90006;

/// Calls the interface through `Transport::call(slot, msg)` (the kernel, or a Loopback in tests).
template <class Transport>
class Client {
 public:
  Client(Transport& transport, uint32_t slot) : transport_(transport), slot_(slot) {}

  /// put(key: u64, value: u64); errors: invalid_key, full
  Outcome<void, Error> put(uint64_t key, uint64_t value) {
    using Result_ = Outcome<void, Error>;
    Message msg_;
    msg_.info = ::tessera::make_info(kLabelPut, 2);
    msg_.mr[0] = ::tessera::wire::encode(key);
    msg_.mr[1] = ::tessera::wire::encode(value);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 0) return Result_::failure(Status::kBadMessage);
      return Result_();
    }
    if (label_ == 2) return Error::kInvalidKey;
    if (label_ == 3) return Error::kFull;
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// get(key: u64) -> value: u64; errors: not_found
  Outcome<uint64_t, Error> get(uint64_t key) {
    using Result_ = Outcome<uint64_t, Error>;
    Message msg_;
    msg_.info = ::tessera::make_info(kLabelGet, 1);
    msg_.mr[0] = ::tessera::wire::encode(key);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1) return Result_::failure(Status::kBadMessage);
      uint64_t value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    if (label_ == 1) return Error::kNotFound;
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// remove(key: u64); errors: not_found
  Outcome<void, Error> remove(uint64_t key) {
    using Result_ = Outcome<void, Error>;
    Message msg_;
    msg_.info = ::tessera::make_info(kLabelRemove, 1);
    msg_.mr[0] = ::tessera::wire::encode(key);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 0) return Result_::failure(Status::kBadMessage);
      return Result_();
    }
    if (label_ == 1) return Error::kNotFound;
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// contains(key: u64) -> found: bool
  Outcome<bool, Error> contains(uint64_t key) {
    using Result_ = Outcome<bool, Error>;
    Message msg_;
    msg_.info = ::tessera::make_info(kLabelContains, 1);
    msg_.mr[0] = ::tessera::wire::encode(key);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1) return Result_::failure(Status::kBadMessage);
      bool value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// count() -> n: u32
  Outcome<uint32_t, Error> count() {
    using Result_ = Outcome<uint32_t, Error>;
    Message msg_;
    msg_.info = ::tessera::make_info(kLabelCount, 0);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1) return Result_::failure(Status::kBadMessage);
      uint32_t value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// stat(which: stat) -> value: u64
  Outcome<uint64_t, Error> stat(Stat which) {
    using Result_ = Outcome<uint64_t, Error>;
    Message msg_;
    msg_.info = ::tessera::make_info(kLabelStat, 1);
    msg_.mr[0] = ::tessera::wire::encode(which);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1) return Result_::failure(Status::kBadMessage);
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

/// Decodes requests for `Impl`, which has every method with the Client's signature.
template <class Impl>
struct Server {
  /// True if `label` names a method of this interface.
  static constexpr bool handles(uint32_t label) {
    return (label >> 16) == kInterfaceId && (label & 0xffffu) >= 1 && (label & 0xffffu) <= kMethodCount;
  }

  /// Decodes the request in `msg`, calls `impl`, and leaves the reply in `msg`.
  static void dispatch(Impl& impl, Message& msg) {
    switch (::tessera::info_label(msg.info)) {
      case kLabelPut:
        put_(impl, msg);
        return;
      case kLabelGet:
        get_(impl, msg);
        return;
      case kLabelRemove:
        remove_(impl, msg);
        return;
      case kLabelContains:
        contains_(impl, msg);
        return;
      case kLabelCount:
        count_(impl, msg);
        return;
      case kLabelStat:
        stat_(impl, msg);
        return;
      default:
        ::tessera::wire::reply_failure(msg, Status::kUnknownMethod);
        return;
    }
  }

 private:
  static void put_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 2) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    uint64_t in_value{};
    if (!::tessera::wire::decode(msg.mr[1], in_value)) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Outcome<void, Error> outcome = impl.put(in_key, in_value);
    if (!outcome.ok()) return ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
    ::tessera::wire::clear(msg);
    msg.info = ::tessera::make_info(kReplyOk, 0);
  }
  static void get_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Outcome<uint64_t, Error> outcome = impl.get(in_key);
    if (!outcome.ok()) return ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1);
  }
  static void remove_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Outcome<void, Error> outcome = impl.remove(in_key);
    if (!outcome.ok()) return ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
    ::tessera::wire::clear(msg);
    msg.info = ::tessera::make_info(kReplyOk, 0);
  }
  static void contains_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Outcome<bool, Error> outcome = impl.contains(in_key);
    if (!outcome.ok()) return ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1);
  }
  static void count_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Outcome<uint32_t, Error> outcome = impl.count();
    if (!outcome.ok()) return ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1);
  }
  static void stat_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Stat in_which{};
    if (!::tessera::wire::decode_enum(msg.mr[0], 3u, in_which)) return ::tessera::wire::reply_failure(msg, Status::kBadMessage);
    Outcome<uint64_t, Error> outcome = impl.stat(in_which);
    if (!outcome.ok()) return ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1);
  }
};

}  // namespace tessera::interfaces::kv
