// The user registers a system call saves on top of the thread's kernel stack, named by the
// role each plays in the system call ABI (docs/abi.md). This header is the one place that
// says which x86_64 register carries which role; portable code (kernel/) sees only the roles.
// Layout shared with syscall_entry.S: change both together.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tessera/abi.h"

namespace kernel {

/// Lowest address first. The entry stub pushes rsp, r11, rcx, r15, r14, rbp, rbx, r13, r12,
/// r9, r8, r10, rdx, rsi, rdi, rax, so the struct below is what the stack pointer then points
/// at. Every user register is in it: a thread blocked in a system call is resumed from its
/// frame alone, whichever path blocked it (see docs/kernel.md, "The IPC fastpath").
struct SyscallFrame {
  uint64_t op;  ///< rax. In: the Syscall number; out: its Status
  uint64_t a0;  ///< rdi. In: the first argument (a cap slot, for IPC); out: the first result (a badge)
  uint64_t a1;  ///< rsi. In/out: the second argument or result; a message's info word
  /// rdx, r10, r8, r9, r12, r13: a message's registers; mr[0] and mr[1] are also the third
  /// and fourth argument and the third result.
  uint64_t mr[tessera::kMessageRegisters];
  uint64_t preserved[4];  ///< rbx, rbp, r14, r15: no system call changes them
  uint64_t user_ip;       ///< rcx: where sysret resumes ring 3
  uint64_t user_flags;    ///< r11: the RFLAGS sysret loads (masked by the exit path)
  uint64_t user_sp;       ///< rsp in ring 3
};
static_assert(sizeof(SyscallFrame) == 16 * 8);
static_assert(sizeof(SyscallFrame) % 16 == 0, "keeps the frame 16-byte aligned");
static_assert(offsetof(SyscallFrame, mr) == 24);
static_assert(offsetof(SyscallFrame, user_ip) == 104, "syscall_entry.S: FRAME_RIP");
static_assert(sizeof(SyscallFrame) == 128, "syscall_entry.S: FRAME_SIZE");

}  // namespace kernel
