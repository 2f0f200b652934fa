// The IPC fastpath's entry: called by the system call entry with the frame saved, before
// anything else. Carries out what kernel/fastpath.h decides and switches directly, or hands
// the call to the general path; either way with the lock held (syscall_fastpath_leave lets
// go of it after a fast switch).
#include "kernel/fastpath.h"

#include "kernel/kernel_state.h"
#include "kernel/lock.h"

namespace kernel {

extern "C" SyscallFrame* syscall_fastpath() {
  Cpu& cpu = this_cpu();
  kernel_lock().acquire(&cpu);
  Thread* self = cpu.current;
  Thread* next = fastpath(cpu, self, [&](Thread& to) { return switches_directly(cpu, *self, to); });
  if (next == nullptr) [[unlikely]]
    return nullptr;  // the general path goes on with the lock held
  if (next != self) {
    cpu.current = next;
    platform::direct_switch(self->context, next->context, next->component->space);
  }
  // The lock is let go by syscall_fastpath_leave, once the CPU stands on next's stack: until
  // then another CPU that restarted self's component could rewrite the stack this CPU still
  // returns through.
  return next->frame;
}

extern "C" void syscall_fastpath_leave() { kernel_lock().release(); }

}  // namespace kernel
