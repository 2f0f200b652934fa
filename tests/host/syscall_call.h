// How host tests make a system call: its number and argument words loaded into a thread's
// saved registers by ABI role, as ring 3 would leave them (every other word 0), then run
// through the real dispatcher.
#pragma once

#include <stdint.h>

#include "kernel/fastpath.h"
#include "kernel/lock.h"
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

/// What the entry's exit hands a thread the fastpath switched to with the caller's message
/// (the registers it loads from `self`'s frame), written into that thread's frame instead, so
/// that host tests can compare it with the general path's delivery. Returns r.next().
inline Thread* deliver_fast(const FastPath& r, const Thread& self) {
  if (r.message()) deliver_message(*self.frame, *r.next()->frame, r.next()->frame->a0);
  return r.next();
}

/// What the platform's system call entry does with the frame of cpu.current (`f`): the
/// fastpath, then the general path if the fastpath passes. Returns the frame the entry would
/// leave the kernel through, with what its exit loads written into it.
inline SyscallFrame* system_call(SyscallFrame* f) {
  uintptr_t e = syscall_fastpath();
  if (e == 0) {
    syscall_dispatch(f);
    return f;
  }
  auto* next = reinterpret_cast<SyscallFrame*>(e & ~kFastExitMessage);
  if ((e & kFastExitMessage) != 0) deliver_message(*f, *next, next->a0);
  kernel_lock().release();  // the exit's increment of kernel_lock_serving
  return next;
}

/// The status t's last call returned.
inline Status status_of(const Thread& t) { return static_cast<Status>(t.frame->op); }

}  // namespace kernel::host
