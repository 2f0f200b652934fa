// echoer: the server the racer's threads call through a slot that others copy, move, delete
// and revoke under them.
#include "component.h"

namespace ifc = tessera::interfaces::echo;

struct Echoer {
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) { return value; }
};

int main() {
  Echoer impl;
  echoer::serve(impl);
}
