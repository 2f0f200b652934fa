// COM1 serial port, polled, 115200 8N1: the kernel's console (platform::console_write).
#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/serial.h"

namespace platform::x86 {
namespace {

constexpr uint16_t kCom1 = 0x3f8;
// 16550 register offsets [PC16550D data sheet, table 2].
constexpr uint16_t kData = 0;           // DLAB=0: transmit holding; DLAB=1: divisor low
constexpr uint16_t kInterruptEnable = 1;  // DLAB=1: divisor high
constexpr uint16_t kFifoControl = 2;
constexpr uint16_t kLineControl = 3;
constexpr uint16_t kModemControl = 4;
constexpr uint16_t kLineStatus = 5;
constexpr uint8_t kTransmitEmpty = 1u << 5;

void put_raw(char c) {
  // Polled: the kernel runs with interrupts off, and the log must survive a panic.
  while ((inb(kCom1 + kLineStatus) & kTransmitEmpty) == 0) {
  }
  outb(kCom1 + kData, static_cast<uint8_t>(c));
}

}  // namespace

void serial_init() {
  outb(kCom1 + kInterruptEnable, 0x00);  // no interrupts: polled output only
  outb(kCom1 + kLineControl, 0x80);      // DLAB on to set the divisor
  outb(kCom1 + kData, 0x01);             // 115200 / 1
  outb(kCom1 + kInterruptEnable, 0x00);
  outb(kCom1 + kLineControl, 0x03);      // 8 data bits, no parity, 1 stop bit, DLAB off
  outb(kCom1 + kFifoControl, 0xc7);      // FIFOs on and cleared
  outb(kCom1 + kModemControl, 0x03);     // DTR, RTS; OUT2 off keeps the IRQ line quiet
}

}  // namespace platform::x86

namespace platform {

void console_write(const char* text, size_t length) {
  for (size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') x86::put_raw('\r');  // terminals want CR LF
    x86::put_raw(text[i]);
  }
}

}  // namespace platform
