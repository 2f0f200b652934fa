// The platform's own console messages: strings, hex and decimal numbers, panic.
#include "platform/x86_64/log.h"

#include "kernel/platform.h"

namespace platform::x86 {

void log(const char* text) {
  size_t length = 0;
  while (text[length] != 0) ++length;
  console_write(text, length);
}

void log_hex(uint64_t value) {
  char digits[18] = {'0', 'x'};
  for (int i = 0; i < 16; ++i) digits[17 - i] = "0123456789abcdef"[(value >> (4 * i)) & 0xf];
  console_write(digits, sizeof digits);
}

void log_dec(uint64_t value) {
  char digits[20];
  size_t count = 0;
  do {
    digits[sizeof digits - 1 - count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  console_write(digits + sizeof digits - count, count);
}

void panic(const char* message) {
  log("\nPANIC: ");
  log(message);
  log("\n");
  shutdown(kPanicStatus);
}

}  // namespace platform::x86
