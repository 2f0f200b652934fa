// spinner: CPU-bound for 300 ms of the kernel clock, never blocking. It notices every time
// it was descheduled (a jump of the clock between two of its reads) and checks that it
// shared the CPU with its equal-priority twin rather than running alone.
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  constexpr uint64_t kRunNs = 300'000'000;
  constexpr uint64_t kGapNs = 500'000;  // a longer gap between two reads: someone else ran
  const uint64_t start = tessera::sys::clock_ns();
  uint64_t last = start, ran = 0, gaps = 0;
  while (last - start < kRunNs) {
    const uint64_t now = tessera::sys::clock_ns();
    if (now - last > kGapNs) {
      ++gaps;
    } else {
      ran += now - last;
    }
    last = now;
  }
  const uint64_t elapsed = last - start;
  // Alone it would run ~100% with no gaps; sharing with a twin, about half, in many turns.
  const bool ok = gaps >= 5 && ran * 100 < elapsed * 80;
  tessera::log("%s: on cpu %u ran %lu of %lu ms, descheduled %lu times: %s\n", self::kName, tessera::sys::cpu_id(),
               ran / 1'000'000, elapsed / 1'000'000, gaps, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
