// Notification signal and wait: the word, the queue of waiters, and who runs next.
#include "kernel/notification.h"

#include "kernel/scheduler.h"
#include "kernel/syscall_args.h"

namespace kernel {

Thread* notification_signal(Cpu& cpu, Thread* self, Notification* n, uint64_t bits) {
  n->word |= bits;
  if (n->waiters.empty()) return self;
  return wake(cpu, self, notification_deliver(n));
}

void notification_signal_async(Cpu& cpu, Notification* n, uint64_t bits) {
  n->word |= bits;
  if (!n->waiters.empty()) make_ready(cpu, notification_deliver(n));
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
