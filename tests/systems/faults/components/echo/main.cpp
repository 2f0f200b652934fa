// echo: answers echo(v) with v; crash() faults while the caller waits for the reply.
#include "component.h"

namespace ifc = tessera::interfaces::echo;

struct Echo {
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) { return value; }
  tessera::Outcome<void, ifc::Error> crash() {
    *reinterpret_cast<volatile uint64_t*>(0x10) = 1;  // nothing is mapped at page 0
    return {};
  }
};

int main() {
  Echo impl;
  echo::serve(impl);
}
