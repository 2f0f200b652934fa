// checker: after the faulting components are gone, the system must still work; a server
// that dies mid-call must fail its caller with kPeerDied, and later calls likewise.
#include "component.h"

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("checker: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

}  // namespace

int main() {
  auto echo_client = checker::echo_client();
  auto first = echo_client.echo(5);
  expect(first.ok() && first.value() == 5, "echo(5) answered 5");

  tessera::Message msg;
  expect(tessera::sys::call(999, msg) == tessera::Status::kInvalidSlot,
         "call through slot 999, beyond the table, refused");

  auto crashed = echo_client.crash();
  expect(crashed.status() == tessera::Status::kPeerDied, "server fault during a call gives kPeerDied");

  auto after = echo_client.echo(6);
  expect(after.status() == tessera::Status::kPeerDied, "calls to a stopped server give kPeerDied");

  tessera::log(failures == 0 ? "checker: PASS\n" : "checker: FAIL\n");
  return failures == 0 ? 0 : 1;
}
