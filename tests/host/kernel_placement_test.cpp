// Thread placement: pins are honoured, a CPU held by a higher priority is passed over while
// another CPU of the set can run the thread, loads are balanced, missing CPUs fall back.
#include <doctest/doctest.h>

#include "kernel/placement.h"

using kernel::CpuLoad;
using kernel::place_thread;
using kernel::PlacedThreads;

namespace {

/// A CPU with `n` threads of priority 0 placed: no thread placed later waits behind them.
constexpr CpuLoad idle_load(unsigned n) { return CpuLoad{n, n == 0 ? -1 : 0}; }

}  // namespace

TEST_CASE("a pinned thread goes to its CPU whatever the load and the priorities there") {
  CpuLoad load[4] = {idle_load(0), idle_load(9), CpuLoad{9, 255}, idle_load(9)};
  CHECK(place_thread(uint64_t{1} << 2, 10, load, 4) == 2);
}

TEST_CASE("an affinity set picks its least-loaded CPU, lowest index on ties") {
  CpuLoad load[4] = {idle_load(3), idle_load(2), idle_load(2), idle_load(0)};
  CHECK(place_thread(0b0110, 100, load, 4) == 1);
  CHECK(place_thread(0b1111, 100, load, 4) == 3);
  PlacedThreads placed[4];
  for (int i = 0; i < 8; ++i) {
    CpuLoad now[4];
    for (int c = 0; c < 4; ++c) now[c] = kernel::load_of(placed[c]);
    placed[place_thread(0b1111, 100, now, 4)].add(100);
  }
  for (int c = 0; c < 4; ++c) CHECK(placed[c].total() == 2);
}

TEST_CASE("a CPU where a higher priority is placed is passed over while another CPU of the set can run the thread") {
  // CPU 0 has one thread of priority 200 (which may never block); CPU 1 is busier, but
  // with equals and lower priorities only.
  CpuLoad load[3] = {CpuLoad{1, 200}, CpuLoad{3, 100}, CpuLoad{0, -1}};
  CHECK(place_thread(0b011, 100, load, 3) == 1);  // equals share CPU 1 slice by slice
  CHECK(place_thread(0b011, 200, load, 3) == 0);  // both can run it: the less loaded
  CHECK(place_thread(0b111, 100, load, 3) == 2);  // an empty CPU can run anything
}

TEST_CASE("when every CPU of the set has a higher priority placed, the least loaded is taken") {
  CpuLoad load[3] = {CpuLoad{4, 200}, CpuLoad{2, 150}, CpuLoad{0, -1}};
  CHECK(place_thread(0b011, 100, load, 3) == 1);
  load[1].threads = 4;
  CHECK(place_thread(0b011, 100, load, 3) == 0);  // tie: the lowest index
}

TEST_CASE("CPUs the machine lacks are skipped; none left means CPU 0") {
  CpuLoad load[2] = {idle_load(5), idle_load(1)};
  CHECK(place_thread(0b1110, 100, load, 2) == 1);
  CHECK(place_thread(0b1100, 100, load, 2) == 0);
}

TEST_CASE("a CPU's highest placed priority drops as its threads go") {
  PlacedThreads placed;
  CHECK(placed.highest() == -1);
  placed.add(200);
  placed.add(200);
  placed.add(10);
  placed.add(255);
  placed.add(0);
  CHECK(placed.total() == 5);
  CHECK(placed.highest() == 255);
  placed.remove(255);
  CHECK(placed.highest() == 200);
  placed.remove(200);
  CHECK(placed.highest() == 200);  // one of the two is still there
  placed.remove(200);
  CHECK(placed.highest() == 10);
  placed.remove(10);
  CHECK(placed.highest() == 0);
  placed.remove(0);
  CHECK(placed.highest() == -1);
  CHECK(placed.total() == 0);
}
