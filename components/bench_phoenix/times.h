// What each run of bench_phoenix leaves for its last run, which prints the figure: when it
// started and when it faulted, by run. The page is a region, so it outlives every restart.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace phoenix {

inline constexpr size_t kWarmupRuns = 5;
inline constexpr size_t kRuns = kWarmupRuns + 200;  ///< 200 restarts are timed

struct Times {
  uint64_t runs;
  uint64_t start[kRuns];  ///< the TSC as main() began
  uint64_t fault[kRuns];  ///< the TSC just before the faulting store
};
static_assert(sizeof(Times) <= 4096, "one shared page");

}  // namespace phoenix
