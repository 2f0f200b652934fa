// bench_waiter: the other end of notification_round_trip. Waits on `ring` and answers each
// signal with a signal on `ring_back`. It never waits on `quiet`, whose waiter it only is on
// paper: signal_no_waiter signals it.
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  uint64_t bits = 0;
  while (tessera::sys::wait(self::caps::kRing, &bits) == tessera::Status::kOk)
    if (tessera::sys::signal(self::caps::kRingBack) != tessera::Status::kOk) break;
  return 1;
}
