// tf: calls mirror through the fastpath with the trap flag set. The flag is the caller's
// own (ring 3 may keep it, docs/platform-x86_64.md): it must not trap in the kernel, nor
// reach mirror, which answers and goes on; tf itself is stopped by the single-step trap
// (#DB, vector 1) as it returns to ring 3.
#include "../mirror/regs.h"
#include "component.h"

int main() {
  regs::Regs in{}, out{};
  regs::fill(in, 0x5446, 0);  // "TF"
  in.rax = static_cast<uint64_t>(tessera::Syscall::kCall);
  in.rdi = tf::caps::kMirror;
  in.rsi = tessera::make_info(1, 6);
  in.flags = regs::kBaseFlags | regs::kTf;
  regs::syscall(&in, &out);
  tessera::log("tf: no single-step trap after my call (status %lu): FAILED\n", out.rax);
  return 1;
}
