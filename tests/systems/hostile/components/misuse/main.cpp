// misuse: hostile system calls made with raw `syscall` instructions, each checked for exactly
// the status the kernel must give (the parts are in the other files of this folder). It runs
// on CPU 0 after the attackers and before stateful and the judge, and exits with code 0; a
// failed check prints a line with FAILED, which hostile.expect refuses.
#include "probe.h"

int main() {
  probe::remember_table();
  probe::check_numbers();
  probe::check_debug_write();
  probe::check_ipc();
  probe::check_threads();
  probe::check_map();
  probe::check_regions();
  probe::check_caps();
  const uint64_t failed = probe::failures();
  if (failed == 0) {
    tessera::log("misuse: %lu checks as expected: ok\n", probe::checks());
  } else {
    tessera::log("misuse: %lu of %lu checks not as expected: FAILED\n", failed, probe::checks());
  }
  return 0;
}
