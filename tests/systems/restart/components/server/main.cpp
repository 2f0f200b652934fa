// server: a counter behind the `crashy` interface; crash() faults, and its supervisor restarts it
// (restart: on-failure) with the counter back at 0. A placeholder: the restart test fills it in.
#include "component.h"

namespace ifc = tessera::interfaces::crashy;

namespace {

struct Crashy {
  uint64_t counter = 0;

  tessera::Outcome<uint64_t, ifc::Error> get() { return counter; }
  tessera::Outcome<uint64_t, ifc::Error> bump() { return ++counter; }
  tessera::Outcome<void, ifc::Error> crash() {
    auto* unmapped = reinterpret_cast<volatile uint64_t*>(0x10);  // nothing is mapped at page 0
    asm volatile("" : "+r"(unmapped));                            // hide the constant address from the optimiser
    *unmapped = 1;
    return {};
  }
};

}  // namespace

int main() {
  static Crashy impl;
  server::serve(impl);
}
