// CPU exception handling: the saved state an exception stub builds, and IDT set-up.
#pragma once

#include <stdint.h>

namespace platform::x86 {

/// Lowest address first; matches the pushes in exception_entry.S.
struct InterruptFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector;
  uint64_t error_code;                ///< 0 for vectors without one
  uint64_t rip, cs, rflags, rsp, ss;  ///< pushed by the CPU
};
static_assert(sizeof(InterruptFrame) == 22 * 8);

/// Fills and loads the IDT (shared by all CPUs; load it on each with idt_load).
void idt_init();
void idt_load();

/// Prints a register dump of `frame` with `cr2` on the console.
void print_frame(const InterruptFrame& frame, uint64_t cr2);
/// Hands a ring-3 fault to the kernel (kernel::user_fault), described in x86 terms.
[[noreturn]] void report_user_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2);

}  // namespace platform::x86
