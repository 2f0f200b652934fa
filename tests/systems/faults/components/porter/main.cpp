// porter: touches COM1 without an ioports grant; the CPU must refuse and the kernel stop it.
#include "component.h"

int main() {
  tessera::log("porter: writing to port 0x3f8 without a grant\n");
  asm volatile("outb %b0, %w1" : : "a"(uint8_t{'!'}), "Nd"(uint16_t{0x3f8}));
  tessera::log("porter: FAILED, the port write went through\n");
  return 0;
}
