// ponger: the healthy server, answering on its own CPU while hostile components run.
#include "component.h"

namespace ifc = tessera::interfaces::pong;

struct Ponger {
  uint64_t count = 0;
  tessera::Outcome<uint64_t, ifc::Error> ping(uint64_t value) {
    ++count;
    return value + 1;
  }
  tessera::Outcome<uint64_t, ifc::Error> answered() { return count; }
};

int main() {
  Ponger impl;
  ponger::serve(impl);
}
