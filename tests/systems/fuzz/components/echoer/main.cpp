// echoer: answers echo(v) with v. The fuzzer calls it with whatever it likes (it must survive
// every message); the races test calls it through a slot that others copy, move and revoke.
#include "component.h"

namespace ifc = tessera::interfaces::echo;

struct Echoer {
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) { return value; }
};

int main() {
  Echoer impl;
  echoer::serve(impl);
}
