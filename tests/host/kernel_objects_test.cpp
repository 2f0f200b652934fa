// Notifications, caps and words carried by messages, the map quota, shared regions and
// interrupt lines: the kernel's decisions, on the host with the fake platform.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>

#include "kernel/component.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/irq.h"
#include "kernel/log.h"
#include "kernel/message.h"
#include "kernel/syscalls.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::CapType;
using tessera::Status;
using tessera::Syscall;
namespace rights = tessera::rights;
using tessera::layout::kMapBase;
using tessera::layout::kPageSize;

namespace {

/// Two components with one thread each on one CPU, 8 cap slots, IPC buffers, and a map
/// quota of `quota` pages for each.
struct World {
  Cpu cpu;
  Component comps[2];
  Cap slots[2][8];
  Thread threads[2];
  SyscallFrame frames[2] = {};
  std::unique_ptr<tessera::IpcBuffer> buffers[2];
  uint64_t pool_storage[2][16];

  explicit World(uint32_t quota = 8) {
    for (int i = 0; i < 2; ++i) {
      Component& c = comps[i];
      c.caps = CapTable(slots[i], 8, &c);
      REQUIRE(platform::create_address_space(c.space));
      c.map_pool = FramePool(pool_storage[i], quota);
      for (uint32_t f = 0; f < quota; ++f) c.map_pool.push(platform::alloc_frame());
      buffers[i] = std::make_unique<tessera::IpcBuffer>();
      std::memset(buffers[i].get(), 0, sizeof(tessera::IpcBuffer));
      Thread& t = threads[i];
      t.component = &c;
      t.cpu = &cpu;
      t.frame = &frames[i];
      t.ipc_buffer = buffers[i].get();
      t.priority = static_cast<uint8_t>(100 + i);
    }
    cpu.current = &threads[0];
  }
  Thread* thread(int i) { return &threads[i]; }

  Status call(int i, Syscall number, uint64_t a0, uint64_t a1 = 0, uint64_t a2 = 0) {
    host::make_call(cpu, threads[i], number, a0, a1, a2);
    return host::status_of(threads[i]);
  }
};

}  // namespace

TEST_CASE("notifications: bits accumulate, one waiter takes them all") {
  World w;
  Notification n;
  Thread* a = w.thread(0);
  Thread* b = w.thread(1);

  SUBCASE("signal first, then wait returns at once and clears") {
    CHECK(notification_signal(w.cpu, a, &n, 0b01) == a);
    CHECK(notification_signal(w.cpu, a, &n, 0b10) == a);
    CHECK(notification_wait(w.cpu, b, &n) == b);
    CHECK(b->frame->a0 == 0b11);
    CHECK(n.word == 0);
  }
  SUBCASE("a waiter blocks, and a signal hands it the word") {
    CHECK(notification_wait(w.cpu, a, &n) == nullptr);  // nothing else runs here
    CHECK(a->state == ThreadState::kBlockedWait);
    // b (priority 101) signals a (100): a is queued, b goes on.
    CHECK(notification_signal(w.cpu, b, &n, 0x40) == b);
    CHECK(a->state == ThreadState::kReady);
    CHECK(a->frame->a0 == 0x40);
    CHECK(a->frame->op == 0);
    CHECK(n.word == 0);
    CHECK(w.cpu.ready.pop_highest() == a);
  }
  SUBCASE("a higher-priority waiter preempts the signaller") {
    CHECK(notification_wait(w.cpu, b, &n) == nullptr);
    CHECK(notification_signal(w.cpu, a, &n, 1) == b);
  }
  SUBCASE("an interrupt's signal queues the waiter") {
    CHECK(notification_wait(w.cpu, a, &n) == nullptr);
    notification_signal_async(w.cpu, &n, 0x10);
    CHECK(w.cpu.ready.pop_highest() == a);
    CHECK(a->frame->a0 == 0x10);
  }
  SUBCASE("poll takes the bits without blocking") {
    CHECK(notification_poll(&n) == 0);
    n.word = 5;
    CHECK(notification_poll(&n) == 5);
    CHECK(n.word == 0);
  }
}

TEST_CASE("notification system calls check rights and fold in the badge") {
  World w;
  Notification n;
  REQUIRE(w.comps[0].caps.install(1, CapValue{CapType::kNotification, rights::kSend, &n, 0x100}) == Status::kOk);
  REQUIRE(w.comps[1].caps.install(1, CapValue{CapType::kNotification, rights::kRecv, &n, 0}) == Status::kOk);
  CHECK(w.call(1, Syscall::kPoll, 1) == Status::kWouldBlock);
  CHECK(w.call(0, Syscall::kSignal, 1, 0x1) == Status::kOk);
  CHECK(n.word == 0x101);
  CHECK(w.call(0, Syscall::kWait, 1) == Status::kNoRights);
  CHECK(w.call(1, Syscall::kSignal, 1, 1) == Status::kNoRights);
  CHECK(w.call(1, Syscall::kPoll, 1) == Status::kOk);
  CHECK(w.frames[1].a0 == 0x101);
  REQUIRE(w.comps[1].caps.install(2, CapValue{CapType::kNotification, rights::kSend, &n, 0}) == Status::kOk);
  CHECK(w.call(1, Syscall::kSignal, 2, 0) == Status::kInvalidArgument);  // no bits at all
}

TEST_CASE("messages: check_message refuses what cannot be sent") {
  World w;
  Endpoint ep;
  Thread* a = w.thread(0);
  REQUIRE(w.comps[0].caps.install(1, CapValue{CapType::kEndpoint, rights::kSend | rights::kGrant, &ep, 0}) ==
          Status::kOk);
  REQUIRE(w.comps[0].caps.install(2, CapValue{CapType::kEndpoint, rights::kSend, &ep, 0}) == Status::kOk);
  CHECK(check_message(a, tessera::make_info(1, 128), true) == Status::kOk);
  CHECK(check_message(a, tessera::make_info(1, 129), true) == Status::kInvalidArgument);
  CHECK(check_message(a, tessera::make_info(1, 0, 5), true) == Status::kInvalidArgument);
  a->ipc_buffer->send_caps[0] = 1;
  CHECK(check_message(a, tessera::make_info(1, 0, 1), true) == Status::kOk);
  CHECK(check_message(a, tessera::make_info(1, 0, 1), false) == Status::kNoRights);  // endpoint without grant
  a->ipc_buffer->send_caps[0] = 2;
  CHECK(check_message(a, tessera::make_info(1, 0, 1), true) == Status::kNoRights);  // the cap lacks grant
  a->ipc_buffer->send_caps[0] = 3;
  CHECK(check_message(a, tessera::make_info(1, 0, 1), true) == Status::kEmptySlot);
  a->ipc_buffer->send_caps[0] = 30;
  CHECK(check_message(a, tessera::make_info(1, 0, 1), true) == Status::kInvalidSlot);
}

TEST_CASE("messages: words and caps travel to the receiver's buffer and slots") {
  World w;
  Endpoint ep;
  Notification n;
  Thread* sender = w.thread(0);
  Thread* receiver = w.thread(1);
  REQUIRE(w.comps[0].caps.install(3, CapValue{CapType::kNotification, rights::kSend | rights::kGrant, &n, 9}) ==
          Status::kOk);
  REQUIRE(w.comps[0].caps.install(4, CapValue{CapType::kNotification, rights::kSend | rights::kGrant, &n, 10}) ==
          Status::kOk);
  for (uint32_t i = 6; i < 20; ++i) sender->ipc_buffer->words[i] = i * 11;
  sender->ipc_buffer->send_caps[0] = 3;
  sender->ipc_buffer->send_caps[1] = 4;
  sender->frame->a1 = tessera::make_info(77, 20, 2);

  SUBCASE("both caps land where the receiver asked; revoking the sender's cap reaches them") {
    receiver->ipc_buffer->recv_slots[0] = 5;
    receiver->ipc_buffer->recv_slots[1] = 6;
    CHECK(ipc_recv(w.cpu, receiver, &ep) == nullptr);
    ipc_send(w.cpu, sender, &ep, 0xb);
    CHECK(tessera::info_caps(receiver->frame->a1) == 2);
    CHECK(tessera::info_count(receiver->frame->a1) == 20);
    CHECK(tessera::info_label(receiver->frame->a1) == 77);
    CHECK(receiver->ipc_buffer->words[19] == 19 * 11);
    CHECK(receiver->ipc_buffer->words[6] == 66);
    CHECK(w.slots[1][5].badge == 9);
    CHECK(w.slots[1][6].badge == 10);
    CHECK(w.slots[1][5].parent == &w.slots[0][3]);
    CHECK(w.slots[1][5].holder == &w.comps[1]);
    CHECK(cap_revoke(w.slots[0][3]) == 1);
    CHECK(w.comps[1].caps.lookup_any(5).status() == Status::kRevoked);
  }
  SUBCASE("a receiver that names one slot gets one cap") {
    receiver->ipc_buffer->recv_slots[0] = 5;
    CHECK(ipc_recv(w.cpu, receiver, &ep) == nullptr);
    ipc_send(w.cpu, sender, &ep, 0xb);
    CHECK(tessera::info_caps(receiver->frame->a1) == 1);
    CHECK(w.slots[1][6].empty());
  }
  SUBCASE("an occupied receive slot takes nothing") {
    receiver->ipc_buffer->recv_slots[0] = 1;
    REQUIRE(w.comps[1].caps.install(1, CapValue{CapType::kNotification, rights::kRecv, &n, 0}) == Status::kOk);
    CHECK(ipc_recv(w.cpu, receiver, &ep) == nullptr);
    ipc_send(w.cpu, sender, &ep, 0xb);
    CHECK(tessera::info_caps(receiver->frame->a1) == 0);
    CHECK(w.slots[1][1].badge == 0);
  }
  SUBCASE("a sender's cap deleted while it waited is not sent") {
    receiver->ipc_buffer->recv_slots[0] = 5;
    ipc_send(w.cpu, sender, &ep, 0xb);  // no receiver yet: the sender queues
    cap_delete(w.slots[0][3]);
    w.cpu.current = receiver;
    CHECK(ipc_recv(w.cpu, receiver, &ep) == receiver);
    CHECK(tessera::info_caps(receiver->frame->a1) == 0);
    CHECK(tessera::info_count(receiver->frame->a1) == 20);
  }
}

TEST_CASE("map quota: pages and page tables come out of it; unmap gives pages back") {
  World w(8);
  Component& c = w.comps[0];
  CHECK(w.call(0, Syscall::kMap, kMapBase, 5, tessera::map_flags::kWrite) == Status::kOk);
  CHECK(c.map_pool.available() == 0);  // 5 pages and 3 tables
  CHECK(platform::translate(c.space, kMapBase + 4 * kPageSize, platform::MapFlags{true, true, false}) != 0);
  CHECK(w.call(0, Syscall::kMap, kMapBase + 8 * kPageSize, 1) == Status::kOutOfMemory);
  CHECK(w.call(0, Syscall::kMap, kMapBase, 1) == Status::kAlreadyMapped);
  CHECK(w.call(0, Syscall::kMap, kMapBase + 1, 1) == Status::kInvalidArgument);
  CHECK(w.call(0, Syscall::kMap, kMapBase, 0) == Status::kInvalidArgument);
  CHECK(w.call(0, Syscall::kMap, kMapBase, 1, 3) == Status::kInvalidArgument);  // write + exec
  CHECK(w.call(0, Syscall::kMap, kMapBase, 1, 4) == Status::kInvalidArgument);  // unknown flag
  CHECK(w.call(0, Syscall::kMap, kMapBase - kPageSize, 1) == Status::kBadAddress);
  CHECK(w.call(0, Syscall::kMap, kMapBase + tessera::layout::kMapWindow - kPageSize, 2) == Status::kBadAddress);
  CHECK(w.call(0, Syscall::kMap, kMapBase, 9) == Status::kOutOfMemory);  // beyond the quota at all

  const unsigned flushes = fake::platform().tlb_flushes;
  CHECK(w.call(0, Syscall::kUnmap, kMapBase + kPageSize, 2) == Status::kOk);
  CHECK(fake::platform().tlb_flushes == flushes + 1);
  CHECK(c.map_pool.available() == 2);  // tables stay
  CHECK(w.call(0, Syscall::kUnmap, kMapBase + kPageSize, 1) == Status::kNotMapped);
  CHECK(w.call(0, Syscall::kMap, kMapBase + 2 * kPageSize, 1) == Status::kOk);
  CHECK(w.call(0, Syscall::kMap, kMapBase + 9 * kPageSize, 1, tessera::map_flags::kExec) == Status::kOk);
  CHECK(c.map_pool.available() == 0);
}

TEST_CASE("map quota: the decode refuses what the quota cannot back, before anything changes") {
  SUBCASE("kMap: pages and the tables they lack") {
    World w(7);
    Component& c = w.comps[0];
    CHECK(w.call(0, Syscall::kMap, kMapBase, 5) == Status::kOutOfMemory);  // 5 pages and 3 tables
    CHECK(c.map_pool.available() == 7);
    CHECK(platform::missing_tables(c.space, kMapBase, 5) == 3);  // no table was made either
    for (uint64_t i = 0; i < 5; ++i)
      CHECK(platform::translate(c.space, kMapBase + i * kPageSize, platform::MapFlags{}) == 0);
    CHECK(w.call(0, Syscall::kMap, kMapBase, 4) == Status::kOk);
    CHECK(c.map_pool.available() == 0);
  }
  SUBCASE("kRegionMap: a range that lacks more tables than the quota has left") {
    World w(5);
    Component& c = w.comps[0];
    Region region{platform::alloc_frames(2), 2};
    REQUIRE(c.caps.install(1, CapValue{CapType::kMemory, rights::kRead, &region, 0}) == Status::kOk);
    CHECK(w.call(0, Syscall::kMap, kMapBase, 1) == Status::kOk);  // a page and 3 tables: 1 frame left
    // The last page under 4 MiB and the first above need two more lowest-level tables.
    const uint64_t straddle = kMapBase + (4ull << 20) - kPageSize;
    CHECK(w.call(0, Syscall::kRegionMap, 1, straddle) == Status::kOutOfMemory);
    CHECK(c.map_pool.available() == 1);
    CHECK(w.slots[0][1].mapped_at == 0);
    CHECK(platform::translate(c.space, straddle, platform::MapFlags{}) == 0);
    CHECK(w.call(0, Syscall::kRegionMap, 1, kMapBase + (2ull << 20)) == Status::kOk);  // one table
    CHECK(c.map_pool.available() == 0);
  }
}

namespace {

/// Makes the fake's missing_tables count `n` tables too few while it lives.
struct TablesShortfall {
  explicit TablesShortfall(uint64_t n) { fake::platform().missing_tables_shortfall = n; }
  ~TablesShortfall() { fake::platform().missing_tables_shortfall = 0; }
};

/// The status the system powered off with while `call` ran, or 0 when it returned.
template <class F>
uint32_t shutdown_status(F call) {
  try {
    call();
  } catch (const fake::Shutdown& s) {
    return s.status;
  }
  return 0;
}

}  // namespace

TEST_CASE("map quota: a mapping that fails after its decode accepted it is a kernel panic, never a hole") {
  SUBCASE("kMap: the pool runs dry (the last page would get frame 0)") {
    World w(8);
    TablesShortfall shortfall(1);  // the decode sees 6 pages and 2 tables: 8 fit
    const size_t logged = fake::platform().console.size();
    CHECK(shutdown_status([&] { w.call(0, Syscall::kMap, kMapBase, 6, tessera::map_flags::kWrite); }) ==
          kernel::kStatusPanic);
    CHECK(fake::platform().console.find("PANIC: map of 6 pages", logged) != std::string::npos);
  }
  SUBCASE("kRegionMap: no frame for a page table") {
    World w(2);
    TablesShortfall shortfall(1);  // the decode sees 2 tables: 2 fit
    Region region{platform::alloc_frames(1), 1};
    REQUIRE(w.comps[0].caps.install(1, CapValue{CapType::kMemory, rights::kRead, &region, 0}) == Status::kOk);
    const size_t logged = fake::platform().console.size();
    CHECK(shutdown_status([&] { w.call(0, Syscall::kRegionMap, 1, kMapBase); }) == kernel::kStatusPanic);
    CHECK(fake::platform().console.find("PANIC: region_map of 1 pages", logged) != std::string::npos);
  }
}

TEST_CASE("regions: a memory cap maps with its rights, once, and revoking it unmaps") {
  World w(8);
  Region region{platform::alloc_frames(2), 2};
  Component& owner = w.comps[0];
  Component& other = w.comps[1];
  REQUIRE(owner.caps.install(1, CapValue{CapType::kMemory, rights::kRead | rights::kWrite | rights::kGrant, &region,
                                         0}) == Status::kOk);
  // What a transfer would leave in `other`: a read-only child of the owner's cap.
  other.caps.derive(w.slots[0][1], w.slots[1][2], rights::kRead | rights::kGrant, 0);

  CHECK(w.call(1, Syscall::kRegionMap, 2, kMapBase + kPageSize) == Status::kOk);
  const uint64_t second = kMapBase + 2 * kPageSize;
  CHECK(platform::translate(other.space, second, platform::MapFlags{}) == region.phys + kPageSize);
  CHECK(platform::translate(other.space, second, platform::MapFlags{true, true, false}) == 0);  // read-only
  CHECK(w.call(1, Syscall::kRegionMap, 2, kMapBase + 8 * kPageSize) == Status::kAlreadyMapped);
  CHECK(w.call(1, Syscall::kUnmap, second, 1) == Status::kNotMapped);  // not kMap's to give back

  CHECK(w.call(0, Syscall::kRegionMap, 1, kMapBase) == Status::kOk);
  CHECK(platform::translate(owner.space, kMapBase, platform::MapFlags{true, true, false}) == region.phys);

  const unsigned flushes = fake::platform().tlb_flushes;
  CHECK(w.call(0, Syscall::kCapRevoke, 1) == Status::kOk);
  CHECK(w.frames[0].a0 == 1);
  CHECK(platform::translate(other.space, second, platform::MapFlags{}) == 0);
  CHECK(fake::platform().tlb_flushes == flushes + 1);
  CHECK(w.slots[1][2].mapped_at == 0);
  CHECK(w.call(1, Syscall::kRegionUnmap, 2) == Status::kRevoked);
  CHECK(platform::translate(owner.space, kMapBase, platform::MapFlags{}) == region.phys);  // the owner keeps its own

  CHECK(w.call(0, Syscall::kRegionUnmap, 1) == Status::kOk);
  CHECK(platform::translate(owner.space, kMapBase, platform::MapFlags{}) == 0);
  CHECK(w.call(0, Syscall::kRegionUnmap, 1) == Status::kNotMapped);
  // Deleting a mapped cap unmaps too.
  CHECK(w.call(0, Syscall::kRegionMap, 1, kMapBase) == Status::kOk);
  CHECK(w.call(0, Syscall::kCapDelete, 1) == Status::kOk);
  CHECK(platform::translate(owner.space, kMapBase, platform::MapFlags{}) == 0);
}

TEST_CASE("regions: no read right, or no page tables left, is refused") {
  World w(2);  // too small for the 3 page tables of a first mapping
  Region region{platform::alloc_frames(1), 1};
  REQUIRE(w.comps[0].caps.install(1, CapValue{CapType::kMemory, rights::kGrant, &region, 0}) == Status::kOk);
  REQUIRE(w.comps[0].caps.install(2, CapValue{CapType::kMemory, rights::kRead, &region, 0}) == Status::kOk);
  CHECK(w.call(0, Syscall::kRegionMap, 1, kMapBase) == Status::kNoRights);
  CHECK(w.call(0, Syscall::kRegionMap, 2, kMapBase) == Status::kOutOfMemory);
  CHECK(w.call(0, Syscall::kRegionMap, 2, 0x1000) == Status::kBadAddress);
  CHECK(w.call(0, Syscall::kRegionMap, 3, kMapBase) == Status::kEmptySlot);
}

TEST_CASE("interrupt lines: raised lines stay masked until the driver acknowledges") {
  World w;
  Notification n;
  Irq irq;
  irq.line = 4;
  irq.notification = &n;
  irq.bits = 1u << 4;
  irq.driver = &w.comps[0];
  REQUIRE(w.comps[0].caps.install(1, CapValue{CapType::kIrq, 0, &irq, 0}) == Status::kOk);
  CHECK(w.call(0, Syscall::kIrqAck, 1) == Status::kInvalidArgument);  // nothing to acknowledge yet

  CHECK(notification_wait(w.cpu, w.thread(0), &n) == nullptr);
  irq_raised(w.cpu, irq);
  CHECK(fake::platform().irq_masked[4]);
  CHECK(w.thread(0)->frame->a0 == 1u << 4);
  CHECK(w.cpu.ready.pop_highest() == w.thread(0));
  CHECK(irq.count == 1);

  CHECK(w.call(0, Syscall::kIrqAck, 1) == Status::kOk);
  CHECK_FALSE(fake::platform().irq_masked[4]);
  CHECK(w.call(0, Syscall::kIrqAck, 1) == Status::kInvalidArgument);
  CHECK(w.call(1, Syscall::kIrqAck, 1) == Status::kEmptySlot);  // no grant, no ack

  // A stopped driver is not signalled; its line stays masked.
  w.comps[0].stopped = true;
  irq_raised(w.cpu, irq);
  CHECK(n.word == 0);
  CHECK(fake::platform().irq_masked[4]);
}
