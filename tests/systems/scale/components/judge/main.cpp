// judge of the scale system: counts the pairs whose client says its server answered, once
// each, and ends the system (status 0) when every client (kClientCount) has; a pair that
// failed ends it with status 1 at once.
#include "component.h"

namespace self = TESSERA_COMPONENT;
namespace ifc = tessera::interfaces::report;

namespace {

constexpr uint32_t kPairs = self::kClientCount;

struct Judge {
  bool heard[kPairs] = {};
  uint64_t count = 0;

  tessera::Outcome<uint64_t, ifc::Error> answered(uint64_t pair, bool ok) {
    if (!ok || pair >= kPairs) {
      tessera::log("judge: pair %lu did not answer: FAILED\n", pair);
      tessera::sys::exit(1);
    }
    if (!heard[pair]) {
      heard[pair] = true;
      ++count;
    }
    if (count == kPairs) {
      tessera::log("judge: all %u pairs answered: PASS\n", kPairs);
      tessera::sys::exit(0);
    }
    return count;
  }
};

Judge g_judge;  // in bss: the heap is empty

}  // namespace

int main() { self::serve(g_judge); }
