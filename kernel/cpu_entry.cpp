// How each CPU enters the kernel's scheduling: the idle threads, the timer and reschedule
// interrupts, device interrupts, and the start of each CPU's first thread.
#include "kernel/fastpath.h"
#include "kernel/kernel_stack.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/scheduler.h"

namespace kernel {

namespace {

/// The idle thread: halts with the lock released until an interrupt arrives. The interrupt
/// handler (timer_interrupt, reschedule_interrupt, idle_wake) switches to whatever became
/// ready, so the loop itself never looks at a queue.
[[noreturn]] void idle_loop() {
  leave_kernel(this_cpu());  // switched to with the lock held, like every thread
  platform::idle_halt();
}

}  // namespace

void make_idle_thread(Cpu& cpu, Thread& idle, uint64_t stack_top) {
  idle.cpu = &cpu;
  idle.priority = 0;
  idle.state = ThreadState::kReady;
  cpu.idle = &idle;
  platform::prepare_kernel_thread(idle.context, stack_top, idle_loop);
}

extern "C" void thread_first_run() {
  Cpu& cpu = this_cpu();
  // Invariant: a thread that died (exit, thread_exit, its component stopped) is never
  // switched back to.
  if (cpu.current->state == ThreadState::kDead) panic("a stopped thread was resumed");
  leave_kernel(cpu);
  platform::user_thread_starting();
}

void timer_interrupt() {
  KernelEntry entry(this_cpu());
  check_kernel_stack(entry.cpu());  // a few loads a tick: a stack that overflowed stops the system
  switch_to(entry.cpu(), scheduler_tick(entry.cpu(), platform::now_ns()));
}

void reschedule_interrupt() {
  KernelEntry entry(this_cpu());
  switch_to(entry.cpu(), preempt_check(entry.cpu()));
}

uintptr_t idle_wake() {
  Cpu& cpu = this_cpu();
  kernel_lock().acquire_unrecorded();
  // What preempt_check picks for the idle thread: the first ready thread, if any. One that
  // may be resumed from its frame is switched to directly, leaving the idle thread to start
  // afresh next time (it holds nothing: platform::idle_halt).
  Thread* idle = cpu.idle;
  Thread* next = cpu.ready.peek_highest();
  auto can_switch = [&](Thread& to) { return switches_directly(cpu, *idle, to); };
  if (next != nullptr && may_resume(*next, can_switch)) {
    cpu.ready.pop_peeked(next);
    cpu.current = next;
    platform::direct_switch(idle->context, next->context, next->component->space);
    return reinterpret_cast<uintptr_t>(next->frame);
  }
  kernel_lock().record_owner(&cpu);
  switch_to(cpu, preempt_check(cpu));
  leave_kernel(cpu);
  return 0;
}

void irq_interrupt(unsigned index) {
  KernelEntry entry(this_cpu());
  KernelState& k = state();
  if (index < k.irq_count) irq_raised(entry.cpu(), k.irqs[index]);
  switch_to(entry.cpu(), preempt_check(entry.cpu()));
}

void secondary_main() {
  // The boot CPU wrote state().cpus before it let this CPU in (release_secondary_cpus).
  Cpu& cpu = state().cpus[platform::cpu_index()];
  platform::set_cpu_data(&cpu);
  kernel_lock().acquire(&cpu);  // handed to the first thread, which lets go of it
  Thread* first = cpu.ready.pop_highest();
  if (first == nullptr) first = cpu.idle;
  start_on(cpu, first);
}

void start_on(Cpu& cpu, Thread* first) {
  cpu.current = first;
  if (first->component != nullptr) {
    switch_io_ports(cpu, first->component);
    platform::start_first(first->context, first->component->space);
  }
  platform::start_first(first->context, platform::AddressSpace{});
}

}  // namespace kernel
