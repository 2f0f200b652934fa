// sleeper: a high-priority thread on the spinners' CPU. Its sleeps and timed receives must
// end no earlier than asked and at most 1.5 ms later (one 1 ms tick plus handling), even
// though two lower-priority spinners keep the CPU busy: it preempts them at once.
#include "component.h"

namespace self = TESSERA_COMPONENT;

namespace {

constexpr uint64_t kToleranceNs = 1'500'000;
int failures = 0;

void judge(const char* what, uint64_t ms, uint64_t took_ns) {
  const uint64_t asked = ms * 1'000'000;
  const bool ok = took_ns >= asked && took_ns - asked <= kToleranceNs;
  const uint64_t late = took_ns >= asked ? took_ns - asked : 0;
  tessera::log("sleeper: %s(%lu ms) took %lu us, %lu us late (tolerance 0..%lu us): %s\n", what, ms, took_ns / 1000,
               late / 1000, kToleranceNs / 1000, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

}  // namespace

int main() {
  tessera::sys::sleep_ms(20);  // let the spinners get going
  for (uint64_t ms : {1, 5, 10, 25}) {
    const uint64_t t0 = tessera::sys::clock_ns();
    if (tessera::sys::sleep_ms(ms) != tessera::Status::kOk) ++failures;
    judge("sleep", ms, tessera::sys::clock_ns() - t0);
  }
  for (uint64_t ms : {3, 20}) {
    tessera::Message msg;
    const uint64_t t0 = tessera::sys::clock_ns();
    const tessera::Status s = tessera::sys::recv_timeout(self::caps::kEndpoint, msg, ms);
    const uint64_t took = tessera::sys::clock_ns() - t0;
    if (s != tessera::Status::kTimeout) {
      tessera::log("sleeper: recv_timeout gave status %u, not kTimeout: FAILED\n", static_cast<unsigned>(s));
      ++failures;
    }
    judge("recv_timeout", ms, took);
  }
  tessera::Message msg;
  const bool poll_ok = tessera::sys::recv_timeout(self::caps::kEndpoint, msg, 0) == tessera::Status::kTimeout;
  tessera::log("sleeper: recv_timeout(0 ms) with nothing queued returns kTimeout at once: %s\n",
               poll_ok ? "ok" : "FAILED");
  if (!poll_ok) ++failures;
  tessera::log("sleeper: on cpu %u, %d failures\n", tessera::sys::cpu_id(), failures);
  return failures == 0 ? 0 : 1;
}
