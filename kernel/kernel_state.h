// The kernel's objects, in pools sized by the boot spec and allocated once at boot.
#pragma once

#include "kernel/component.h"
#include "kernel/cpu.h"
#include "kernel/endpoint.h"
#include "kernel/irq.h"
#include "kernel/memory.h"
#include "kernel/notification.h"

namespace kernel {

struct KernelState {
  Component* components = nullptr;
  uint32_t component_count = 0;
  Endpoint* endpoints = nullptr;
  uint32_t endpoint_count = 0;
  Notification* notifications = nullptr;
  uint32_t notification_count = 0;
  Region* regions = nullptr;
  uint32_t region_count = 0;
  Irq* irqs = nullptr;
  uint32_t irq_count = 0;
  Cpu* cpus = nullptr;  ///< cpus[0 .. cpu_count), one per CPU that came up
  uint32_t cpu_count = 0;
};

/// The one instance. Written only during boot; afterwards objects change, the pools do not.
KernelState& state();

/// This CPU's scheduling state.
inline Cpu& this_cpu() { return *static_cast<Cpu*>(platform::cpu_data()); }

/// Runs `next` instead of cpu.current (which is blocked, dead, or queued); nullptr runs the
/// CPU's idle thread. When no CPU has anything left to run and no deadline is pending, the
/// system powers off with kStatusIdle. Returns when something switches back to the old
/// current thread.
void switch_to(Cpu& cpu, Thread* next);

/// Gives `cpu` its idle thread `idle`, whose kernel stack ends at stack_top.
void make_idle_thread(Cpu& cpu, Thread& idle, uint64_t stack_top);

/// Runs `first` on this CPU (the lock is held; the thread lets go of it). The boot stack is
/// abandoned.
[[noreturn]] void start_on(Cpu& cpu, Thread* first);

/// Opens `to`'s I/O port grants in this CPU's TSS and closes the previous owner's
/// (`to` may be nullptr: close only).
void switch_io_ports(Cpu& cpu, Component* to);

/// The home of a new thread of `priority` that may run on the CPUs of `affinity`: the CPU
/// place_thread picks from every CPU's placed threads. Counts the thread there.
Cpu& place_new_thread(uint64_t affinity, uint8_t priority);

/// A placed thread that will not run again (it exited, or its component stopped) is no
/// longer counted on its CPU. Precondition: t was placed and not yet unplaced.
void unplace(Thread& t);

/// Stops every thread of c, fails IPC partners with kPeerDied, and powers the system off
/// if c is the description's shutdown component. Does not switch away; a thread of c that
/// another CPU runs is switched away from there (reschedule interrupt).
void stop_component(Cpu& cpu, Component* c, uint32_t shutdown_status);

}  // namespace kernel
