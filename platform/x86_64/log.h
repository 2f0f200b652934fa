// Minimal formatted output on the kernel console for the platform's own messages.
#pragma once

#include <stdint.h>

namespace platform::x86 {

void log(const char* text);
void log_hex(uint64_t value);  ///< 0x + 16 hex digits
void log_dec(uint64_t value);

/// Prints `message` and exits QEMU with the panic status; for kernel bugs only.
[[noreturn]] void panic(const char* message);

/// The isa-debug-exit status of a kernel panic (QEMU exits with 2 * 3 + 1 = 7).
inline constexpr uint32_t kPanicStatus = 3;

}  // namespace platform::x86
