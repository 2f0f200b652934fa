// A component: one address space, one cap table, its threads, its map quota and its I/O
// port grants.
#pragma once

#include <stdint.h>

#include "kernel/cap_table.h"
#include "kernel/memory.h"
#include "kernel/platform.h"
#include "kernel/pool.h"
#include "kernel/thread.h"
#include "tessera/spec_format.h"

namespace kernel {

struct Component {
  char name[32] = {};
  uint32_t index = 0;
  uint32_t flags = 0;  ///< spec::kFlag*
  platform::AddressSpace space;
  CapTable caps;
  uint8_t priority = 0;
  uint64_t affinity = 1;      ///< CPUs its threads may be placed on (bit n = CPU n)
  Thread* threads = nullptr;  ///< threads[0 .. thread_quota); an exited one's slot is reused
  uint32_t thread_count = 0;  ///< slots used so far (threads[0 .. thread_count))
  uint32_t thread_quota = 1;  ///< the most threads at once, counting the first
  uint32_t live_threads = 0;  ///< created and not exited
  FramePool map_pool;         ///< its map quota: frames for kMap and for map-window page tables
  /// How many of its memory caps have a region mapped (mapped_at != 0), so that unmap looks
  /// through its cap table for them only when there are some.
  uint32_t region_mappings = 0;
  const tessera::spec::IoPortRange* ioports = nullptr;
  uint32_t ioport_count = 0;
  bool stopped = false;
};

struct Cpu;
struct Endpoint;

/// Stops every thread of c, fails IPC partners with kPeerDied, kills the endpoints of
/// `endpoints` that c owns, and powers the system off if c is the description's shutdown
/// component. Does not switch away; a thread of c that another CPU runs is switched away
/// from there (reschedule interrupt). Precondition: this CPU holds the kernel lock.
void stop_component(Cpu& cpu, Component* c, uint32_t shutdown_status, Pool<Endpoint> endpoints);

/// Starts thread `id` of c (a fresh slot or an exited thread's, which the decode of
/// kThreadCreate picked) at `entry` with `priority`, placed on one of `cpus` that c's
/// affinity allows; it is ready, not yet queued. Cannot fail.
Thread* thread_create(Component& c, uint8_t priority, uint32_t id, const platform::UserEntry& entry, Pool<Cpu> cpus);

}  // namespace kernel
