// bench_client: times call/reply round trips, null system calls, yields and notifications
// with rdtsc and prints `BENCH name median=.. min=.. unit=tsc iterations=..` on the kernel log
// (docs/bench.md says what each window covers); then times each system call of two long
// operations (a 64 MiB map and unmap, a 4000-deep revoke), whose `max=` is about the longest
// the kernel held its lock for one call.
#include "component.h"
#include "stats.h"
#include "window.h"

namespace {

using bench::kIterations;
using bench::Labels;
using bench::measure;

/// Times each system call of one long operation: step() makes one raw call, repeated while
/// the kernel answers kIncomplete (as the runtime's wrappers do). A sample per call.
template <class Step>
bool measure_steps(const char* name, uint32_t* samples, Step step) {
  size_t calls = 0;
  tessera::Status s = tessera::Status::kIncomplete;
  while (s == tessera::Status::kIncomplete && calls < kIterations) {
    uint64_t t0 = bench::tsc_begin<Labels::kNone>();
    s = step();
    uint64_t t1 = bench::tsc_end<Labels::kNone>();
    samples[calls++] = static_cast<uint32_t>(t1 - t0);
  }
  if (s != tessera::Status::kOk) return false;
  uint32_t max = 0;
  for (size_t i = 0; i < calls; ++i) max = samples[i] > max ? samples[i] : max;
  bench::Summary summary = bench::summarize(samples, calls);
  tessera::log("BENCH %s median=%u min=%u max=%u unit=tsc iterations=%u\n", name, summary.median, summary.min, max,
               static_cast<unsigned>(calls));
  return true;
}

/// Maps, then unmaps, 64 MiB of the map window, one raw call at a time.
bool long_map(uint32_t* samples) {
  using tessera::sys::detail::call4;
  constexpr uint64_t kPages = 16384;
  const uint64_t base = tessera::layout::kMapBase;
  uint64_t done = 0;
  auto step = [&](tessera::Syscall number, uint64_t flags) {
    uint64_t out[3] = {};
    const tessera::Status s = call4(number, base + done * tessera::layout::kPageSize, kPages - done, flags, 0, out);
    if (s == tessera::Status::kIncomplete) done += out[0];
    return s;
  };
  bool ok = measure_steps("map_64mib_per_call", samples,
                          [&] { return step(tessera::Syscall::kMap, tessera::map_flags::kWrite); });
  done = 0;
  return ok && measure_steps("unmap_64mib_per_call", samples, [&] { return step(tessera::Syscall::kUnmap, 0); });
}

/// Revokes a chain of 4000 copies of a cap, each copied from the one before.
bool deep_revoke(uint32_t* samples) {
  constexpr uint32_t kDepth = 4000;
  const uint32_t first = bench_client::caps::kFirstFree;
  bool ok = tessera::sys::cap_copy(bench_client::caps::kPing, first) == tessera::Status::kOk;
  for (uint32_t i = 1; ok && i <= kDepth; ++i)
    ok = tessera::sys::cap_copy(first + i - 1, first + i) == tessera::Status::kOk;
  ok = ok && measure_steps("revoke_4000_deep_per_call", samples,
                           [&] { return tessera::sys::detail::call4(tessera::Syscall::kCapRevoke, first, 0); });
  for (uint32_t i = 0; ok && i <= kDepth; ++i) ok = tessera::sys::cap_delete(first + i) == tessera::Status::kOk;
  return ok;
}

/// A call through `slot` to a server that answers v with v + 1.
bool ping(uint32_t slot, uint64_t& expected) {
  tessera::Message msg;
  msg.info = tessera::make_info(1, 1);
  msg.mr[0] = expected;
  tessera::Status s = tessera::sys::call(slot, msg);
  bool good = s == tessera::Status::kOk && msg.mr[0] == expected + 1;
  ++expected;
  return good;
}

/// Signals bench_waiter, which waits for it on this CPU at a higher priority and so runs at
/// once and signals back; the wait then finds the bit set.
bool ring() {
  uint64_t bits = 0;
  return tessera::sys::signal(bench_client::caps::kRing) == tessera::Status::kOk &&
         tessera::sys::wait(bench_client::caps::kRingBack, &bits) == tessera::Status::kOk && bits != 0;
}

// The second thread of yield_same_cpu: yields back until told to stop.
bool g_stop_yielding = false;
void yielder(void*) {
  while (!__atomic_load_n(&g_stop_yielding, __ATOMIC_ACQUIRE)) tessera::sys::yield();
}

}  // namespace

/// restart_component: this client supervises bench_phoenix, which faults whenever it runs,
/// and answers each fault report with a restart at once; phoenix's last run prints the
/// figure and exits (code 0: it stays stopped).
bool restart_component() {
  const uint32_t phoenix_cap = bench_client::caps::kControlBenchPhoenix;
  if (tessera::sys::component_start(phoenix_cap) != tessera::Status::kOk) return false;
  tessera::Message msg;
  for (;;) {
    tessera::Ending ending;
    tessera::FaultReport report;
    if (tessera::sys::recv(bench_client::caps::kFaultEndpoint, msg) != tessera::Status::kOk ||
        !tessera::decode_fault_report(msg, ending, report))
      return false;
    if (ending == tessera::Ending::kExit) return report.exit_code == 0;
    if (tessera::sys::component_restart(phoenix_cap) != tessera::Status::kOk) return false;
  }
}

int main() {
  auto* samples = static_cast<uint32_t*>(tessera::heap::allocate(kIterations * sizeof(uint32_t), 16));
  if (samples == nullptr) {
    tessera::log("bench_client: no memory for samples\n");
    return 1;
  }
  uint64_t expected = 1;
  bool ok = measure<Labels::kSameCpu>("ipc_call_reply_same_cpu", samples,
                                      [&] { return ping(bench_client::caps::kPing, expected); });
  // The server of pong is pinned to the other CPU: each round trip wakes it there with an
  // interrupt, and its reply wakes this CPU back. Under icount the TSC counts the
  // instructions of both CPUs.
  ok = ok && measure(
                 "ipc_call_reply_cross_cpu", samples, [&] { return ping(bench_client::caps::kPong, expected); },
                 " work=both_cpus");
  ok = ok && measure("null_syscall", samples, [] { return tessera::sys::null_call() == tessera::Status::kOk; });
  // Nobody else is ready on this CPU yet: the servers wait for calls, bench_waiter for its
  // notification, bench_phoenix is not started, the second thread not created.
  ok = ok && measure("yield_alone", samples, [] { return tessera::sys::yield() == tessera::Status::kOk; });
  // Two threads of one priority on one CPU: one yield here runs the other thread's yield,
  // which comes back.
  static uint8_t stack[8192] __attribute__((aligned(16)));
  ok = ok && tessera::sys::thread_create(yielder, nullptr, stack, sizeof stack) == tessera::Status::kOk;
  ok = ok && measure("yield_same_cpu", samples, [] { return tessera::sys::yield() == tessera::Status::kOk; });
  __atomic_store_n(&g_stop_yielding, true, __ATOMIC_RELEASE);
  // One more yield lets the second thread see the flag and end, so that it is not ready
  // during what follows.
  ok = ok && tessera::sys::yield() == tessera::Status::kOk;
  // Nobody ever waits on `quiet`: its bits are only set.
  ok = ok && measure("signal_no_waiter", samples,
                     [] { return tessera::sys::signal(bench_client::caps::kQuiet) == tessera::Status::kOk; });
  ok = ok && measure("notification_round_trip", samples, ring);
  ok = ok && long_map(samples);
  ok = ok && deep_revoke(samples);
  ok = ok && restart_component();
  if (!ok) tessera::log("bench_client: a measured operation failed\n");
  return ok ? 0 : 1;
}
