// The system calls: one handler each, kept with the kind of object it acts on. Every handler
// decodes (caps, rights, every argument: the only step that can fail, and a refusal changes
// nothing) and then invokes (cannot fail). Each returns the thread to run next on this CPU:
// `self` to go on, another thread to switch to, or nullptr when only the idle thread is left.
// The dispatcher (syscalls.cpp) only reads the number and routes.
#pragma once

#include "kernel/cpu.h"
#include "kernel/scheduler.h"
#include "kernel/syscall_args.h"
#include "kernel/thread.h"
#include "kernel/work_budget.h"

namespace kernel {

/// Decodes, routes and invokes the system call in self's frame; self is cpu.current and the
/// kernel lock is held. Returns the thread to run next, as every handler does.
Thread* dispatch(Cpu& cpu, Thread* self);

/// `status` goes back to self, which goes on.
[[gnu::always_inline]] inline Thread* answer(Thread* self, Status status) {
  write_status(*self->frame, status);
  return self;
}
/// A refusal of the decode: nothing changed.
[[gnu::always_inline]] inline Thread* refuse(Thread* self, Status status) { return answer(self, status); }
/// Success with nothing more to say.
[[gnu::always_inline]] inline Thread* succeed(Thread* self) { return answer(self, Status::kOk); }

/// A bounded operation's answer: its status, and as result how much of its job this call did
/// (0 when it was refused).
inline Thread* answer_progress(Thread* self, const Result<Progress>& r) {
  write_results(*self->frame, r.ok() ? r.value().status() : r.status(), WordResult{r.ok() ? r.value().done : 0});
  return self;
}

// endpoint_syscalls.cpp: synchronous IPC.
Thread* sys_call(Cpu& cpu, Thread* self, MessageArgs args);
Thread* sys_send(Cpu& cpu, Thread* self, MessageArgs args);
Thread* sys_recv(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_recv_timeout(Cpu& cpu, Thread* self, RecvTimeoutArgs args);
Thread* sys_reply(Cpu& cpu, Thread* self, ReplyArgs args);
Thread* sys_reply_recv(Cpu& cpu, Thread* self, MessageArgs args);

// notification_syscalls.cpp: notifications and interrupt lines.
Thread* sys_signal(Cpu& cpu, Thread* self, SignalArgs args);
Thread* sys_wait(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_poll(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_irq_ack(Cpu& cpu, Thread* self, SlotArgs args);

// cap_syscalls.cpp: the cap table and the derivation tree.
Thread* sys_cap_copy(Cpu& cpu, Thread* self, CapPairArgs args);
Thread* sys_cap_mint(Cpu& cpu, Thread* self, CapMintArgs args);
Thread* sys_cap_move(Cpu& cpu, Thread* self, CapPairArgs args);
Thread* sys_cap_delete(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_cap_revoke(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_cap_info(Cpu& cpu, Thread* self, SlotArgs args);

// memory.cpp: the map window.
Thread* sys_map(Cpu& cpu, Thread* self, MapArgs args);
Thread* sys_unmap(Cpu& cpu, Thread* self, UnmapArgs args);
Thread* sys_region_map(Cpu& cpu, Thread* self, RegionMapArgs args);
Thread* sys_region_unmap(Cpu& cpu, Thread* self, SlotArgs args);

// thread_syscalls.cpp: threads, the component's exit, time and the CPU; yield, which has
// nothing to decode and is a scheduler benchmark's whole path, is inline here.
[[gnu::always_inline]] inline Thread* sys_yield(Cpu& cpu, Thread* self) {
  write_status(*self->frame, Status::kOk);
  return yield(cpu, self);
}
Thread* sys_sleep(Cpu& cpu, Thread* self, SleepArgs args);
Thread* sys_exit(Cpu& cpu, Thread* self, ExitArgs args);
Thread* sys_thread_create(Cpu& cpu, Thread* self, ThreadCreateArgs args);
Thread* sys_thread_exit(Cpu& cpu, Thread* self);
Thread* sys_cpu_id(Cpu& cpu, Thread* self);
Thread* sys_clock(Cpu& cpu, Thread* self);

// component_syscalls.cpp: a supervisor's component caps.
Thread* sys_component_start(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_component_stop(Cpu& cpu, Thread* self, SlotArgs args);
Thread* sys_component_restart(Cpu& cpu, Thread* self, SlotArgs args);

// debug_syscalls.cpp: the serial log.
Thread* sys_debug_write(Cpu& cpu, Thread* self, DebugWriteArgs args);

}  // namespace kernel
