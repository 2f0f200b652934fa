// Formatted logging for components, through a replaceable sink.
#pragma once

#include <stddef.h>

namespace tessera {

/// Where log text goes; the default is the kernel's debug log (sys::debug_write).
using LogSink = void (*)(const char* text, size_t length);
void set_log_sink(LogSink sink);

/// printf subset (see tessera/format.h); lines are not prefixed, add "\n" yourself.
void log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// Logs, then stops the component with exit code 70.
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace tessera
