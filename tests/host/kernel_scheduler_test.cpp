// Timer ticks: round-robin among equal priorities, preemption by higher ones, never by lower.
#include <doctest/doctest.h>

#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/scheduler.h"

using namespace kernel;

namespace {

struct World {
  Cpu cpu;
  SyscallFrame frames[3] = {};
  Thread threads[3];
  World() {
    for (int i = 0; i < 3; ++i) {
      threads[i].frame = &frames[i];
      threads[i].cpu = &cpu;
    }
  }
};

/// Runs `ticks` ticks, switching as the scheduler says; returns how often each thread ran.
void run(World& w, unsigned ticks, unsigned counts[3]) {
  for (unsigned i = 0; i < ticks; ++i) {
    Thread* next = scheduler_tick(w.cpu, i);
    w.cpu.current = next;
    counts[w.cpu.current - w.threads]++;
  }
}

}  // namespace

TEST_CASE("two CPU-bound threads of one priority share the CPU slice by slice") {
  World w;
  w.threads[0].priority = w.threads[1].priority = 100;
  w.cpu.current = &w.threads[0];
  w.cpu.ready.enqueue(&w.threads[1]);
  unsigned counts[3] = {};
  run(w, 8 * kSliceTicks, counts);
  CHECK(counts[0] == 4 * kSliceTicks);
  CHECK(counts[1] == 4 * kSliceTicks);
}

TEST_CASE("a lower-priority thread never gets a tick while a higher one runs") {
  World w;
  w.threads[0].priority = 100;
  w.threads[1].priority = 20;
  w.cpu.current = &w.threads[0];
  w.cpu.ready.enqueue(&w.threads[1]);
  unsigned counts[3] = {};
  run(w, 50, counts);
  CHECK(counts[0] == 50);
  CHECK(counts[1] == 0);
}

TEST_CASE("a sleeper of higher priority preempts at the tick its deadline passes") {
  World w;
  w.threads[0].priority = 10;
  w.threads[2].priority = 200;
  w.cpu.current = &w.threads[2];
  sleep_until(w.cpu, &w.threads[2], 5);
  w.cpu.current = &w.threads[0];
  Thread* next = nullptr;
  for (uint64_t now = 0; now < 5; ++now) CHECK(scheduler_tick(w.cpu, now) == &w.threads[0]);
  next = scheduler_tick(w.cpu, 5);
  CHECK(next == &w.threads[2]);
  CHECK(w.cpu.ready.contains(&w.threads[0]));
}

namespace {

/// A server at 150 and, at 100, a client that calls it many times per tick and a CPU-bound
/// peer, on one CPU. Each step is one call and its reply; `ticks_every` steps make a tick.
struct CallWorld {
  Cpu cpu;
  Endpoint ep;
  SyscallFrame frames[3] = {};
  Thread server, client, peer;
  CallWorld() {
    Thread* all[3] = {&server, &client, &peer};
    for (int i = 0; i < 3; ++i) {
      all[i]->frame = &frames[i];
      all[i]->cpu = &cpu;
    }
    server.priority = 150;
    client.priority = peer.priority = 100;
    cpu.current = &server;
    CHECK(ipc_recv(cpu, &server, &ep) == nullptr);  // the server waits for calls
    cpu.current = &client;
    cpu.ready.enqueue(&peer);
  }
};

}  // namespace

TEST_CASE("a caller's slice is not renewed by its calls: an equal CPU-bound peer gets its share") {
  CallWorld w;
  unsigned client_calls = 0, peer_ticks = 0;
  uint64_t now = 0;
  for (unsigned step = 0; step < 4000; ++step) {
    if (w.cpu.current == &w.client) {
      ++client_calls;
      // The client calls; the server runs at once (it outranks everyone) and answers.
      Thread* next = ipc_call(w.cpu, &w.client, &w.ep, 0);
      REQUIRE(next == &w.server);
      w.cpu.current = next;
      w.cpu.current = ipc_reply_recv(w.cpu, &w.server, &w.ep);
    }
    if (step % 10 == 9) {  // a tick, charged to whoever runs now
      if (w.cpu.current == &w.peer) ++peer_ticks;
      w.cpu.current = scheduler_tick(w.cpu, ++now);
    }
  }
  // Before, the client renewed its slice at every switch and jumped ahead of the queued peer
  // at every reply: the peer never ran. Now both make progress, turn by turn.
  CHECK(peer_ticks > 300);
  CHECK(client_calls > 50);
}

TEST_CASE("a caller woken by a reply goes behind an equal thread already queued") {
  CallWorld w;
  Thread* next = ipc_call(w.cpu, &w.client, &w.ep, 0);
  REQUIRE(next == &w.server);
  w.cpu.current = &w.server;
  next = ipc_reply_recv(w.cpu, &w.server, &w.ep);
  CHECK(next == &w.peer);
  CHECK(w.cpu.ready.contains(&w.client));
  CHECK(w.client.state == ThreadState::kReady);
}

TEST_CASE("the slice survives blocking: a thread resumes with what it had left") {
  CallWorld w;
  // Two ticks on the client, then it calls; the server answers and the peer runs...
  w.cpu.current = scheduler_tick(w.cpu, 1);
  w.cpu.current = scheduler_tick(w.cpu, 2);
  REQUIRE(w.cpu.current == &w.client);
  CHECK(w.client.slice_left == kSliceTicks - 2);
  w.cpu.current = ipc_call(w.cpu, &w.client, &w.ep, 0);
  w.cpu.current = ipc_reply_recv(w.cpu, &w.server, &w.ep);
  REQUIRE(w.cpu.current == &w.peer);
  for (unsigned i = 0; i < kSliceTicks; ++i) w.cpu.current = scheduler_tick(w.cpu, 3 + i);
  // ...for a whole slice of its own, then the client gets the two ticks it had left.
  REQUIRE(w.cpu.current == &w.client);
  CHECK(w.client.slice_left == kSliceTicks - 2);
  w.cpu.current = scheduler_tick(w.cpu, 10);
  w.cpu.current = scheduler_tick(w.cpu, 11);
  CHECK(w.cpu.current == &w.peer);
}
