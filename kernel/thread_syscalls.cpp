// The system calls about threads, the component's end, time and the CPU: yield, sleep,
// exit, thread_create, thread_exit, cpu_id and clock.
#include "kernel/component.h"
#include "kernel/ipc.h"
#include "kernel/kernel_state.h"
#include "kernel/scheduler.h"
#include "kernel/syscalls.h"

namespace kernel {
namespace {

/// Exit codes are 7 bits: the rest is the kernel's (kStatusFault, kStatusIdle).
constexpr uint64_t kExitCodeMask = 0x7f;

/// Stops self's component (every thread of it), tells its supervisor, and runs what comes
/// next here.
Thread* end_component(Cpu& cpu, Thread* self, uint32_t status) {
  Component* c = self->component;
  EndingReport report;
  report.ending = tessera::Ending::kExit;
  report.thread = static_cast<uint32_t>(self - c->threads);
  report.cpu = cpu.index;
  report.exit_code = status;
  component_ended(cpu, c, report, status);
  return hand_over(cpu, nullptr);
}

/// A decoded thread_create: the slot the thread takes and where it starts.
struct ThreadCreateOp {
  uint32_t id;
  platform::UserEntry entry;
};

/// A slot for a new thread of c: a fresh one, else one whose thread exited.
/// Precondition: c has fewer live threads than its quota.
uint32_t free_thread_slot(const Component& c) {
  if (c.thread_count < c.thread_quota) return c.thread_count;
  uint32_t id = 0;
  while (c.threads[id].state != ThreadState::kDead) ++id;
  return id;
}

Result<ThreadCreateOp> decode_thread_create(const Component& c, ThreadCreateArgs args) {
  if (args.entry >= tessera::layout::kUserTop || args.stack_top > tessera::layout::kUserTop || args.stack_top < 16)
    return Status::kInvalidArgument;
  if (c.live_threads == c.thread_quota) return Status::kQuotaExceeded;
  const uint32_t id = free_thread_slot(c);
  // The System V ABI wants the stack pointer + 8 16-byte aligned at a function's first
  // instruction; the thread's arguments are its entry argument, its id and its second argument.
  return ThreadCreateOp{id, platform::UserEntry{args.entry, (args.stack_top & ~uint64_t{15}) - 8, args.arg0, id,
                                                args.arg1, ipc_buffer_address(id)}};
}

}  // namespace

Thread* sys_sleep(Cpu& cpu, Thread* self, SleepArgs args) {
  if (args.ms > tessera::kMaxTimeoutMs) return refuse(self, Status::kInvalidArgument);
  write_status(*self->frame, Status::kOk);
  if (args.ms == 0) return yield(cpu, self);
  return sleep_until(cpu, self, deadline_in_ms(args.ms));
}

Thread* sys_exit(Cpu& cpu, Thread* self, ExitArgs args) {
  return end_component(cpu, self, static_cast<uint32_t>(args.code & kExitCodeMask));
}

Thread* sys_thread_create(Cpu& cpu, Thread* self, ThreadCreateArgs args) {
  Component& c = *self->component;
  auto op = decode_thread_create(c, args);
  if (!op.ok()) return refuse(self, op.status());
  Thread* t = thread_create(c, self->priority, op.value().id, op.value().entry, state().cpu_pool());
  write_results(*self->frame, Status::kOk, WordResult{op.value().id});
  return wake(cpu, self, t);
}

Thread* sys_thread_exit(Cpu& cpu, Thread* self) {
  Component* c = self->component;
  if (c->live_threads <= 1) return end_component(cpu, self, 0);
  --c->live_threads;
  unplace(*self);
  ipc_detach(cpu, self);  // kDead: its slot may be reused by thread_create
  return hand_over(cpu, nullptr);
}

Thread* sys_cpu_id(Cpu& cpu, Thread* self) {
  write_results(*self->frame, Status::kOk, CpuIdResult{cpu.index, state().cpu_count});
  return self;
}

Thread* sys_clock(Cpu&, Thread* self) {
  write_results(*self->frame, Status::kOk, WordResult{platform::now_ns()});
  return self;
}

}  // namespace kernel
