// System calls on caps, notifications, interrupts and memory (numbers kCapCopy and up).
#pragma once

#include "kernel/cpu.h"
#include "kernel/syscall_frame.h"

namespace kernel {

/// Decodes and carries out system call f->rax for `self` (the lock is held); an unknown
/// number gets kInvalidSyscall.
void object_syscall(Cpu& cpu, Thread* self, SyscallFrame* f);

}  // namespace kernel
