// The kernel lock's one instance, and the way out of the kernel that lets go of it.
#include "kernel/lock.h"

#include "kernel/cpu.h"
#include "kernel/log.h"

namespace kernel {

TicketLock detail::kernel_lock_instance;

// The word whose increment lets go of the lock, named for the system call entry's fastpath exit
// (it runs with every register holding a user value, so it increments the word in memory).
asm(".globl kernel_lock_serving\n"
    ".set kernel_lock_serving, kernel_lock_instance + 4");
static_assert(TicketLock::kServingOffset == 4, "the .set above");

void assert_locked(const Cpu& cpu) {
  if (!kernel_lock().held_by(&cpu)) panic("cpu %u runs kernel code that needs the kernel lock without it", cpu.index);
}

void leave_kernel(Cpu& cpu, Exit how) {
  kernel_lock().release();
  if (cpu.debug_length != 0) {
    platform::console_write_lines(cpu.debug_text, cpu.debug_length);
    cpu.debug_length = 0;
  } else if (how == Exit::kSyscall) {
    return;
  }
  platform::console_flush();
}

}  // namespace kernel
