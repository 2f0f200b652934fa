// server: a counter kept in initialised data (it starts at 41), which `crash` answers by
// faulting. Each restart must bring the counter back to 41: the page it lives in is the
// boot image's again.
#include "component.h"

namespace ifc = tessera::interfaces::crashy;

namespace {

uint64_t g_counter = 41;  // initialised data, not bss: a restart must restore its value

struct Crashy {
  tessera::Outcome<uint64_t, ifc::Error> get() { return g_counter; }
  tessera::Outcome<uint64_t, ifc::Error> bump() { return ++g_counter; }
  tessera::Outcome<void, ifc::Error> crash() {
    *reinterpret_cast<volatile uint64_t*>(g_counter - g_counter) = 1;  // a page fault at 0
    return {};
  }
};

Crashy g_crashy;

}  // namespace

int main() { server::serve(g_crashy); }
