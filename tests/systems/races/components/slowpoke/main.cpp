// slowpoke: answers work(ms) after sleeping that long, with the number of calls it took so
// far; its caller may die while it sleeps.
#include "component.h"

namespace ifc = tessera::interfaces::slow;

struct Slowpoke {
  uint64_t calls = 0;
  tessera::Outcome<uint64_t, ifc::Error> work(uint32_t ms) {
    ++calls;
    tessera::sys::sleep_ms(ms);
    return calls;
  }
};

int main() {
  Slowpoke impl;
  slowpoke::serve(impl);
}
