// Switching between threads, placing them on CPUs, and stopping components.
#include "kernel/kernel_state.h"
#include "kernel/ipc.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/scheduler.h"

namespace kernel {

KernelState& state() {
  static KernelState instance;
  return instance;
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

void switch_to(Cpu& cpu, Thread* next) {
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
  platform::switch_context(prev->context, next->context, to != nullptr ? to->space : kKeepSpace);
}

Cpu& place_new_thread(uint64_t affinity, uint8_t priority) {
  KernelState& k = state();
  CpuLoad load[kMaxCpus];
  for (uint32_t i = 0; i < k.cpu_count; ++i) load[i] = load_of(k.cpus[i].placed);
  Cpu& home = k.cpus[place_thread(affinity, priority, load, k.cpu_count)];
  home.placed.add(priority);
  return home;
}

void unplace(Thread& t) { t.cpu->placed.remove(t.priority); }

void stop_component(Cpu& cpu, Component* c, uint32_t shutdown_status) {
  assert_locked(cpu);  // it takes threads off other CPUs' queues
  if (c->stopped) return;
  c->stopped = true;
  for (uint32_t i = 0; i < c->thread_count; ++i) {
    Thread* t = &c->threads[i];
    if (t->state == ThreadState::kDead) continue;
    Cpu& home = t->cpu != nullptr ? *t->cpu : cpu;
    if (home.ready.contains(t)) home.ready.remove(t);
    if (t->cpu != nullptr) unplace(*t);  // placement counts only threads that can run
    ipc_detach(cpu, t);
    // Running on another CPU: that CPU switches away when it sees the thread dead.
    if (&home != &cpu && home.current == t) platform::send_reschedule(home.index);
  }
  KernelState& k = state();
  for (uint32_t e = 0; e < k.endpoint_count; ++e)
    if (k.endpoints[e].owner == c) endpoint_kill(cpu, &k.endpoints[e]);
  if (cpu.io_owner == c) switch_io_ports(cpu, nullptr);
  if ((c->flags & tessera::spec::kFlagShutdownOnExit) != 0) {
    log("kernel: %s ended the system with status %u\n", c->name, shutdown_status);
    platform::shutdown(shutdown_status);
  }
}

}  // namespace kernel
