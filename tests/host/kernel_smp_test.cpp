// IPC and scheduling across CPUs: a thread made ready on another CPU is queued there, and
// that CPU is interrupted exactly when the thread should preempt what it runs.
#include <doctest/doctest.h>

#include "kernel/ipc.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/scheduler.h"
#include "tests/host/fake_platform.h"

using namespace kernel;
using tessera::Status;

namespace {

struct World {
  Cpu cpus[2];
  Thread idle[2];
  Endpoint ep;
  SyscallFrame frames[4] = {};
  Thread threads[4];

  World() {
    fake::platform().reschedules.clear();
    for (unsigned c = 0; c < 2; ++c) {
      cpus[c].index = c;
      idle[c].cpu = &cpus[c];
      cpus[c].idle = &idle[c];
      cpus[c].current = &idle[c];
    }
    for (int i = 0; i < 4; ++i) threads[i].frame = &frames[i];
  }
  Thread* thread(int i, unsigned cpu, uint8_t priority) {
    threads[i].priority = priority;
    threads[i].cpu = &cpus[cpu];
    return &threads[i];
  }
  const std::vector<unsigned>& ipis() const { return fake::platform().reschedules; }
};

/// What a kernel entry does around its work: this CPU holds the kernel lock.
void stop_locked(Cpu& cpu, Component* c) {
  kernel_lock().acquire(&cpu);
  stop_component(cpu, c, 0, Status::kPeerDied, Pool<Endpoint>{});
  kernel_lock().release();
}

}  // namespace

TEST_CASE("a call to a server on an idle CPU wakes it there; the reply wakes the caller back") {
  World w;
  Thread* client = w.thread(0, 0, 10);
  Thread* server = w.thread(1, 1, 20);
  // The server waits on CPU 1, which then idles.
  w.cpus[1].current = server;
  CHECK(ipc_recv(w.cpus[1], server, &w.ep) == nullptr);
  w.cpus[1].current = &w.idle[1];

  w.cpus[0].current = client;
  w.frames[0].a1 = 7;
  Thread* next = ipc_call(w.cpus[0], client, &w.ep, 0x42);
  CHECK(next == nullptr);  // CPU 0 has nothing else: it idles
  CHECK(client->state == ThreadState::kBlockedReply);
  CHECK(w.cpus[1].ready.contains(server));
  CHECK(server->frame->a0 == 0x42);
  CHECK(server->frame->a1 == 7);
  REQUIRE(w.ipis() == std::vector<unsigned>{1});

  // CPU 1 takes the interrupt and runs the server.
  CHECK(preempt_check(w.cpus[1]) == server);
  w.cpus[1].current = server;
  w.cpus[0].current = &w.idle[0];
  w.frames[1].a1 = 99;
  next = ipc_reply_recv(w.cpus[1], server, &w.ep);
  CHECK(next == nullptr);  // the caller lives on CPU 0: CPU 1 idles again
  CHECK(server->state == ThreadState::kBlockedRecv);
  CHECK(client->state == ThreadState::kReady);
  CHECK(client->frame->a1 == 99);
  CHECK(client->frame->op == static_cast<uint64_t>(Status::kOk));
  CHECK(w.cpus[0].ready.contains(client));
  CHECK(w.ipis() == std::vector<unsigned>{1, 0});
  CHECK(preempt_check(w.cpus[0]) == client);
}

TEST_CASE("a remote wake of a thread that would not preempt sends no interrupt") {
  World w;
  Thread* busy = w.thread(0, 1, 50);
  Thread* low = w.thread(1, 1, 50);
  Thread* waker = w.thread(2, 0, 10);
  w.cpus[1].current = busy;
  w.cpus[0].current = waker;
  CHECK(ipc_recv(w.cpus[1], low, &w.ep) == nullptr);
  CHECK(ipc_send(w.cpus[0], waker, &w.ep, 1) == waker);  // the receiver was waiting: no block
  CHECK(w.cpus[1].ready.contains(low));
  CHECK(w.ipis().empty());  // equal priority: it waits for busy's slice to end
  // ... which the tick on CPU 1 ends.
  for (unsigned i = 0; i < kSliceTicks - 1; ++i) CHECK(scheduler_tick(w.cpus[1], i) == busy);
  CHECK(scheduler_tick(w.cpus[1], kSliceTicks) == low);
}

TEST_CASE("a higher-priority thread woken remotely preempts with an interrupt") {
  World w;
  Thread* busy = w.thread(0, 1, 50);
  Thread* high = w.thread(1, 1, 90);
  Thread* waker = w.thread(2, 0, 10);
  w.cpus[1].current = high;
  CHECK(ipc_recv(w.cpus[1], high, &w.ep) == nullptr);
  w.cpus[1].current = busy;
  w.cpus[0].current = waker;
  CHECK(ipc_send(w.cpus[0], waker, &w.ep, 1) == waker);
  CHECK(w.ipis() == std::vector<unsigned>{1});
  CHECK(preempt_check(w.cpus[1]) == high);
  CHECK(w.cpus[1].ready.contains(busy));  // preempted, still ready
}

TEST_CASE("an idle CPU's tick runs what became ready and never queues the idle thread") {
  World w;
  Thread* sleeper = w.thread(0, 0, 5);
  w.cpus[0].current = sleeper;
  CHECK(sleep_until(w.cpus[0], sleeper, 100) == nullptr);
  w.cpus[0].current = &w.idle[0];
  CHECK(scheduler_tick(w.cpus[0], 99) == &w.idle[0]);
  CHECK(scheduler_tick(w.cpus[0], 100) == sleeper);
  CHECK(w.cpus[0].ready.empty());
}

TEST_CASE("a CPU whose current thread died switches away at its next interrupt") {
  World w;
  Thread* victim = w.thread(0, 1, 50);
  Thread* other = w.thread(1, 1, 10);
  w.cpus[1].current = victim;
  w.cpus[1].ready.enqueue(other);
  ipc_detach(w.cpus[0], victim);  // its component was stopped from CPU 0
  CHECK(victim->state == ThreadState::kDead);
  CHECK(preempt_check(w.cpus[1]) == other);
  CHECK(w.cpus[1].ready.empty());
}

TEST_CASE("stopping a component gives its threads' places back to the CPUs they were on") {
  World w;
  Component c;
  c.threads = w.threads;
  c.thread_count = c.thread_quota = 3;
  c.live_threads = 3;
  w.thread(0, 0, 10);
  w.thread(1, 1, 30);
  w.thread(2, 1, 30);
  for (int i = 0; i < 3; ++i) {
    w.threads[i].component = &c;
    w.threads[i].cpu->placed.add(w.threads[i].priority);
  }
  for (int i = 0; i < 4; ++i) w.cpus[0].placed.add(20);  // and four threads of other components
  w.cpus[1].ready.enqueue(&w.threads[1]);
  w.cpus[1].ready.enqueue(&w.threads[2]);
  w.cpus[0].current = &w.threads[0];
  stop_locked(w.cpus[0], &c);
  CHECK(w.cpus[0].placed.total() == 4);
  CHECK(w.cpus[0].placed.highest() == 20);
  CHECK(w.cpus[1].placed.total() == 0);
  CHECK(w.cpus[1].placed.highest() == -1);
  CHECK(w.cpus[1].ready.empty());
  for (int i = 0; i < 3; ++i) CHECK(w.threads[i].state == ThreadState::kDead);
  // A thread that had exited before was no longer counted: stopping again changes nothing.
  stop_locked(w.cpus[0], &c);
  CHECK(w.cpus[0].placed.total() == 4);
}

TEST_CASE("new threads go where they can run, not behind a higher priority, until it stops") {
  World w;
  const Pool<Cpu> cpus{w.cpus, 2};
  // A spinner of priority 200 pinned to CPU 0 (it never blocks), and then a component of
  // priority 100 that may run on either CPU and starts three threads.
  Component spinner;
  spinner.threads = &w.threads[0];
  spinner.thread_count = spinner.thread_quota = spinner.live_threads = 1;
  w.threads[0].component = &spinner;
  w.threads[0].priority = 200;
  w.threads[0].cpu = &place_new_thread(cpus, 0b01, 200);
  CHECK(w.threads[0].cpu == &w.cpus[0]);
  for (int i = 1; i < 4; ++i) {
    Cpu& home = place_new_thread(cpus, 0b11, 100);
    CHECK(home.index == 1);  // CPU 1 is the busier one from the second on, but CPU 0 never runs them
  }
  CHECK(w.cpus[1].placed.total() == 3);

  // A thread of a priority above the spinner's may go to the less loaded CPU.
  Cpu& high = place_new_thread(cpus, 0b11, 250);
  CHECK(high.index == 0);
  high.placed.remove(250);

  // Once the spinner's component stops, CPU 0 runs priority 100 again: it is the less loaded.
  stop_locked(w.cpus[0], &spinner);
  CHECK(w.cpus[0].placed.highest() == -1);
  CHECK(place_new_thread(cpus, 0b11, 100).index == 0);
}

TEST_CASE("stopping a component without the kernel lock is a kernel bug, caught at once") {
  World w;
  Component c;
  c.threads = w.threads;
  c.thread_count = c.thread_quota = 1;
  w.thread(0, 1, 10)->component = &c;
  kernel_lock().acquire(&w.cpus[1]);  // held, but by the other CPU
  CHECK_THROWS(stop_component(w.cpus[0], &c, 0, Status::kPeerDied, Pool<Endpoint>{}));
  kernel_lock().release();
  CHECK_THROWS(stop_component(w.cpus[0], &c, 0, Status::kPeerDied, Pool<Endpoint>{}));  // held by nobody
  CHECK_FALSE(c.stopped);
  stop_locked(w.cpus[0], &c);
  CHECK(c.stopped);
}
