// System call dispatch: decode (caps, rights, arguments: the only part that fails), then invoke.
#include "kernel/ipc.h"
#include "kernel/kernel_state.h"
#include "kernel/log.h"
#include "kernel/user_memory.h"

namespace kernel {
namespace {

using tessera::CapType;
using tessera::Syscall;

inline void set_status(SyscallFrame* f, Status s) { f->rax = static_cast<uint64_t>(s); }

/// The endpoint cap in slot `slot` of the current component with `rights`.
inline Result<Cap*> endpoint_cap(Thread* self, uint64_t slot, uint16_t rights) {
  Cap* cap = TRY(self->component->caps.lookup(slot, CapType::kEndpoint, rights));
  if (static_cast<Endpoint*>(cap->object)->dead) return Status::kPeerDied;
  return cap;
}

Status debug_write(Thread* self, uint64_t addr, uint64_t length) {
  constexpr size_t kMax = 4096;
  if (length > kMax) return Status::kInvalidArgument;
  UserRange range = TRY(UserRange::make(addr, static_cast<size_t>(length)));
  char buf[256];
  for (size_t done = 0; done < range.length(); done += sizeof(buf)) {
    size_t n = range.length() - done < sizeof(buf) ? range.length() - done : sizeof(buf);
    UserRange part = TRY(UserRange::make(range.addr() + done, n));
    Status s = copy_from_user(self->component->space, buf, part);
    if (s != Status::kOk) return s;
    platform::console_write(buf, n);
  }
  return Status::kOk;
}

[[noreturn]] void exit_current(Cpu& cpu, uint32_t status) {
  stop_component(cpu, cpu.current->component, status);
  switch_to(cpu, hand_over(cpu, nullptr));
  panic("a stopped thread was resumed");
}

}  // namespace

extern "C" void syscall_dispatch(SyscallFrame* f) {
  Cpu& cpu = this_cpu();
  Thread* self = cpu.current;
  switch (static_cast<Syscall>(f->rax)) {
    case Syscall::kNull:
      set_status(f, Status::kOk);
      return;
    case Syscall::kCall: {
      auto cap = endpoint_cap(self, f->rdi, tessera::rights::kSend);
      if (!cap.ok()) return set_status(f, cap.status());
      switch_to(cpu, ipc_call(cpu, self, static_cast<Endpoint*>(cap.value()->object), cap.value()->badge));
      return;
    }
    case Syscall::kReplyRecv: {
      auto cap = endpoint_cap(self, f->rdi, tessera::rights::kRecv);
      if (!cap.ok()) return set_status(f, cap.status());
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
      auto cap = endpoint_cap(self, f->rdi, tessera::rights::kSend);
      if (!cap.ok()) return set_status(f, cap.status());
      switch_to(cpu, ipc_send(cpu, self, static_cast<Endpoint*>(cap.value()->object), cap.value()->badge));
      return;
    }
    case Syscall::kReply: {
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
      set_status(f, debug_write(self, f->rdi, f->rsi));
      return;
    case Syscall::kExit:
      exit_current(cpu, static_cast<uint32_t>(f->rdi & 0x7f));
    default:
      set_status(f, Status::kInvalidSyscall);
      return;
  }
}

void user_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2) {
  Cpu& cpu = this_cpu();
  log("kernel: component %s faulted (vector %lu, error 0x%lx, rip 0x%lx, cr2 0x%lx) and was stopped\n",
      cpu.current->component->name, vector, error_code, rip, cr2);
  exit_current(cpu, kStatusFault);
}

}  // namespace kernel
