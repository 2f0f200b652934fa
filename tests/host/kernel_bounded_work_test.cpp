// Long operations in bounded steps: revoke, delete, map, unmap, region map and unmap each do
// at most tessera::kWorkPerCall units (and one TLB flush) per system call, answer kIncomplete
// while work is left, and repeated calls end where one unbounded call used to.
#include <doctest/doctest.h>

#include <vector>

#include "kernel/component.h"
#include "kernel/syscalls.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::CapType;
using tessera::kWorkPerCall;
using tessera::Status;
using tessera::Syscall;
namespace rights = tessera::rights;
using tessera::layout::kMapBase;
using tessera::layout::kPageSize;

namespace {

/// Two components with `slots` cap slots and `quota` pages of map quota each; one thread
/// makes the system calls as either of them.
struct System {
  std::vector<Cap> slots[2];
  std::vector<uint64_t> pool_storage[2];
  Component comps[2];
  Cpu cpu;
  Thread thread;
  SyscallFrame frame = {};

  System(uint32_t slot_count, uint32_t quota) {
    for (int i = 0; i < 2; ++i) {
      slots[i].resize(slot_count);
      pool_storage[i].resize(quota);
      Component& c = comps[i];
      c.caps = CapTable(slots[i].data(), slot_count, &c);
      REQUIRE(platform::create_address_space(c.space));
      c.map_pool = FramePool(pool_storage[i].data(), quota);
      for (uint32_t f = 0; f < quota; ++f) c.map_pool.push(platform::alloc_frame());
    }
    thread.frame = &frame;
    thread.cpu = &cpu;
    cpu.current = &thread;
  }

  Status call(int i, Syscall number, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0) {
    thread.component = &comps[i];
    host::make_call(cpu, thread, number, a0, a1, a2);
    return host::status_of(thread);
  }

  /// Caps of both tables whose tree place or state differs from `before`: a unit of work
  /// moves, revokes or empties one cap.
  uint32_t changed(const std::vector<Cap> (&before)[2]) const {
    uint32_t n = 0;
    for (int i = 0; i < 2; ++i)
      for (size_t s = 0; s < slots[i].size(); ++s) {
        const Cap& a = before[i][s];
        const Cap& b = slots[i][s];
        if (a.parent != b.parent || a.revoked != b.revoked || a.type != b.type) ++n;
      }
    return n;
  }

  uint64_t mapped(int i, uint64_t vaddr, uint64_t pages) const {
    uint64_t n = 0;
    for (uint64_t p = 0; p < pages; ++p)
      if (platform::translate(comps[i].space, vaddr + p * kPageSize, platform::MapFlags{}) != 0) ++n;
    return n;
  }
};

}  // namespace

TEST_CASE("a 4000-deep chain of copies is revoked in steps of at most kWorkPerCall caps") {
  constexpr uint32_t kDepth = 4000;
  System s(kDepth + 2, 0);
  Component& a = s.comps[0];
  int endpoint = 0;
  REQUIRE(a.caps.install(1, CapValue{CapType::kEndpoint, rights::kSend | rights::kGrant, &endpoint, 0}) == Status::kOk);
  for (uint32_t slot = 1; slot <= kDepth; ++slot) REQUIRE(s.call(0, Syscall::kCapCopy, slot, slot + 1) == Status::kOk);
  REQUIRE(s.slots[0][kDepth + 1].parent == &s.slots[0][kDepth]);

  uint64_t revoked = 0;
  uint32_t calls = 0;
  Status status = Status::kIncomplete;
  while (status == Status::kIncomplete) {
    const std::vector<Cap> before[2] = {s.slots[0], s.slots[1]};
    status = s.call(0, Syscall::kCapRevoke, 1);
    ++calls;
    CHECK(s.frame.a0 <= kWorkPerCall);
    CHECK(s.changed(before) <= kWorkPerCall);
    revoked += s.frame.a0;
    REQUIRE(calls <= kDepth);  // each call gets somewhere
  }
  CHECK(status == Status::kOk);
  CHECK(calls > kDepth / kWorkPerCall);
  // The end state of one unbounded revoke: every copy a revoked, unlinked slot.
  CHECK(revoked == kDepth);
  CHECK(s.slots[0][1].first_child == nullptr);
  CHECK(a.caps.lookup_any(1).ok());
  for (uint32_t slot = 2; slot <= kDepth + 1; ++slot) {
    const Cap& cap = s.slots[0][slot];
    CHECK(cap.revoked);
    CHECK(cap.type == CapType::kEndpoint);
    CHECK((cap.parent == nullptr && cap.first_child == nullptr && cap.next_sibling == nullptr &&
           cap.prev_sibling == nullptr));
  }
  CHECK(s.call(0, Syscall::kCapRevoke, 1) == Status::kOk);
  CHECK(s.frame.a0 == 0);
}

TEST_CASE("caps changed between the steps of a revoke: the steps decode again, and the end is whole") {
  System s(300, 0);
  Component& a = s.comps[0];
  Component& b = s.comps[1];
  int endpoint = 0;
  REQUIRE(a.caps.install(1, CapValue{CapType::kEndpoint, rights::kSend | rights::kGrant, &endpoint, 0}) == Status::kOk);
  // A chain of 200 in a (slots 2..201), and b holds copies of the chain's end.
  for (uint32_t slot = 1; slot <= 200; ++slot) REQUIRE(s.call(0, Syscall::kCapCopy, slot, slot + 1) == Status::kOk);
  for (uint32_t slot = 1; slot <= 20; ++slot) b.caps.derive(s.slots[0][201], s.slots[1][slot], rights::kSend, 0);

  REQUIRE(s.call(0, Syscall::kCapRevoke, 1) == Status::kIncomplete);
  // Meanwhile (another thread, another CPU): b copies a cap the revoke has not reached yet,
  // deletes one, and moves one; a deletes a link of the chain.
  REQUIRE(b.caps.lookup_any(5).ok());
  CHECK(s.call(1, Syscall::kCapCopy, 5, 100) == Status::kOk);
  CHECK(s.call(1, Syscall::kCapDelete, 6) == Status::kOk);
  CHECK(s.call(1, Syscall::kCapMove, 7, 101) == Status::kOk);
  uint32_t unreached = 0;
  for (uint32_t slot = 150; slot <= 200 && unreached == 0; ++slot)
    if (a.caps.lookup_any(slot).ok()) unreached = slot;
  REQUIRE(unreached != 0);
  CHECK(s.call(0, Syscall::kCapDelete, unreached) == Status::kOk);
  CHECK(s.slots[0][unreached].empty());

  Status status;
  do status = s.call(0, Syscall::kCapRevoke, 1);
  while (status == Status::kIncomplete);
  CHECK(status == Status::kOk);
  CHECK(s.slots[0][1].first_child == nullptr);
  for (uint32_t slot = 2; slot <= 201; ++slot)
    if (slot != unreached) CHECK(a.caps.lookup_any(slot).status() == Status::kRevoked);
  for (uint32_t slot : {1u, 2u, 3u, 4u, 5u, 8u, 20u, 100u, 101u})
    CHECK(b.caps.lookup_any(slot).status() == Status::kRevoked);
  CHECK(s.slots[1][6].empty());
}

TEST_CASE("deleting a cap with many children hands them on in bounded steps") {
  System s(400, 0);
  Component& a = s.comps[0];
  int endpoint = 0;
  REQUIRE(a.caps.install(1, CapValue{CapType::kEndpoint, rights::kSend | rights::kGrant, &endpoint, 0}) == Status::kOk);
  REQUIRE(s.call(0, Syscall::kCapCopy, 1, 2) == Status::kOk);
  for (uint32_t slot = 3; slot < 303; ++slot) REQUIRE(s.call(0, Syscall::kCapCopy, 2, slot) == Status::kOk);

  const std::vector<Cap> before[2] = {s.slots[0], s.slots[1]};
  REQUIRE(s.call(0, Syscall::kCapDelete, 2) == Status::kIncomplete);
  CHECK(s.changed(before) <= kWorkPerCall);
  // Half deleted, the cap can no longer be used; its children still can.
  CHECK(a.caps.lookup_any(2).status() == Status::kRevoked);
  CHECK(s.call(0, Syscall::kCapCopy, 2, 350) == Status::kRevoked);
  CHECK(a.caps.lookup_any(300).ok());

  SUBCASE("repeating the delete finishes it: every child is its parent's") {
    Status status;
    do status = s.call(0, Syscall::kCapDelete, 2);
    while (status == Status::kIncomplete);
    CHECK(status == Status::kOk);
    CHECK(s.slots[0][2].empty());
    for (uint32_t slot = 3; slot < 303; ++slot) CHECK(s.slots[0][slot].parent == &s.slots[0][1]);
  }
  SUBCASE("a revoke of its parent takes over what is left") {
    Status status;
    uint64_t revoked = 0;
    do {
      status = s.call(0, Syscall::kCapRevoke, 1);
      revoked += s.frame.a0;
    } while (status == Status::kIncomplete);
    CHECK(status == Status::kOk);
    CHECK(revoked == 301);
    for (uint32_t slot = 2; slot < 303; ++slot) CHECK(a.caps.lookup_any(slot).status() == Status::kRevoked);
    CHECK(s.call(0, Syscall::kCapDelete, 2) == Status::kOk);
    CHECK(s.slots[0][2].empty());
  }
}

TEST_CASE("a large map is done kWorkPerCall pages per call, and unmapped the same way") {
  constexpr uint64_t kPages = 2048;  // 8 MiB
  System s(4, kPages + 16);
  Component& c = s.comps[0];
  const unsigned flushes = fake::platform().tlb_flushes;

  uint64_t done = 0;
  uint32_t calls = 0;
  Status status = Status::kIncomplete;
  while (status == Status::kIncomplete) {
    status = s.call(0, Syscall::kMap, kMapBase + done * kPageSize, kPages - done, tessera::map_flags::kWrite);
    ++calls;
    CHECK(s.frame.a0 <= kWorkPerCall);
    CHECK(s.frame.a0 > 0);
    done += s.frame.a0;
    CHECK(s.mapped(0, kMapBase, kPages) == done);  // exactly the pages reported, from the start
    REQUIRE(calls <= kPages);
  }
  CHECK(status == Status::kOk);
  CHECK(done == kPages);
  CHECK(calls == kPages / kWorkPerCall);
  // The end state of one unbounded map: 2048 pages and their tables (3 + 3 more leaf tables).
  CHECK(c.map_pool.available() == 16 - 6);
  CHECK(platform::translate(c.space, kMapBase + (kPages - 1) * kPageSize, platform::MapFlags{true, true, false}) != 0);
  CHECK(fake::platform().tlb_flushes == flushes);

  done = 0;
  calls = 0;
  status = Status::kIncomplete;
  while (status == Status::kIncomplete) {
    const unsigned before = fake::platform().tlb_flushes;
    status = s.call(0, Syscall::kUnmap, kMapBase + done * kPageSize, kPages - done);
    ++calls;
    CHECK(s.frame.a0 <= kWorkPerCall);
    CHECK(fake::platform().tlb_flushes == before + 1);  // each step flushes what it unmapped
    done += s.frame.a0;
    CHECK(s.mapped(0, kMapBase, kPages) == kPages - done);
    REQUIRE(calls <= kPages);
  }
  CHECK(status == Status::kOk);
  CHECK(calls == kPages / kWorkPerCall);
  CHECK(c.map_pool.available() == kPages + 10);
}

TEST_CASE("a map the quota cannot hold fails before its first page; later steps decode again") {
  System s(4, 100);
  Component& c = s.comps[0];
  CHECK(s.call(0, Syscall::kMap, kMapBase, 98, tessera::map_flags::kWrite) == Status::kOutOfMemory);  // + 3 tables
  CHECK(s.mapped(0, kMapBase, 98) == 0);
  CHECK(c.map_pool.available() == 100);

  REQUIRE(s.call(0, Syscall::kMap, kMapBase, 90, tessera::map_flags::kWrite) == Status::kIncomplete);
  REQUIRE(s.frame.a0 == kWorkPerCall);
  // Another thread maps a page of the rest meanwhile: the next step sees it.
  const uint64_t rest = kMapBase + kWorkPerCall * kPageSize;
  REQUIRE(s.call(0, Syscall::kMap, rest + 10 * kPageSize, 1) == Status::kOk);
  CHECK(s.call(0, Syscall::kMap, rest, 90 - kWorkPerCall) == Status::kAlreadyMapped);
  CHECK(s.frame.a0 == 0);
  CHECK(s.mapped(0, rest, 90 - kWorkPerCall) == 1);
}

TEST_CASE("a large region is mapped, unmapped and revoked in bounded steps") {
  constexpr uint32_t kRegionPages = 300;
  System s(8, 16);
  Region region{platform::alloc_frames(kRegionPages), kRegionPages};
  Component& owner = s.comps[0];
  Component& other = s.comps[1];
  REQUIRE(owner.caps.install(1, CapValue{CapType::kMemory, rights::kRead | rights::kWrite | rights::kGrant, &region,
                                         0}) == Status::kOk);
  other.caps.derive(s.slots[0][1], s.slots[1][2], rights::kRead | rights::kGrant, 0);
  const uint64_t at = kMapBase + 64 * kPageSize;

  // The same call, repeated, goes on with the mapping.
  uint32_t calls = 0;
  Status status = Status::kIncomplete;
  while (status == Status::kIncomplete) {
    const uint64_t before = s.mapped(1, at, kRegionPages);
    status = s.call(1, Syscall::kRegionMap, 2, at);
    ++calls;
    CHECK(s.mapped(1, at, kRegionPages) - before <= kWorkPerCall);
    REQUIRE(calls <= kRegionPages);
    if (status == Status::kIncomplete)
      CHECK(s.call(1, Syscall::kRegionMap, 2, at + kPageSize) == Status::kAlreadyMapped);
  }
  CHECK(status == Status::kOk);
  CHECK(calls == (kRegionPages + kWorkPerCall - 1) / kWorkPerCall);
  CHECK(platform::translate(other.space, at + (kRegionPages - 1) * kPageSize, platform::MapFlags{}) ==
        region.phys + (kRegionPages - 1) * kPageSize);
  CHECK(s.call(1, Syscall::kRegionMap, 2, at) == Status::kAlreadyMapped);  // wholly mapped

  SUBCASE("region_unmap goes step by step too") {
    calls = 0;
    do {
      const uint64_t before = s.mapped(1, at, kRegionPages);
      status = s.call(1, Syscall::kRegionUnmap, 2);
      CHECK(before - s.mapped(1, at, kRegionPages) <= kWorkPerCall);
      ++calls;
    } while (status == Status::kIncomplete);
    CHECK(status == Status::kOk);
    CHECK(calls == 5);
    CHECK(s.mapped(1, at, kRegionPages) == 0);
    CHECK(s.call(1, Syscall::kRegionUnmap, 2) == Status::kNotMapped);
  }
  SUBCASE("revoking the owner's cap unmaps the other's mapping step by step, one flush a step") {
    REQUIRE(s.call(0, Syscall::kCapRevoke, 1) == Status::kIncomplete);
    CHECK(s.frame.a0 == 0);
    CHECK(s.mapped(1, at, kRegionPages) == kRegionPages - (kWorkPerCall - 1));  // a unit to mark it revoked
    // Already unusable, and what is still mapped cannot be handed to the quota as map()'s.
    CHECK(s.call(1, Syscall::kRegionUnmap, 2) == Status::kRevoked);
    CHECK(s.call(1, Syscall::kUnmap, at, 1) == Status::kNotMapped);
    calls = 1;
    do {
      const unsigned flushes = fake::platform().tlb_flushes;
      status = s.call(0, Syscall::kCapRevoke, 1);
      CHECK(fake::platform().tlb_flushes == flushes + 1);
      ++calls;
    } while (status == Status::kIncomplete);
    CHECK(status == Status::kOk);
    CHECK(s.frame.a0 == 1);
    CHECK(calls == 5);
    CHECK(s.mapped(1, at, kRegionPages) == 0);
    CHECK(s.slots[1][2].revoked);
    CHECK(s.slots[1][2].mapped_at == 0);
  }
  SUBCASE("the holder deleting its cap goes on where the revoke stopped") {
    REQUIRE(s.call(0, Syscall::kCapRevoke, 1) == Status::kIncomplete);
    do status = s.call(1, Syscall::kCapDelete, 2);
    while (status == Status::kIncomplete);
    CHECK(status == Status::kOk);
    CHECK(s.slots[1][2].empty());
    CHECK(s.mapped(1, at, kRegionPages) == 0);
    CHECK(s.call(0, Syscall::kCapRevoke, 1) == Status::kOk);
    CHECK(s.slots[0][1].first_child == nullptr);
  }
}

TEST_CASE("a revoke makes one TLB flush per call however many mapped caps it reaches") {
  System s(8, 16);
  Region region{platform::alloc_frames(1), 1};
  Component& other = s.comps[1];
  REQUIRE(s.comps[0].caps.install(1, CapValue{CapType::kMemory, rights::kRead | rights::kGrant, &region, 0}) ==
          Status::kOk);
  for (uint32_t slot = 1; slot <= 3; ++slot) {
    other.caps.derive(s.slots[0][1], s.slots[1][slot], rights::kRead | rights::kGrant, 0);
    REQUIRE(s.call(1, Syscall::kRegionMap, slot, kMapBase + slot * 2 * kPageSize) == Status::kOk);
  }
  uint32_t calls = 0;
  uint64_t revoked = 0;
  Status status;
  do {
    const unsigned flushes = fake::platform().tlb_flushes;
    status = s.call(0, Syscall::kCapRevoke, 1);
    CHECK(fake::platform().tlb_flushes == flushes + 1);
    revoked += s.frame.a0;
    ++calls;
  } while (status == Status::kIncomplete);
  CHECK(calls == 3);
  CHECK(revoked == 3);
  CHECK(s.mapped(1, kMapBase, 8) == 0);
}
