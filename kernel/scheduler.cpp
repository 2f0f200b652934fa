// Scheduling: who runs next on a CPU (after a block, a wake-up, a yield or a tick), the
// switch itself, and where new threads live.
#include "kernel/scheduler.h"

#include "kernel/component.h"
#include "kernel/kernel_state.h"
#include "kernel/log.h"
#include "kernel/syscall_args.h"

namespace kernel {
namespace {

/// True when no CPU but `cpu` (about to idle) runs a thread, nothing is queued or waiting
/// for a deadline anywhere, and no running driver has an interrupt line: no thread can ever
/// become ready again.
bool system_idle(const Cpu& cpu) {
  const KernelState& k = state();
  for (uint32_t i = 0; i < k.irq_count; ++i)
    if (k.irqs[i].driver != nullptr && !k.irqs[i].driver->stopped) return false;
  for (uint32_t i = 0; i < k.cpu_count; ++i) {
    const Cpu& c = k.cpus[i];
    if (!c.ready.empty() || !c.timers.empty()) return false;
    if (&c != &cpu && c.current != nullptr && c.current != c.idle) return false;
  }
  return true;
}

/// The idle thread keeps whatever address space is loaded (root 0 = no change).
const platform::AddressSpace kKeepSpace{};

}  // namespace

Thread* preempt_check(Cpu& cpu) {
  Thread* self = cpu.current;
  if (self == nullptr) return nullptr;
  if (self->state == ThreadState::kDead) return cpu.ready.pop_highest();
  if (self != cpu.idle && self->state != ThreadState::kReady) return self;
  if (cpu.ready.highest() > run_priority(cpu, self)) {
    if (self != cpu.idle) cpu.ready.enqueue(self);
    return cpu.ready.pop_highest();
  }
  return self;
}

Thread* sleep_until(Cpu& cpu, Thread* self, uint64_t deadline) {
  self->state = ThreadState::kSleeping;
  cpu.timers.insert(self, deadline);
  return hand_over(cpu, nullptr);
}

Thread* expire_timers(Cpu& cpu, uint64_t now) {
  while (Thread* t = cpu.timers.pop_expired(now)) {
    Status status = Status::kOk;
    if (t->state == ThreadState::kBlockedRecv) {
      t->queue->remove(t);
      t->blocked_on = nullptr;
      status = Status::kTimeout;
    }
    write_status(*t->frame, status);
    t->state = ThreadState::kReady;
    make_ready(cpu, t);
  }
  return preempt_check(cpu);
}

Thread* scheduler_tick(Cpu& cpu, uint64_t now) {
  Thread* next = expire_timers(cpu, now);
  Thread* self = cpu.current;
  if (next != self || self == nullptr || self == cpu.idle || self->state != ThreadState::kReady) return next;
  if (self->slice_left > 1) {
    --self->slice_left;
    return self;
  }
  self->slice_left = kSliceTicks;
  // Invariant: no ready thread outranks self here (expire_timers would have switched).
  if (cpu.ready.highest() == static_cast<int>(self->priority)) return yield(cpu, self);
  return self;
}

namespace {

/// The switch both switch_to and switch_from_syscall make; `keep_stack` picks the platform's
/// switch (a direct call either way).
void switch_cpu(Cpu& cpu, Thread* next, bool keep_stack) {
  if (next == nullptr) {
    if (system_idle(cpu)) {
      log("kernel: no component can run any more; powering off\n");
      platform::shutdown(kStatusIdle);
    }
    next = cpu.idle;
  }
  Thread* prev = cpu.current;
  if (next == prev) return;
  Component* to = next->component;
  // Only components with grants pay for the bitmap update; the idle thread needs none.
  if (to != nullptr && (to->ioport_count > 0 || cpu.io_owner != nullptr)) switch_io_ports(cpu, to);
  cpu.current = next;
  const platform::AddressSpace& space = to != nullptr ? to->space : kKeepSpace;
  if (keep_stack) {
    platform::switch_context(prev->context, next->context, space);
  } else {
    platform::switch_context_away(prev->context, next->context, space);
  }
}

}  // namespace

void switch_to(Cpu& cpu, Thread* next) { switch_cpu(cpu, next, true); }

void switch_from_syscall(Cpu& cpu, Thread* next) { switch_cpu(cpu, next, false); }

void leave_for_good(Cpu& cpu) {
  switch_to(cpu, hand_over(cpu, nullptr));
  panic("a stopped thread was resumed");
}

void switch_io_ports(Cpu& cpu, Component* to) {
  if (cpu.io_owner == to) return;
  if (cpu.io_owner != nullptr) {
    for (uint32_t i = 0; i < cpu.io_owner->ioport_count; ++i)
      platform::set_io_ports(cpu.io_owner->ioports[i].base, cpu.io_owner->ioports[i].count, false);
    cpu.io_owner = nullptr;
  }
  if (to != nullptr && to->ioport_count > 0) {
    for (uint32_t i = 0; i < to->ioport_count; ++i)
      platform::set_io_ports(to->ioports[i].base, to->ioports[i].count, true);
    cpu.io_owner = to;
  }
}

Cpu& place_new_thread(Pool<Cpu> cpus, uint64_t affinity, uint8_t priority) {
  CpuLoad load[kMaxCpus];
  for (uint32_t i = 0; i < cpus.count; ++i) load[i] = load_of(cpus[i].placed);
  Cpu& home = cpus[place_thread(affinity, priority, load, cpus.count)];
  home.placed.add(priority);
  return home;
}

void unplace(Thread& t) { t.cpu->placed.remove(t.priority); }

}  // namespace kernel
