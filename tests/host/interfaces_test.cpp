// Every method of every interface in interfaces/ and tests/codegen/interfaces/, through the
// generated Client and Server over the in-process Loopback: values, errors, and the refusal of
// malformed requests (by the Server) and malformed replies (by the Client).
#include <doctest/doctest.h>

#include <vector>

#include <stdint.h>
#include <string.h>

#include <tessera/bytes.h>
#include <tessera/loopback.h>
#include <tessera/message.h>
#include <tessera/outcome.h>

#include "interfaces/console.h"
#include "interfaces/kv.h"
#include "interfaces/types.h"

namespace {

using tessera::Bytes;
using tessera::Message;
using tessera::Outcome;
using tessera::Status;

// ---- helpers ------------------------------------------------------------------------------

/// The interface id the generator must produce: FNV-1a 32 of the name, xor-folded, 0 -> 1.
constexpr uint16_t expected_id(const char* name) {
  uint32_t h = 0x811c9dc5u;
  for (const char* p = name; *p != '\0'; ++p) h = (h ^ static_cast<uint8_t>(*p)) * 0x01000193u;
  const uint16_t folded = static_cast<uint16_t>((h >> 16) ^ (h & 0xffffu));
  return folded == 0 ? uint16_t{1} : folded;
}

constexpr uint32_t protocol_error(Status s) { return tessera::kReplyProtocolError + static_cast<uint32_t>(s); }

/// Runs a raw request through a Server and returns the reply.
template <class Server, class Impl>
Message dispatch_raw(Impl& impl, uint32_t label, uint32_t count, std::initializer_list<uint64_t> mrs) {
  Message msg;
  msg.info = tessera::make_info(label, count);
  for (uint64_t& w : msg.mr) w = 0;
  unsigned i = 0;
  for (uint64_t w : mrs) msg.mr[i++] = w;
  (void)Server::dispatch(impl, msg);  // no caps: nothing to give back
  return msg;
}

/// A transport that answers every call with a canned reply (or a failed Status), to feed
/// clients replies no correct server would send.
struct CannedTransport {
  Message reply;
  Status status = Status::kOk;
  Message request;
  int calls = 0;

  void set(uint32_t label, uint32_t count, std::initializer_list<uint64_t> mrs) {
    reply.reset();
    reply.info = tessera::make_info(label, count);
    unsigned i = 0;
    for (uint64_t w : mrs) reply.mr[i++] = w;
  }
  Message own;  ///< the message the client builds its requests in
  Message& message() { return own; }
  Status call(uint32_t /*slot*/, Message& msg) {
    ++calls;
    request = msg;
    if (status != Status::kOk) return status;
    msg = reply;
    return Status::kOk;
  }
  std::vector<uint32_t> receive_slots;  ///< what the client asked caps to arrive in, last
  void receive_into(const uint32_t* slots, unsigned count) {
    if (count > 0) receive_slots.assign(slots, slots + count);
  }
};

// ---- kv -----------------------------------------------------------------------------------
namespace kv = tessera::interfaces::kv;

/// A tiny store: key 0 is invalid, four entries at most.
struct KvStore {
  struct Entry {
    uint64_t key = 0;
    uint64_t value = 0;
  };
  Entry entries[4];
  uint64_t puts = 0, gets = 0, misses = 0;
  bool fail_count = false;

  Entry* find(uint64_t key) {
    for (Entry& e : entries)
      if (e.key == key && key != 0) return &e;
    return nullptr;
  }
  Outcome<void, kv::Error> put(uint64_t key, uint64_t value) {
    if (key == 0) return kv::Error::kInvalidKey;
    ++puts;
    if (Entry* e = find(key)) {
      e->value = value;
      return {};
    }
    for (Entry& e : entries) {
      if (e.key == 0) {
        e = {key, value};
        return {};
      }
    }
    return kv::Error::kFull;
  }
  Outcome<uint64_t, kv::Error> get(uint64_t key) {
    ++gets;
    if (Entry* e = find(key)) return e->value;
    ++misses;
    return kv::Error::kNotFound;
  }
  Outcome<void, kv::Error> remove(uint64_t key) {
    Entry* e = find(key);
    if (e == nullptr) return kv::Error::kNotFound;
    *e = {};
    return {};
  }
  Outcome<bool, kv::Error> contains(uint64_t key) { return find(key) != nullptr; }
  Outcome<uint32_t, kv::Error> count() {
    if (fail_count) return Outcome<uint32_t, kv::Error>::failure(Status::kOutOfMemory);
    uint32_t n = 0;
    for (Entry& e : entries) n += e.key != 0 ? 1u : 0u;
    return n;
  }
  Outcome<kv::Counters, kv::Error> counters() { return kv::Counters{puts, gets, misses, count().value()}; }
  Outcome<tessera::MemoryCap, kv::Error> stats_region() { return kv::Error::kUnavailable; }
  Outcome<uint64_t, kv::Error> stat(kv::Stat which) {
    switch (which) {
      case kv::Stat::kPuts:
        return puts;
      case kv::Stat::kGets:
        return gets;
      case kv::Stat::kMisses:
        return misses;
    }
    return uint64_t{0};
  }
};

using KvLoopback = tessera::Loopback<KvStore, kv::Server<KvStore>>;

TEST_CASE("kv: ids and labels follow the wire rules") {
  CHECK(kv::kInterfaceId == expected_id("kv"));
  CHECK(kv::kLabelPut == ((uint32_t{kv::kInterfaceId} << 16) | 1));
  CHECK(kv::kLabelStat == ((uint32_t{kv::kInterfaceId} << 16) | 6));
  CHECK(static_cast<uint32_t>(kv::Error::kNotFound) == 1);
  CHECK(static_cast<uint32_t>(kv::Error::kFull) == 3);
  CHECK(static_cast<uint32_t>(kv::Stat::kMisses) == 2);
  CHECK(kv::Server<KvStore>::handles(kv::kLabelCount));
  CHECK(kv::kLabelStatsRegion == ((uint32_t{kv::kInterfaceId} << 16) | 8));
  CHECK(kv::Server<KvStore>::handles(kv::kLabelStatsRegion));
  CHECK_FALSE(kv::Server<KvStore>::handles(kv::kLabelStatsRegion + 1));
  CHECK_FALSE(kv::Server<KvStore>::handles(uint32_t{kv::kInterfaceId} << 16));
}

TEST_CASE("kv: every method through the loopback") {
  KvStore impl;
  KvLoopback transport(impl);
  kv::Client client(transport, /*slot=*/1);

  CHECK(client.put(7, 70).ok());
  CHECK(client.put(8, 80).ok());
  auto got = client.get(7);
  REQUIRE(got.ok());
  CHECK(got.value() == 70);
  CHECK(got.status() == Status::kOk);
  CHECK(client.contains(8).value() == true);
  CHECK(client.contains(9).value() == false);
  CHECK(client.count().value() == 2);
  CHECK(client.remove(8).ok());
  CHECK(client.count().value() == 1);
  CHECK(client.stat(kv::Stat::kPuts).value() == 2);
  CHECK(client.stat(kv::Stat::kGets).value() == 1);
  CHECK(client.stat(kv::Stat::kMisses).value() == 0);
}

TEST_CASE("kv: interface errors reach the client as Error values") {
  KvStore impl;
  KvLoopback transport(impl);
  kv::Client client(transport, 1);

  auto missing = client.get(5);
  CHECK_FALSE(missing.ok());
  CHECK_FALSE(static_cast<bool>(missing));
  CHECK(missing.error() == kv::Error::kNotFound);
  CHECK(missing.status() == Status::kOk);
  CHECK(client.stat(kv::Stat::kMisses).value() == 1);

  CHECK(client.put(0, 1).error() == kv::Error::kInvalidKey);
  for (uint64_t k = 1; k <= 4; ++k) CHECK(client.put(k, k).ok());
  CHECK(client.put(5, 5).error() == kv::Error::kFull);
  CHECK(client.remove(42).error() == kv::Error::kNotFound);
}

TEST_CASE("kv: a failure Status from the implementation becomes the client's status") {
  KvStore impl;
  impl.fail_count = true;
  KvLoopback transport(impl);
  kv::Client client(transport, 1);
  auto n = client.count();
  CHECK_FALSE(n.ok());
  CHECK(n.status() == Status::kOutOfMemory);
  CHECK(n.error() == kv::Error{});
}

TEST_CASE("kv: the server refuses unknown labels and malformed requests") {
  KvStore impl;
  using S = kv::Server<KvStore>;
  const uint32_t id = uint32_t{kv::kInterfaceId} << 16;

  Message r = dispatch_raw<S>(impl, id | 9, 0, {});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kUnknownMethod));
  CHECK(tessera::info_count(r.info) == 0);
  r = dispatch_raw<S>(impl, id, 0, {});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kUnknownMethod));
  r = dispatch_raw<S>(impl, 0x12345678, 0, {});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kUnknownMethod));

  // Enum value out of range.
  r = dispatch_raw<S>(impl, kv::kLabelStat, 1, {3});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  // Wrong register count, either way.
  r = dispatch_raw<S>(impl, kv::kLabelPut, 1, {1});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  r = dispatch_raw<S>(impl, kv::kLabelCount, 1, {0});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  CHECK(impl.puts == 0);

  // A well-formed raw request works and clears the request words out of the reply.
  r = dispatch_raw<S>(impl, kv::kLabelPut, 2, {3, 30});
  CHECK(r.info == tessera::make_info(tessera::kReplyOk, 0));
  CHECK(r.mr[1] == 0);
}

TEST_CASE("kv: a request built in the transport's message carries nothing of the last reply") {
  // The kernel transport's message is the thread's own, kept from call to call: a reply that
  // filled every register and brought a cap must not reach the next server in the request.
  CannedTransport t;
  kv::Client client(t, 4);
  t.set(tessera::kReplyOk, 4, {1, 2, 3, 4, 5, 6});
  t.reply.mr[4] = 0x5ec7e7;
  t.reply.mr[5] = 0x5ec7e8;
  t.reply.caps[0] = 9;
  t.reply.badge = 0xbad9e;
  (void)client.counters();
  REQUIRE(t.own.mr[4] == 0x5ec7e7);  // the reply arrived in the transport's message
  t.set(tessera::kReplyOk, 1, {9});
  CHECK(client.get(77).value() == 9);
  CHECK(t.request.info == tessera::make_info(kv::kLabelGet, 1));
  CHECK(t.request.mr[0] == 77);
  for (unsigned i = 1; i < tessera::kMessageRegisters; ++i) CHECK(t.request.mr[i] == 0);
  for (uint32_t c : t.request.caps) CHECK(c == 0);
  CHECK(t.request.badge == 0);
}

TEST_CASE("kv: the client refuses malformed replies") {
  CannedTransport t;
  kv::Client client(t, 4);

  // Transport failure.
  t.status = Status::kPeerDied;
  CHECK(client.get(1).status() == Status::kPeerDied);
  t.status = Status::kOk;

  // The request went out as specified.
  t.set(tessera::kReplyOk, 1, {9});
  CHECK(client.get(77).value() == 9);
  CHECK(t.request.info == tessera::make_info(kv::kLabelGet, 1));
  CHECK(t.request.mr[0] == 77);

  // Bool that is not 0/1.
  t.set(tessera::kReplyOk, 1, {2});
  CHECK(client.contains(1).status() == Status::kBadMessage);
  // u32 wider than 32 bits.
  t.set(tessera::kReplyOk, 1, {uint64_t{1} << 32});
  CHECK(client.count().status() == Status::kBadMessage);
  t.set(tessera::kReplyOk, 1, {0xffffffffu});
  CHECK(client.count().value() == 0xffffffffu);
  // Wrong register count.
  t.set(tessera::kReplyOk, 0, {});
  CHECK(client.get(1).status() == Status::kBadMessage);
  t.set(tessera::kReplyOk, 1, {0});
  CHECK(client.put(1, 1).status() == Status::kBadMessage);
  // An error the method does not declare (get declares only not_found).
  t.set(static_cast<uint32_t>(kv::Error::kFull), 0, {});
  CHECK(client.get(1).status() == Status::kBadMessage);
  // A label that is neither success, error nor protocol error.
  t.set(0x9999, 0, {});
  CHECK(client.remove(1).status() == Status::kBadMessage);
  t.set(tessera::kReplyProtocolError, 0, {});
  CHECK(client.remove(1).status() == Status::kBadMessage);
  // Protocol errors carry the server's status.
  t.set(protocol_error(Status::kUnknownMethod), 0, {});
  CHECK(client.count().status() == Status::kUnknownMethod);
  t.set(protocol_error(Status::kBadMessage), 0, {});
  auto bad = client.put(1, 2);
  CHECK(bad.status() == Status::kBadMessage);
  CHECK(bad.error() == kv::Error{});
}

// ---- console ------------------------------------------------------------------------------
namespace console = tessera::interfaces::console;

struct Console {
  char text[128] = {};
  uint32_t size = 0;
  int writes = 0;
  Outcome<void, console::Error> write(const Bytes<120>& t) {
    memcpy(text, t.data, t.size);
    size = t.size;
    ++writes;
    return {};
  }
  Outcome<Bytes<40>, console::Error> last_input() {
    Bytes<40> line;
    line.size = 5;
    memcpy(line.data, "typed", 5);
    return line;
  }
};

TEST_CASE("console: write carries up to 120 bytes") {
  Console impl;
  tessera::Loopback<Console, console::Server<Console>> transport(impl);
  console::Client client(transport, 2);
  CHECK(console::kInterfaceId == expected_id("console"));

  CHECK(client.write(Bytes<120>::from("hello")).ok());
  CHECK(impl.size == 5);
  CHECK(memcmp(impl.text, "hello", 5) == 0);

  char long_text[131];
  for (int i = 0; i < 130; ++i) long_text[i] = static_cast<char>('0' + i % 10);
  long_text[130] = '\0';
  CHECK(client.write(Bytes<120>::from(long_text)).ok());
  CHECK(impl.size == 120);
  CHECK(memcmp(impl.text, long_text, 120) == 0);

  CHECK(client.write(Bytes<120>{}).ok());
  CHECK(impl.size == 0);
  CHECK(impl.writes == 3);

  auto line = client.last_input();
  REQUIRE(line.ok());
  CHECK(line.value().size == 5);
  CHECK(memcmp(line.value().data, "typed", 5) == 0);
}

TEST_CASE("console: a length beyond 120 is a bad message") {
  Console impl;
  using S = console::Server<Console>;
  // string[120]: a length word and 15 data words.
  Message r = dispatch_raw<S>(impl, console::kLabelWrite, 16, {121, 0, 0, 0, 0, 0});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  r = dispatch_raw<S>(impl, console::kLabelWrite, 6, {1, 0x41, 0, 0, 0, 0});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  r = dispatch_raw<S>(impl, console::kLabelWrite, 16, {2, 0x4241, 0, 0, 0, 0});
  CHECK(r.info == tessera::make_info(tessera::kReplyOk, 0));
  CHECK(impl.size == 2);
  CHECK(memcmp(impl.text, "AB", 2) == 0);
  r = dispatch_raw<S>(impl, console::kLabelLastInput + 1, 0, {});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kUnknownMethod));
  CHECK(impl.writes == 1);
}

// ---- types --------------------------------------------------------------------------------
namespace types = tessera::interfaces::types;

struct Types {
  Outcome<types::UnsignedIntsResult, types::Error> unsigned_ints(uint8_t a, uint16_t b, uint32_t c, uint64_t d) {
    return types::UnsignedIntsResult{a, b, c, d};
  }
  Outcome<types::SignedIntsResult, types::Error> signed_ints(int8_t a, int16_t b, int32_t c, int64_t d) {
    return types::SignedIntsResult{a, b, c, d};
  }
  Outcome<bool, types::Error> flag(bool value) { return !value; }
  Outcome<types::PaintResult, types::Error> paint(types::Color color) {
    if (color == types::Color::kBlue) return types::Error::kRejected;
    return types::PaintResult{static_cast<types::Color>(static_cast<uint32_t>(color) + 1), true};
  }
  Outcome<Bytes<40>, types::Error> echo_text(const Bytes<40>& text) {
    if (text.size > 30) return types::Error::kTooBig;
    return text;
  }
  Outcome<uint32_t, types::Error> short_bytes(const Bytes<3>& data, uint8_t tag) { return data.size * 1000u + tag; }
  Outcome<types::SplitResult, types::Error> split(uint64_t value) {
    return types::SplitResult{static_cast<uint32_t>(value >> 32), static_cast<uint32_t>(value),
                              static_cast<int8_t>(static_cast<int64_t>(value) < 0 ? -1 : 0)};
  }
  int nothing_calls = 0;
  Outcome<void, types::Error> nothing() {
    ++nothing_calls;
    return {};
  }
  Outcome<types::LongTextResult, types::Error> long_text(const Bytes<500>& text) {
    Bytes<500> upper = text;
    for (uint32_t i = 0; i < upper.size; ++i)
      if (upper.data[i] >= 'a' && upper.data[i] <= 'z') upper.data[i] = static_cast<uint8_t>(upper.data[i] - 32);
    return types::LongTextResult{upper, text.size};
  }
  Outcome<types::Item, types::Error> move(const types::Item& item, const types::Point& by) {
    if (!item.visible) return types::Error::kRejected;
    types::Item moved = item;
    moved.at.x += by.x;
    moved.at.y += by.y;
    return moved;
  }
  uint64_t caller = 0;
  void set_caller(uint64_t badge) { caller = badge; }
  tessera::EndpointCap last_reply_to;
  tessera::NotificationCap last_bell;
  int swap_calls = 0;
  Outcome<types::SwapCapsResult, types::Error> swap_caps(tessera::EndpointCap reply_to, uint32_t tag,
                                                         tessera::NotificationCap bell) {
    ++swap_calls;
    last_reply_to = reply_to;
    last_bell = bell;
    return types::SwapCapsResult{tessera::MemoryCap{40 + tag}, tag * 2};
  }
  Outcome<void, types::Error> fail(uint32_t code) {
    switch (code) {
      case 0:
        return {};
      case 1:
        return types::Error::kRejected;
      case 2:
        return types::Error::kTooBig;
      case 3:
        return Outcome<void, types::Error>::failure(Status::kInvalidArgument);
      default:
        return static_cast<types::Error>(0);  // not an error: the server must refuse it
    }
  }
};

using TypesLoopback = tessera::Loopback<Types, types::Server<Types>>;
using TS = types::Server<Types>;

TEST_CASE("types: integers of every width round-trip at their limits") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  CHECK(types::kInterfaceId == expected_id("types"));

  auto u = client.unsigned_ints(0xff, 0xffff, 0xffffffffu, ~uint64_t{0});
  REQUIRE(u.ok());
  CHECK(u.value() == types::UnsignedIntsResult{0xff, 0xffff, 0xffffffffu, ~uint64_t{0}});
  CHECK(client.unsigned_ints(0, 0, 0, 0).value() == types::UnsignedIntsResult{});

  auto s = client.signed_ints(-128, -32768, INT32_MIN, INT64_MIN);
  REQUIRE(s.ok());
  CHECK(s.value().a == -128);
  CHECK(s.value().b == -32768);
  CHECK(s.value().c == INT32_MIN);
  CHECK(s.value().d == INT64_MIN);
  auto s2 = client.signed_ints(127, 32767, INT32_MAX, INT64_MAX);
  CHECK(s2.value() == types::SignedIntsResult{127, 32767, INT32_MAX, INT64_MAX});
  auto s3 = client.signed_ints(-1, -1, -1, -1);
  CHECK(s3.value() == types::SignedIntsResult{-1, -1, -1, -1});
}

TEST_CASE("types: signed values travel sign-extended") {
  CannedTransport t;
  types::Client client(t, 1);
  t.set(tessera::kReplyOk, 4, {~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}});
  auto r = client.signed_ints(-1, -2, -3, -4);
  CHECK(t.request.mr[0] == ~uint64_t{0});
  CHECK(t.request.mr[3] == ~uint64_t{3});
  CHECK(r.value() == types::SignedIntsResult{-1, -1, -1, -1});
  // 0xff is not the sign extension of an i8.
  t.set(tessera::kReplyOk, 4, {0xff, 0, 0, 0});
  CHECK(client.signed_ints(0, 0, 0, 0).status() == Status::kBadMessage);
  t.set(tessera::kReplyOk, 4, {0, 0, uint64_t{1} << 31, 0});
  CHECK(client.signed_ints(0, 0, 0, 0).status() == Status::kBadMessage);
  t.set(tessera::kReplyOk, 4, {0x100, 0, 0, 0});
  CHECK(client.unsigned_ints(0, 0, 0, 0).status() == Status::kBadMessage);
}

TEST_CASE("types: the server refuses integers that do not fit their width") {
  Types impl;
  auto label_of = [](const Message& m) { return tessera::info_label(m.info); };
  const uint32_t bad = protocol_error(Status::kBadMessage);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelUnsignedInts, 4, {0x100, 0, 0, 0})) == bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelUnsignedInts, 4, {0, 0x10000, 0, 0})) == bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelUnsignedInts, 4, {0, 0, uint64_t{1} << 32, 0})) == bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelUnsignedInts, 4, {0xff, 0xffff, 0xffffffff, ~0ull})) ==
        tessera::kReplyOk);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelSignedInts, 4, {128, 0, 0, 0})) == bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelSignedInts, 4, {static_cast<uint64_t>(int64_t{-129}), 0, 0, 0})) ==
        bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelSignedInts, 4, {0, 0x8000, 0, 0})) == bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelSignedInts, 4, {0, 0, 0x80000000u, 0})) == bad);
  CHECK(label_of(dispatch_raw<TS>(impl, types::kLabelSignedInts, 4,
                                  {static_cast<uint64_t>(int64_t{-128}), 0, 0, 0x8000000000000000ull})) ==
        tessera::kReplyOk);
}

TEST_CASE("types: bool") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  CHECK(client.flag(true).value() == false);
  CHECK(client.flag(false).value() == true);
  Message r = dispatch_raw<TS>(impl, types::kLabelFlag, 1, {2});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  r = dispatch_raw<TS>(impl, types::kLabelFlag, 1, {1});
  CHECK(r.info == tessera::make_info(tessera::kReplyOk, 1));
  CHECK(r.mr[0] == 0);
}

TEST_CASE("types: enum values, a declared error, and out-of-range enums both ways") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  auto p = client.paint(types::Color::kRed);
  REQUIRE(p.ok());
  CHECK(p.value().next == types::Color::kGreen);
  CHECK(p.value().valid);
  CHECK(client.paint(types::Color::kBlue).error() == types::Error::kRejected);

  Message r = dispatch_raw<TS>(impl, types::kLabelPaint, 1, {3});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));

  CannedTransport t;
  types::Client raw(t, 1);
  t.set(tessera::kReplyOk, 2, {3, 1});
  CHECK(raw.paint(types::Color::kRed).status() == Status::kBadMessage);
  t.set(tessera::kReplyOk, 2, {2, 1});
  CHECK(raw.paint(types::Color::kRed).value().next == types::Color::kBlue);
  t.set(static_cast<uint32_t>(types::Error::kTooBig), 0, {});  // not declared by paint
  CHECK(raw.paint(types::Color::kRed).status() == Status::kBadMessage);
}

TEST_CASE("types: strings of 0..40 bytes, and too long ones") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  auto empty = client.echo_text(Bytes<40>{});
  REQUIRE(empty.ok());
  CHECK(empty.value().size == 0);
  auto hi = client.echo_text(Bytes<40>::from("hi there"));
  CHECK(hi.value() == Bytes<40>::from("hi there"));
  CHECK(client.echo_text(Bytes<40>::from("0123456789012345678901234567890123456789")).error() == types::Error::kTooBig);

  Bytes<40> oversized = Bytes<40>::from("abc");
  oversized.size = 99;  // clamped to 40 on the wire
  CHECK(client.echo_text(oversized).error() == types::Error::kTooBig);

  Message r = dispatch_raw<TS>(impl, types::kLabelEchoText, 6, {41, 0, 0, 0, 0, 0});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));

  CannedTransport t;
  types::Client raw(t, 1);
  t.set(tessera::kReplyOk, 6, {41, 0, 0, 0, 0, 0});
  CHECK(raw.echo_text(Bytes<40>{}).status() == Status::kBadMessage);
  t.set(tessera::kReplyOk, 6, {9, 0x0807060504030201ull, 0x09, 0, 0, 0});
  auto v = raw.echo_text(Bytes<40>{});
  REQUIRE(v.ok());
  CHECK(v.value().size == 9);
  CHECK(v.value().data[0] == 1);
  CHECK(v.value().data[8] == 9);
}

TEST_CASE("types: short bytes keep embedded zeros") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  const uint8_t raw_bytes[5] = {0, 7, 0, 9, 9};
  CHECK(client.short_bytes(Bytes<3>::from(raw_bytes, 5), 4).value() == 3004);
  CHECK(client.short_bytes(Bytes<3>::from(raw_bytes, 1), 255).value() == 1255);
  Message r = dispatch_raw<TS>(impl, types::kLabelShortBytes, 3, {4, 0, 0});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  r = dispatch_raw<TS>(impl, types::kLabelShortBytes, 3, {3, 0x000700, 0x100});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  r = dispatch_raw<TS>(impl, types::kLabelShortBytes, 3, {3, 0x000700, 0xff});
  CHECK(r.info == tessera::make_info(tessera::kReplyOk, 1));
  CHECK(r.mr[0] == 3255);
}

TEST_CASE("types: several outputs come back as a Result struct") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  auto s = client.split(0xfedcba9876543210ull);
  REQUIRE(s.ok());
  CHECK(s.value().high == 0xfedcba98u);
  CHECK(s.value().low == 0x76543210u);
  CHECK(s.value().negative == -1);
  CHECK(client.split(5).value() == types::SplitResult{0, 5, 0});
}

TEST_CASE("types: a method without inputs, outputs or errors") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  CHECK(client.nothing().ok());
  CHECK(impl.nothing_calls == 1);
  Message r = dispatch_raw<TS>(impl, types::kLabelNothing, 1, {0});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kBadMessage));
  CHECK(impl.nothing_calls == 1);
}

TEST_CASE("types: every error of a method, a failure Status, and an invalid error") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  CHECK(client.fail(0).ok());
  CHECK(client.fail(1).error() == types::Error::kRejected);
  CHECK(client.fail(2).error() == types::Error::kTooBig);
  auto f = client.fail(3);
  CHECK(f.status() == Status::kInvalidArgument);
  CHECK(f.error() == types::Error{});
  // An implementation returning error 0 is a server bug: answered as a bad message.
  CHECK(client.fail(4).status() == Status::kBadMessage);
  Message r = dispatch_raw<TS>(impl, (uint32_t{types::kInterfaceId} << 16) | (types::kMethodCount + 1), 0, {});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kUnknownMethod));
  r = dispatch_raw<TS>(impl, kv::kLabelGet, 1, {1});
  CHECK(tessera::info_label(r.info) == protocol_error(Status::kUnknownMethod));
}

TEST_CASE("Outcome and Bytes basics") {
  Outcome<uint64_t, kv::Error> v = uint64_t{3};
  CHECK(v.ok());
  CHECK(v.error() == kv::Error{});
  Outcome<uint64_t, kv::Error> e = kv::Error::kFull;
  CHECK_FALSE(e.ok());
  CHECK(e.error() == kv::Error::kFull);
  CHECK(e.status() == Status::kOk);
  auto f = Outcome<void, kv::Error>::failure(Status::kTimeout);
  CHECK_FALSE(f.ok());
  CHECK(f.status() == Status::kTimeout);
  CHECK(Bytes<4>::from("abcdef").size == 4);
  CHECK(Bytes<4>::from("ab") == Bytes<4>::from("ab\0x", 2));
  CHECK_FALSE(Bytes<4>::from("ab") == Bytes<4>::from("abc"));
  CHECK(Bytes<4>::from(static_cast<const char*>(nullptr)).size == 0);
}

}  // namespace

TEST_CASE("types: a string beyond the registers round-trips whole") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  char text[501];
  for (int i = 0; i < 500; ++i) text[i] = static_cast<char>('a' + i % 26);
  text[500] = '\0';
  auto r = client.long_text(Bytes<500>::from(text));
  REQUIRE(r.ok());
  CHECK(r.value().length == 500);
  CHECK(r.value().text.size == 500);
  CHECK(r.value().text.data[0] == 'A');
  CHECK(r.value().text.data[499] == static_cast<uint8_t>('A' + 499 % 26));
  static_assert(types::kLabelLongText != 0);

  CannedTransport t;
  types::Client canned(t, 1);
  t.set(tessera::kReplyOk, 1, {});
  (void)canned.long_text(Bytes<500>::from("hi"));
  // 1 length word + 63 data words: the request is 64 words long, more than the registers.
  CHECK(tessera::info_count(t.request.info) == 64);
  CHECK(t.request.mr[0] == 2);
  CHECK(t.request.mr[1] == 0x6968);
  // A reply of the wrong length is refused.
  CHECK(canned.long_text(Bytes<500>::from("hi")).status() == Status::kBadMessage);
}

TEST_CASE("types: structs travel field by field and are validated like parameters") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  types::Item item;
  item.name = Bytes<20>::from("marker");
  item.at = types::Point{-3, 4};
  item.color = types::Color::kGreen;
  item.visible = true;
  auto moved = client.move(item, types::Point{10, -10});
  REQUIRE(moved.ok());
  CHECK(moved.value().at == types::Point{7, -6});
  CHECK(moved.value().name == item.name);
  CHECK(moved.value().color == types::Color::kGreen);
  item.visible = false;
  CHECK(client.move(item, types::Point{}).error() == types::Error::kRejected);

  // item = name (1 + 3 words), at (2), color (1), visible (1); then by (2): 10 words.
  CannedTransport t;
  types::Client canned(t, 1);
  t.set(tessera::kReplyOk, 0, {});
  (void)canned.move(item, types::Point{1, 2});
  CHECK(tessera::info_count(t.request.info) == 10);
  CHECK(t.request.mr[4] == static_cast<uint64_t>(int64_t{-3}));
  CHECK(t.request.mr[8] == 1);
  CHECK(t.request.mr[9] == 2);

  // A colour out of range inside the struct makes the request a bad message.
  Message bad = t.request;
  bad.mr[6] = 3;
  CHECK_FALSE(TS::dispatch(impl, bad));
  CHECK(tessera::info_label(bad.info) == protocol_error(Status::kBadMessage));
  Message good = t.request;
  CHECK(TS::dispatch(impl, good));  // handed to the Impl, even though it answers with an error
  CHECK(tessera::info_label(good.info) == static_cast<uint32_t>(types::Error::kRejected));  // item.visible is false
}

TEST_CASE("types: caps travel beside the words, in order, and the client names where they land") {
  Types impl;
  TypesLoopback transport(impl);
  types::Client client(transport, 1);
  auto r = client.swap_caps(tessera::EndpointCap{5}, 7, tessera::NotificationCap{6}, 12);
  REQUIRE(r.ok());
  CHECK(impl.last_reply_to.slot == 5);
  CHECK(impl.last_bell.slot == 6);
  CHECK(r.value().region.slot == 47);  // the loopback has no kernel: the server's slot number
  CHECK(r.value().tag == 14);

  CannedTransport t;
  types::Client canned(t, 1);
  t.set(tessera::kReplyOk, 1, {3});
  t.reply.info = tessera::make_info(tessera::kReplyOk, 1, 1);
  t.reply.caps[0] = 12;
  auto c = canned.swap_caps(tessera::EndpointCap{5}, 9, tessera::NotificationCap{6}, 12);
  CHECK(tessera::info_caps(t.request.info) == 2);
  CHECK(tessera::info_count(t.request.info) == 1);
  CHECK(t.request.caps[0] == 5);
  CHECK(t.request.caps[1] == 6);
  CHECK(t.request.mr[0] == 9);
  CHECK(t.receive_slots == std::vector<uint32_t>{12});
  REQUIRE(c.ok());
  CHECK(c.value().region.slot == 12);
  // A reply without the cap it promised is a bad message.
  t.reply.info = tessera::make_info(tessera::kReplyOk, 1, 0);
  CHECK(canned.swap_caps(tessera::EndpointCap{5}, 9, tessera::NotificationCap{6}, 12).status() == Status::kBadMessage);
  // So is a request with too few caps.
  Message few;
  few.info = tessera::make_info(types::kLabelSwapCaps, 1, 1);
  CHECK_FALSE(TS::dispatch(impl, few));
  CHECK(tessera::info_label(few.info) == protocol_error(Status::kBadMessage));
  CHECK(types::kMaxRequestCaps == 2);
}

TEST_CASE("types: caps of a request refused before the Impl sees it are deleted; an honest request's are the Impl's") {
  Types impl;
  tessera::LoopbackSlots slots(/*first=*/20, /*count=*/8);
  TypesLoopback transport(impl, slots);
  const uint32_t bad = protocol_error(Status::kBadMessage);
  const uint32_t unknown = protocol_error(Status::kUnknownMethod);
  struct Attack {
    uint32_t label, words, caps;
    uint64_t word0;
    uint32_t reply;
    const char* what;
  };
  const Attack attacks[] = {
      {(uint32_t{types::kInterfaceId} << 16) | (types::kMethodCount + 1), 1, 2, 1, unknown, "a method past the last"},
      {kv::kLabelGet, 1, 2, 1, unknown, "another interface's label"},
      {types::kLabelSwapCaps, 2, 2, 1, bad, "a word too many"},
      {types::kLabelSwapCaps, 0, 2, 0, bad, "a word too few"},
      {types::kLabelSwapCaps, 1, 1, 1, bad, "a cap too few"},
      {types::kLabelSwapCaps, 1, 4, 1, bad, "caps too many"},
      {types::kLabelSwapCaps, 1, 2, uint64_t{1} << 32, bad, "a tag wider than its u32"},
      {types::kLabelNothing, 0, 1, 0, bad, "a cap for a method that takes none"},
  };
  // 400 requests, 8 free slots: each refused request that kept its caps would keep slots.
  uint32_t arrived = 0;
  for (int i = 0; i < 400; ++i) {
    const Attack& a = attacks[static_cast<size_t>(i) % (sizeof(attacks) / sizeof(attacks[0]))];
    INFO("attack: " << doctest::String(a.what));
    Message msg;
    msg.info = tessera::make_info(a.label, a.words, a.caps);
    msg.mr[0] = a.word0;
    for (uint32_t c = 0; c < a.caps; ++c) msg.caps[c] = 5 + c;  // the client's slots
    REQUIRE(transport.call(1, msg) == Status::kOk);
    CHECK(tessera::info_label(msg.info) == a.reply);
    CHECK(tessera::info_caps(msg.info) == 0);
    arrived += a.caps;
  }
  CHECK(slots.held() == 0);
  CHECK(slots.deletes() == arrived);
  CHECK(impl.swap_calls == 0);

  // An honest request still finds room for its caps, and the Impl keeps them until it deletes them.
  types::Client client(transport, 1);
  auto r = client.swap_caps(tessera::EndpointCap{5}, 7, tessera::NotificationCap{6}, 12);
  REQUIRE(r.status() == Status::kOk);
  CHECK(r.value().tag == 14);
  CHECK(impl.swap_calls == 1);
  CHECK(impl.last_reply_to.slot == 20);
  CHECK(impl.last_bell.slot == 21);
  CHECK(slots.held() == 2);
  CHECK(slots.cap_delete(impl.last_reply_to.slot) == Status::kOk);
  CHECK(slots.cap_delete(impl.last_bell.slot) == Status::kOk);
  CHECK(slots.held() == 0);
}

TEST_CASE("loopback slots: a request finds only as many slots as are empty, like the kernel's transfer") {
  Types impl;
  tessera::LoopbackSlots slots(/*first=*/20, /*count=*/3);
  TypesLoopback transport(impl, slots);
  types::Client client(transport, 1);
  REQUIRE(client.swap_caps(tessera::EndpointCap{5}, 1, tessera::NotificationCap{6}, 12).ok());
  CHECK(slots.held() == 2);
  // One slot left: the second cap does not arrive, the request is refused, the first is deleted.
  CHECK(client.swap_caps(tessera::EndpointCap{5}, 2, tessera::NotificationCap{6}, 12).status() == Status::kBadMessage);
  CHECK(slots.held() == 2);
  CHECK(slots.deletes() == 1);
  CHECK(impl.swap_calls == 1);
  CHECK(slots.cap_delete(19) == Status::kInvalidSlot);
  CHECK(slots.cap_delete(22) == Status::kEmptySlot);
}

TEST_CASE("kv: counters come back as one struct; a missing stats cap is an interface error") {
  KvStore impl;
  KvLoopback transport(impl);
  kv::Client client(transport, 1);
  REQUIRE(client.put(1, 10).ok());
  REQUIRE(client.put(2, 20).ok());
  (void)client.get(3);
  auto all = client.counters();
  REQUIRE(all.ok());
  CHECK(all.value() == kv::Counters{2, 1, 1, 2});
  CHECK(client.stats_region(9).error() == kv::Error::kUnavailable);
}

TEST_CASE("types: an Impl with set_caller learns each request's badge first") {
  Types impl;
  Message msg;
  msg.info = tessera::make_info(types::kLabelNothing, 0);
  msg.badge = 42;
  CHECK(TS::dispatch(impl, msg));
  CHECK(impl.caller == 42);
  CHECK(impl.nothing_calls == 1);
  msg.info = tessera::make_info(types::kLabelNothing, 0);
  msg.badge = 7;
  CHECK(TS::dispatch(impl, msg));
  CHECK(impl.caller == 7);
}
