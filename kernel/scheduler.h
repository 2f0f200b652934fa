// Scheduling decisions: which thread runs next on a CPU, where a new thread lives, and what
// a timer tick changes. IPC and every other operation that blocks or wakes a thread ask
// here; nothing here can fail. Callers hold the kernel lock.
#pragma once

#include "kernel/cpu.h"
#include "kernel/platform.h"
#include "kernel/pool.h"
#include "kernel/thread.h"

namespace kernel {

// The decisions on every IPC path are inline: they are a few compares each, and a call
// would cost more than their work.

/// Queues ready thread `t` on its own CPU; when that is another CPU and t outranks what it
/// runs, interrupts it (platform::send_reschedule).
inline void make_ready(Cpu& cpu, Thread* t) {
  if (t->cpu == &cpu) {
    cpu.ready.enqueue(t);
    return;
  }
  Cpu& home = *t->cpu;
  home.ready.enqueue(t);
  // Only a thread that should preempt what its CPU runs is worth an interrupt; an equal
  // waits for the slice to end there. The interrupt is taken once that CPU has interrupts
  // on again, after this CPU lets go of the lock, so the wake-up cannot be lost.
  if (static_cast<int>(t->priority) > run_priority(home, home.current)) platform::send_reschedule(home.index);
}

/// Self stops running (blocked or dead): the next thread to run here, favouring `candidate`
/// (just made ready, not queued) when it lives on this CPU and outranks every queued thread
/// (an equal goes behind them); nullptr when only the idle thread is left.
inline Thread* hand_over(Cpu& cpu, Thread* candidate) {
  if (candidate != nullptr) {
    // Strictly higher: a thread made ready goes behind the equals already queued, so a caller
    // woken by a reply does not keep its peers of one priority from the CPU.
    if (candidate->cpu == &cpu && static_cast<int>(candidate->priority) > cpu.ready.highest()) return candidate;
    make_ready(cpu, candidate);
  }
  return cpu.ready.pop_highest();
}

/// wake for a `t` that lives on `cpu`.
inline Thread* wake_here(Cpu& cpu, Thread* self, Thread* t) {
  if (t->priority > self->priority) {
    cpu.ready.enqueue(self);
    return t;
  }
  cpu.ready.enqueue(t);
  return self;
}

/// `t` became ready while `self` keeps running: queue it, or preempt self if t outranks it.
inline Thread* wake(Cpu& cpu, Thread* self, Thread* t) {
  if (t->cpu == &cpu) return wake_here(cpu, self, t);
  make_ready(cpu, t);
  return self;
}

/// Self gives up the rest of its turn to the ready threads of its priority.
inline Thread* yield(Cpu& cpu, Thread* self) {
  cpu.ready.enqueue(self);
  return cpu.ready.pop_highest();
}

/// The thread cpu should run now instead of cpu.current: a queued thread that outranks it,
/// the next one when current is dead, or current itself.
Thread* preempt_check(Cpu& cpu);

/// The deadline `ms` milliseconds from now (ms at most tessera::kMaxTimeoutMs, so it cannot
/// overflow).
inline uint64_t deadline_in_ms(uint64_t ms) { return platform::now_ns() + ms * 1'000'000; }

/// Blocks self until `deadline`.
Thread* sleep_until(Cpu& cpu, Thread* self, uint64_t deadline);

/// Wakes every thread whose deadline is <= now: sleepers with kOk, receivers with kTimeout.
/// Returns the thread to run next instead of cpu.current if one of them outranks it.
Thread* expire_timers(Cpu& cpu, uint64_t now);

/// A timer tick on this CPU at time `now`: wakes threads whose deadline passed (a woken
/// thread that outranks the current one preempts it at once) and charges the tick to the
/// current thread's slice; when the slice is used up it is refilled and, if an
/// equal-priority thread is ready, the current thread goes behind it.
/// Returns the thread to run next (cpu.current to go on).
Thread* scheduler_tick(Cpu& cpu, uint64_t now);

/// Runs `next` instead of cpu.current (which is blocked, dead, or queued); nullptr runs the
/// CPU's idle thread. When no CPU has anything left to run and no deadline is pending, the
/// system powers off with kStatusIdle. Returns when something switches back to the old
/// current thread.
void switch_to(Cpu& cpu, Thread* next);

/// switch_to at the end of a system call of cpu.current, which has nothing left to do in the
/// kernel but return to ring 3 through its frame: it keeps nothing on its kernel stack, and
/// the fastpath may resume it directly (platform::resumes_from_frame). On the target this
/// does not return when it switches; resuming the thread lets go of the lock on its way out.
void switch_from_syscall(Cpu& cpu, Thread* next);

/// Switches away from a thread that will never run again (its component stopped, or it
/// exited); never returns.
[[noreturn]] void leave_for_good(Cpu& cpu);

/// Opens `to`'s I/O port grants in this CPU's TSS and closes the previous owner's
/// (`to` may be nullptr: close only).
void switch_io_ports(Cpu& cpu, Component* to);

/// The home of a new thread of `priority` that may run on the CPUs of `affinity`, among
/// `cpus`: the CPU place_thread picks from every CPU's placed threads. Counts it there.
Cpu& place_new_thread(Pool<Cpu> cpus, uint64_t affinity, uint8_t priority);

/// A placed thread that will not run again (it exited, or its component stopped) is no
/// longer counted on its CPU. Precondition: t was placed and not yet unplaced.
void unplace(Thread& t);

}  // namespace kernel
