// The kernel lock: one ticket lock that every CPU holds while it runs kernel code.
//
// Invariant: kernel objects (threads, endpoints, caps, every CPU's run and timer queues) are
// read or written only by the CPU holding the lock. A CPU takes it when it enters the
// kernel (system call, interrupt, fault) and lets go when it returns to ring 3 or halts in
// its idle thread. A switch between threads happens with the lock held: the thread switched
// to lets go of it on its own way out.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/platform.h"

namespace kernel {

class TicketLock {
 public:
  static constexpr unsigned kServingOffset = 4;

  /// Takes the lock for `owner`, the taking CPU's scheduling state (any non-null tag).
  void acquire(const void* owner) {
    acquire_unrecorded();
    record_owner(owner);
  }

  /// Takes the lock without saying which CPU holds it (held_by answers false until
  /// record_owner): the IPC fastpath's, whose exit lets go of it by incrementing the word at
  /// kernel_lock_serving, and which records its CPU before handing the lock to the general path.
  void acquire_unrecorded() {
    const uint32_t ticket = __atomic_fetch_add(&next_, 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket) [[unlikely]]
      wait_for(ticket);
  }
  void record_owner(const void* owner) { __atomic_store_n(&owner_, owner, __ATOMIC_RELAXED); }

  void release() {
    __atomic_store_n(&owner_, nullptr, __ATOMIC_RELAXED);
    // Only the holder writes serving_, so a plain increment is the release.
    __atomic_store_n(&serving_, __atomic_load_n(&serving_, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
  }

  bool held() const {
    static_assert(offsetof(TicketLock, serving_) == kServingOffset);
    return __atomic_load_n(&serving_, __ATOMIC_RELAXED) != __atomic_load_n(&next_, __ATOMIC_RELAXED);
  }
  /// Whether `owner` holds it. True answers are exact (only the holder writes owner_);
  /// use it to assert that the caller holds the lock.
  bool held_by(const void* owner) const { return __atomic_load_n(&owner_, __ATOMIC_RELAXED) == owner; }

 private:
  /// Out of line: the uncontended acquire (every system call's) stays a few instructions.
  [[gnu::noinline]] void wait_for(uint32_t ticket) {
    while (__atomic_load_n(&serving_, __ATOMIC_ACQUIRE) != ticket) {
      // Interrupts are off while waiting, so requests that must not wait for the lock
      // (TLB flushes) are polled here instead.
      platform::poll_remote_requests();
      __builtin_ia32_pause();
    }
  }

  uint32_t next_ = 0;
  /// At kServingOffset: the system call entry's fastpath exit lets go of the lock by
  /// incrementing it through the symbol kernel_lock_serving (lock.cpp).
  uint32_t serving_ = 0;
  /// Invariant: the CPU that holds the lock (a switch between threads keeps it on that CPU,
  /// so the owner is the CPU, not a thread), nullptr while it is free or held by the fastpath.
  const void* owner_ = nullptr;
};

/// The one kernel lock (defined in lock.cpp; inline so that taking it costs no call).
namespace detail {
extern TicketLock kernel_lock_instance asm("kernel_lock_instance");
}
inline TicketLock& kernel_lock() { return detail::kernel_lock_instance; }

struct Cpu;
/// Every way out of the kernel (to ring 3 or to halt) ends here: lets go of the lock, then
/// writes out console text, which may wait for the UART, and must not hold up other CPUs.
/// A system call writes only its own debug text; the kernel's lines it may have logged go
/// out at the next interrupt or idle entry of any CPU (the tick comes every millisecond),
/// which keeps the IPC path free of console work.
enum class Exit : uint8_t { kInterrupt, kSyscall };
void leave_kernel(Cpu& cpu, Exit how = Exit::kInterrupt);

/// Panics unless this CPU (`cpu`) holds the kernel lock: for code that touches other CPUs'
/// queues or relies on nobody else running kernel code.
void assert_locked(const Cpu& cpu);

/// One entry into the kernel (a system call, an interrupt, a fault): takes the lock for this
/// CPU when made and leaves the kernel (leave_kernel) at the end of its scope. A thread switch
/// inside hands the lock over with the CPU: the thread switched to ends its own entry (or, if
/// new, thread_first_run does), and this entry ends when something switches back. The only
/// other ways to take the lock are the IPC fastpath (kernel/fastpath.cpp), whose exit in the
/// system call entry lets go of it, or which hands it to the general path's entry, and boot and an application
/// processor's start, which hand it to their first thread.
class KernelEntry {
 public:
  explicit KernelEntry(Cpu& cpu, Exit how = Exit::kInterrupt) : cpu_(cpu), how_(how) { kernel_lock().acquire(&cpu); }
  /// The entry of a system call the fastpath passed on: it already took the lock for `cpu`.
  struct LockHeld {};
  KernelEntry(Cpu& cpu, Exit how, LockHeld) : cpu_(cpu), how_(how) { assert_locked(cpu); }
  ~KernelEntry() { leave_kernel(cpu_, how_); }
  KernelEntry(const KernelEntry&) = delete;
  KernelEntry& operator=(const KernelEntry&) = delete;

  Cpu& cpu() const { return cpu_; }

 private:
  Cpu& cpu_;
  Exit how_;
};

}  // namespace kernel
