// A 16550 UART driven from ring 3 through the I/O ports system.yaml grants: input by
// interrupt (IRQ 4 for COM1). The kernel set the line up (115200 8N1, FIFOs) and writes its
// output; reprogramming it here would garble what the kernel is sending.
#pragma once

#include <stdint.h>

namespace console_driver {

/// The 16550's registers at `base` [PC16550D datasheet: RBR/THR 0, IER 1, FCR 2, LCR 3, MCR 4, LSR 5].
class Uart {
 public:
  explicit Uart(uint16_t base) : base_(base) {}

  /// Raises the interrupt line whenever a received byte waits (IER bit 0); OUT2 connects
  /// the UART's interrupt output to the PC's interrupt line.
  void enable_receive_interrupt() {
    out(4, 0x0b);  // DTR, RTS, OUT2
    out(1, 0x01);
  }

  /// The next received byte, or -1 when none waits (LSR bit 0: data ready).
  int get() {
    if ((in(5) & 0x01) == 0) return -1;
    return in(0);
  }

 private:
  void out(uint16_t reg, uint8_t value) {
    asm volatile("outb %b0, %w1" : : "a"(value), "Nd"(static_cast<uint16_t>(base_ + reg)));
  }
  uint8_t in(uint16_t reg) {
    uint8_t value;
    asm volatile("inb %w1, %b0" : "=a"(value) : "Nd"(static_cast<uint16_t>(base_ + reg)));
    return value;
  }

  uint16_t base_;
};

}  // namespace console_driver
