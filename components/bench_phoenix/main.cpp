// bench_phoenix: the restart benchmark's subject. Each run notes the TSC as main() begins,
// writes its initialised data (a restart gives that page back), notes the TSC again and
// faults; its supervisor, the bench client, restarts it. The TSC at main() is as close to
// the new instance's first instruction as C++ gets: crt0 and the runtime's start-up run
// before it, so the figure includes them.
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
  if (run >= phoenix::kRuns) return 0;  // a clean exit: restart: on-failure leaves it stopped
  times->start[run] = started;
  g_scratch = g_scratch + run;
  times->runs = run + 1;
  times->fault[run] = tsc();
  *reinterpret_cast<volatile uint64_t*>(g_scratch & 0) = 0;  // a page fault at address 0
  return 1;
}
