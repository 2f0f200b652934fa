// echo: answers echo(v) with v; crash() faults while the caller waits for the reply.
#include "component.h"

namespace ifc = tessera::interfaces::echo;

struct Echo {
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) { return value; }
  tessera::Outcome<void, ifc::Error> crash() {
    auto* unmapped = reinterpret_cast<volatile uint64_t*>(0x10);  // nothing is mapped at page 0
    asm volatile("" : "+r"(unmapped));                            // hide the constant address from the optimiser
    *unmapped = 1;
    return {};
  }
};

int main() {
  Echo impl;
  echo::serve(impl);
}
