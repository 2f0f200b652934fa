// The thread switch of the IPC fastpath (kernel/fastpath.cpp), inline: what switch_context
// (context.S) does for a user thread, minus the kernel stack. The thread switched away from
// keeps nothing on its kernel stack (it is resumed from its SyscallFrame alone), and the one
// switched to leaves the kernel at once through its own frame, so no kernel registers are
// saved or restored and no stack is switched here.
#pragma once

#include <stdint.h>

#include "arch/context.h"
#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/cpu_local.h"

namespace platform {

namespace x86 {
/// Runs the kernel thread of `ctx` from its entry on its own empty stack (context.S).
[[noreturn]] void start_kernel_thread_afresh(const Context& ctx);

/// Saves the data segment selectors as the running thread leaves them into `from`.
[[gnu::always_inline]] inline void save_selectors(Context& from) {
  asm volatile("movw %%ds, %0\n\tmovw %%es, %1\n\tmovw %%fs, %2\n\tmovw %%gs, %3"
               : "=m"(from.user_selectors[0]), "=m"(from.user_selectors[1]), "=m"(from.user_selectors[2]),
                 "=m"(from.user_selectors[3]));
}

/// Entries from ring 3 of the thread whose kernel stack ends at `stack_top` land on that stack:
/// syscall via the per-CPU slot, exceptions and interrupts via TSS.rsp0 [Intel SDM vol3 §6.14.2].
[[gnu::always_inline]] inline void set_kernel_stack(uint64_t stack_top) {
  Tss* tss;
  asm volatile("movq %0, %%gs:%c1" : : "r"(stack_top), "i"(offsetof(PerCpu, kernel_stack_top)));
  asm volatile("movq %%gs:%c1, %0" : "=r"(tss) : "i"(offsetof(PerCpu, tss)));
  tss->rsp[0] = stack_top;
}
}  // namespace x86

/// Whether the CPU's segment state, as the running thread (`from`) leaves it, is the one
/// `to` left: then the switch need not load a selector. Saves from's selectors either way
/// (as switch_context would), so it is safe to call before deciding.
[[gnu::always_inline]] inline bool direct_switch_possible(Context& from, const Context& to) {
  x86::save_selectors(from);
  uint64_t mine, theirs;
  __builtin_memcpy(&mine, from.user_selectors, sizeof mine);
  __builtin_memcpy(&theirs, to.user_selectors, sizeof theirs);
  return mine == theirs;
}

/// Whether the thread switched out with `ctx` can be resumed from its SyscallFrame alone:
/// it left through the fastpath (for a kernel thread: it keeps nothing and starts afresh).
/// A thread switched out by switch_context (preempted by an interrupt above all) has a kernel
/// stack to return through instead, and a new thread's first run must check the rip its frame
/// was given (thread.cpp).
[[gnu::always_inline]] inline bool resumes_from_frame(const Context& ctx) { return ctx.kernel_rsp == 0; }

/// Switches the CPU from the running user thread (`from`) to `to` in `to_space`.
/// Precondition: direct_switch_possible(from, to).
[[gnu::always_inline]] inline void direct_switch(Context& from, const Context& to, const AddressSpace& to_space) {
  using x86::PerCpu;
  // CR3 only for another address space: the write flushes the TLB's user entries.
  uint64_t root;
  asm volatile("movq %%gs:%c1, %0" : "=r"(root) : "i"(offsetof(PerCpu, current_root)));
  if (to_space.root != root) {
    asm volatile("movq %0, %%gs:%c1" : : "r"(to_space.root), "i"(offsetof(PerCpu, current_root)));
    x86::write_cr3(to_space.root);
  }
  // The FS base: ring 3 may have reset from's by loading a selector, so read it back.
  from.user_fs_base = x86::rdmsr(x86::Msr::kFsBase);
  if (to.user_fs_base != from.user_fs_base) x86::wrmsr(x86::Msr::kFsBase, to.user_fs_base);
  x86::set_kernel_stack(to.kernel_stack_top);
  from.kernel_rsp = 0;  // resumed from its frame (context.S); a kernel thread starts afresh
}

/// Switches the CPU from the running user thread (`from`, which the fastpath resumes from its
/// frame) to the idle thread of `idle`, which starts at its entry on its own stack: what
/// switch_context does for a switch to a kernel thread (the segment state, CR3 and the FS base
/// stay as from left them), minus from's kernel stack. Precondition: resumes_from_frame(idle).
[[noreturn, gnu::always_inline]] inline void direct_switch_to_idle(Context& from, const Context& idle) {
  x86::save_selectors(from);
  from.user_fs_base = x86::rdmsr(x86::Msr::kFsBase);
  x86::set_kernel_stack(idle.kernel_stack_top);
  from.kernel_rsp = 0;
  x86::start_kernel_thread_afresh(idle);
}

}  // namespace platform
