// Host fake of kernel/platform.h: records switches, pages, console output and shutdowns.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "kernel/platform.h"

namespace fake {

/// Thrown by platform::shutdown so a test can observe the system's exit status.
struct Shutdown {
  uint32_t status;
};
/// Thrown by platform::start_first: boot finished and the first thread would run.
struct Started {};
/// Thrown by platform::direct_switch_to_idle (after letting go of the kernel lock, as the idle
/// thread would) and platform::idle_halt: the CPU would halt in its idle thread.
struct Idle {};

struct Page {
  uint64_t phys;
  platform::MapFlags flags;
};

struct Platform {
  std::string console;
  /// For each console write (kernel log or component text), whether the kernel lock was held.
  std::vector<bool> console_writes_locked;
  std::vector<platform::Context*> switches;
  /// Each direct_switch (the fastpath's): the context switched to, also added to `switches`.
  std::vector<const platform::Context*> direct_switches;
  bool direct_switch_refused = false;  ///< direct_switch_possible answers false
  /// Each prepare_user_thread: the context it set up and where that thread would start.
  std::vector<std::pair<platform::Context*, platform::UserEntry>> user_threads;
  std::map<std::pair<uint64_t, uint64_t>, Page> pages;  ///< (space root, vaddr) -> page
  /// Page tables that exist: (space root, level 1..3, vaddr >> (12 + 9 * level)).
  std::set<std::tuple<uint64_t, unsigned, uint64_t>> tables;
  /// missing_tables reports this many tables fewer than map_page will need (at least 0): a
  /// platform that disagrees with itself, for tests of what the kernel does then.
  uint64_t missing_tables_shortfall = 0;
  unsigned tlb_flushes = 0;                                  ///< flush_tlb calls
  std::map<uint32_t, std::pair<unsigned, unsigned>> routes;  ///< line -> (index, cpu) routed
  std::map<uint32_t, bool> irq_masked;                       ///< line -> masked, as last set
  std::map<uint32_t, bool> io_allowed;
  uint64_t next_space = 0;
  unsigned cpus = 1;                  ///< what platform::cpu_count reports
  uint64_t now = 0;                   ///< what platform::now_ns reports
  std::vector<unsigned> reschedules;  ///< CPUs sent a reschedule interrupt, in order
  bool released = false;              ///< release_secondary_cpus was called
};

Platform& platform();

}  // namespace fake
