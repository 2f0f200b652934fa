// Component logging: format into a line buffer, hand it to the sink.
#include "tessera/log.h"

#include <stdarg.h>

#include "tessera/format.h"
#include "tessera/syscall.h"

namespace tessera {
namespace {

void debug_sink(const char* text, size_t length) { sys::debug_write(text, length); }

LogSink g_sink = debug_sink;

void vlog(const char* fmt, va_list args) {
  char buf[256];
  size_t n = format(buf, sizeof(buf), fmt, args);
  g_sink(buf, n);
}

}  // namespace

void set_log_sink(LogSink sink) { g_sink = sink != nullptr ? sink : debug_sink; }

void log(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vlog(fmt, args);
  va_end(args);
}

void panic(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vlog(fmt, args);
  va_end(args);
  sys::exit(70);
}

}  // namespace tessera
