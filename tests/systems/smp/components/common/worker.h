// A worker of the SMP tests: reports the CPU it runs on against its pin, then makes `calls`
// calls into the tally server, checks every reply, and reports its total.
#pragma once

#include "component.h"

namespace self = TESSERA_COMPONENT;

inline int run_worker(uint64_t calls) {
  // Components are named <letter><index>: w0, w1, ... or s0, s1, ...
  const char* name = self::kName;
  uint64_t index = 0;
  for (const char* p = name; *p != '\0'; ++p)
    if (*p >= '0' && *p <= '9') index = index * 10 + static_cast<uint64_t>(*p - '0');
  const uint32_t cpu = tessera::sys::cpu_id();
  const bool on_pin = self::kCpu < 0 || static_cast<uint32_t>(self::kCpu) == cpu;
  tessera::log("%s: pinned to cpu %d, runs on cpu %u: %s\n", name, self::kCpu, cpu, on_pin ? "ok" : "WRONG CPU");
  auto tally = self::tally_client();
  uint64_t bad = 0;
  const uint64_t t0 = tessera::sys::clock_ns();
  for (uint64_t i = 0; i < calls; ++i) {
    auto r = tally.add(index, i);
    if (!r.ok() || r.value() != i + 1) ++bad;
  }
  const bool ok = bad == 0 && tessera::sys::cpu_id() == cpu;
  const uint64_t us = (tessera::sys::clock_ns() - t0) / 1000;
  // Logged before `done`: once the tally has every total the checker may end the system,
  // and a line written after that could be cut off. The tally checks the total itself.
  tessera::log("%s: %lu calls in %lu us, %lu bad replies: %s\n", name, calls, us, bad, ok ? "ok" : "FAILED");
  auto total = tally.done(index, calls, cpu);
  if (!total.ok() || total.value() != calls) tessera::log("%s: the tally's total is wrong: FAILED\n", name);
  return ok && on_pin && total.ok() && total.value() == calls ? 0 : 1;
}
