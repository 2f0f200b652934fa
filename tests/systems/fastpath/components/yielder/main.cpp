// yielder (blanker and twin, one priority on CPU 0; lone, alone on CPU 3): each calls its
// mirror server and yields in turn (to the other of the pair; lone's yield finds nobody), with
// markers in every register and flags of its own, and checks after every call that it got
// exactly its own state back. blanker first resets its FS base with a null %fs (the selector
// stays 0, so the fastpath still switches directly): its peers must find their IPC buffer at
// %fs:0 all the same, and blanker its FS base 0 at %fs:&probe. All three are thread 0 of their
// component, so their IPC buffers share an address. lone, whose server echo waits on CPU 2,
// does the same after two calls, once CPU 3's idle thread starts afresh: its next call goes
// across on the fastpath and halts CPU 3, which must save the FS base lone left, and the reply
// wakes CPU 3 straight into lone. lone then asks echo what it saw.
#include "../mirror/regs.h"
#include "component.h"

namespace self = TESSERA_COMPONENT;
using regs::Regs;

namespace {

constexpr uint64_t kRounds = 500;

bool named(const char* name) {
  const char* mine = self::kName;
  while (*name != 0 && *name == *mine) ++name, ++mine;
  return *name == 0 && *mine == 0;
}

/// Read through %fs:&g_probe once the FS base is 0.
volatile uint64_t g_probe = 0x6e756c6c2d667321;

}  // namespace

int main() {
  const bool lone = named("lone");
  const bool blank = lone || named("blanker");
  // The round whose call is the first switch away from this thread after the FS base is reset.
  const uint64_t blank_from = lone ? 2 : 0;
  const uint64_t tag = blank ? 0x424c : 0x5457;  // "BL", "TW"
  const uint64_t flags = (blank ? regs::kCf | regs::kSf | regs::kOf : regs::kDf | regs::kAc | regs::kPf) |
                         regs::kBaseFlags;
  regs::Checker check{self::kName};
  auto check_fs_base = [&](uint64_t round) {
    if (blank && round >= 2 * blank_from) {
      check.expect_eq(regs::fs_word(reinterpret_cast<uint64_t>(&g_probe)), g_probe, round, "%fs:&probe (FS base 0)");
    } else {
      check.expect_eq(regs::fs_word(0), tessera::layout::kIpcBufferBase, round, "%fs:0 (my IPC buffer)");
    }
  };
  Regs in{}, out{};
  for (uint64_t round = 0; round < kRounds; ++round) {
    if (blank && round == blank_from) {
      // A data selector first, then null: the FS base is 0 whether or not the CPU clears it
      // on a null load (Intel does, older AMD CPUs keep it). Right before a call: the first
      // switch away from this thread is then the fastpath's, which must read the base back.
      asm volatile("movw %0, %%fs\n\tmovw %1, %%fs" : : "r"(regs::kUserData), "r"(uint16_t{0}) : "memory");
    }
    regs::fill(in, tag, 2 * round);
    in.rax = static_cast<uint64_t>(tessera::Syscall::kCall);
    in.rdi = self::caps::kMirror;
    in.rsi = tessera::make_info(1, 6);
    in.flags = flags;
    regs::syscall(&in, &out);
    Regs want = regs::unchanged(in, out, 0, 0, 0, 0);
    want.rax = static_cast<uint64_t>(tessera::Status::kOk);
    want.rdi = 0;
    for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) regs::mr(want, i) = ~regs::mr(in, i);
    check.expect_regs(out, want, 2 * round);
    check_fs_base(2 * round);

    regs::fill(in, tag, 2 * round + 1);
    in.rax = static_cast<uint64_t>(tessera::Syscall::kYield);
    in.flags = flags;
    regs::syscall(&in, &out);
    want = regs::unchanged(in, out, 0, 0, 0, 0);
    want.rax = static_cast<uint64_t>(tessera::Status::kOk);
    check.expect_regs(out, want, 2 * round + 1);
    check_fs_base(2 * round + 1);
  }
  tessera::log("%s: %lu calls and %lu yields%s: my registers, flags and FS base came back: %s\n", self::kName, kRounds,
               kRounds, blank ? " with a null FS and FS base 0" : "", check.result());
  if (lone) {  // echo's count of what broke a rule and of what it served: every call and this one
    tessera::Message msg;
    msg.info = tessera::make_info(2, 0);
    const tessera::Status s = tessera::sys::call(self::caps::kMirror, msg);
    const bool ok = s == tessera::Status::kOk && msg.mr[0] == 0 && msg.mr[1] == kRounds + 1;
    tessera::log("lone: echo served %lu requests (%lu expected), %lu broke a rule: %s\n", msg.mr[1], kRounds + 1,
                 msg.mr[0], ok ? "ok" : "FAILED");
  }
  tessera::sys::signal(self::caps::kDone);
  return 0;
}
