// bench_transfer: times call/reply round trips that carry long messages (20 and 128 words,
// through the thread's own runtime Message, sys::message()) or one cap, on one CPU, and prints
// `BENCH name median=.. min=.. unit=tsc iterations=..` on the kernel log (docs/bench.md).
#include "../bench_client/window.h"
#include "component.h"

namespace {

namespace caps = bench_transfer::caps;

/// A call through the runtime carrying `words` message words each way to bench_echo, which
/// answers with the words it got, the first plus one. Both sides use their thread's
/// sys::message(), which lives in the IPC buffer: the words past the registers are copied
/// only by the kernel, from one buffer to the other.
bool echo(tessera::ThreadMessage& msg, uint32_t label, uint32_t words, uint64_t& expected) {
  msg.info = tessera::make_info(label, words);
  msg.mr[0] = expected;
  const tessera::Status s = tessera::sys::call(caps::kEcho, msg);
  const bool good = s == tessera::Status::kOk && tessera::info_count(msg.info) == words && msg.mr[0] == expected + 1 &&
                    msg.mr[words - 1] == words - 1;
  ++expected;
  return good;
}

/// A call carrying one cap (a copy of this client's cap to bench_cap_sink, which has the grant
/// right) and a reply without: bench_cap_sink deletes the copy it got before it answers.
bool pass_cap(tessera::Message& msg) {
  msg.info = tessera::make_info(tessera::interfaces::cap_sink::kLabelTake, 0, 1);
  msg.caps[0] = caps::kCapSink;
  const tessera::Status s = tessera::sys::call(caps::kCapSink, msg);
  return s == tessera::Status::kOk && tessera::info_label(msg.info) == tessera::kReplyOk;
}

}  // namespace

int main() {
  auto* samples = static_cast<uint32_t*>(tessera::heap::allocate(bench::kIterations * sizeof(uint32_t), 16));
  if (samples == nullptr) {
    tessera::log("bench_transfer: no memory for samples\n");
    return 1;
  }
  // Word i holds i; echo() overwrites the first with a counter.
  tessera::ThreadMessage& words_msg = tessera::sys::message();
  for (uint32_t i = 0; i < tessera::kMaxMessageWords; ++i) words_msg.mr[i] = i;
  uint64_t expected = 1;
  bool ok = bench::measure("ipc_call_reply_words_20", samples,
                           [&] { return echo(words_msg, tessera::interfaces::echo::kLabelWords20, 20, expected); });
  ok = ok && bench::measure("ipc_call_reply_words_128", samples,
                            [&] { return echo(words_msg, tessera::interfaces::echo::kLabelWords128, 128, expected); });
  static tessera::Message cap_msg;
  ok = ok && bench::measure("ipc_call_reply_one_cap", samples, [&] { return pass_cap(cap_msg); });
  if (!ok) tessera::log("bench_transfer: a measured operation failed\n");
  return ok ? 0 : 1;
}
