// Notification signal and wait: the word, the queue of waiters, and who runs next.
#include "kernel/notification.h"

#include "kernel/scheduler.h"
#include "kernel/syscall_args.h"

namespace kernel {
namespace {

/// Hands the word to the first waiter, which becomes ready (not yet queued).
Thread* deliver(Notification* n) {
  Thread* t = n->waiters.pop_front();
  write_results(*t->frame, Status::kOk, WordResult{notification_poll(n)});
  t->state = ThreadState::kReady;
  return t;
}

}  // namespace

Thread* notification_signal(Cpu& cpu, Thread* self, Notification* n, uint64_t bits) {
  n->word |= bits;
  if (n->waiters.empty()) return self;
  return wake(cpu, self, deliver(n));
}

void notification_signal_async(Cpu& cpu, Notification* n, uint64_t bits) {
  n->word |= bits;
  if (!n->waiters.empty()) make_ready(cpu, deliver(n));
}

Thread* notification_wait(Cpu& cpu, Thread* self, Notification* n) {
  if (n->word != 0) {
    write_results(*self->frame, Status::kOk, WordResult{notification_poll(n)});
    return self;
  }
  self->state = ThreadState::kBlockedWait;
  n->waiters.push_back(self);
  return hand_over(cpu, nullptr);
}

}  // namespace kernel
