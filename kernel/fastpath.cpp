// The IPC fastpath's entry: called by the system call entry with the frame saved, before
// anything else. Carries out what kernel/fastpath.h decides and switches directly, or hands
// the call to the general path; either way with the lock held (the entry's exit lets go of
// it after a fast switch, once it has read the frames it leaves through).
#include "kernel/fastpath.h"

#include "kernel/kernel_state.h"
#include "kernel/lock.h"

namespace kernel {

extern "C" uintptr_t syscall_fastpath() {
  Cpu& cpu = this_cpu();
  kernel_lock().acquire_unrecorded();
  Thread* self = cpu.current;
  auto can_switch = [&](Thread& to) { return switches_directly(cpu, *self, to); };
  auto finish = [&](FastPath r) __attribute__((always_inline))->uintptr_t {
    Thread* next = r.next();
    if (next == self) return reinterpret_cast<uintptr_t>(self->frame);
    if (next == nullptr) [[unlikely]] {
      kernel_lock().record_owner(&cpu);
      return 0;  // the general path goes on with the lock held
    }
    cpu.current = next;
    platform::direct_switch(self->context, next->context, next->component->space);
    // The lock is let go by the entry's exit, after its last read of self's frame (the
    // message) and of next's: until then another CPU that restarted self's component could
    // rewrite the stack this CPU still reads, or deliver into the frame of a server that went
    // back to waiting.
    return reinterpret_cast<uintptr_t>(next->frame) | (r.message() ? kFastExitMessage : 0);
  };
  return fastpath(cpu, self, can_switch, finish);
}

}  // namespace kernel
