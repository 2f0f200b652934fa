// spin: an endless loop at the highest priority of its CPU. The other CPUs keep serving.
#include "component.h"

int main() {
  tessera::log("spin: spinning for ever\n");
  for (;;) asm volatile("pause");
}
