// Time-driven scheduling decisions: timer ticks wake sleepers and share a CPU among equals.
#pragma once

#include "kernel/cpu.h"

namespace kernel {

/// Ticks a thread may run before the next ready thread of its priority gets the CPU.
inline constexpr unsigned kSliceTicks = 4;

/// A timer tick on this CPU at time `now`: wakes threads whose deadline passed (a woken
/// thread that outranks the current one preempts it at once) and, when the current thread
/// has used up its slice and an equal-priority thread is ready, puts it behind that one.
/// Returns the thread to run next (cpu.current to go on).
Thread* scheduler_tick(Cpu& cpu, uint64_t now);

/// Called whenever a CPU switches to another thread: a fresh slice.
inline void start_slice(Cpu& cpu) { cpu.slice_left = kSliceTicks; }

}  // namespace kernel
