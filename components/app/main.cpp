// app: exercises the kv store through its interface and prints each result; its exit status
// (0 only if every check passed) becomes the system's.
#include <tessera/console_log.h>

#include "component.h"

namespace ifc = tessera::interfaces::kv;

namespace {

int passed = 0;
int failed = 0;

void check(bool ok, const char* what) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    tessera::log("app: CHECK FAILED: %s\n", what);
  }
}

const char* error_name(const tessera::Outcome<uint64_t, ifc::Error>& r) {
  if (r.status() != tessera::Status::kOk) return "transport error";
  switch (r.error()) {
    case ifc::Error::kNotFound:
      return "not_found";
    case ifc::Error::kInvalidKey:
      return "invalid_key";
    case ifc::Error::kFull:
      return "full";
    case ifc::Error::kUnavailable:
      return "unavailable";
  }
  return "?";
}

}  // namespace

int main() {
  tessera::set_log_sink(
      [](const char* text, size_t length) { tessera::console_log(app::console_client(), text, length); });
  auto kv = app::kv_client();
  tessera::log("app: hello from ring 3\n");

  auto put = kv.put(1, 100);
  tessera::log("app: put(1, 100) -> %s\n", put.ok() ? "ok" : "error");
  check(put.ok(), "put(1, 100)");

  auto got = kv.get(1);
  tessera::log("app: get(1) -> %lu\n", got.ok() ? got.value() : 0ul);
  check(got.ok() && got.value() == 100, "get(1) == 100");

  check(kv.put(1, 101).ok(), "overwrite put(1, 101)");
  got = kv.get(1);
  tessera::log("app: get(1) after overwrite -> %lu\n", got.ok() ? got.value() : 0ul);
  check(got.ok() && got.value() == 101, "get(1) == 101");

  auto missing = kv.get(7);
  tessera::log("app: get(7) -> %s (expected not_found)\n", error_name(missing));
  check(!missing.ok() && missing.error() == ifc::Error::kNotFound, "get(7) is not_found");

  auto bad = kv.put(0, 5);
  tessera::log("app: put(0, 5) -> %s (expected invalid_key)\n",
               !bad.ok() && bad.error() == ifc::Error::kInvalidKey ? "invalid_key" : "something else");
  check(!bad.ok() && bad.error() == ifc::Error::kInvalidKey, "put(0, 5) is invalid_key");

  auto has = kv.contains(1);
  auto hasnt = kv.contains(7);
  tessera::log("app: contains(1) -> %s, contains(7) -> %s\n", has.ok() && has.value() ? "true" : "false",
               hasnt.ok() && hasnt.value() ? "true" : "false");
  check(has.ok() && has.value() && hasnt.ok() && !hasnt.value(), "contains");

  check(kv.put(2, 200).ok(), "put(2, 200)");
  auto removed = kv.remove(2);
  auto removed_again = kv.remove(2);
  tessera::log("app: remove(2) -> %s, again -> %s\n", removed.ok() ? "ok" : "error",
               !removed_again.ok() && removed_again.error() == ifc::Error::kNotFound ? "not_found" : "?");
  check(removed.ok() && removed_again.error() == ifc::Error::kNotFound, "remove");

  uint32_t filled = 0;
  tessera::Outcome<void, ifc::Error> last;
  for (uint64_t key = 1000; key < 1200; ++key) {
    last = kv.put(key, key * 2);
    if (!last.ok()) break;
    ++filled;
  }
  auto count = kv.count();
  tessera::log("app: filled %u more keys, then -> %s; count() -> %u\n", filled,
               !last.ok() && last.error() == ifc::Error::kFull ? "full" : "?", count.ok() ? count.value() : 0u);
  check(!last.ok() && last.error() == ifc::Error::kFull, "store reports full");
  check(count.ok() && count.value() == filled + 1, "count() matches the keys stored");
  got = kv.get(1000 + filled - 1);
  check(got.ok() && got.value() == (1000 + filled - 1) * 2, "last stored key reads back");

  auto misses = kv.stat(ifc::Stat::kMisses);
  tessera::log("app: stat(misses) -> %lu\n", misses.ok() ? misses.value() : 0ul);
  check(misses.ok() && misses.value() == 1, "one miss counted");

  // Authority: a slot this component was never granted, and the always-empty slot 0.
  tessera::Message msg;
  tessera::Status ungranted = tessera::sys::call(30, msg);
  tessera::Status empty = tessera::sys::call(0, msg);
  tessera::log("app: call through ungranted slot 30 -> status %u, slot 0 -> status %u\n",
               static_cast<unsigned>(ungranted), static_cast<unsigned>(empty));
  check(ungranted == tessera::Status::kInvalidSlot, "slot 30 is kInvalidSlot");
  check(empty == tessera::Status::kEmptySlot, "slot 0 is kEmptySlot");
  // A method kv does not have: its server skeleton must answer with a protocol error.
  tessera::Message odd;
  odd.info = tessera::make_info((uint32_t{ifc::kInterfaceId} << 16) | 0xff, 0);
  tessera::Status odd_status = tessera::sys::call(app::caps::kKv, odd);
  bool unknown = odd_status == tessera::Status::kOk &&
                 tessera::info_label(odd.info) ==
                     tessera::kReplyProtocolError + static_cast<uint32_t>(tessera::Status::kUnknownMethod);
  tessera::log("app: kv call with an unknown method -> %s\n", unknown ? "unknown_method" : "something else");
  check(unknown, "unknown method is refused by the server");

  got = kv.get(1);
  check(got.ok() && got.value() == 101, "kv still answers after the bad calls");

  // kv's counters: as one struct, and live in the page kv shares. kv sends a read-only cap
  // to it, which arrives in our first free slot; mapping it takes page tables from map_quota.
  auto all = kv.counters();
  const uint32_t stats_slot = app::caps::kFirstFree;
  auto region = kv.stats_region(stats_slot);
  tessera::sys::CapInfo info;
  const bool got_cap = region.ok() && region.value().slot == stats_slot &&
                       tessera::sys::cap_info(stats_slot, info) == tessera::Status::kOk &&
                       info.type == tessera::CapType::kMemory &&
                       info.rights == (tessera::rights::kRead | tessera::rights::kGrant);
  check(got_cap, "kv sent a read-only memory cap");
  const tessera::Status mapped = tessera::sys::region_map(stats_slot, tessera::layout::kMapBase);
  check(mapped == tessera::Status::kOk, "the stats page maps into the map window");
  const auto* live = reinterpret_cast<const volatile uint64_t*>(tessera::layout::kMapBase);
  tessera::log("app: counters() -> %lu puts, %lu gets, %lu misses, %u stored; the shared page shows %lu puts\n",
               all.ok() ? all.value().puts : 0ul, all.ok() ? all.value().gets : 0ul,
               all.ok() ? all.value().misses : 0ul, all.ok() ? all.value().stored : 0u,
               mapped == tessera::Status::kOk ? live[0] : 0ul);
  check(all.ok() && mapped == tessera::Status::kOk && live[0] == all.value().puts && all.value().stored == 64,
        "the shared page matches counters()");

  // Serial input: the console signals `input` when a line came in by interrupt.
  tessera::log("app: waiting up to 2 s for a line of serial input\n");
  uint64_t bits = 0;
  bool signalled = false;
  for (int i = 0; i < 200 && !signalled; ++i) {
    signalled = tessera::sys::poll(app::caps::kInput, &bits) == tessera::Status::kOk;
    if (!signalled) tessera::sys::sleep_ms(10);
  }
  if (signalled) {
    auto line = app::console_client().last_input();
    char text[41] = {};
    if (line.ok())
      for (uint32_t i = 0; i < line.value().size; ++i) text[i] = static_cast<char>(line.value().data[i]);
    tessera::log("app: the console read '%s' from the serial port\n", text);
    check(line.ok() && line.value().size > 0, "a signalled input line is not empty");
  } else {
    tessera::log("app: no serial input\n");
  }

  tessera::log("app: %d checks passed, %d failed\n", passed, failed);
  if (failed == 0) tessera::log("app: ALL CHECKS PASSED\n");
  return failed == 0 ? 0 : 1;
}
