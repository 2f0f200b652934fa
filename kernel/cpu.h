// Per-CPU scheduling state. Invariant: touched only by its own CPU.
#pragma once

#include "kernel/run_queue.h"
#include "kernel/timer_queue.h"

namespace kernel {

struct Component;

struct Cpu {
  Thread* current = nullptr;  ///< the thread this CPU runs (in ring 3 or in a system call)
  RunQueue ready;             ///< ready threads other than `current`
  TimerQueue timers;          ///< threads of this CPU waiting for a deadline
  unsigned slice_left = 0;     ///< timer ticks before `current` goes behind its equals
  Component* io_owner = nullptr;  ///< whose I/O port grants are open in this CPU's TSS
  unsigned index = 0;
};

}  // namespace kernel
