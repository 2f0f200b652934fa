// client c<n> of the scale system: calls its server s<n> once, logs whether s<n> answered
// and whether it runs on the CPU it is pinned to (before telling the judge: once the judge
// has heard from every pair it ends the system), then tells the judge.
#include "../pair.h"
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  const uint64_t pair = pair_number(self::kName);
  auto r = self::echo_client().echo(pair);
  const uint32_t cpu = tessera::sys::cpu_id();
  const bool ok = r.ok() && r.value() == pair_answer(pair, pair) && static_cast<int32_t>(cpu) == self::kCpu;
  tessera::log("%s: pair %lu answered on cpu %u: %s\n", self::kName, pair, cpu, ok ? "ok" : "FAILED");
  auto told = self::report_client().answered(pair, ok);
  return told.ok() && ok ? 0 : 1;
}
