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

}  // namespace

int main() {
  auto* samples = static_cast<uint32_t*>(tessera::heap::allocate(kIterations * sizeof(uint32_t), 16));
  if (samples == nullptr) {
    tessera::log("bench_client: no memory for samples\n");
    return 1;
  }
  uint64_t expected = 1;
  bool ok = measure("ipc_call_reply_same_cpu", samples, [&] {
    tessera::Message msg;
    msg.info = tessera::make_info(1, 1);
    msg.mr[0] = expected;
    tessera::Status s = tessera::sys::call(bench_client::caps::kPing, msg);
    bool good = s == tessera::Status::kOk && msg.mr[0] == expected + 1;
    ++expected;
    return good;
  });
  ok = ok && measure("null_syscall", samples, [] { return tessera::sys::null_call() == tessera::Status::kOk; });
  if (!ok) tessera::log("bench_client: a measured operation failed\n");
  return ok ? 0 : 1;
}
