// pinger: the healthy client. Calls ponger for ever and checks every answer; a wrong one is
// reported (the judge fails the run on it) and it stops calling.
#include "component.h"

int main() {
  auto pong = pinger::pong_client();
  for (uint64_t i = 0;; ++i) {
    auto answer = pong.ping(i);
    if (!answer.ok() || answer.value() != i + 1) {
      tessera::log("pinger: FAILED call %lu answered wrongly\n", i);
      return 1;
    }
  }
}
