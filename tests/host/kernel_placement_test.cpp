// Thread placement: pins are honoured, affinity sets are balanced, missing CPUs fall back.
#include <doctest/doctest.h>

#include "kernel/placement.h"

using kernel::place_thread;

TEST_CASE("a pinned thread goes to its CPU whatever the load") {
  unsigned load[4] = {0, 9, 9, 9};
  CHECK(place_thread(uint64_t{1} << 2, load, 4) == 2);
}

TEST_CASE("an affinity set picks its least-loaded CPU, lowest index on ties") {
  unsigned load[4] = {3, 2, 2, 0};
  CHECK(place_thread(0b0110, load, 4) == 1);
  CHECK(place_thread(0b1111, load, 4) == 3);
  unsigned placed[4] = {};
  for (int i = 0; i < 8; ++i) placed[place_thread(0b1111, placed, 4)]++;
  CHECK(placed[0] == 2);
  CHECK(placed[1] == 2);
  CHECK(placed[2] == 2);
  CHECK(placed[3] == 2);
}

TEST_CASE("CPUs the machine lacks are skipped; none left means CPU 0") {
  unsigned load[2] = {5, 1};
  CHECK(place_thread(0b1110, load, 2) == 1);
  CHECK(place_thread(0b1100, load, 2) == 0);
}
