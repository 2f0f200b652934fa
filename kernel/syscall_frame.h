// The user registers a system call saves on the top of the thread's kernel stack.
// Layout shared with platform/x86_64/syscall_entry.S: change both together.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tessera/abi.h"  // kernel/include

namespace kernel {

/// Lowest address first. The entry stub pushes rsp, r11, rcx, mr[5]..mr[0], rsi, rdi, rax,
/// so the struct below is what the stack pointer then points at.
struct SyscallFrame {
  uint64_t rax;                                ///< in: Syscall number; out: Status
  uint64_t rdi;                                ///< in: cap slot / arg0; out: badge
  uint64_t rsi;                                ///< in/out: message info / arg1
  uint64_t mr[tessera::kMessageRegisters];     ///< rdx, r10, r8, r9, r12, r13
  uint64_t rip;                                ///< user rcx
  uint64_t rflags;                             ///< user r11
  uint64_t rsp;                                ///< user stack pointer
};
static_assert(sizeof(SyscallFrame) == 12 * 8);
static_assert(offsetof(SyscallFrame, mr) == 24);
static_assert(offsetof(SyscallFrame, rip) == 72);

}  // namespace kernel
