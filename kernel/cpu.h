// Per-CPU scheduling state. Invariant: touched only with the kernel lock held (kernel/lock.h);
// another CPU may queue a thread here and then interrupts this CPU (send_reschedule).
#pragma once

#include "kernel/placement.h"
#include "kernel/run_queue.h"
#include "kernel/timer_queue.h"
#include "tessera/abi.h"

namespace kernel {

struct Component;

struct Cpu {
  Thread* current = nullptr;      ///< the thread this CPU runs (in ring 3 or in a system call)
  Thread* idle = nullptr;         ///< runs when nothing else can; never queued
  RunQueue ready;                 ///< ready threads of this CPU other than `current`
  TimerQueue timers;              ///< threads of this CPU waiting for a deadline
  Component* io_owner = nullptr;  ///< whose I/O port grants are open in this CPU's TSS
  unsigned index = 0;
  PlacedThreads placed;  ///< threads whose home this is, by priority (for placement)
  /// Text of the debug_write this CPU is carrying out: copied in under the kernel lock,
  /// written to the console after it is let go (leave_kernel).
  uint32_t debug_length = 0;
  char debug_text[tessera::kMaxDebugWrite];
};

/// The priority `t` runs at on `cpu`: the idle thread (or no thread) is below every priority.
inline int run_priority(const Cpu& cpu, const Thread* t) {
  return t == nullptr || t == cpu.idle ? -1 : static_cast<int>(t->priority);
}

}  // namespace kernel
