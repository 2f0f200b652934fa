// The derivation tree: copy, mint, move, delete and revoke through the cap system calls,
// across the tables of several components.
#include <doctest/doctest.h>

#include <initializer_list>

#include "kernel/component.h"
#include "kernel/endpoint.h"
#include "kernel/syscalls.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::CapType;
using tessera::Status;
using tessera::Syscall;
namespace rights = tessera::rights;

namespace {

/// Two components with 8 slots each; a's slot 1 holds a root endpoint cap.
struct Tables {
  Cap a_slots[8];
  Cap b_slots[8];
  Component a, b;
  Endpoint ep;
  Cpu cpu;
  SyscallFrame frame = {};
  Thread thread;

  Tables() {
    a.caps = CapTable(a_slots, 8, &a);
    b.caps = CapTable(b_slots, 8, &b);
    REQUIRE(a.caps.install(1, CapValue{CapType::kEndpoint, rights::kSend | rights::kGrant, &ep, 0}) == Status::kOk);
    thread.frame = &frame;
    thread.component = &a;
    thread.cpu = &cpu;
    cpu.current = &thread;
  }

  /// Runs system call `number` as a thread of component `c`.
  Status call(Component& c, Syscall number, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    thread.component = &c;
    host::make_call(cpu, thread, number, a0, a1, a2, a3);
    return host::status_of(thread);
  }

  /// Gives b a cap derived from a's slot `from` (what a transfer in a message does).
  void send_to_b(uint32_t from, uint32_t to) {
    Cap* src = a.caps.lookup_any(from).value();
    b.caps.derive(*src, *b.caps.empty_slot(to).value(), src->rights, src->badge);
  }
};

}  // namespace

TEST_CASE("copy and mint derive children with the same or fewer rights") {
  Tables t;
  REQUIRE(t.call(t.a, Syscall::kCapCopy, 1, 2) == Status::kOk);
  CHECK(t.a_slots[2].type == CapType::kEndpoint);
  CHECK(t.a_slots[2].rights == (rights::kSend | rights::kGrant));
  CHECK(t.a_slots[2].parent == &t.a_slots[1]);
  CHECK(t.a_slots[2].object == &t.ep);

  REQUIRE(t.call(t.a, Syscall::kCapMint, 1, 3, rights::kSend, 77) == Status::kOk);
  CHECK(t.a_slots[3].rights == rights::kSend);
  CHECK(t.a_slots[3].badge == 77);
  CHECK(t.a_slots[3].parent == &t.a_slots[1]);

  SUBCASE("cap_info reports type, rights and badge") {
    REQUIRE(t.call(t.a, Syscall::kCapInfo, 3) == Status::kOk);
    CHECK(t.frame.a0 == static_cast<uint64_t>(CapType::kEndpoint));
    CHECK(t.frame.a1 == rights::kSend);
    CHECK(t.frame.mr[0] == 77);
  }
  SUBCASE("a minted cap cannot gain rights") {
    CHECK(t.call(t.a, Syscall::kCapMint, 3, 4, rights::kSend | rights::kGrant, 0) == Status::kNoRights);
    CHECK(t.call(t.a, Syscall::kCapMint, 3, 4, rights::kRecv, 0) == Status::kNoRights);
    CHECK(t.a_slots[4].empty());
  }
  SUBCASE("a badged cap keeps its badge: the same one is fine, another is refused") {
    CHECK(t.call(t.a, Syscall::kCapMint, 3, 4, rights::kSend, 78) == Status::kInvalidArgument);
    CHECK(t.call(t.a, Syscall::kCapMint, 3, 4, rights::kSend, 77) == Status::kOk);
    CHECK(t.call(t.a, Syscall::kCapMint, 3, 5, rights::kSend, 0) == Status::kOk);
    CHECK(t.a_slots[5].badge == 77);
  }
  SUBCASE("unknown rights bits are refused") {
    CHECK(t.call(t.a, Syscall::kCapMint, 1, 4, 1u << 12, 0) == Status::kInvalidArgument);
  }
}

TEST_CASE("every misuse of a cap operation has its own error") {
  Tables t;
  CHECK(t.call(t.a, Syscall::kCapCopy, 8, 2) == Status::kInvalidSlot);   // source beyond the table
  CHECK(t.call(t.a, Syscall::kCapCopy, 1, 99) == Status::kInvalidSlot);  // destination beyond it
  CHECK(t.call(t.a, Syscall::kCapCopy, 3, 2) == Status::kEmptySlot);     // nothing to copy
  CHECK(t.call(t.a, Syscall::kCapCopy, 1, 1) == Status::kSlotOccupied);  // destination taken
  CHECK(t.call(t.a, Syscall::kCapMove, 1, 1) == Status::kSlotOccupied);
  CHECK(t.call(t.a, Syscall::kCapDelete, 0) == Status::kEmptySlot);
  CHECK(t.call(t.a, Syscall::kCapDelete, 100) == Status::kInvalidSlot);
  CHECK(t.call(t.a, Syscall::kSignal, 1, 1) == Status::kWrongType);  // an endpoint is no notification
  CHECK(t.call(t.a, Syscall::kCapRevoke, 2) == Status::kEmptySlot);
  CHECK(t.call(t.a, Syscall::kCapInfo, 0) == Status::kEmptySlot);
  CHECK(t.call(t.a, static_cast<Syscall>(200), 0) == Status::kInvalidSyscall);
}

TEST_CASE("slot 0 never holds a cap: copy, mint and move into it are refused") {
  Tables t;
  CHECK(t.call(t.a, Syscall::kCapCopy, 1, 0) == Status::kInvalidSlot);
  CHECK(t.call(t.a, Syscall::kCapMint, 1, 0, rights::kSend, 0) == Status::kInvalidSlot);
  CHECK(t.call(t.a, Syscall::kCapMove, 1, 0) == Status::kInvalidSlot);
  CHECK(t.a_slots[0].empty());
  CHECK(t.a_slots[1].first_child == nullptr);  // nothing was derived
  CHECK(t.call(t.a, Syscall::kCapInfo, 0) == Status::kEmptySlot);
  CHECK(t.call(t.a, Syscall::kCapInfo, 1) == Status::kOk);  // the refused move left it in place
  CHECK(t.a.caps.install(0, CapValue{CapType::kEndpoint, rights::kSend, &t.ep, 0}) == Status::kInvalidSlot);
}

TEST_CASE("revoke removes every cap derived from a cap, in every component") {
  Tables t;
  REQUIRE(t.call(t.a, Syscall::kCapMint, 1, 2, rights::kSend | rights::kGrant, 5) == Status::kOk);
  t.send_to_b(2, 3);                                             // b: slot 3, a grandchild of a's slot 1
  REQUIRE(t.call(t.b, Syscall::kCapCopy, 3, 4) == Status::kOk);  // b: slot 4, great-grandchild
  REQUIRE(t.call(t.a, Syscall::kCapCopy, 1, 5) == Status::kOk);  // a: slot 5, another child

  SUBCASE("revoking the child cuts off what was derived from it, and only that") {
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 2) == Status::kOk);
    CHECK(t.frame.a0 == 2);  // b's two caps
    CHECK(t.b.caps.lookup(3, CapType::kEndpoint, 0).status() == Status::kRevoked);
    CHECK(t.b.caps.lookup(4, CapType::kEndpoint, 0).status() == Status::kRevoked);
    CHECK(t.call(t.b, Syscall::kCapCopy, 3, 5) == Status::kRevoked);
    CHECK(t.a.caps.lookup(2, CapType::kEndpoint, rights::kSend).ok());  // revoke spares the cap itself
    CHECK(t.a.caps.lookup(5, CapType::kEndpoint, rights::kSend).ok());
    CHECK(t.a_slots[2].first_child == nullptr);
    // A revoked slot is occupied until deleted.
    CHECK(t.call(t.b, Syscall::kCapCopy, 0, 3) == Status::kEmptySlot);
    t.send_to_b(5, 6);
    CHECK(t.call(t.b, Syscall::kCapMove, 6, 3) == Status::kSlotOccupied);
    CHECK(t.call(t.b, Syscall::kCapDelete, 3) == Status::kOk);
    CHECK(t.b_slots[3].empty());
    CHECK(t.call(t.b, Syscall::kCapMove, 6, 3) == Status::kOk);
  }
  SUBCASE("revoking the root reaches every generation") {
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 1) == Status::kOk);
    CHECK(t.frame.a0 == 4);
    for (uint32_t slot : {2u, 5u}) CHECK(t.a.caps.lookup_any(slot).status() == Status::kRevoked);
    for (uint32_t slot : {3u, 4u}) CHECK(t.b.caps.lookup_any(slot).status() == Status::kRevoked);
    CHECK(t.a_slots[1].first_child == nullptr);
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 1) == Status::kOk);
    CHECK(t.frame.a0 == 0);
  }
  SUBCASE("deleting a middle cap hands its children to its parent") {
    REQUIRE(t.call(t.a, Syscall::kCapDelete, 2) == Status::kOk);
    CHECK(t.a_slots[2].empty());
    CHECK(t.b_slots[3].parent == &t.a_slots[1]);
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 1) == Status::kOk);
    CHECK(t.frame.a0 == 3);
    CHECK(t.b.caps.lookup_any(3).status() == Status::kRevoked);
  }
  SUBCASE("a moved cap keeps its place in the tree, parent and children") {
    REQUIRE(t.call(t.a, Syscall::kCapMove, 2, 7) == Status::kOk);
    CHECK(t.a_slots[2].empty());
    CHECK(t.a_slots[7].parent == &t.a_slots[1]);
    CHECK(t.b_slots[3].parent == &t.a_slots[7]);
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 7) == Status::kOk);
    CHECK(t.frame.a0 == 2);
    REQUIRE(t.call(t.b, Syscall::kCapMove, 3, 7) == Status::kRevoked);
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 1) == Status::kOk);
    CHECK(t.frame.a0 == 2);  // slots 7 and 5 of a
  }
  SUBCASE("moving a root moves what revoking it reaches") {
    REQUIRE(t.call(t.a, Syscall::kCapMove, 1, 6) == Status::kOk);
    REQUIRE(t.call(t.a, Syscall::kCapRevoke, 6) == Status::kOk);
    CHECK(t.frame.a0 == 4);
  }
}
