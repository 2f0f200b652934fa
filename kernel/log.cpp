// Kernel printf: enough formatting for boot logs, fault reports and panics, for kernel and platform.
#include "kernel/log.h"

#include "kernel/platform.h"
#include "tessera/format.h"

namespace kernel {
namespace {

void vlog(const char* fmt, va_list args) {
  char buf[256];
  size_t n = tessera::format(buf, sizeof(buf), fmt, args);
  platform::console_write(buf, n);
}

}  // namespace

void log(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vlog(fmt, args);
  va_end(args);
}

void panic(const char* fmt, ...) {
  platform::console_write("kernel: PANIC: ", 15);
  va_list args;
  va_start(args, fmt);
  vlog(fmt, args);
  va_end(args);
  platform::console_write("\n", 1);
  platform::shutdown(kStatusPanic);
}

}  // namespace kernel
