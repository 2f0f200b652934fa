// caller (client on CPU 1, through the fastpath; crosser on CPU 2, through the general path):
// calls victim until the boss says stop, with markers in every register. Each call must be
// answered (the inverted words, everything else its own) or fail with kPeerRestarted or
// kPeerDied leaving every register but rax as it sent them; and it stays on its own CPU.
#include "../mirror/regs.h"
#include "component.h"
#include "race.h"

namespace self = TESSERA_COMPONENT;
using regs::Regs;

int main() {
  auto* race = reinterpret_cast<Race*>(self::memory::kRaceBase);
  const unsigned me = self::kCpu == 1 ? 0 : 1;
  const uint64_t tag = me == 0 ? 0x434c : 0x4352;  // "CL", "CR"
  regs::Checker check{self::kName};
  uint64_t answered = 0, restarted = 0, died = 0, other = 0;
  Regs in{}, out{};
  for (uint64_t round = 0; race->stop == 0; ++round) {
    regs::fill(in, tag, round);
    in.rax = static_cast<uint64_t>(tessera::Syscall::kCall);
    in.rdi = self::caps::kVictim;
    in.rsi = tessera::make_info(1, 6);
    in.flags = regs::kDf | regs::kAc | regs::kSf | regs::kBaseFlags;
    regs::syscall(&in, &out);
    Regs want = regs::unchanged(in, out, 0, 0, 0, 0);
    const auto status = static_cast<tessera::Status>(out.rax);
    if (status == tessera::Status::kOk) {
      want.rax = out.rax;
      want.rdi = 0;
      for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) regs::mr(want, i) = ~regs::mr(in, i);
      race->answered[me] = ++answered;
    } else if (status == tessera::Status::kPeerRestarted || status == tessera::Status::kPeerDied) {
      want.rax = out.rax;
      if (status == tessera::Status::kPeerDied) {
        race->died[me] = ++died;
      } else {
        ++restarted;
      }
      // The retry idiom. On CPU 2 it also lets the boss, below crosser, run.
      if (me == 1) tessera::sys::sleep_ms(1);
    } else {
      ++other;
    }
    check.expect_regs(out, want, round);
    check.expect_eq(regs::fs_word(0), tessera::layout::kIpcBufferBase, round, "%fs:0 (my IPC buffer)");
    check.expect_eq(tessera::sys::cpu_id(), static_cast<uint32_t>(self::kCpu), round, "my CPU");
  }
  tessera::log("%s: %lu answered, %lu kPeerRestarted, %lu kPeerDied, %lu other; my own registers after each: %s\n",
               self::kName, answered, restarted, died, other, check.result());
  tessera::sys::signal(self::caps::kDone);
  return 0;
}
