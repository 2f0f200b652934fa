// client (three of them, one per CPU): calls the server in a loop and counts what each call
// gave; only a value, kPeerRestarted and kPeerDied are allowed. After kPeerRestarted it
// waits a millisecond before the next call, as a client retrying a restarting server would.
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  constexpr unsigned kCalls = 200;
  auto counter = self::counter_client();
  unsigned values = 0, restarted = 0, died = 0, other = 0;
  for (unsigned i = 0; i < kCalls; ++i) {
    auto r = counter.next();
    if (r.ok()) {
      ++values;
    } else if (r.status() == tessera::Status::kPeerRestarted) {
      ++restarted;
      tessera::sys::sleep_ms(1);  // the retry idiom: give the supervisor time to restart it
    } else if (r.status() == tessera::Status::kPeerDied) {
      ++died;
    } else {
      ++other;
      tessera::log("%s: call %u failed with status %u: FAILED\n", self::kName, i, static_cast<unsigned>(r.status()));
    }
  }
  tessera::log("%s: %u calls: %u values, %u kPeerRestarted, %u kPeerDied, %u other\n", self::kName, kCalls, values,
               restarted, died, other);
  tessera::sys::signal(self::caps::kDone);
  return 0;
}
