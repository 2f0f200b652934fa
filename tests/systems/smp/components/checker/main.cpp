// checker: waits until one worker per CPU has finished with matching totals, then ends the
// system with status 0. (A hang is caught by the test's time-out.)
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  const uint32_t cpus = tessera::sys::cpu_count();
  auto tally = self::tally_client();
  for (;;) {
    auto done = tally.finished();
    if (!done.ok()) {
      tessera::log("checker: tally failed: FAILED\n");
      return 1;
    }
    if (done.value() == cpus) break;
    tessera::sys::sleep_ms(5);
  }
  tessera::log("checker: all %u workers finished with matching totals: PASS\n", cpus);
  return 0;
}
