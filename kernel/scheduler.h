// Time-driven scheduling decisions: timer ticks wake sleepers and share a CPU among equals.
#pragma once

#include "kernel/cpu.h"

namespace kernel {

/// A timer tick on this CPU at time `now`: wakes threads whose deadline passed (a woken
/// thread that outranks the current one preempts it at once) and charges the tick to the
/// current thread's slice; when the slice is used up it is refilled and, if an
/// equal-priority thread is ready, the current thread goes behind it.
/// Returns the thread to run next (cpu.current to go on).
Thread* scheduler_tick(Cpu& cpu, uint64_t now);

}  // namespace kernel
