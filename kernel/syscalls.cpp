// System call dispatch: decode (caps, rights, arguments: the only part that fails), then invoke.
#include "kernel/ipc.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/message.h"
#include "kernel/object_syscalls.h"
#include "kernel/user_memory.h"

namespace kernel {
namespace {

using tessera::CapType;
using tessera::Syscall;

inline void set_status(SyscallFrame* f, Status s) { f->rax = static_cast<uint64_t>(s); }

/// The endpoint cap in slot `slot` of the current component with `rights`.
[[gnu::always_inline]] inline Result<Cap*> endpoint_cap(Thread* self, uint64_t slot, uint16_t rights) {
  Cap* cap = TRY(self->component->caps.lookup(slot, CapType::kEndpoint, rights));
  if (static_cast<Endpoint*>(cap->object)->dead) return Status::kPeerDied;
  return cap;
}

/// An endpoint cap to send self's message through: `rights` and, for a message with caps
/// or beyond the registers, a message check_message accepts.
[[gnu::always_inline]] inline Result<Cap*> send_cap(Thread* self, uint64_t slot, uint16_t rights) {
  Cap* cap = TRY(endpoint_cap(self, slot, rights));
  if ((self->frame->rsi >> 32) > tessera::kMessageRegisters) {
    Status s = check_message(self, self->frame->rsi, (cap->rights & tessera::rights::kGrant) != 0);
    if (s != Status::kOk) return s;
  }
  return cap;
}

/// Checks the reply self is about to give (if it has a caller): caps only when the caller
/// called through a cap with the grant right.
[[gnu::always_inline]] inline Status check_reply(Thread* self) {
  if (self->reply_to == nullptr || (self->frame->rsi >> 32) <= tessera::kMessageRegisters) return Status::kOk;
  return check_message(self, self->frame->rsi, self->reply_to->reply_grant);
}

/// Copies the text into this CPU's debug buffer; leave_kernel writes it out once the lock
/// is let go, so a component's output never holds up another CPU.
Status debug_write(Cpu& cpu, Thread* self, uint64_t addr, uint64_t length) {
  if (length > tessera::kMaxDebugWrite) return Status::kInvalidArgument;
  UserRange range = TRY(UserRange::make(addr, static_cast<size_t>(length)));
  if (Status s = copy_from_user(self->component->space, cpu.debug_text, range); s != Status::kOk) return s;
  cpu.debug_length = static_cast<uint32_t>(range.length());
  return Status::kOk;
}

[[noreturn]] void leave_dead(Cpu& cpu) {
  switch_to(cpu, hand_over(cpu, nullptr));
  panic("a stopped thread was resumed");
}

[[noreturn]] void exit_current(Cpu& cpu, uint32_t status) {
  stop_component(cpu, cpu.current->component, status);
  leave_dead(cpu);
}

[[noreturn]] void thread_exit(Cpu& cpu, Thread* self) {
  Component* c = self->component;
  if (c->live_threads <= 1) exit_current(cpu, 0);
  --c->live_threads;
  unplace(*self);
  ipc_detach(cpu, self);  // kDead: its slot may be reused by thread_create
  leave_dead(cpu);
}

constexpr uint64_t kNsPerMs = 1'000'000;
constexpr uint64_t kMaxTimeoutMs = 1ull << 40;  // about 35 years: anything longer is a mistake

/// Starts thread `id` of self's component at `entry` with `stack_top`; it runs like the
/// first thread, on a CPU of the component's affinity set.
Result<Thread*> thread_create(Thread* self, uint64_t entry, uint64_t stack_top, uint64_t arg0, uint64_t arg1) {
  Component* c = self->component;
  if (entry >= tessera::layout::kUserTop || stack_top > tessera::layout::kUserTop || stack_top < 16)
    return Status::kInvalidArgument;
  if (c->live_threads == c->thread_quota) return Status::kQuotaExceeded;
  // A fresh slot, or one whose thread exited (its kernel stack is no longer in use: the
  // exit switched away from it before the lock was let go).
  uint32_t id = c->thread_count;
  if (id == c->thread_quota) {
    id = 0;
    while (c->threads[id].state != ThreadState::kDead) ++id;
    // What boot gave the slot stays: its kernel stack and its IPC buffer.
    const platform::Context boot_context = c->threads[id].context;
    tessera::IpcBuffer* buffer = c->threads[id].ipc_buffer;
    c->threads[id] = Thread{};
    c->threads[id].context = boot_context;
    c->threads[id].ipc_buffer = buffer;
    // Nothing of the exited thread's messages may reach the new one, least of all
    // receive slots it never chose.
    __builtin_memset(buffer->words, 0, sizeof(buffer->words));
    for (uint32_t i = 0; i < tessera::kMaxMessageCaps; ++i) buffer->send_caps[i] = buffer->recv_slots[i] = 0;
  } else {
    ++c->thread_count;
  }
  ++c->live_threads;
  Thread* t = &c->threads[id];
  t->component = c;
  t->priority = self->priority;
  t->cpu = &place_new_thread(c->affinity, t->priority);
  t->state = ThreadState::kReady;
  const uint64_t top = t->context.kernel_stack_top;
  t->frame = reinterpret_cast<SyscallFrame*>(top - sizeof(SyscallFrame));
  // The System V ABI wants rsp + 8 16-byte aligned at a function's first instruction.
  platform::prepare_user_thread(
      t->context, top, platform::UserEntry{entry, (stack_top & ~uint64_t{15}) - 8, arg0, id, arg1, ipc_buffer_address(id)});
  return t;
}

void dispatch(Cpu& cpu, Thread* self, SyscallFrame* f) {
  switch (static_cast<Syscall>(f->rax)) {
    case Syscall::kCall: {
      auto cap = send_cap(self, f->rdi, tessera::rights::kSend);
      if (!cap.ok()) return set_status(f, cap.status());
      self->reply_grant = (cap.value()->rights & tessera::rights::kGrant) != 0;
      switch_to(cpu, ipc_call(cpu, self, static_cast<Endpoint*>(cap.value()->object), cap.value()->badge));
      return;
    }
    case Syscall::kReplyRecv: {
      auto cap = endpoint_cap(self, f->rdi, tessera::rights::kRecv);
      if (!cap.ok()) return set_status(f, cap.status());
      if (Status s = check_reply(self); s != Status::kOk) return set_status(f, s);
      switch_to(cpu, ipc_reply_recv(cpu, self, static_cast<Endpoint*>(cap.value()->object)));
      return;
    }
    case Syscall::kRecv: {
      auto cap = endpoint_cap(self, f->rdi, tessera::rights::kRecv);
      if (!cap.ok()) return set_status(f, cap.status());
      switch_to(cpu, ipc_recv(cpu, self, static_cast<Endpoint*>(cap.value()->object)));
      return;
    }
    case Syscall::kSend: {
      auto cap = send_cap(self, f->rdi, tessera::rights::kSend);
      if (!cap.ok()) return set_status(f, cap.status());
      switch_to(cpu, ipc_send(cpu, self, static_cast<Endpoint*>(cap.value()->object), cap.value()->badge));
      return;
    }
    case Syscall::kReply: {
      if (Status s = check_reply(self); s != Status::kOk) return set_status(f, s);
      Thread* next = self;
      Status s = ipc_reply(cpu, self, &next);
      set_status(f, s);
      switch_to(cpu, next);
      return;
    }
    case Syscall::kYield:
      set_status(f, Status::kOk);
      cpu.ready.enqueue(self);
      switch_to(cpu, cpu.ready.pop_highest());
      return;
    case Syscall::kDebugWrite:
      set_status(f, debug_write(cpu, self, f->rdi, f->rsi));
      return;
    case Syscall::kExit:
      exit_current(cpu, static_cast<uint32_t>(f->rdi & 0x7f));
    case Syscall::kSleep: {
      if (f->rdi > kMaxTimeoutMs) return set_status(f, Status::kInvalidArgument);
      set_status(f, Status::kOk);
      if (f->rdi == 0) {
        cpu.ready.enqueue(self);
        switch_to(cpu, cpu.ready.pop_highest());
        return;
      }
      switch_to(cpu, sleep_until(cpu, self, platform::now_ns() + f->rdi * kNsPerMs));
      return;
    }
    case Syscall::kRecvTimeout: {
      if (f->rsi > kMaxTimeoutMs) return set_status(f, Status::kInvalidArgument);
      auto cap = endpoint_cap(self, f->rdi, tessera::rights::kRecv);
      if (!cap.ok()) return set_status(f, cap.status());
      auto* ep = static_cast<Endpoint*>(cap.value()->object);
      if (f->rsi == 0 && ep->senders.empty()) return set_status(f, Status::kTimeout);
      switch_to(cpu, ipc_recv(cpu, self, ep, platform::now_ns() + f->rsi * kNsPerMs));
      return;
    }
    case Syscall::kThreadCreate: {
      auto t = thread_create(self, f->rdi, f->rsi, f->mr[0], f->mr[1]);
      if (!t.ok()) return set_status(f, t.status());
      set_status(f, Status::kOk);
      f->rdi = static_cast<uint64_t>(t.value() - self->component->threads);
      switch_to(cpu, wake(cpu, self, t.value()));
      return;
    }
    case Syscall::kThreadExit:
      thread_exit(cpu, self);
    case Syscall::kCpuId:
      set_status(f, Status::kOk);
      f->rdi = cpu.index;
      f->rsi = state().cpu_count;
      return;
    case Syscall::kClock:
      set_status(f, Status::kOk);
      f->rdi = platform::now_ns();
      return;
    default:
      object_syscall(cpu, self, f);
      return;
  }
}

}  // namespace

extern "C" void syscall_dispatch(SyscallFrame* f) {
  // The floor of a system call's cost touches nothing shared: no lock.
  if (f->rax == static_cast<uint64_t>(Syscall::kNull)) return set_status(f, Status::kOk);
  KernelEntry entry(this_cpu(), Exit::kSyscall);
  Cpu& cpu = entry.cpu();
  Thread* self = cpu.current;
  // Its component was stopped from another CPU while this call waited for the lock.
  if (self->state == ThreadState::kDead) leave_dead(cpu);
  dispatch(cpu, self, f);
}

void user_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2) {
  // Never returns: the entry ends in the thread that runs next, like every switch.
  KernelEntry entry(this_cpu());
  Cpu& cpu = entry.cpu();
  log("kernel: component %s faulted (vector %lu, error 0x%lx, rip 0x%lx, cr2 0x%lx) and was stopped\n",
      cpu.current->component->name, vector, error_code, rip, cr2);
  exit_current(cpu, kStatusFault);
}

}  // namespace kernel
