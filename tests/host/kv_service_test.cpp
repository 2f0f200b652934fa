// The kv component's logic through the generated kv stub over the loopback transport:
// exactly the code the kv component runs, minus the kernel.
#include <doctest/doctest.h>

#include <tessera/loopback.h>

#include "components/kv/kv_service.h"

namespace ifc = tessera::interfaces::kv;
using kv_service::KvService;

namespace {

struct Fixture {
  KvService service;
  tessera::Loopback<KvService, ifc::Server<KvService>> transport{service};
  ifc::Client<decltype(transport)> client{transport, 1};
};

}  // namespace

TEST_CASE_FIXTURE(Fixture, "put, get, overwrite, remove") {
  CHECK(client.put(5, 50).ok());
  CHECK(client.get(5).value() == 50);
  CHECK(client.put(5, 51).ok());
  CHECK(client.get(5).value() == 51);
  CHECK(client.count().value() == 1);
  CHECK(client.remove(5).ok());
  CHECK(client.remove(5).error() == ifc::Error::kNotFound);
  CHECK(client.get(5).error() == ifc::Error::kNotFound);
  CHECK_FALSE(client.contains(5).value());
}

TEST_CASE_FIXTURE(Fixture, "key 0 is invalid, and the table reports full") {
  CHECK(client.put(0, 1).error() == ifc::Error::kInvalidKey);
  for (uint64_t k = 1; k <= KvService::kCapacity; ++k) REQUIRE(client.put(k, k).ok());
  CHECK(client.put(999, 1).error() == ifc::Error::kFull);
  CHECK(client.put(7, 70).ok());  // overwriting needs no new slot
  for (uint64_t k = 1; k <= KvService::kCapacity; ++k) CHECK(client.contains(k).value());
  CHECK(client.count().value() == KvService::kCapacity);
}

TEST_CASE_FIXTURE(Fixture, "removal keeps colliding keys reachable") {
  for (uint64_t k = 1; k <= 40; ++k) REQUIRE(client.put(k, k * 10).ok());
  for (uint64_t k = 1; k <= 40; k += 2) REQUIRE(client.remove(k).ok());
  for (uint64_t k = 2; k <= 40; k += 2) CHECK(client.get(k).value() == k * 10);
  CHECK(client.count().value() == 20);
  for (uint64_t k = 100; k < 100 + KvService::kCapacity - 20; ++k) REQUIRE(client.put(k, 1).ok());
  CHECK(client.put(500, 1).error() == ifc::Error::kFull);
}

TEST_CASE_FIXTURE(Fixture, "stats count puts, gets and misses") {
  (void)client.put(1, 1);
  (void)client.put(0, 1);
  (void)client.get(1);
  (void)client.get(2);
  (void)client.get(3);
  CHECK(client.stat(ifc::Stat::kPuts).value() == 2);
  CHECK(client.stat(ifc::Stat::kGets).value() == 3);
  CHECK(client.stat(ifc::Stat::kMisses).value() == 2);
}

TEST_CASE("counters live where the service is told, and the stats cap is handed out") {
  kv_service::Counters shared;
  KvService service(&shared, 11);
  tessera::Loopback<KvService, ifc::Server<KvService>> transport{service};
  ifc::Client<decltype(transport)> client{transport, 1};
  CHECK(client.put(1, 2).ok());
  CHECK(client.put(1, 3).ok());
  CHECK(client.get(9).error() == ifc::Error::kNotFound);
  CHECK(shared.puts == 2);
  CHECK(shared.misses == 1);
  CHECK(client.counters().value() == ifc::Counters{2, 1, 1, 1});
  auto region = client.stats_region(20);
  REQUIRE(region.ok());
  CHECK(region.value().slot == 11);  // over the loopback, the server's own slot
}

TEST_CASE_FIXTURE(Fixture, "without a stats cap, stats_region is unavailable") {
  CHECK(client.stats_region(20).error() == ifc::Error::kUnavailable);
}
