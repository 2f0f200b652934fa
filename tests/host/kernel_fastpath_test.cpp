// The IPC fastpath (kernel/fastpath.h): each precondition, when it fails, leaves everything
// as it was and passes the call on; when they all hold, the result is the general path's,
// word for word and pointer for pointer.
#include <cstring>

#include <doctest/doctest.h>

#include "kernel/fastpath.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/syscalls.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::CapType;
using tessera::Status;
using tessera::Syscall;
namespace rights = tessera::rights;

namespace {

constexpr uint64_t kCallSlot = 1;    ///< the client's: the server's endpoint, send (and grant)
constexpr uint64_t kRecvSlot = 1;    ///< the server's: its endpoint, recv
constexpr uint64_t kNotifySlot = 2;  ///< both: a notification (a cap of the wrong type)
constexpr uint64_t kBadge = 0x5eed;

/// A client and a server component on CPU 0 (with a second CPU), one endpoint the server
/// receives on, and a third, equal-priority thread to queue where a test wants one. Each CPU
/// has its idle thread, which starts afresh (it was left by idle_wake).
struct World {
  Cpu cpus[2];
  Endpoint ep;
  Notification ntf;
  Component client_c, server_c, other_c;
  Cap client_slots[4], server_slots[4];
  SyscallFrame frames[3] = {};
  tessera::IpcBuffer buffers[3] = {};
  Thread client, server, other;
  Thread idles[2];
  SyscallFrame spare_frame = {};
  Thread spare;  ///< a thread of no component, for a test that needs a fourth one ready

  World() {
    for (unsigned i = 0; i < 2; ++i) {
      cpus[i].index = i;
      cpus[i].idle = &idles[i];
      idles[i].cpu = &cpus[i];
      idles[i].context.resumes_from_frame = true;
    }
    client_c.caps = CapTable(client_slots, 4, &client_c);
    server_c.caps = CapTable(server_slots, 4, &server_c);
    client_c.space.root = 0x1000;
    server_c.space.root = 0x2000;
    REQUIRE(client_c.caps.install(kCallSlot, {CapType::kEndpoint, rights::kSend | rights::kGrant, &ep, kBadge}) ==
            Status::kOk);
    REQUIRE(server_c.caps.install(kRecvSlot, {CapType::kEndpoint, rights::kRecv | rights::kSend, &ep, 0}) ==
            Status::kOk);
    REQUIRE(client_c.caps.install(kNotifySlot, {CapType::kNotification, rights::kSend, &ntf, 0}) == Status::kOk);
    REQUIRE(server_c.caps.install(kNotifySlot, {CapType::kNotification, rights::kSend, &ntf, 0}) == Status::kOk);
    ep.owner = &server_c;
    setup(client, client_c, frames[0], 100);
    setup(server, server_c, frames[1], 200);
    setup(other, other_c, frames[2], 100);
    client.ipc_buffer = &buffers[0];
    server.ipc_buffer = &buffers[1];
    other.ipc_buffer = &buffers[2];
  }
  static void setup(Thread& t, Component& c, SyscallFrame& f, uint8_t priority) {
    t.component = &c;
    t.frame = &f;
    t.priority = priority;
    t.cpu = nullptr;
  }
  void place(Thread& t, unsigned cpu) { t.cpu = &cpus[cpu]; }

  /// The usual start: the server waits on its endpoint, the client runs on CPU 0.
  void server_waits(unsigned server_cpu = 0) {
    place(client, 0);
    place(server, server_cpu);
    place(other, 0);
    server.state = ThreadState::kBlockedRecv;
    server.blocked_on = &ep;
    ep.receivers.push_back(&server);
    cpus[0].current = &client;
  }
  /// The client's call is delivered and the server runs, about to answer.
  void server_answers() {
    place(client, 0);
    place(server, 0);
    place(other, 0);
    client.state = ThreadState::kBlockedReply;
    client.callee = &server;
    server.reply_to = &client;
    cpus[0].current = &server;
  }
};

void load(Thread& t, Syscall number, uint64_t slot, uint64_t info) {
  host::load_call(t, number, slot, info);
  for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) t.frame->mr[i] = 0x100 + i;
}

auto always = [](Thread&) { return true; };

/// Runs the fastpath on w's CPU 0 and checks it passed, changing nothing it could see.
void check_passes(World& w, Thread& self) {
  const ThreadState client_state = w.client.state, server_state = w.server.state;
  const SyscallFrame client_frame = *w.client.frame, server_frame = *w.server.frame;
  Thread* const receivers = w.ep.receivers.front();
  CHECK(fastpath(w.cpus[0], &self, always).next() == nullptr);
  CHECK(w.client.state == client_state);
  CHECK(w.server.state == server_state);
  CHECK(w.ep.receivers.front() == receivers);
  CHECK(w.client.frame->mr[0] == client_frame.mr[0]);
  CHECK(w.server.frame->op == server_frame.op);
  CHECK(w.server.frame->a0 == server_frame.a0);
  CHECK(w.client.frame->op == client_frame.op);
}

/// What a test compares between the two paths: every IPC field of the three threads, as
/// indexes (0 none, 1 client, 2 server, 3 other), and their frames.
struct Outcome {
  int next;
  ThreadState states[3];
  int reply_to[3], callee[3];
  bool reply_grant[3];
  bool queued_on_ep[3];
  SyscallFrame frames[3];
};

int index_of(const World& w, const Thread* t) {
  if (t == &w.client) return 1;
  if (t == &w.server) return 2;
  if (t == &w.other) return 3;
  return 0;
}

Outcome outcome(const World& w, const Thread* next) {
  Outcome o{};
  o.next = index_of(w, next);
  const Thread* threads[3] = {&w.client, &w.server, &w.other};
  for (int i = 0; i < 3; ++i) {
    o.states[i] = threads[i]->state;
    o.reply_to[i] = index_of(w, threads[i]->reply_to);
    o.callee[i] = index_of(w, threads[i]->callee);
    o.reply_grant[i] = threads[i]->reply_grant;
    o.queued_on_ep[i] = threads[i]->queue == &w.ep.receivers || threads[i]->queue == &w.ep.senders;
    o.frames[i] = *threads[i]->frame;
  }
  return o;
}

void check_same(const Outcome& fast, const Outcome& general) {
  CHECK(fast.next == general.next);
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    CHECK(fast.states[i] == general.states[i]);
    CHECK(fast.reply_to[i] == general.reply_to[i]);
    CHECK(fast.callee[i] == general.callee[i]);
    CHECK(fast.reply_grant[i] == general.reply_grant[i]);
    CHECK(fast.queued_on_ep[i] == general.queued_on_ep[i]);
    CHECK(fast.frames[i].op == general.frames[i].op);
    CHECK(fast.frames[i].a0 == general.frames[i].a0);
    CHECK(fast.frames[i].a1 == general.frames[i].a1);
    for (unsigned r = 0; r < tessera::kMessageRegisters; ++r) CHECK(fast.frames[i].mr[r] == general.frames[i].mr[r]);
  }
}

}  // namespace

TEST_CASE("fastpath call: the general path's result, switching straight to the server") {
  World fast, general;
  for (World* w : {&fast, &general}) {
    w->server_waits();
    load(w->client, Syscall::kCall, kCallSlot, tessera::make_info(7, 3));
  }
  const SyscallFrame client_before = *fast.client.frame;
  SyscallFrame server_before = *fast.server.frame;
  const FastPath r = fastpath(fast.cpus[0], &fast.client, always);
  // Only the badge is written into the server's frame: the entry's exit loads the rest of the
  // message from the client's.
  CHECK(r.message());
  CHECK(fast.server.frame->a0 == kBadge);
  server_before.a0 = kBadge;
  CHECK(std::memcmp(fast.client.frame, &client_before, sizeof(SyscallFrame)) == 0);
  CHECK(std::memcmp(fast.server.frame, &server_before, sizeof(SyscallFrame)) == 0);
  Thread* next = host::deliver_fast(r, fast.client);
  REQUIRE(next == &fast.server);
  Thread* general_next = dispatch(general.cpus[0], &general.client);
  REQUIRE(general_next == &general.server);
  check_same(outcome(fast, next), outcome(general, general_next));
  // What the server sees, spelled out once.
  CHECK(fast.server.frame->op == static_cast<uint64_t>(Status::kOk));
  CHECK(fast.server.frame->a0 == kBadge);
  CHECK(tessera::info_label(fast.server.frame->a1) == 7);
  CHECK(fast.server.frame->mr[5] == 0x105);
  CHECK(fast.client.reply_grant);
}

TEST_CASE("fastpath reply_recv: the general path's result, straight back to the caller") {
  World fast, general;
  for (World* w : {&fast, &general}) {
    w->server_answers();
    load(w->server, Syscall::kReplyRecv, kRecvSlot, tessera::make_info(0, 1));
  }
  const SyscallFrame server_before = *fast.server.frame;
  SyscallFrame client_before = *fast.client.frame;
  const FastPath r = fastpath(fast.cpus[0], &fast.server, always);
  // Only the badge is written into the client's frame: the entry's exit loads the rest of the
  // message from the server's.
  CHECK(r.message());
  CHECK(fast.client.frame->a0 == 0);
  client_before.a0 = 0;
  CHECK(std::memcmp(fast.server.frame, &server_before, sizeof(SyscallFrame)) == 0);
  CHECK(std::memcmp(fast.client.frame, &client_before, sizeof(SyscallFrame)) == 0);
  Thread* next = host::deliver_fast(r, fast.server);
  REQUIRE(next == &fast.client);
  Thread* general_next = dispatch(general.cpus[0], &general.server);
  REQUIRE(general_next == &general.client);
  check_same(outcome(fast, next), outcome(general, general_next));
  CHECK(fast.client.frame->op == static_cast<uint64_t>(Status::kOk));
  CHECK(fast.client.frame->a0 == 0);  // a reply carries no badge
  CHECK(fast.ep.receivers.front() == &fast.server);
  CHECK(fast.server.blocked_on == &fast.ep);
}

TEST_CASE("fastpath call: each precondition that fails passes the call on, changing nothing") {
  World w;
  w.server_waits();
  const uint64_t plain = tessera::make_info(1, tessera::kMessageRegisters);

  SUBCASE("more words than a message holds") {
    load(w.client, Syscall::kCall, kCallSlot, tessera::make_info(1, tessera::kMaxMessageWords + 1));
    check_passes(w, w.client);
  }
  SUBCASE("a cap to send from an empty slot") {
    load(w.client, Syscall::kCall, kCallSlot, tessera::make_info(1, 0, 1));
    w.buffers[0].send_caps[0] = 3;
    check_passes(w, w.client);
  }
  SUBCASE("a cap to send without the grant right") {
    load(w.client, Syscall::kCall, kCallSlot, tessera::make_info(1, 0, 1));
    w.buffers[0].send_caps[0] = kNotifySlot;  // send only
    check_passes(w, w.client);
  }
  SUBCASE("a cap to send through an endpoint cap without the grant right") {
    w.client_slots[kCallSlot].rights = rights::kSend;
    load(w.client, Syscall::kCall, kCallSlot, tessera::make_info(1, 0, 1));
    w.buffers[0].send_caps[0] = kCallSlot;
    check_passes(w, w.client);
  }
  SUBCASE("a slot beyond the table") {
    load(w.client, Syscall::kCall, 4, plain);
    check_passes(w, w.client);
  }
  SUBCASE("an empty slot") {
    load(w.client, Syscall::kCall, 3, plain);
    check_passes(w, w.client);
  }
  SUBCASE("a cap of another type") {
    load(w.client, Syscall::kCall, kNotifySlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("a cap without the send right") {
    w.client_slots[kCallSlot].rights = rights::kGrant;
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("a revoked cap") {
    w.client_slots[kCallSlot].revoked = true;
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("the endpoint is down") {
    w.ep.down = true;
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("nobody waits on the endpoint") {
    w.ep.receivers.remove(&w.server);
    w.server.state = ThreadState::kReady;
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("the receiver lives on another CPU and the idle thread here keeps a stack") {
    w.place(w.server, 1);
    w.idles[0].context.resumes_from_frame = false;  // interrupted in its halt, then switched away
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("the receiver lives on another CPU and the thread ready here was preempted") {
    w.place(w.server, 1);
    w.cpus[0].ready.enqueue(&w.other);  // not resumable from its frame
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
    w.cpus[0].ready.remove(&w.other);
  }
  SUBCASE("the receiver lives on another CPU and the platform cannot switch to the thread ready here") {
    w.place(w.server, 1);
    w.other.context.resumes_from_frame = true;
    w.cpus[0].ready.enqueue(&w.other);
    load(w.client, Syscall::kCall, kCallSlot, plain);
    CHECK(fastpath(w.cpus[0], &w.client, [](Thread&) { return false; }).next() == nullptr);
    CHECK(w.server.state == ThreadState::kBlockedRecv);
    CHECK(w.ep.receivers.front() == &w.server);
    CHECK(w.cpus[0].ready.peek_highest() == &w.other);
    w.cpus[0].ready.remove(&w.other);
  }
  SUBCASE("the receiver waits with a deadline") {
    w.cpus[0].timers.insert(&w.server, 1'000'000);
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
    w.cpus[0].timers.remove(&w.server);
  }
  SUBCASE("a queued thread of the receiver's priority would be overtaken") {
    w.other.priority = w.server.priority;
    w.cpus[0].ready.enqueue(&w.other);
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
    w.cpus[0].ready.remove(&w.other);
  }
  SUBCASE("the platform cannot switch directly") {
    load(w.client, Syscall::kCall, kCallSlot, plain);
    CHECK(fastpath(w.cpus[0], &w.client, [](Thread&) { return false; }).next() == nullptr);
    CHECK(w.server.state == ThreadState::kBlockedRecv);
    CHECK(w.ep.receivers.front() == &w.server);
  }
  SUBCASE("the caller's component was stopped while it waited for the lock") {
    w.client.state = ThreadState::kDead;
    load(w.client, Syscall::kCall, kCallSlot, plain);
    check_passes(w, w.client);
  }
  SUBCASE("other system calls") {
    for (Syscall s : {Syscall::kSend, Syscall::kRecv, Syscall::kReply, Syscall::kNull, Syscall::kCount}) {
      load(w.client, s, kCallSlot, plain);
      check_passes(w, w.client);
    }
    // The whole register names the call: 2^32 + kCall is no call.
    load(w.client, Syscall::kCall, kCallSlot, plain);
    w.client.frame->op |= uint64_t{1} << 32;
    check_passes(w, w.client);
  }
}

TEST_CASE("fastpath reply_recv: each precondition that fails passes the call on, changing nothing") {
  World w;
  w.server_answers();
  const uint64_t plain = tessera::make_info(0, 2);

  SUBCASE("more words than a message holds") {
    load(w.server, Syscall::kReplyRecv, kRecvSlot, tessera::make_info(0, tessera::kMaxMessageWords + 1));
    check_passes(w, w.server);
  }
  SUBCASE("a cap in the reply to a caller that called without the grant right") {
    load(w.server, Syscall::kReplyRecv, kRecvSlot, tessera::make_info(0, 0, 1));
    w.buffers[1].send_caps[0] = kRecvSlot;
    check_passes(w, w.server);
  }
  SUBCASE("no caller to answer") {
    w.client.state = ThreadState::kReady;
    w.client.callee = nullptr;
    w.server.reply_to = nullptr;
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
  }
  SUBCASE("the caller lives on another CPU and the idle thread here keeps a stack") {
    w.place(w.client, 1);
    w.idles[0].context.resumes_from_frame = false;
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
  }
  SUBCASE("the caller lives on another CPU and the thread ready here was preempted") {
    w.place(w.client, 1);
    w.cpus[0].ready.enqueue(&w.other);
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
    w.cpus[0].ready.remove(&w.other);
  }
  SUBCASE("a queued thread of the caller's priority would be overtaken") {
    w.cpus[0].ready.enqueue(&w.other);
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
    w.cpus[0].ready.remove(&w.other);
  }
  SUBCASE("a sender queued on the endpoint") {
    w.place(w.other, 0);
    w.other.state = ThreadState::kBlockedSend;
    w.other.blocked_on = &w.ep;
    w.ep.senders.push_back(&w.other);
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
    w.ep.senders.remove(&w.other);
  }
  SUBCASE("a cap without the receive right") {
    w.server_slots[kRecvSlot].rights = rights::kSend;
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
  }
  SUBCASE("a cap of another type") {
    load(w.server, Syscall::kReplyRecv, kNotifySlot, plain);
    check_passes(w, w.server);
  }
  SUBCASE("the endpoint is down") {
    w.ep.down = true;
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    check_passes(w, w.server);
  }
  SUBCASE("the platform cannot switch directly") {
    load(w.server, Syscall::kReplyRecv, kRecvSlot, plain);
    CHECK(fastpath(w.cpus[0], &w.server, [](Thread&) { return false; }).next() == nullptr);
    CHECK(w.client.state == ThreadState::kBlockedReply);
    CHECK(w.server.reply_to == &w.client);
  }
}

TEST_CASE("fastpath: I/O port grants and the platform's refusal keep the general path") {
  World w;
  w.server_waits();
  Thread& client = w.client;
  Thread& server = w.server;
  CHECK(switches_directly(w.cpus[0], client, server));
  w.server_c.ioport_count = 1;  // its grants must be opened in the TSS: switch_io_ports
  CHECK_FALSE(switches_directly(w.cpus[0], client, server));
  w.server_c.ioport_count = 0;
  w.cpus[0].io_owner = &w.other_c;  // someone's grants are open and must be closed
  CHECK_FALSE(switches_directly(w.cpus[0], client, server));
  w.cpus[0].io_owner = nullptr;
  fake::platform().direct_switch_refused = true;  // say, segment selectors that differ
  CHECK_FALSE(switches_directly(w.cpus[0], client, server));
  fake::platform().direct_switch_refused = false;
}

TEST_CASE("the system call entry: the fastpath switches and lets go of the lock, or hands it on") {
  World w;
  w.server_waits();
  void* saved = platform::cpu_data();
  platform::set_cpu_data(&w.cpus[0]);
  fake::platform().direct_switches.clear();

  load(w.client, Syscall::kCall, kCallSlot, tessera::make_info(3, 1));
  CHECK(host::system_call(w.client.frame) == w.server.frame);  // the entry leaves through the server's
  CHECK(w.cpus[0].current == &w.server);
  CHECK_FALSE(kernel_lock().held());
  REQUIRE(fake::platform().direct_switches.size() == 1);
  CHECK(fake::platform().direct_switches[0] == &w.server.context);

  // A call the fastpath passes on (a bad slot) is refused by the general path, which lets
  // go of the lock the fastpath took.
  load(w.server, Syscall::kReplyRecv, 3, tessera::make_info(0, 1));
  CHECK(host::system_call(w.server.frame) == w.server.frame);
  CHECK(host::status_of(w.server) == Status::kEmptySlot);
  CHECK(w.cpus[0].current == &w.server);
  CHECK_FALSE(kernel_lock().held());
  CHECK(fake::platform().direct_switches.size() == 1);

  load(w.server, Syscall::kReplyRecv, kRecvSlot, tessera::make_info(0, 1));
  CHECK(host::system_call(w.server.frame) == w.client.frame);
  CHECK(w.cpus[0].current == &w.client);
  CHECK(host::status_of(w.client) == Status::kOk);
  CHECK_FALSE(kernel_lock().held());
  CHECK(fake::platform().direct_switches.size() == 2);
  platform::set_cpu_data(saved);
}

TEST_CASE("fastpath yield: alone it goes on; behind an equal it switches only to one resumable from its frame") {
  World w;
  w.place(w.client, 0);
  w.place(w.other, 0);
  w.cpus[0].current = &w.client;

  load(w.client, Syscall::kYield, 0, 0);
  w.client.frame->op = static_cast<uint64_t>(Syscall::kYield);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.client);
  CHECK(host::status_of(w.client) == Status::kOk);
  CHECK(w.cpus[0].ready.empty());

  w.cpus[0].ready.enqueue(&w.other);  // an equal, preempted by an interrupt: not resumable
  load(w.client, Syscall::kYield, 0, 0);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
  CHECK(w.cpus[0].ready.peek_highest() == &w.other);
  CHECK_FALSE(w.cpus[0].ready.contains(&w.client));

  w.other.context.resumes_from_frame = true;  // it left through the fastpath
  CHECK(fastpath(w.cpus[0], &w.client, [](Thread&) { return false; }).next() == nullptr);
  CHECK_FALSE(w.cpus[0].ready.contains(&w.client));
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.other);
  CHECK(w.cpus[0].ready.peek_highest() == &w.client);  // behind its equals
  CHECK_FALSE(w.cpus[0].ready.contains(&w.other));
  CHECK(host::status_of(w.client) == Status::kOk);
  w.cpus[0].ready.remove(&w.client);
}

TEST_CASE("fastpath signal: bits set when nobody waits; no bits or a wrong cap pass it on") {
  World w;
  w.place(w.client, 0);
  w.cpus[0].current = &w.client;
  load(w.client, Syscall::kSignal, kNotifySlot, 0x6);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.client);
  CHECK(w.ntf.word == 0x6);
  CHECK(host::status_of(w.client) == Status::kOk);

  load(w.client, Syscall::kSignal, kNotifySlot, 0);  // no bits, no badge: kInvalidArgument
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
  load(w.client, Syscall::kSignal, kCallSlot, 1);  // an endpoint cap
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
  w.client_slots[kNotifySlot].rights = rights::kRecv;
  load(w.client, Syscall::kSignal, kNotifySlot, 1);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
  w.client_slots[kNotifySlot].rights = rights::kSend;
  w.client_slots[kNotifySlot].badge = 0x10;  // a badge alone is bits enough
  load(w.client, Syscall::kSignal, kNotifySlot, 0);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.client);
  CHECK(w.ntf.word == 0x16);
}

TEST_CASE("fastpath signal to a waiter: queued, or run at once when it outranks the signaller and may be resumed") {
  World w;
  w.place(w.client, 0);
  w.cpus[0].current = &w.client;
  auto waits = [&](Thread& t, unsigned cpu) {
    w.place(t, cpu);
    t.state = ThreadState::kBlockedWait;
    w.ntf.waiters.push_back(&t);
  };

  SUBCASE("an equal is queued and the signaller goes on") {
    waits(w.other, 0);
    load(w.client, Syscall::kSignal, kNotifySlot, 0x3);
    CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.client);
    CHECK(w.other.state == ThreadState::kReady);
    CHECK(w.cpus[0].ready.contains(&w.other));
    CHECK(host::status_of(w.other) == Status::kOk);
    CHECK(w.other.frame->a0 == 0x3);  // the word, taken
    CHECK(w.ntf.word == 0);
    w.cpus[0].ready.remove(&w.other);
  }
  SUBCASE("a higher priority runs at once, the signaller queued") {
    waits(w.server, 0);
    w.server.context.resumes_from_frame = true;
    load(w.client, Syscall::kSignal, kNotifySlot, 0x3);
    CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.server);
    CHECK(w.cpus[0].ready.contains(&w.client));
    CHECK(w.server.frame->a0 == 0x3);
    w.cpus[0].ready.remove(&w.client);
  }
  SUBCASE("a higher priority that cannot be resumed from its frame takes the general path") {
    waits(w.server, 0);
    load(w.client, Syscall::kSignal, kNotifySlot, 0x3);
    check_passes(w, w.client);
    CHECK(w.ntf.word == 0);
    CHECK(w.ntf.waiters.front() == &w.server);
  }
  SUBCASE("a waiter on another CPU takes the general path, which interrupts it") {
    waits(w.other, 1);
    load(w.client, Syscall::kSignal, kNotifySlot, 0x3);
    CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
    CHECK(w.ntf.word == 0);
    CHECK(w.other.state == ThreadState::kBlockedWait);
  }
}

TEST_CASE("fastpath wait: the word at once, or a switch to a ready thread that may be resumed") {
  World w;
  w.place(w.client, 0);
  w.place(w.other, 0);
  w.cpus[0].current = &w.client;
  w.client_slots[kNotifySlot].rights = rights::kRecv;

  w.ntf.word = 0x9;
  load(w.client, Syscall::kWait, kNotifySlot, 0);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.client);
  CHECK(w.client.frame->a0 == 0x9);
  CHECK(w.ntf.word == 0);

  load(w.client, Syscall::kWait, kNotifySlot, 0);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);  // nothing ready: the idle thread
  CHECK(w.client.state == ThreadState::kReady);
  w.cpus[0].ready.enqueue(&w.other);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);  // preempted by an interrupt
  w.other.context.resumes_from_frame = true;
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == &w.other);
  CHECK(w.client.state == ThreadState::kBlockedWait);
  CHECK(w.ntf.waiters.front() == &w.client);
  CHECK(w.cpus[0].ready.empty());
  w.ntf.waiters.remove(&w.client);
  w.client_slots[kNotifySlot].rights = rights::kSend;  // no recv right: kNoRights, even with bits set
  w.ntf.word = 0x1;
  load(w.client, Syscall::kWait, kNotifySlot, 0);
  w.client.state = ThreadState::kReady;
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
  CHECK(w.ntf.word == 0x1);
}

TEST_CASE("fastpath cap_delete: a cap that goes in one step is deleted as the general path deletes it") {
  constexpr uint64_t kChild = 3;
  World fast, general;
  for (World* w : {&fast, &general}) {
    w->client_c.caps.derive(w->client_slots[kNotifySlot], w->client_slots[kChild], rights::kSend, 7);
    load(w->client, Syscall::kCapDelete, kChild, 0);
  }
  CHECK(fastpath(fast.cpus[0], &fast.client, always).next() == &fast.client);
  CHECK(dispatch(general.cpus[0], &general.client) == &general.client);
  for (World* w : {&fast, &general}) {
    CHECK(host::status_of(w->client) == Status::kOk);
    const Cap& gone = w->client_slots[kChild];
    CHECK(gone.empty());
    CHECK_FALSE(gone.revoked);
    CHECK(gone.holder == &w->client_c);
    CHECK(gone.parent == nullptr);
    CHECK(gone.object == nullptr);
    CHECK(gone.badge == 0);
    CHECK(w->client_slots[kNotifySlot].first_child == nullptr);
  }
}

TEST_CASE("fastpath cap_delete: whatever may take more than one step, or is refused, passes it on") {
  constexpr uint64_t kChild = 3;
  World w;
  w.client_c.caps.derive(w.client_slots[kNotifySlot], w.client_slots[kChild], rights::kSend, 7);
  uint64_t slot = kChild;
  SUBCASE("a cap with children (they are handed to its parent)") { slot = kNotifySlot; }
  SUBCASE("a revoked cap (a delete or revoke left it half done)") { w.client_slots[kChild].revoked = true; }
  SUBCASE("a mapped memory cap (its pages are unmapped a budget at a time)") {
    Cap& memory = w.client_slots[kChild];
    memory.type = CapType::kMemory;
    memory.mapped_at = 0x40'0000;
    memory.mapped_pages = 1;
  }
  SUBCASE("an empty slot") { slot = 0; }
  SUBCASE("a slot beyond the table") { slot = 4; }
  const Cap before = w.client_slots[slot < 4 ? slot : 0];
  load(w.client, Syscall::kCapDelete, slot, 0);
  CHECK(fastpath(w.cpus[0], &w.client, always).next() == nullptr);
  const Cap& after = w.client_slots[slot < 4 ? slot : 0];
  CHECK(after.type == before.type);
  CHECK(after.revoked == before.revoked);
  CHECK(after.parent == before.parent);
  CHECK(after.first_child == before.first_child);
  CHECK(after.object == before.object);
  CHECK(w.client.frame->op == static_cast<uint64_t>(Syscall::kCapDelete));
}

TEST_CASE("fastpath call and reply_recv beyond the registers: the general path's result, words and caps moved") {
  constexpr uint32_t kWords = 20;
  constexpr uint32_t kFree = 3;  ///< the server's empty slot, where the cap arrives
  World fast, general;
  for (World* w : {&fast, &general}) {
    w->server_waits();
    load(w->client, Syscall::kCall, kCallSlot, tessera::make_info(7, kWords, 1));
    for (uint32_t i = tessera::kMessageRegisters; i < kWords; ++i) w->buffers[0].words[i] = 0x200 + i;
    w->buffers[0].send_caps[0] = kCallSlot;  // with the grant right
    w->buffers[1].recv_slots[0] = kFree;
  }
  // The entry's first try leaves a long message alone and says so.
  const FastPath first = fastpath<Try::kFirst>(fast.cpus[0], &fast.client, always);
  CHECK(first.next() == nullptr);
  CHECK(first.wants_second_try());
  CHECK(fast.ep.receivers.front() == &fast.server);
  CHECK(fast.server_slots[kFree].empty());
  const FastPath r = fastpath(fast.cpus[0], &fast.client, always);
  REQUIRE(r.next() == &fast.server);
  CHECK_FALSE(r.message());  // the server resumes from its frame, which holds the message
  Thread* general_next = dispatch(general.cpus[0], &general.client);
  REQUIRE(general_next == &general.server);
  check_same(outcome(fast, r.next()), outcome(general, general_next));
  for (World* w : {&fast, &general}) {
    CAPTURE(w == &fast);
    CHECK(tessera::info_label(w->server.frame->a1) == 7);
    CHECK(tessera::info_count(w->server.frame->a1) == kWords);
    CHECK(tessera::info_caps(w->server.frame->a1) == 1);
    for (uint32_t i = tessera::kMessageRegisters; i < kWords; ++i) CHECK(w->buffers[1].words[i] == 0x200 + i);
    CHECK(w->server_slots[kFree].type == CapType::kEndpoint);
    CHECK(w->server_slots[kFree].parent == &w->client_slots[kCallSlot]);
    CHECK(w->server_slots[kFree].badge == kBadge);
  }

  for (World* w : {&fast, &general}) {
    w->cpus[0].current = &w->server;
    load(w->server, Syscall::kReplyRecv, kRecvSlot, tessera::make_info(0, kWords));
    for (uint32_t i = tessera::kMessageRegisters; i < kWords; ++i) w->buffers[1].words[i] = 0x300 + i;
  }
  const FastPath back = fastpath(fast.cpus[0], &fast.server, always);
  REQUIRE(back.next() == &fast.client);
  CHECK_FALSE(back.message());
  general_next = dispatch(general.cpus[0], &general.server);
  REQUIRE(general_next == &general.client);
  check_same(outcome(fast, back.next()), outcome(general, general_next));
  for (World* w : {&fast, &general}) {
    CHECK(tessera::info_count(w->client.frame->a1) == kWords);
    for (uint32_t i = tessera::kMessageRegisters; i < kWords; ++i) CHECK(w->buffers[0].words[i] == 0x300 + i);
  }
}

namespace {

/// A call from CPU 0 to a server waiting on CPU 1, or the server's reply back: both paths'
/// results, and which CPUs each interrupted.
struct AcrossCpus {
  World fast, general;
  std::vector<unsigned> fast_reschedules, general_reschedules;
  Thread *fast_next = nullptr, *general_next = nullptr;

  /// Runs the fastpath on `fast` and the general path on `general` for the thread `who`
  /// picks, on CPU `cpu`; both must agree.
  template <class Who>
  void run(unsigned cpu, Who who) {
    fake::platform().reschedules.clear();
    const FastPath r = fastpath(fast.cpus[cpu], &who(fast), always);
    REQUIRE(r.next() != nullptr);
    CHECK_FALSE(r.message());  // whoever runs here resumes from its own frame
    fast_next = r.next();
    fast_reschedules = fake::platform().reschedules;
    fake::platform().reschedules.clear();
    general_next = dispatch(general.cpus[cpu], &who(general));
    general_reschedules = fake::platform().reschedules;
    // The general path's nullptr is the idle thread.
    const Thread* fast_or_null = fast_next == fast.cpus[cpu].idle ? nullptr : fast_next;
    check_same(outcome(fast, fast_or_null), outcome(general, general_next));
    CHECK(fast_reschedules == general_reschedules);
  }
};

}  // namespace

TEST_CASE("fastpath call to a receiver on another CPU: the general path's result, and this CPU goes idle") {
  AcrossCpus a;
  for (World* w : {&a.fast, &a.general}) {
    w->server_waits(1);
    w->cpus[1].current = w->cpus[1].idle;
    load(w->client, Syscall::kCall, kCallSlot, tessera::make_info(7, 3));
  }
  a.run(0, [](World& w) -> Thread& { return w.client; });
  CHECK(a.fast_next == &a.fast.idles[0]);
  CHECK(a.fast_reschedules == std::vector<unsigned>{1});  // the server outranks CPU 1's idle thread
  for (World* w : {&a.fast, &a.general}) {
    CAPTURE(w == &a.fast);
    CHECK(w->cpus[1].ready.peek_highest() == &w->server);
    CHECK(w->server.frame->op == static_cast<uint64_t>(Status::kOk));  // the whole message in its frame
    CHECK(w->server.frame->a0 == kBadge);
    CHECK(tessera::info_label(w->server.frame->a1) == 7);
    CHECK(w->server.frame->mr[5] == 0x105);
  }

  // The server answers from CPU 1, where nothing else is ready: the reply goes back across.
  for (World* w : {&a.fast, &a.general}) {
    w->cpus[1].ready.remove(&w->server);
    w->cpus[1].current = &w->server;
    w->cpus[0].current = w->cpus[0].idle;
    load(w->server, Syscall::kReplyRecv, kRecvSlot, tessera::make_info(0, 2));
  }
  a.run(1, [](World& w) -> Thread& { return w.server; });
  CHECK(a.fast_next == &a.fast.idles[1]);
  CHECK(a.fast_reschedules == std::vector<unsigned>{0});
  for (World* w : {&a.fast, &a.general}) {
    CHECK(w->cpus[0].ready.peek_highest() == &w->client);
    CHECK(w->client.frame->op == static_cast<uint64_t>(Status::kOk));
    CHECK(w->client.frame->a0 == 0);  // a reply carries no badge
    CHECK(w->client.frame->mr[1] == 0x101);
    CHECK(w->ep.receivers.front() == &w->server);
  }
}

TEST_CASE(
    "fastpath call to another CPU: a thread ready here runs next; one it does not outrank there is not worth an "
    "interrupt") {
  AcrossCpus a;
  for (World* w : {&a.fast, &a.general}) {
    w->server_waits(1);
    w->server.priority = 50;
    w->cpus[1].current = &w->other;  // CPU 1 runs a thread that outranks the server
    w->other.priority = 100;
    w->idles[0].context.resumes_from_frame = false;  // not needed: a thread is ready here
    w->spare.frame = &w->spare_frame;
    w->spare.cpu = &w->cpus[0];
    w->spare.priority = 10;
    w->spare.context.resumes_from_frame = true;  // it left through the fastpath
    w->cpus[0].ready.enqueue(&w->spare);
    load(w->client, Syscall::kCall, kCallSlot, tessera::make_info(1, 1));
  }
  a.run(0, [](World& w) -> Thread& { return w.client; });
  CHECK(a.fast_next == &a.fast.spare);
  CHECK(a.general_next == &a.general.spare);
  CHECK(a.fast_reschedules.empty());
  CHECK(a.fast.cpus[0].ready.empty());
  CHECK(a.fast.cpus[1].ready.peek_highest() == &a.fast.server);
}

TEST_CASE("the system call entry: a call across CPUs halts this one in its idle thread, the lock let go") {
  World w;
  w.server_waits(1);
  w.cpus[1].current = w.cpus[1].idle;
  void* saved = platform::cpu_data();
  platform::set_cpu_data(&w.cpus[0]);
  fake::platform().direct_switches.clear();
  fake::platform().reschedules.clear();
  load(w.client, Syscall::kCall, kCallSlot, tessera::make_info(3, 1));
  CHECK_THROWS_AS(host::system_call(w.client.frame), fake::Idle);
  CHECK(w.cpus[0].current == &w.idles[0]);
  CHECK_FALSE(kernel_lock().held());
  REQUIRE(fake::platform().direct_switches.size() == 1);
  CHECK(fake::platform().direct_switches[0] == &w.idles[0].context);
  CHECK(fake::platform().reschedules == std::vector<unsigned>{1});
  CHECK(w.client.context.resumes_from_frame);
  CHECK(w.client.state == ThreadState::kBlockedReply);
  platform::set_cpu_data(saved);
}

TEST_CASE("idle_wake: a ready thread resumable from its frame is switched to directly, anything else the general way") {
  World w;
  w.place(w.client, 0);
  w.place(w.other, 0);
  w.cpus[0].current = &w.idles[0];
  w.idles[0].context.resumes_from_frame = false;
  void* saved = platform::cpu_data();
  platform::set_cpu_data(&w.cpus[0]);
  fake::platform().direct_switches.clear();
  fake::platform().switches.clear();

  SUBCASE("nothing ready: the halt goes on") {
    CHECK(idle_wake() == 0);
    CHECK(w.cpus[0].current == &w.idles[0]);
    CHECK(fake::platform().switches.empty());
  }
  SUBCASE("a thread resumable from its frame: the platform leaves through its frame, the lock still held") {
    w.client.context.resumes_from_frame = true;
    w.cpus[0].ready.enqueue(&w.client);
    CHECK(idle_wake() == reinterpret_cast<uintptr_t>(w.client.frame));
    CHECK(kernel_lock().held());
    kernel_lock().release();  // the platform's exit
    CHECK(w.cpus[0].current == &w.client);
    CHECK(w.cpus[0].ready.empty());
    REQUIRE(fake::platform().direct_switches.size() == 1);
    CHECK(fake::platform().direct_switches[0] == &w.client.context);
    CHECK(w.idles[0].context.resumes_from_frame);  // the idle thread starts afresh next time
  }
  SUBCASE("a thread that was preempted: switch_context, then the lock is let go") {
    w.cpus[0].ready.enqueue(&w.other);
    CHECK(idle_wake() == 0);
    CHECK_FALSE(kernel_lock().held());
    CHECK(w.cpus[0].current == &w.other);
    CHECK(fake::platform().direct_switches.empty());
    CHECK(fake::platform().switches == std::vector<platform::Context*>{&w.other.context});
  }
  SUBCASE("the platform cannot switch directly: switch_context") {
    w.client.context.resumes_from_frame = true;
    w.cpus[0].ready.enqueue(&w.client);
    fake::platform().direct_switch_refused = true;
    CHECK(idle_wake() == 0);
    fake::platform().direct_switch_refused = false;
    CHECK(w.cpus[0].current == &w.client);
    CHECK(fake::platform().direct_switches.empty());
    CHECK(fake::platform().switches == std::vector<platform::Context*>{&w.client.context});
  }
  CHECK_FALSE(kernel_lock().held());
  if (kernel_lock().held()) kernel_lock().release();  // so that a failure here does not hang the tests after it
  platform::set_cpu_data(saved);
}
