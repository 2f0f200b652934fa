// client: crashes the server (restart: on-failure, restart_limit 3) and checks what a
// client of a restarted server sees: kPeerRestarted for the lost call, a new instance with
// its boot data on the next call, the generation counting restarts, and kPeerDied once the
// limit is used up.
#include "component.h"

namespace ifc = tessera::interfaces::crashy;

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("client: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

/// The retry idiom: a call that finds the server restarting waits a little and goes again.
template <class Call>
auto retrying(Call call) {
  auto r = call();
  for (int tries = 0; r.status() == tessera::Status::kPeerRestarted && tries < 10'000; ++tries) {
    tessera::sys::sleep_ms(1);
    r = call();
  }
  return r;
}

}  // namespace

int main() {
  auto server = client::crashy_client();
  const uint32_t cap = client::caps::kCrashy;
  auto first = server.get();
  expect(first.ok() && first.value() == 41, "the counter starts at 41");
  auto bumped = server.bump();
  bumped = server.bump();
  expect(bumped.ok() && bumped.value() == 43, "two bumps make 43");
  expect(tessera::sys::generation(cap) == 0, "generation 0 before any restart");

  for (uint64_t restart = 1; restart <= 3; ++restart) {
    auto crashed = server.crash();
    expect(crashed.status() == tessera::Status::kPeerRestarted, "the call the server crashed on gives kPeerRestarted");
    auto again = retrying([&] { return server.get(); });
    expect(again.ok() && again.value() == 41, "the next call reaches a new instance, its counter back at 41");
    tessera::log("client: generation %lu after restart %lu\n", tessera::sys::generation(cap), restart);
    expect(tessera::sys::generation(cap) == restart, "the generation counts the restarts");
    auto bump = server.bump();
    expect(bump.ok() && bump.value() == 42, "the new instance bumps from 41");
  }

  auto last = server.crash();
  expect(last.status() == tessera::Status::kPeerDied, "a crash beyond restart_limit gives kPeerDied");
  auto after = server.get();
  expect(after.status() == tessera::Status::kPeerDied, "and so does every call after it");
  expect(tessera::sys::generation(cap) == 3, "the generation stays 3");

  tessera::log(failures == 0 ? "client: PASS\n" : "client: FAIL\n");
  return failures == 0 ? 0 : 1;
}
