// judge: waits for the racer's and the churner's reports, sees the unmapper stop (its
// reader faults once the page is gone on every CPU), checks that the slow server survived
// its caller's exit in the middle of a call, and ends the system.
#include "component.h"

using tessera::Status;
namespace ifc = tessera::interfaces::report;

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("judge: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

struct Reports {
  bool racer = false, racer_ok = false, churner = false, churner_ok = false;
  tessera::Outcome<void, ifc::Error> done(uint32_t what, bool ok, uint64_t) {
    if (what == 1) racer = true, racer_ok = ok;
    if (what == 2) churner = true, churner_ok = ok;
    return {};
  }
};

}  // namespace

int main() {
  Reports reports;
  tessera::Message msg;
  while (!reports.racer || !reports.churner) {
    if (tessera::sys::recv(judge::caps::kEndpoint, msg) != Status::kOk) continue;
    if (ifc::Server<Reports>::handles(tessera::info_label(msg.info)))
      (void)ifc::Server<Reports>::dispatch(reports, msg);
    (void)tessera::sys::reply(msg);
  }
  expect(reports.racer_ok, "racer: calls, copies, moves, deletes and revokes on one slot from three CPUs");
  expect(reports.churner_ok, "churner: thousands of threads created and ended against the quota");

  auto alive = judge::alive_client();
  Status last = Status::kOk;
  for (int tries = 0; tries < 4000 && last == Status::kOk; ++tries) {
    last = alive.ping().status();
    if (last == Status::kOk) tessera::sys::sleep_ms(5);
  }
  expect(last == Status::kPeerDied, "unmapper: stopped once its page was unmapped under its reader");

  auto slow = judge::slow_client();
  auto calls = slow.work(1);
  expect(calls.ok() && calls.value() >= 2, "slowpoke: still serving after its caller exited in the middle of a call");

  tessera::log(failures == 0 ? "judge: PASS\n" : "judge: FAIL\n");
  return failures == 0 ? 0 : 1;
}
