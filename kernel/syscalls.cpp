// System call entry: the dispatcher reads the number and routes to the handler of the
// object the call acts on (kernel/syscalls.h); faults in ring 3 stop their component.
#include "kernel/syscalls.h"

#include "kernel/component.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/scheduler.h"

namespace kernel {
namespace {

[[gnu::always_inline]] inline Thread* route(Cpu& cpu, Thread* self) {
  const SyscallFrame& f = *self->frame;
  switch (syscall_number(f)) {
    case Syscall::kCall:
      return sys_call(cpu, self, read_args<MessageArgs>(f));
    case Syscall::kReplyRecv:
      return sys_reply_recv(cpu, self, read_args<MessageArgs>(f));
    case Syscall::kRecv:
      return sys_recv(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kSend:
      return sys_send(cpu, self, read_args<MessageArgs>(f));
    case Syscall::kReply:
      return sys_reply(cpu, self, read_args<ReplyArgs>(f));
    case Syscall::kRecvTimeout:
      return sys_recv_timeout(cpu, self, read_args<RecvTimeoutArgs>(f));
    case Syscall::kYield:
      return sys_yield(cpu, self);
    case Syscall::kSleep:
      return sys_sleep(cpu, self, read_args<SleepArgs>(f));
    case Syscall::kExit:
      return sys_exit(cpu, self, read_args<ExitArgs>(f));
    case Syscall::kThreadCreate:
      return sys_thread_create(cpu, self, read_args<ThreadCreateArgs>(f));
    case Syscall::kThreadExit:
      return sys_thread_exit(cpu, self);
    case Syscall::kCpuId:
      return sys_cpu_id(cpu, self);
    case Syscall::kClock:
      return sys_clock(cpu, self);
    case Syscall::kDebugWrite:
      return sys_debug_write(cpu, self, read_args<DebugWriteArgs>(f));
    case Syscall::kCapCopy:
      return sys_cap_copy(cpu, self, read_args<CapPairArgs>(f));
    case Syscall::kCapMint:
      return sys_cap_mint(cpu, self, read_args<CapMintArgs>(f));
    case Syscall::kCapMove:
      return sys_cap_move(cpu, self, read_args<CapPairArgs>(f));
    case Syscall::kCapDelete:
      return sys_cap_delete(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kCapRevoke:
      return sys_cap_revoke(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kCapInfo:
      return sys_cap_info(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kSignal:
      return sys_signal(cpu, self, read_args<SignalArgs>(f));
    case Syscall::kWait:
      return sys_wait(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kPoll:
      return sys_poll(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kIrqAck:
      return sys_irq_ack(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kMap:
      return sys_map(cpu, self, read_args<MapArgs>(f));
    case Syscall::kUnmap:
      return sys_unmap(cpu, self, read_args<UnmapArgs>(f));
    case Syscall::kRegionMap:
      return sys_region_map(cpu, self, read_args<RegionMapArgs>(f));
    case Syscall::kRegionUnmap:
      return sys_region_unmap(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kComponentStart:
      return sys_component_start(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kComponentStop:
      return sys_component_stop(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kComponentRestart:
      return sys_component_restart(cpu, self, read_args<SlotArgs>(f));
    case Syscall::kNull:  // handled by the platform's entry; here only when a test routes it
      return succeed(self);
    case Syscall::kCount:
      break;
  }
  return refuse(self, Status::kInvalidSyscall);
}

}  // namespace

Thread* dispatch(Cpu& cpu, Thread* self) { return route(cpu, self); }

extern "C" void syscall_dispatch(SyscallFrame*) {
  // The fastpath (kernel/fastpath.cpp) took the lock and found that it cannot do the call.
  KernelEntry entry(this_cpu(), Exit::kSyscall, KernelEntry::LockHeld{});
  Cpu& cpu = entry.cpu();
  Thread* self = cpu.current;
  // Its component was stopped from another CPU while this call waited for the lock.
  if (self->state == ThreadState::kDead) leave_for_good(cpu);
  Thread* next = route(cpu, self);
  // Does not return on the target: self is resumed from its frame (thread_first_run).
  if (next != self) switch_from_syscall(cpu, next);
  // Invariant: a thread that died (exit, thread_exit, its component stopped) is never
  // switched back to (thread_first_run checks the resumed thread).
  if (self->state == ThreadState::kDead) panic("a stopped thread was resumed");
}

void user_fault(const UserFault& fault) {
  // Never returns: the entry ends in the thread that runs next, like every switch.
  KernelEntry entry(this_cpu());
  Cpu& cpu = entry.cpu();
  Thread* self = cpu.current;
  // Its component was stopped from another CPU as it faulted: that stop said it all.
  if (self->state == ThreadState::kDead) leave_for_good(cpu);
  Component* c = self->component;
  log("kernel: component %s faulted (%s) and was stopped\n", c->name, fault.description);
  const EndingReport report{tessera::Ending::kFault,
                            static_cast<uint32_t>(self - c->threads),
                            cpu.index,
                            fault.vector,
                            fault.error_code,
                            fault.address,
                            fault.ip,
                            0};
  component_ended(cpu, c, report, kStatusFault);
  leave_for_good(cpu);
}

bool user_write_fault(uint64_t address) {
  KernelEntry entry(this_cpu());
  Cpu& cpu = entry.cpu();
  Thread* self = cpu.current;
  if (self->state == ThreadState::kDead) leave_for_good(cpu);
  return component_write_fault(*self->component, address);
}

}  // namespace kernel
