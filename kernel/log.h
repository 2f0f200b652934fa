// The one log of kernel and platform: a small printf (tessera/format.h) onto the platform
// console, and the one panic path with its one status.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace kernel {

/// Formats and writes one message to the kernel console (at most 255 characters).
void log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// A kernel or platform bug, or a machine it cannot run on: logs "kernel: PANIC: ...", then
/// powers off with kStatusPanic.
[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

/// System exit statuses chosen by the kernel (a component's exit code is passed through).
inline constexpr uint32_t kStatusIdle = 125;   ///< nothing can ever run again
inline constexpr uint32_t kStatusFault = 126;  ///< the shutdown component faulted
inline constexpr uint32_t kStatusPanic = 127;  ///< kernel bug or unusable boot image

}  // namespace kernel
