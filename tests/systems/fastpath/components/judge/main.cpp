// judge: waits until every checker is done (a hung call keeps it waiting until the test's
// timeout), asks mirror how many requests broke a rule and how many it served (every probe
// of tf, poker, distant, blanker and twin, and this report: none lost, none twice), and ends the
// system.
#include "component.h"

int main() {
  constexpr uint64_t kAll = judge::signals::kDoneFromPoker | judge::signals::kDoneFromBlanker |
                            judge::signals::kDoneFromTwin | judge::signals::kDoneFromClient |
                            judge::signals::kDoneFromCrosser | judge::signals::kDoneFromBoss |
                            judge::signals::kDoneFromDistant;
  uint64_t seen = 0;
  while ((seen & kAll) != kAll) {
    uint64_t bits = 0;
    if (tessera::sys::wait(judge::caps::kDone, &bits) == tessera::Status::kOk) seen |= bits;
  }
  // tf 1, poker and distant 2000 + 1 (through a copy of the cap) + 200 each, blanker and twin
  // 500 each, this report 1.
  constexpr uint64_t kRequests = 1 + 2 * (2000 + 1 + 200) + 500 + 500 + 1;
  tessera::Message msg;
  msg.info = tessera::make_info(2, 0);
  const tessera::Status s = tessera::sys::call(judge::caps::kMirror, msg);
  const bool ok = s == tessera::Status::kOk && msg.mr[0] == 0 && msg.mr[1] == kRequests;
  tessera::log("judge: mirror served %lu requests (%lu expected), %lu broke a rule: %s\n", msg.mr[1], kRequests,
               msg.mr[0], ok ? "ok" : "FAILED");
  tessera::log(ok ? "judge: PASS\n" : "judge: FAIL\n");
  return ok ? 0 : 1;
}
