// echoer: a server the fuzzer calls with whatever it likes; it must survive every message.
#include "component.h"

namespace ifc = tessera::interfaces::echo;

struct Echoer {
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) { return value; }
};

int main() {
  Echoer impl;
  echoer::serve(impl);
}
