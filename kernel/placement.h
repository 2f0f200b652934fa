// Where a thread lives: its pinned CPU, or the least-loaded CPU of its affinity set.
#pragma once

#include <stdint.h>

#include "tessera/abi.h"

namespace kernel {

inline constexpr unsigned kMaxCpus = tessera::kMaxCpus;

/// The CPU for a new thread: among the CPUs in `affinity` that are online (index < cpus),
/// the one with the smallest `load` (ties: the lowest index). A thread whose affinity names
/// no online CPU goes to CPU 0, so a system described for more CPUs than the machine has
/// still runs. `load` has `cpus` entries.
inline unsigned place_thread(uint64_t affinity, const unsigned* load, unsigned cpus) {
  unsigned best = kMaxCpus;
  for (unsigned c = 0; c < cpus && c < kMaxCpus; ++c) {
    if ((affinity & (uint64_t{1} << c)) == 0) continue;
    if (best == kMaxCpus || load[c] < load[best]) best = c;
  }
  return best == kMaxCpus ? 0 : best;
}

}  // namespace kernel
