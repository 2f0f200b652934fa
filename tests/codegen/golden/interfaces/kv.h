// Generated from interfaces/kv.yaml by codegen/tessera-gen.py. Do not edit.
// Interface `kv`: Key-value store: u64 keys to u64 values.
// Client<Transport> encodes calls into messages; Server<Impl> decodes them and calls Impl.
// Words beyond the six message registers travel in the IPC buffer, capabilities beside
// the words; the kernel transport does both, so the code below only fills a Message.
#pragma once

#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/bytes.h>
#include <tessera/message.h>
#include <tessera/outcome.h>

namespace tessera::interfaces::kv {

/// The high 16 bits of every request label of this interface.
inline constexpr uint16_t kInterfaceId = 0x44a9;
inline constexpr uint32_t kMethodCount = 8;
/// The most caps one request carries (servers keep that many empty slots ready).
inline constexpr uint32_t kMaxRequestCaps = 0;
/// The most words of one request and of one reply, and the most caps of one reply.
inline constexpr uint32_t kMaxRequestWords = 2;
inline constexpr uint32_t kMaxReplyWords = 4;
inline constexpr uint32_t kMaxReplyCaps = 1;
// The stubs below fill Message::mr and Message::caps up to these counts, and a label keeps
// the method number in its low 16 bits.
static_assert(kMaxRequestWords <= ::tessera::kMaxMessageWords && kMaxReplyWords <= ::tessera::kMaxMessageWords);
static_assert(kMaxRequestCaps <= ::tessera::kMaxMessageCaps && kMaxReplyCaps <= ::tessera::kMaxMessageCaps);
static_assert(kMethodCount >= 1 && kMethodCount <= 0xffff);

/// Errors a method can return; the number is the reply label.
enum class Error : uint32_t {
  kNotFound = 1,
  kInvalidKey = 2,
  kFull = 3,
  kUnavailable = 4,
};

enum class Stat : uint32_t {
  kPuts = 0,
  kGets = 1,
  kMisses = 2,
};

/// Struct `counters`: 4 message words.
struct Counters {
  uint64_t puts{};
  uint64_t gets{};
  uint64_t misses{};
  uint32_t stored{};
  friend bool operator==(const Counters&, const Counters&) = default;
};

inline void encode_counters(Message& msg, unsigned at, const Counters& value) {
  msg.mr[at + 0] = ::tessera::wire::encode(value.puts);
  msg.mr[at + 1] = ::tessera::wire::encode(value.gets);
  msg.mr[at + 2] = ::tessera::wire::encode(value.misses);
  msg.mr[at + 3] = ::tessera::wire::encode(value.stored);
}

inline bool decode_counters(const Message& msg, unsigned at, Counters& value) {
  if (!::tessera::wire::decode(msg.mr[at + 0], value.puts)) return false;
  if (!::tessera::wire::decode(msg.mr[at + 1], value.gets)) return false;
  if (!::tessera::wire::decode(msg.mr[at + 2], value.misses)) return false;
  if (!::tessera::wire::decode(msg.mr[at + 3], value.stored)) return false;
  return true;
}

/// Request labels: (kInterfaceId << 16) | method number.
inline constexpr uint32_t kLabelPut = 0x44a90001;
inline constexpr uint32_t kLabelGet = 0x44a90002;
inline constexpr uint32_t kLabelRemove = 0x44a90003;
inline constexpr uint32_t kLabelContains = 0x44a90004;
inline constexpr uint32_t kLabelCount = 0x44a90005;
inline constexpr uint32_t kLabelStat = 0x44a90006;
inline constexpr uint32_t kLabelCounters = 0x44a90007;
inline constexpr uint32_t kLabelStatsRegion = 0x44a90008;

/// Calls the interface through `Transport::call(slot, msg)` (the kernel, or a Loopback in
/// tests), building each request in `Transport::message()` (the kernel transport's is the
/// calling thread's sys::message(), so long messages cost no copy in the runtime). A method
/// that returns caps takes, after its inputs, the empty slot each should arrive in.
template <class Transport>
class Client {
 public:
  Client(Transport& transport, uint32_t slot) : transport_(transport), slot_(slot) {}

  /// put(key: u64, value: u64); errors: invalid_key, full
  Outcome<void, Error> put(uint64_t key, uint64_t value) {
    using Result_ = Outcome<void, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelPut, 2, 0);
    msg_.mr[0] = ::tessera::wire::encode(key);
    msg_.mr[1] = ::tessera::wire::encode(value);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 0 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      return Result_();
    }
    if (label_ == 2) return Error::kInvalidKey;
    if (label_ == 3) return Error::kFull;
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// get(key: u64) -> value: u64; errors: not_found
  Outcome<uint64_t, Error> get(uint64_t key) {
    using Result_ = Outcome<uint64_t, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelGet, 1, 0);
    msg_.mr[0] = ::tessera::wire::encode(key);
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
    if (label_ == 1) return Error::kNotFound;
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// remove(key: u64); errors: not_found
  Outcome<void, Error> remove(uint64_t key) {
    using Result_ = Outcome<void, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelRemove, 1, 0);
    msg_.mr[0] = ::tessera::wire::encode(key);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 0 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      return Result_();
    }
    if (label_ == 1) return Error::kNotFound;
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// contains(key: u64) -> found: bool
  Outcome<bool, Error> contains(uint64_t key) {
    using Result_ = Outcome<bool, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelContains, 1, 0);
    msg_.mr[0] = ::tessera::wire::encode(key);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      bool value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// count() -> n: u32
  Outcome<uint32_t, Error> count() {
    using Result_ = Outcome<uint32_t, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelCount, 0, 0);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 1 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      uint32_t value_{};
      if (!::tessera::wire::decode(msg_.mr[0], value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// stat(which: stat) -> value: u64
  Outcome<uint64_t, Error> stat(Stat which) {
    using Result_ = Outcome<uint64_t, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelStat, 1, 0);
    msg_.mr[0] = ::tessera::wire::encode(which);
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

  /// counters() -> all: counters
  /// Every counter at once, as one struct.
  Outcome<Counters, Error> counters() {
    using Result_ = Outcome<Counters, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelCounters, 0, 0);
    const Status status_ = transport_.call(slot_, msg_);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 4 || ::tessera::info_caps(msg_.info) != 0)
        return Result_::failure(Status::kBadMessage);
      Counters value_{};
      if (!decode_counters(msg_, 0, value_)) return Result_::failure(Status::kBadMessage);
      return value_;
    }
    return Result_::failure(::tessera::wire::reply_status(label_));
  }

  /// stats_region() -> region: memory; errors: unavailable
  /// A read-only cap to the page where kv keeps its counters live; map it with region_map.
  Outcome<::tessera::MemoryCap, Error> stats_region(uint32_t region_slot) {
    using Result_ = Outcome<::tessera::MemoryCap, Error>;
    auto& msg_ = transport_.message();
    msg_.reset();
    msg_.info = ::tessera::make_info(kLabelStatsRegion, 0, 0);
    const uint32_t receive_[] = {region_slot};
    transport_.receive_into(receive_, 1);
    const Status status_ = transport_.call(slot_, msg_);
    transport_.receive_into(nullptr, 0);
    if (status_ != Status::kOk) return Result_::failure(status_);
    const uint32_t label_ = ::tessera::info_label(msg_.info);
    if (label_ == kReplyOk) {
      if (::tessera::info_count(msg_.info) != 0 || ::tessera::info_caps(msg_.info) != 1)
        return Result_::failure(Status::kBadMessage);
      ::tessera::MemoryCap value_{};
      value_.slot = msg_.caps[0];
      return value_;
    }
    if (label_ == 4) return Error::kUnavailable;
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
      case kLabelPut:
        return put_(impl, msg);
      case kLabelGet:
        return get_(impl, msg);
      case kLabelRemove:
        return remove_(impl, msg);
      case kLabelContains:
        return contains_(impl, msg);
      case kLabelCount:
        return count_(impl, msg);
      case kLabelStat:
        return stat_(impl, msg);
      case kLabelCounters:
        return counters_(impl, msg);
      case kLabelStatsRegion:
        return stats_region_(impl, msg);
      default:
        return ::tessera::wire::refuse(msg, Status::kUnknownMethod);
    }
  }

 private:
  static bool put_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 2 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::refuse(msg, Status::kBadMessage);
    uint64_t in_value{};
    if (!::tessera::wire::decode(msg.mr[1], in_value)) return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<void, Error> outcome = impl.put(in_key, in_value);
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.info = ::tessera::make_info(kReplyOk, 0, 0);
    return true;
  }
  static bool get_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<uint64_t, Error> outcome = impl.get(in_key);
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1, 0);
    return true;
  }
  static bool remove_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<void, Error> outcome = impl.remove(in_key);
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.info = ::tessera::make_info(kReplyOk, 0, 0);
    return true;
  }
  static bool contains_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    uint64_t in_key{};
    if (!::tessera::wire::decode(msg.mr[0], in_key)) return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<bool, Error> outcome = impl.contains(in_key);
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1, 0);
    return true;
  }
  static bool count_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<uint32_t, Error> outcome = impl.count();
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1, 0);
    return true;
  }
  static bool stat_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 1 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    Stat in_which{};
    if (!::tessera::wire::decode_enum(msg.mr[0], 3u, in_which)) return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<uint64_t, Error> outcome = impl.stat(in_which);
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.mr[0] = ::tessera::wire::encode(outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 1, 0);
    return true;
  }
  static bool counters_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<Counters, Error> outcome = impl.counters();
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    encode_counters(msg, 0, outcome.value());
    msg.info = ::tessera::make_info(kReplyOk, 4, 0);
    return true;
  }
  static bool stats_region_(Impl& impl, Message& msg) {
    if (::tessera::info_count(msg.info) != 0 || ::tessera::info_caps(msg.info) != 0)
      return ::tessera::wire::refuse(msg, Status::kBadMessage);
    if constexpr (requires { impl.set_caller(uint64_t{}); }) impl.set_caller(msg.badge);
    Outcome<::tessera::MemoryCap, Error> outcome = impl.stats_region();
    if (!outcome.ok()) {
      ::tessera::wire::reply_not_ok(msg, outcome.status(), static_cast<uint32_t>(outcome.error()));
      return true;
    }
    ::tessera::wire::clear(msg);
    msg.caps[0] = outcome.value().slot;
    msg.info = ::tessera::make_info(kReplyOk, 0, 1);
    return true;
  }
};

}  // namespace tessera::interfaces::kv
