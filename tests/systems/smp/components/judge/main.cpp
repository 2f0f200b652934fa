// judge: ends the scheduling test once the spinners (300 ms) and the sleeper are done.
#include "component.h"

int main() {
  tessera::sys::sleep_ms(800);
  tessera::log("judge: done\n");
  return 0;
}
