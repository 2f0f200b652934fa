// bench_phoenix: the restart benchmark's subject. Each run notes the TSC as main() begins,
// writes its initialised data (a restart gives that page back), notes the TSC again and
// faults; its supervisor, the bench client, restarts it. The last run prints
// `BENCH restart_component`: from each fault to the next run's main(). The TSC at main() is
// as close to the new instance's first instruction as C++ gets: crt0 and the runtime's
// start-up run before it, so the figure includes them.
#include "../bench_client/stats.h"
#include "component.h"
#include "times.h"

namespace {

inline uint64_t tsc() {
  uint32_t lo, hi;
  asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
  return (uint64_t{hi} << 32) | lo;
}

volatile uint64_t g_scratch = 1;  // initialised data: its page is copied when written

}  // namespace

int main() {
  const uint64_t started = tsc();
  auto* times = reinterpret_cast<volatile phoenix::Times*>(bench_phoenix::memory::kPhoenixTimesBase);
  const uint64_t run = times->runs;
  if (run == phoenix::kRuns - 1) {
    times->start[run] = started;
    static uint32_t samples[phoenix::kRuns];
    size_t n = 0;
    for (size_t i = phoenix::kWarmupRuns; i + 1 < phoenix::kRuns; ++i)
      samples[n++] = static_cast<uint32_t>(times->start[i + 1] - times->fault[i]);
    const bench::Summary s = bench::summarize(samples, n);
    tessera::log("BENCH restart_component median=%u min=%u unit=tsc iterations=%u\n", s.median, s.min,
                 static_cast<unsigned>(n));
    return 0;  // a clean exit: restart: on-failure leaves it stopped
  }
  times->start[run] = started;
  g_scratch = g_scratch + run;
  times->runs = run + 1;
  times->fault[run] = tsc();
  *reinterpret_cast<volatile uint64_t*>(g_scratch & 0) = 0;  // a page fault at address 0
  return 1;
}
