// The built-in supervisor's decisions, apart from its system calls so that host tests run
// them: how long a restart waits, which restart is due next, and the line a report logs.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/format.h>
#include <tessera/supervision.h>

namespace policy {

/// Where backoff doubling stops (`restart_backoff` of the description: "doubling each time
/// up to 1 s"). A first wait longer than this is kept as it is, never doubled.
inline constexpr uint64_t kMaxBackoffMs = 1000;

/// The wait before the restart that follows `restarts` earlier ones: `first_ms`, doubled for
/// each earlier restart, at most kMaxBackoffMs (or first_ms when that is longer).
constexpr uint64_t backoff_ms(uint32_t first_ms, uint64_t restarts) {
  const uint64_t cap = first_ms > kMaxBackoffMs ? first_ms : kMaxBackoffMs;
  uint64_t ms = first_ms;
  for (uint64_t i = 0; i < restarts && ms < cap; ++i) ms *= 2;
  return ms < cap ? ms : cap;
}

/// Restarts waiting for their backoff: at most one per supervised component, by its index
/// in the policy table.
template <size_t N>
class RestartQueue {
 public:
  static constexpr uint64_t kNone = ~uint64_t{0};

  RestartQueue() {
    for (uint64_t& at : at_) at = kNone;
  }

  /// Component `i` restarts at `at_ns` (a later report replaces an earlier wait).
  void schedule(size_t i, uint64_t at_ns) { at_[i] = at_ns; }
  void cancel(size_t i) { at_[i] = kNone; }
  bool waiting(size_t i) const { return at_[i] != kNone; }

  /// The earliest deadline, or kNone.
  uint64_t next() const {
    uint64_t first = kNone;
    for (uint64_t at : at_) first = at < first ? at : first;
    return first;
  }

  /// Takes the earliest restart due at `now_ns` off the queue: its index, or N when none is.
  size_t take_due(uint64_t now_ns) {
    size_t pick = N;
    for (size_t i = 0; i < N; ++i)
      if (at_[i] <= now_ns && (pick == N || at_[i] < at_[pick])) pick = i;
    if (pick != N) at_[pick] = kNone;
    return pick;
  }

 private:
  uint64_t at_[N];
};

/// Which entry of `table` a report with badge `badge` is about: its index, or `count`.
inline size_t find_by_badge(const tessera::SupervisedComponent* table, size_t count, uint64_t badge) {
  for (size_t i = 0; i < count; ++i)
    if (table[i].control_slot == badge) return i;
  return count;
}

/// The one line a report logs (with its newline) into out[0 .. cap): what ended and how,
/// and what happens next. Returns its length.
inline size_t describe(const tessera::SupervisedComponent& c, tessera::Ending ending, const tessera::FaultReport& r,
                       uint64_t wait_ms, char* out, size_t cap) {
  char how[112];
  if (ending == tessera::Ending::kFault) {
    tessera::format_to(how, sizeof how, "faulted (vector %lu, error 0x%lx, address 0x%lx, rip 0x%lx)", r.vector,
                       r.error_code, r.address, r.ip);
  } else {
    tessera::format_to(how, sizeof how, "exited with code %lu", r.exit_code);
  }
  char next[96];
  if (r.restart_pending != 0) {
    tessera::format_to(next, sizeof next, "restart %lu of %u in %lu ms", r.restarts + 1, c.restart_limit, wait_ms);
  } else if (c.restart == tessera::RestartPolicy::kNever) {
    tessera::format_to(next, sizeof next, "stays stopped (restart: never)");
  } else if (r.restarts >= c.restart_limit) {
    tessera::format_to(next, sizeof next, "stays stopped (restart_limit %u reached)", c.restart_limit);
  } else {
    tessera::format_to(next, sizeof next, "stays stopped (its policy does not restart this ending)");
  }
  return tessera::format_to(out, cap, "supervisor: %s %s in thread %lu on cpu %lu, generation %lu: %s\n", c.name, how,
                            r.thread, r.cpu, r.restarts, next);
}

}  // namespace policy
