// Where a thread lives: its pinned CPU, or a CPU of its affinity set where it can run, least
// loaded first.
#pragma once

#include <stdint.h>

#include "tessera/abi.h"

namespace kernel {

using tessera::kMaxCpus;  // the one CPU limit, codegen/abi.yaml

/// The threads placed on one CPU, counted by priority: what placement knows of a CPU. A
/// thread is counted from its placement until it exits or its component stops.
///
/// Invariant: count_[p] is the number of placed threads of priority p, bit p of bits_ is set
/// exactly when count_[p] != 0, and total_ is the sum of count_.
class PlacedThreads {
 public:
  static constexpr unsigned kPriorities = 256;

  unsigned total() const { return total_; }

  /// The highest priority of a placed thread, or -1 when none is placed.
  int highest() const {
    for (unsigned w = kPriorities / 64; w-- > 0;)
      if (bits_[w] != 0) return static_cast<int>(w * 64 + 63u - static_cast<unsigned>(__builtin_clzll(bits_[w])));
    return -1;
  }

  void add(uint8_t priority) {
    if (count_[priority]++ == 0) bits_[priority / 64] |= uint64_t{1} << (priority % 64);
    ++total_;
  }

  /// Precondition: a thread of `priority` is counted here (add was called for it).
  void remove(uint8_t priority) {
    if (--count_[priority] == 0) bits_[priority / 64] &= ~(uint64_t{1} << (priority % 64));
    --total_;
  }

 private:
  uint32_t count_[kPriorities] = {};
  uint64_t bits_[kPriorities / 64] = {};
  unsigned total_ = 0;
};

/// What placement compares of one CPU.
struct CpuLoad {
  unsigned threads = 0;  ///< threads placed there
  int highest = -1;      ///< the highest priority placed there, -1 for none
};

inline CpuLoad load_of(const PlacedThreads& placed) { return CpuLoad{placed.total(), placed.highest()}; }

/// The CPU for a new thread of `priority`, among the CPUs in `affinity` that are online
/// (index < cpus):
///  1. those on which no thread of a higher priority is placed (there the new thread gets
///     its turn: equals share the CPU slice by slice), the least loaded of them;
///  2. when every CPU of the set has a higher-priority thread, the least loaded of them all.
/// Ties go to the lowest index. Threads never migrate, so a thread put behind a higher
/// priority that never blocks would never run while another CPU of its set could run it;
/// placement cannot know how long a thread will block, so it assumes it may not. A thread
/// whose affinity names no online CPU goes to CPU 0, so a system described for more CPUs
/// than the machine has still runs. `load` has `cpus` entries.
inline unsigned place_thread(uint64_t affinity, uint8_t priority, const CpuLoad* load, unsigned cpus) {
  unsigned best = kMaxCpus;      // least loaded where it can run
  unsigned fallback = kMaxCpus;  // least loaded of the set
  for (unsigned c = 0; c < cpus && c < kMaxCpus; ++c) {
    if ((affinity & (uint64_t{1} << c)) == 0) continue;
    if (fallback == kMaxCpus || load[c].threads < load[fallback].threads) fallback = c;
    if (load[c].highest > static_cast<int>(priority)) continue;
    if (best == kMaxCpus || load[c].threads < load[best].threads) best = c;
  }
  if (best != kMaxCpus) return best;
  return fallback == kMaxCpus ? 0 : fallback;
}

}  // namespace kernel
