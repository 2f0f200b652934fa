// bench_client: times call/reply round trips and null system calls with rdtsc and prints
// `BENCH name median=.. min=.. unit=tsc iterations=..` on the kernel log.
#include "component.h"
#include "stats.h"

namespace {

constexpr size_t kWarmup = 10'000;
constexpr size_t kIterations = 100'000;

// lfence keeps rdtsc from drifting around the measured code [Intel SDM vol2 RDTSC].
inline uint64_t tsc_begin() {
  uint32_t lo, hi;
  asm volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
  return (uint64_t{hi} << 32) | lo;
}
inline uint64_t tsc_end() {
  uint32_t lo, hi, aux;
  asm volatile("rdtscp; lfence" : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
  return (uint64_t{hi} << 32) | lo;
}

template <class Op>
bool measure(const char* name, uint32_t* samples, Op op) {
  for (size_t i = 0; i < kWarmup; ++i)
    if (!op()) return false;
  for (size_t i = 0; i < kIterations; ++i) {
    uint64_t t0 = tsc_begin();
    bool ok = op();
    uint64_t t1 = tsc_end();
    if (!ok) return false;
    samples[i] = static_cast<uint32_t>(t1 - t0);
  }
  bench::Summary s = bench::summarize(samples, kIterations);
  tessera::log("BENCH %s median=%u min=%u unit=tsc iterations=%u\n", name, s.median, s.min,
               static_cast<unsigned>(kIterations));
  return true;
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

// The second thread of yield_same_cpu: yields back until told to stop.
bool g_stop_yielding = false;
void yielder(void*) {
  while (!__atomic_load_n(&g_stop_yielding, __ATOMIC_ACQUIRE)) tessera::sys::yield();
}

}  // namespace

int main() {
  auto* samples = static_cast<uint32_t*>(tessera::heap::allocate(kIterations * sizeof(uint32_t), 16));
  if (samples == nullptr) {
    tessera::log("bench_client: no memory for samples\n");
    return 1;
  }
  uint64_t expected = 1;
  bool ok = measure("ipc_call_reply_same_cpu", samples, [&] { return ping(bench_client::caps::kPing, expected); });
  // The server of pong is pinned to the other CPU: each round trip wakes it there with an
  // interrupt, and its reply wakes this CPU back.
  ok = ok && measure("ipc_call_reply_cross_cpu", samples, [&] { return ping(bench_client::caps::kPong, expected); });
  ok = ok && measure("null_syscall", samples, [] { return tessera::sys::null_call() == tessera::Status::kOk; });
  // Two threads of one priority on one CPU: one yield here runs the other thread's yield,
  // which comes back.
  static uint8_t stack[8192] __attribute__((aligned(16)));
  ok = ok && tessera::sys::thread_create(yielder, nullptr, stack, sizeof stack) == tessera::Status::kOk;
  ok = ok && measure("yield_same_cpu", samples, [] { return tessera::sys::yield() == tessera::Status::kOk; });
  __atomic_store_n(&g_stop_yielding, true, __ATOMIC_RELEASE);
  if (!ok) tessera::log("bench_client: a measured operation failed\n");
  return ok ? 0 : 1;
}
