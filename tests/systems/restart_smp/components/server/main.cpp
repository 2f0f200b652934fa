// server: answers next() with how many requests this instance served; its 50th request
// makes it fault (a write to address 0), and the built-in supervisor restarts it.
#include "component.h"

namespace ifc = tessera::interfaces::counter;

namespace {

struct Counter {
  uint64_t served = 0;
  tessera::Outcome<uint64_t, ifc::Error> next() {
    if (++served == 50) *reinterpret_cast<volatile uint64_t*>(served - 50) = 1;
    return served;
  }
};

Counter g_counter;

}  // namespace

int main() { server::serve(g_counter); }
