// The IPC fastpath's entry: called by the system call entry with the frame saved, before
// anything else. Carries out what kernel/fastpath.h decides and switches directly, or hands
// the call to the general path; either way with the lock held (the entry's exit lets go of
// it after a fast switch, once it has read the frames it leaves through).
#include "kernel/fastpath.h"

#include "kernel/kernel_state.h"
#include "kernel/lock.h"

namespace kernel {
namespace {

/// Carries out a decision of the fastpath's try `kTry` for cpu's current thread `self`: the
/// value syscall_fastpath returns (kernel/platform.h).
template <Try kTry>
struct Finish {
  Cpu& cpu;
  Thread* self;

  [[gnu::always_inline]] uintptr_t operator()(FastPath r) const {
    Thread* next = r.next();
    if (next == self) return reinterpret_cast<uintptr_t>(self->frame);
    if (next == nullptr) [[unlikely]] {
      // A long message or a peer on another CPU: the second try, a tail call, so that the
      // first saves no more registers than it uses.
      if (r.wants_second_try()) return syscall_fastpath_second_try();
      kernel_lock().record_owner(&cpu);
      return 0;  // the general path goes on with the lock held
    }
    cpu.current = next;
    // Self's peer went to another CPU and nothing is ready here: the idle thread starts
    // afresh on its own stack and lets go of the lock (nothing is read of any frame here).
    // Only the second try hands a peer to another CPU.
    if (kTry == Try::kSecond && next == cpu.idle) platform::direct_switch_to_idle(self->context, next->context);
    platform::direct_switch(self->context, next->context, next->component->space);
    // The lock is let go by the entry's exit, after its last read of self's frame (the
    // message) and of next's: until then another CPU that restarted self's component could
    // rewrite the stack this CPU still reads, or deliver into the frame of a server that went
    // back to waiting.
    return reinterpret_cast<uintptr_t>(next->frame) | (r.message() ? kFastExitMessage : 0);
  }
  [[gnu::always_inline]] bool can_switch(Thread& to) const { return switches_directly(cpu, *self, to); }
};

}  // namespace

extern "C" uintptr_t syscall_fastpath() {
  Cpu& cpu = this_cpu();
  kernel_lock().acquire_unrecorded();
  const Finish<Try::kFirst> finish{cpu, cpu.current};
  return fastpath<Try::kFirst>(
      cpu, finish.self, [&](Thread& to) { return finish.can_switch(to); }, finish);
}

extern "C" uintptr_t syscall_fastpath_second_try() {
  // Only a call or reply_recv of cpu.current gets here, tail-called by syscall_fastpath, which
  // holds the lock and has checked that the thread still runs.
  Cpu& cpu = this_cpu();
  const Finish<Try::kSecond> finish{cpu, cpu.current};
  auto can_switch = [&](Thread& to) { return finish.can_switch(to); };
  const SyscallFrame& f = *finish.self->frame;
  const auto args = read_args<MessageArgs>(f);
  if (syscall_number(f) == Syscall::kCall)
    return finish(fastpath_call<Try::kSecond>(cpu, finish.self, args, can_switch));
  return finish(fastpath_reply_recv<Try::kSecond>(cpu, finish.self, args, can_switch));
}

}  // namespace kernel
