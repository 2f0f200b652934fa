// The bench's timing window: warm-up, then one rdtsc-bounded window per iteration, and the
// BENCH line with the median and the minimum. Shared by the bench clients (docs/bench.md).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <tessera/log.h>

#include "stats.h"

namespace bench {

inline constexpr size_t kWarmup = 10'000;
inline constexpr size_t kIterations = 100'000;

/// Which window carries the labels build-tools/bench_user_insns.py counts its user-mode
/// instructions between: `bench_same_cpu_begin` is the instruction after the window's rdtsc,
/// `bench_same_cpu_end` the one after its rdtscp. Labels emit no instructions; a second copy
/// of the window (should the compiler duplicate it) fails to assemble.
enum class Labels { kNone, kSameCpu };

// lfence keeps rdtsc from drifting around the measured code [Intel SDM vol2 RDTSC].
template <Labels kLabels>
inline uint64_t tsc_begin() {
  uint32_t lo, hi;
  if constexpr (kLabels == Labels::kSameCpu) {
    asm volatile("lfence; rdtsc\nbench_same_cpu_begin:\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
  } else {
    asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
  }
  return (uint64_t{hi} << 32) | lo;
}
template <Labels kLabels>
inline uint64_t tsc_end() {
  uint32_t lo, hi, aux;
  if constexpr (kLabels == Labels::kSameCpu) {
    asm volatile("rdtscp\nbench_same_cpu_end:\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
  } else {
    asm volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
  }
  return (uint64_t{hi} << 32) | lo;
}

/// Runs op kWarmup times, then times it kIterations times, one window each, and prints the
/// line; `note` (e.g. " work=both_cpus") goes after the unit.
template <Labels kLabels = Labels::kNone, class Op>
bool measure(const char* name, uint32_t* samples, Op op, const char* note = "") {
  for (size_t i = 0; i < kWarmup; ++i)
    if (!op()) return false;
  for (size_t i = 0; i < kIterations; ++i) {
    uint64_t t0 = tsc_begin<kLabels>();
    bool ok = op();
    uint64_t t1 = tsc_end<kLabels>();
    if (!ok) return false;
    samples[i] = static_cast<uint32_t>(t1 - t0);
  }
  Summary s = summarize(samples, kIterations);
  tessera::log("BENCH %s median=%u min=%u unit=tsc%s iterations=%u\n", name, s.median, s.min, note,
               static_cast<unsigned>(kIterations));
  return true;
}

}  // namespace bench
