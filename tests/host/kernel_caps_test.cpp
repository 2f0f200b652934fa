// Cap lookup: slot range, empty slots, object type and rights are checked in that order.
#include <doctest/doctest.h>

#include "kernel/cap_table.h"

using kernel::Cap;
using kernel::CapTable;
using tessera::CapType;
using tessera::Status;
namespace rights = tessera::rights;

TEST_CASE("cap lookup checks slot, type and rights") {
  Cap slots[4];
  CapTable table(slots, 4);
  int object = 0;
  REQUIRE(table.install(1, kernel::CapValue{CapType::kEndpoint, rights::kSend, &object, 7}) == Status::kOk);
  REQUIRE(table.install(2, kernel::CapValue{CapType::kEndpoint, rights::kRecv, &object, 0}) == Status::kOk);

  SUBCASE("a granted cap with the right is found with its badge") {
    auto r = table.lookup(1, CapType::kEndpoint, rights::kSend);
    REQUIRE(r.ok());
    CHECK(r.value()->badge == 7);
    CHECK(r.value()->object == &object);
  }
  SUBCASE("slot beyond the table") {
    CHECK(table.lookup(4, CapType::kEndpoint, rights::kSend).status() == Status::kInvalidSlot);
    CHECK(table.lookup(~0ull, CapType::kEndpoint, rights::kSend).status() == Status::kInvalidSlot);
  }
  SUBCASE("empty slot, including slot 0") {
    CHECK(table.lookup(0, CapType::kEndpoint, rights::kSend).status() == Status::kEmptySlot);
    CHECK(table.lookup(3, CapType::kEndpoint, 0).status() == Status::kEmptySlot);
  }
  SUBCASE("wrong type is reported before rights") {
    CHECK(table.lookup(1, static_cast<CapType>(9), rights::kSend).status() == Status::kWrongType);
  }
  SUBCASE("missing right") {
    CHECK(table.lookup(1, CapType::kEndpoint, rights::kRecv).status() == Status::kNoRights);
    CHECK(table.lookup(2, CapType::kEndpoint, rights::kSend).status() == Status::kNoRights);
    CHECK(table.lookup(1, CapType::kEndpoint, rights::kSend | rights::kGrant).status() == Status::kNoRights);
  }
  SUBCASE("install refuses occupied and out-of-range slots") {
    CHECK(table.install(1, kernel::CapValue{CapType::kEndpoint, rights::kSend, &object, 0}) == Status::kSlotOccupied);
    CHECK(table.install(9, kernel::CapValue{CapType::kEndpoint, rights::kSend, &object, 0}) == Status::kInvalidSlot);
  }
}
