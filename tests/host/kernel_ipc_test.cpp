// Endpoint queueing and call/reply: which thread blocks, which runs, what each receives.
#include <doctest/doctest.h>

#include "kernel/ipc.h"
#include "kernel/scheduler.h"
#include "kernel/syscalls.h"

using namespace kernel;
using tessera::Status;

namespace {

struct World {
  Cpu cpu;
  Endpoint ep;
  SyscallFrame frames[4] = {};
  Thread threads[4];

  World() {
    for (int i = 0; i < 4; ++i) threads[i].frame = &frames[i];
  }
  Thread* thread(int i, uint8_t priority) {
    threads[i].priority = priority;
    threads[i].cpu = &cpu;
    return &threads[i];
  }
};

void put_message(Thread* t, uint64_t info, uint64_t first) {
  t->frame->a1 = info;
  for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) t->frame->mr[i] = first + i;
}

}  // namespace

TEST_CASE("call before the server waits: caller queues, recv takes it, reply returns") {
  World w;
  Thread* client = w.thread(0, 100);
  Thread* server = w.thread(1, 200);
  w.cpu.current = client;
  put_message(client, tessera::make_info(42, 2), 10);

  Thread* next = ipc_call(w.cpu, client, &w.ep, 0xbad9e);
  CHECK(next == nullptr);  // nothing else is ready in this world
  CHECK(client->state == ThreadState::kBlockedSend);
  CHECK(w.ep.senders.front() == client);

  w.cpu.current = server;
  next = ipc_recv(w.cpu, server, &w.ep);
  CHECK(next == server);  // a message was waiting: the server goes on
  CHECK(w.ep.senders.empty());
  CHECK(client->state == ThreadState::kBlockedReply);
  CHECK(server->reply_to == client);
  CHECK(client->callee == server);
  CHECK(server->frame->a0 == 0xbad9e);
  CHECK(tessera::info_label(server->frame->a1) == 42);
  CHECK(server->frame->mr[0] == 10);
  CHECK(server->frame->mr[5] == 15);
  CHECK(server->frame->op == 0);

  put_message(server, tessera::make_info(0, 1), 500);
  next = ipc_reply_recv(w.cpu, server, &w.ep);
  CHECK(next == client);  // the fast path: straight back to the caller
  CHECK(client->state == ThreadState::kReady);
  CHECK(client->frame->mr[0] == 500);
  CHECK(client->frame->op == 0);
  CHECK(server->state == ThreadState::kBlockedRecv);
  CHECK(w.ep.receivers.front() == server);
  CHECK(server->reply_to == nullptr);
  CHECK(client->callee == nullptr);
}

TEST_CASE("call to a waiting server switches to it directly") {
  World w;
  Thread* client = w.thread(0, 100);
  Thread* server = w.thread(1, 200);
  w.cpu.current = server;
  CHECK(ipc_recv(w.cpu, server, &w.ep) == nullptr);
  CHECK(server->state == ThreadState::kBlockedRecv);

  w.cpu.current = client;
  put_message(client, tessera::make_info(7, 0), 1);
  CHECK(ipc_call(w.cpu, client, &w.ep, 3) == server);
  CHECK(server->state == ThreadState::kReady);
  CHECK(server->frame->a0 == 3);
  CHECK(client->state == ThreadState::kBlockedReply);
}

TEST_CASE("a woken server of lower priority than a ready thread waits its turn") {
  World w;
  Thread* client = w.thread(0, 100);
  Thread* server = w.thread(1, 50);
  Thread* busy = w.thread(2, 150);
  w.cpu.current = server;
  CHECK(ipc_recv(w.cpu, server, &w.ep) == nullptr);
  w.cpu.ready.enqueue(busy);
  w.cpu.current = client;
  CHECK(ipc_call(w.cpu, client, &w.ep, 0) == busy);
  CHECK(w.cpu.ready.contains(server));
}

TEST_CASE("senders are served in arrival order with their own badges") {
  World w;
  Thread* a = w.thread(0, 10);
  Thread* b = w.thread(1, 10);
  Thread* server = w.thread(2, 20);
  put_message(a, 1, 100);
  put_message(b, 2, 200);
  ipc_call(w.cpu, a, &w.ep, 1);
  ipc_call(w.cpu, b, &w.ep, 2);
  CHECK(ipc_recv(w.cpu, server, &w.ep) == server);
  CHECK(server->frame->a0 == 1);
  CHECK(server->frame->mr[0] == 100);
  // Replying to a while b waits: the server picks up b's message without blocking.
  Thread* next = ipc_reply_recv(w.cpu, server, &w.ep);
  CHECK(next == server);
  CHECK(server->frame->a0 == 2);
  CHECK(server->frame->mr[0] == 200);
  CHECK(a->state == ThreadState::kReady);
  CHECK(w.cpu.ready.contains(a));
  CHECK(server->reply_to == b);
}

TEST_CASE("reply without a caller is refused") {
  World w;
  Thread* server = w.thread(0, 10);
  CHECK(sys_reply(w.cpu, server, ReplyArgs{0, 0}) == server);
  CHECK(server->frame->op == static_cast<uint64_t>(Status::kNoReplyTarget));
}

TEST_CASE("send does not wait for a reply; a higher-priority receiver preempts") {
  World w;
  Thread* sender = w.thread(0, 10);
  Thread* receiver = w.thread(1, 90);
  ipc_recv(w.cpu, receiver, &w.ep);
  put_message(sender, 5, 50);
  CHECK(ipc_send(w.cpu, sender, &w.ep, 9) == receiver);
  CHECK(sender->frame->op == 0);
  CHECK(w.cpu.ready.contains(sender));
  CHECK(receiver->reply_to == nullptr);
  CHECK(receiver->frame->mr[0] == 50);
}

TEST_CASE("a server that dies fails its caller and everyone queued with kPeerDied") {
  World w;
  Thread* a = w.thread(0, 10);
  Thread* b = w.thread(1, 10);
  Thread* server = w.thread(2, 20);
  ipc_call(w.cpu, a, &w.ep, 0);
  ipc_call(w.cpu, b, &w.ep, 0);
  ipc_recv(w.cpu, server, &w.ep);  // takes a; b stays queued
  ipc_detach(w.cpu, server);
  endpoint_down(w.cpu, &w.ep, Status::kPeerDied);
  CHECK(server->state == ThreadState::kDead);
  CHECK(a->state == ThreadState::kReady);
  CHECK(a->frame->op == static_cast<uint64_t>(Status::kPeerDied));
  CHECK(b->frame->op == static_cast<uint64_t>(Status::kPeerDied));
  CHECK((w.ep.down && w.ep.down_status == Status::kPeerDied));
  CHECK(w.ep.senders.empty());
  CHECK(w.cpu.ready.pop_highest() == a);
  CHECK(w.cpu.ready.pop_highest() == b);
}

TEST_CASE("a caller that dies is forgotten by its server") {
  World w;
  Thread* client = w.thread(0, 10);
  Thread* server = w.thread(1, 20);
  ipc_recv(w.cpu, server, &w.ep);
  ipc_call(w.cpu, client, &w.ep, 0);
  ipc_detach(w.cpu, client);
  CHECK(server->reply_to == nullptr);
  CHECK(sys_reply(w.cpu, server, ReplyArgs{0, 0}) == server);
  CHECK(server->frame->op == static_cast<uint64_t>(Status::kNoReplyTarget));
}

TEST_CASE("a receive with a deadline times out with kTimeout and leaves the endpoint") {
  World w;
  Thread* server = w.thread(0, 50);
  w.cpu.current = server;
  CHECK(ipc_recv(w.cpu, server, &w.ep, 1000) == nullptr);
  CHECK(w.cpu.timers.contains(server));
  w.cpu.current = nullptr;  // the CPU idles
  CHECK(expire_timers(w.cpu, 999) == nullptr);
  CHECK(server->state == ThreadState::kBlockedRecv);
  expire_timers(w.cpu, 1000);
  CHECK(server->state == ThreadState::kReady);
  CHECK(server->frame->op == static_cast<uint64_t>(Status::kTimeout));
  CHECK(w.ep.receivers.empty());
  CHECK(w.cpu.ready.pop_highest() == server);
}

TEST_CASE("a message before the deadline cancels the timeout") {
  World w;
  Thread* server = w.thread(0, 50);
  Thread* client = w.thread(1, 10);
  ipc_recv(w.cpu, server, &w.ep, 1000);
  w.cpu.current = client;
  CHECK(ipc_call(w.cpu, client, &w.ep, 4) == server);
  CHECK_FALSE(w.cpu.timers.contains(server));
  CHECK(server->frame->op == 0);
  CHECK(w.cpu.timers.empty());
}

TEST_CASE("sleepers wake in deadline order; a higher-priority one preempts") {
  World w;
  Thread* low = w.thread(0, 10);
  Thread* high = w.thread(1, 90);
  Thread* runner = w.thread(2, 50);
  w.cpu.current = low;
  CHECK(sleep_until(w.cpu, low, 200) == nullptr);
  w.cpu.current = high;
  CHECK(sleep_until(w.cpu, high, 300) == nullptr);
  w.cpu.current = runner;
  CHECK(expire_timers(w.cpu, 250) == runner);  // low woke but does not outrank runner
  CHECK(low->state == ThreadState::kReady);
  CHECK(low->frame->op == 0);
  CHECK(expire_timers(w.cpu, 300) == high);  // high outranks runner: switch
  CHECK(w.cpu.ready.contains(runner));
  CHECK(w.cpu.ready.contains(low));
}

TEST_CASE("a stopped sleeper leaves the timer queue") {
  World w;
  Thread* t = w.thread(0, 10);
  sleep_until(w.cpu, t, 50);
  ipc_detach(w.cpu, t);
  CHECK(w.cpu.timers.empty());
  CHECK(t->state == ThreadState::kDead);
}

TEST_CASE("a server that receives again without replying drops the call it held") {
  World w;
  Thread* client = w.thread(0, 100);
  Thread* server = w.thread(1, 200);
  Thread* other = w.thread(2, 100);
  w.cpu.current = server;
  CHECK(ipc_recv(w.cpu, server, &w.ep) == nullptr);
  w.cpu.current = client;
  put_message(client, tessera::make_info(1, 0), 0);
  CHECK(ipc_call(w.cpu, client, &w.ep, 1) == server);
  CHECK(server->reply_to == client);

  // The server calls recv instead of replying; meanwhile another client is queued.
  w.cpu.current = other;
  put_message(other, tessera::make_info(2, 0), 0);
  CHECK(ipc_call(w.cpu, other, &w.ep, 2) == nullptr);
  w.cpu.current = server;
  CHECK(ipc_recv(w.cpu, server, &w.ep) == server);
  CHECK(client->state == ThreadState::kReady);
  CHECK(client->frame->op == static_cast<uint64_t>(Status::kCallDropped));
  CHECK(client->callee == nullptr);
  CHECK(server->reply_to == other);
  CHECK(other->callee == server);
}
