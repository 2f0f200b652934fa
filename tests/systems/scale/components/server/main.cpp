// server s<n> of the scale system: answers echo(v) with its pair number and v + 1.
#include "../pair.h"
#include "component.h"

namespace self = TESSERA_COMPONENT;
namespace ifc = tessera::interfaces::echo;

struct Echo {
  uint64_t pair = pair_number(self::kName);
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) { return pair_answer(pair, value); }
};

int main() {
  Echo impl;
  self::serve(impl);
}
