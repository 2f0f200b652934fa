// Kernel printf: enough formatting for boot logs, fault reports and panics.
#include "kernel/log.h"

#include "kernel/platform.h"
#include "tessera/format.h"

namespace kernel {
void log(const char* fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  size_t n = tessera::format(buf, sizeof(buf), fmt, args);
  va_end(args);
  platform::console_write(buf, n);
}

void panic(const char* fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  size_t n = tessera::format(buf, sizeof(buf), fmt, args);
  va_end(args);
  platform::console_write("kernel: PANIC: ", 15);
  platform::console_write(buf, n);
  platform::console_write("\n", 1);
  platform::shutdown(kStatusPanic);
}

}  // namespace kernel
