// The kernel lock: one ticket lock that every CPU holds while it runs kernel code.
//
// Invariant: kernel objects (threads, endpoints, caps, every CPU's run and timer queues) are
// read or written only by the CPU holding the lock. A CPU takes it when it enters the
// kernel (system call, interrupt, fault) and lets go when it returns to ring 3 or halts in
// its idle thread. A switch between threads happens with the lock held: the thread switched
// to lets go of it on its own way out.
#pragma once

#include <stdint.h>

#include "kernel/platform.h"

namespace kernel {

class TicketLock {
 public:
  void acquire() {
    const uint32_t ticket = __atomic_fetch_add(&next_, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket) {
      // Interrupts are off while waiting, so requests that must not wait for the lock
      // (TLB flushes) are polled here instead.
      platform::poll_remote_requests();
      __builtin_ia32_pause();
    }
  }

  void release() {
    __atomic_store_n(&serving_, __atomic_load_n(&serving_, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
  }

  bool held() const {
    return __atomic_load_n(&serving_, __ATOMIC_RELAXED) != __atomic_load_n(&next_, __ATOMIC_RELAXED);
  }

 private:
  uint32_t next_ = 0;
  uint32_t serving_ = 0;
};

/// The one kernel lock.
TicketLock& kernel_lock();

struct Cpu;
/// Every way out of the kernel (to ring 3 or to halt) ends here: lets go of the lock, then
/// writes out console text, which may wait for the UART, and must not hold up other CPUs.
/// A system call writes only its own debug text; the kernel's lines it may have logged go
/// out at the next interrupt or idle entry of any CPU (the tick comes every millisecond),
/// which keeps the IPC path free of console work.
enum class Exit : uint8_t { kInterrupt, kSyscall };
void leave_kernel(Cpu& cpu, Exit how = Exit::kInterrupt);

}  // namespace kernel
