// Timer ticks: deadlines, preemption and round-robin among equal priorities.
#include "kernel/scheduler.h"

#include "kernel/ipc.h"

namespace kernel {

Thread* scheduler_tick(Cpu& cpu, uint64_t now) {
  Thread* next = expire_timers(cpu, now);
  Thread* self = cpu.current;
  if (next != self || self == nullptr || self == cpu.idle || self->state != ThreadState::kReady) return next;
  if (self->slice_left > 1) {
    --self->slice_left;
    return self;
  }
  self->slice_left = kSliceTicks;
  // Invariant: no ready thread outranks self here (expire_timers would have switched).
  if (cpu.ready.highest() == static_cast<int>(self->priority)) {
    cpu.ready.enqueue(self);
    return cpu.ready.pop_highest();
  }
  return self;
}

}  // namespace kernel
