// judge: the lowest priority on CPU 0, so it runs only once every attacker there has faulted,
// exited or gone to sleep. It checks that ring 3 state left behind by them did not reach it,
// and that the healthy pair on CPU 1 kept answering all along, then ends the system.
#include "component.h"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("judge: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

uint16_t selector_sum() {
  uint16_t ds, es, fs, gs;
  asm volatile("mov %%ds, %0; mov %%es, %1; mov %%fs, %2; mov %%gs, %3" : "=r"(ds), "=r"(es), "=r"(fs), "=r"(gs));
  return static_cast<uint16_t>(ds | es | fs | gs);
}

}  // namespace

int main() {
  // The attackers that sleep left their segments, FS base and flags on this CPU.
  uint64_t self = 0;
  asm volatile("movq %%fs:0, %0" : "=r"(self));
  expect(self == tessera::layout::kIpcBufferBase, "my FS base is my IPC buffer");
  expect(selector_sum() == 0, "my data segment selectors are null");
  uint64_t flags;
  asm volatile("pushfq; popq %0" : "=r"(flags));
  expect((flags & ((1u << 10) | (1u << 18))) == 0, "DF and AC are clear");
  // A long message goes through the IPC buffer, i.e. through FS.
  auto pong = judge::pong_client();
  // The pair runs on CPU 1 at its own pace: wait for progress rather than for a time (up to
  // 20 s, far beyond any loaded machine; a broken pair fails here).
  auto answered_more_than = [&](uint64_t count) {
    for (int tries = 0;; ++tries) {
      auto now = pong.answered();
      if (!now.ok() || now.value() > count || tries == 2000) return now;
      tessera::sys::sleep_ms(10);
    }
  };
  auto before = answered_more_than(0);
  expect(before.ok() && before.value() > 0, "the healthy pair answered while attackers ran");
  // Long enough for the sleeping attackers to wake, check themselves and exit.
  tessera::sys::sleep_ms(200);
  auto after = answered_more_than(before.ok() ? before.value() : 0);
  expect(after.ok() && before.ok() && after.value() > before.value(), "the healthy pair is still answering");
  if (after.ok()) tessera::log("judge: the healthy pair answered %lu calls\n", after.value());
  tessera::log(failures == 0 ? "judge: PASS\n" : "judge: FAIL\n");
  return failures == 0 ? 0 : 1;
}
