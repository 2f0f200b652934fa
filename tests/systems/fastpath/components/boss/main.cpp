// boss: victim's supervisor, on CPU 2. Each time its client on CPU 1 got one more answer,
// boss restarts victim (every fourth time it stops it instead, waits until the client got
// kPeerDied, and starts it again), so stops land while the pair ping-pongs through the
// fastpath. Waiting for the client's progress, never for a time.
#include "../caller/race.h"
#include "component.h"

int main() {
  constexpr unsigned kRounds = 300;
  auto* race = reinterpret_cast<Race*>(boss::memory::kRaceBase);
  const uint32_t victim = boss::caps::kControlVictim;
  unsigned failures = 0, restarts = 0, stops = 0;
  for (unsigned i = 0; i < kRounds; ++i) {
    const uint64_t answered = race->answered[0];
    while (race->answered[0] == answered) tessera::sys::yield();
    // A different number of system calls each round before the next stop, so that stops
    // land at every point of the client's round trip, not always at the same one.
    for (unsigned spin = (i * 37) % 101; spin > 0; --spin) tessera::sys::yield();
    if (i % 4 == 3) {
      const uint64_t died = race->died[0];
      if (tessera::sys::component_stop(victim) != tessera::Status::kOk) ++failures;
      while (race->died[0] == died) tessera::sys::yield();
      if (tessera::sys::component_start(victim) != tessera::Status::kOk) ++failures;
      ++stops;
    } else {
      if (tessera::sys::component_restart(victim) != tessera::Status::kOk) ++failures;
      ++restarts;
    }
  }
  race->stop = 1;
  tessera::log("boss: %u restarts and %u stops of victim while its client called it: %s\n", restarts, stops,
               failures == 0 ? "ok" : "FAILED");
  tessera::sys::signal(boss::caps::kDone);
  return 0;
}
