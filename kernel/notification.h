// Notifications: a word of bits that signallers set and one waiter at a time takes and clears.
// Interrupts reach user-space drivers as notification bits (kernel/irq.h).
#pragma once

#include <stdint.h>

#include "kernel/cpu.h"
#include "kernel/syscall_args.h"
#include "kernel/thread.h"

namespace kernel {

/// Invariant: `waiters` is non-empty only while `word` is 0.
struct Notification {
  uint64_t word = 0;
  ThreadQueue waiters;  ///< kBlockedWait threads, in arrival order
};

/// Sets `bits`; the first waiter (if any) takes the whole word. Returns the thread to run
/// next on this CPU instead of `self` (self when it goes on).
Thread* notification_signal(Cpu& cpu, Thread* self, Notification* n, uint64_t bits);
/// The same from an interrupt, where no thread made the call: a woken waiter is queued.
void notification_signal_async(Cpu& cpu, Notification* n, uint64_t bits);
/// Takes and clears the word into self's result, or blocks self until a signal comes.
Thread* notification_wait(Cpu& cpu, Thread* self, Notification* n);
/// Takes and clears the word; 0 when no bit was set.
inline uint64_t notification_poll(Notification* n) {
  const uint64_t word = n->word;
  n->word = 0;
  return word;
}
/// Hands the word to the first waiter, which becomes ready (not yet queued).
/// Precondition: n has a waiter.
inline Thread* notification_deliver(Notification* n) {
  Thread* t = n->waiters.pop_front();
  write_results(*t->frame, Status::kOk, WordResult{notification_poll(n)});
  t->state = ThreadState::kReady;
  return t;
}

}  // namespace kernel
