// The kernel's objects, in pools sized by the boot spec and allocated once at boot.
#pragma once

#include "kernel/boot_memory.h"
#include "kernel/component.h"
#include "kernel/cpu.h"
#include "kernel/endpoint.h"
#include "kernel/irq.h"
#include "kernel/memory.h"
#include "kernel/notification.h"
#include "kernel/pool.h"

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
  /// The boot spec's region mappings, which a restart makes again (the module stays reserved).
  const tessera::spec::Mapping* boot_mappings = nullptr;
  uint32_t boot_mapping_count = 0;
  /// The one frame of zeros: the pristine page of every copy-on-write page that starts zeroed.
  uint64_t zero_frame = 0;
  /// Where boot put all of the above, and how much of it (boot only).
  BootMemory boot_memory;

  Pool<Endpoint> endpoint_pool() const { return {endpoints, endpoint_count}; }
  Pool<Cpu> cpu_pool() const { return {cpus, cpu_count}; }
};

/// The one instance. Written only during boot; afterwards objects change, the pools do not.
KernelState& state();

/// The kernel object a boot cap names (the spec was checked: the index is in range).
void* boot_cap_object(const tessera::spec::Cap& s);

/// This CPU's scheduling state.
inline Cpu& this_cpu() { return *static_cast<Cpu*>(platform::cpu_data()); }

/// Gives `cpu` its idle thread `idle`, whose kernel stack ends at stack_top.
void make_idle_thread(Cpu& cpu, Thread& idle, uint64_t stack_top);

/// Runs `first` on this CPU (the lock is held; the thread lets go of it). The boot stack is
/// abandoned.
[[noreturn]] void start_on(Cpu& cpu, Thread* first);

}  // namespace kernel
