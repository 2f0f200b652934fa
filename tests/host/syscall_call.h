// How host tests make a system call: its number and argument words loaded into a thread's
// saved registers by ABI role, as ring 3 would leave them (every other word 0), then run
// through the real dispatcher.
#pragma once

#include <stdint.h>

#include "kernel/syscalls.h"

namespace kernel::host {

/// Loads system call `number` with arguments a0..a3 (a3: the fourth, mr[1]) into t's frame.
inline void load_call(Thread& t, Syscall number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  SyscallFrame& f = *t.frame;
  f = SyscallFrame{};
  f.op = static_cast<uint64_t>(number);
  f.a0 = a0;
  f.a1 = a1;
  f.mr[0] = a2;
  f.mr[1] = a3;
}

/// Makes the call as cpu's current thread t (the caller holds the kernel lock where the call
/// needs it) and returns the thread to run next.
inline Thread* make_call(Cpu& cpu, Thread& t, Syscall number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0,
                         uint64_t a3 = 0) {
  load_call(t, number, a0, a1, a2, a3);
  cpu.current = &t;
  return dispatch(cpu, &t);
}

/// What the platform's system call entry does with the frame of cpu.current (`f`): the
/// fastpath, then the general path if the fastpath passes. Returns the frame the entry would
/// leave the kernel through.
inline SyscallFrame* system_call(SyscallFrame* f) {
  if (SyscallFrame* next = syscall_fastpath()) {
    syscall_fastpath_leave();
    return next;
  }
  syscall_dispatch(f);
  return f;
}

/// The status t's last call returned.
inline Status status_of(const Thread& t) { return static_cast<Status>(t.frame->op); }

}  // namespace kernel::host
