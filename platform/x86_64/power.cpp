// Power and halting: QEMU's isa-debug-exit for a status, hlt loops otherwise.
#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/serial.h"

namespace platform {

void halt_forever() {
  for (;;) asm volatile("cli; hlt");
}

void shutdown(uint32_t status) {
  // QEMU's isa-debug-exit (iobase 0xf4, iosize 4) exits with (status << 1) | 1. On other
  // machines the write goes nowhere and we just halt.
  x86::console_drain_for_shutdown();
  x86::outl(0xf4, status);
  halt_forever();
}

}  // namespace platform
