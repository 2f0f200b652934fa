// mortal: answers the fuzzer's calls for a while, then faults in the middle of one, so that
// the fuzzer's callers meet kPeerDied (blocked ones and later ones alike).
#include "component.h"

namespace ifc = tessera::interfaces::mortal;

struct Mortal {
  uint64_t answered = 0;
  tessera::Outcome<uint64_t, ifc::Error> echo(uint64_t value) {
    if (++answered == 200) {
      tessera::log("mortal: dying in the middle of a call, as planned\n");
      auto* unmapped = reinterpret_cast<volatile uint64_t*>(uintptr_t{8});  // page 0 is never mapped
      asm volatile("" : "+r"(unmapped));  // hide the constant address from the optimiser
      *unmapped = value;
    }
    return value;
  }
};

int main() {
  Mortal impl;
  mortal::serve(impl);
}
