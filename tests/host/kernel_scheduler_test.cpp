// Timer ticks: round-robin among equal priorities, preemption by higher ones, never by lower.
#include <doctest/doctest.h>

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
    if (next != w.cpu.current) {
      w.cpu.current = next;
      start_slice(w.cpu);
    }
    counts[w.cpu.current - w.threads]++;
  }
}

}  // namespace

TEST_CASE("two CPU-bound threads of one priority share the CPU slice by slice") {
  World w;
  w.threads[0].priority = w.threads[1].priority = 100;
  w.cpu.current = &w.threads[0];
  start_slice(w.cpu);
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
  start_slice(w.cpu);
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
  start_slice(w.cpu);
  Thread* next = nullptr;
  for (uint64_t now = 0; now < 5; ++now) CHECK(scheduler_tick(w.cpu, now) == &w.threads[0]);
  next = scheduler_tick(w.cpu, 5);
  CHECK(next == &w.threads[2]);
  CHECK(w.cpu.ready.contains(&w.threads[0]));
}
