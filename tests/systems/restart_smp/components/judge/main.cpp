// judge: waits until the three clients have made all their calls (a hung call would keep it
// waiting until the test's timeout), then ends the system.
#include "component.h"

int main() {
  constexpr uint64_t kAll = judge::signals::kDoneFromClient1 | judge::signals::kDoneFromClient2 |
                            judge::signals::kDoneFromClient3;
  uint64_t seen = 0;
  while ((seen & kAll) != kAll) {
    uint64_t bits = 0;
    if (tessera::sys::wait(judge::caps::kDone, &bits) == tessera::Status::kOk) seen |= bits;
  }
  tessera::log("judge: every client finished: PASS\n");
  return 0;
}
