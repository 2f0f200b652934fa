// crasher: writes to its own read-only text; the kernel must stop it and carry on.
#include "component.h"

// Kept out of line so that its address is in the text segment.
__attribute__((noinline, used)) void code_marker() { asm volatile(""); }

int main() {
  tessera::log("crasher: writing to my text segment\n");
  *reinterpret_cast<volatile uint8_t*>(reinterpret_cast<uintptr_t>(&code_marker)) = 0xcc;
  tessera::log("crasher: FAILED, the write went through\n");
  return 0;
}
