// A component: one address space, one cap table, its threads, its map quota, its I/O
// port grants and what its supervisor and its restarts need.
#pragma once

#include <stdint.h>

#include "kernel/cap_table.h"
#include "kernel/memory.h"
#include "kernel/platform.h"
#include "kernel/pool.h"
#include "kernel/supervision.h"
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
  bool stopped = false;  ///< stopped (or, `start: manual`, not yet started): no thread runs
  Supervision sup;
};

struct Cpu;
struct Endpoint;

/// Stops every thread of c, fails its IPC partners and everyone using the endpoints of
/// `endpoints` that c owns with `peer_status` (kPeerDied, or kPeerRestarted when a restart is
/// due), drops the restarts due to the components it supervises, and powers the system off if c is the description's
/// shutdown component and `ended` (it ended by itself: an exit, a fault, a failed boot; not a supervisor's stop or
/// restart). Does not switch away; a thread of c that another CPU runs is switched away from there (reschedule
/// interrupt). Precondition: this CPU holds the kernel lock.
void stop_component(Cpu& cpu, Component* c, uint32_t shutdown_status, Status peer_status, Pool<Endpoint> endpoints,
                    bool ended = true);

/// Clears the slot of an exited thread for a new one. What boot gave the slot stays: its
/// kernel stack and its IPC buffer, whose contents are cleared.
void reset_thread_slot(Thread& t);

/// Where a component's first thread starts: its ELF entry, the top of its stack, its heap
/// and its index as arguments (tessera/abi.h), its IPC buffer.
platform::UserEntry first_thread_entry(const Component& c);

/// Starts thread `id` of c (a fresh slot or an exited thread's, which the decode of
/// kThreadCreate picked) at `entry` with `priority`, placed on one of `cpus` that c's
/// affinity allows; it is ready, not yet queued. Cannot fail.
Thread* thread_create(Component& c, uint8_t priority, uint32_t id, const platform::UserEntry& entry, Pool<Cpu> cpus);

}  // namespace kernel
