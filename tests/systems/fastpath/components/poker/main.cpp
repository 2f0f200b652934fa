// poker (and distant, the same from another CPU than mirror's): calls mirror through the fastpath
// with its own markers in every register and DF, AC, NT, SF, OF, PF and ID set, and checks that
// only the reply came back (mirror checks that only the message went across); calls dropper, which
// faults holding the call, and checks that its own registers came back with kPeerDied, twice; calls
// through a copy of its cap before and after revoking the original and deleting the copy; then
// loads odd data segment selectors (no fastpath switch may keep them for mirror, or lose them) and
// calls mirror again.
#include "../mirror/regs.h"
#include "component.h"

namespace self = TESSERA_COMPONENT;
using regs::Regs;

namespace {

constexpr uint64_t kTag = 0x504b;  // "PK"
constexpr uint64_t kProbes = 2000;
constexpr uint64_t kSegmentProbes = 200;
constexpr uint64_t kFlags = regs::kDf | regs::kAc | regs::kNt | regs::kSf | regs::kOf | regs::kPf | regs::kId |
                            regs::kBaseFlags;

/// Read through %fs:&g_probe once the FS base is 0.
volatile uint64_t g_probe = 0x6f6e2d7a65726f21;

Regs probe_request(uint64_t round, uint64_t flags) {
  Regs in{};
  regs::fill(in, kTag, round);
  in.rax = static_cast<uint64_t>(tessera::Syscall::kCall);
  in.rdi = self::caps::kMirror;
  in.rsi = tessera::make_info(1, 6);
  in.flags = flags;
  return in;
}

/// What a probe answered by mirror leaves: its reply in rsi and mr, badge 0, kOk.
Regs answered(const Regs& in, const Regs& out, uint16_t ds, uint16_t es, uint16_t fs, uint16_t gs) {
  Regs want = regs::unchanged(in, out, ds, es, fs, gs);
  want.rax = static_cast<uint64_t>(tessera::Status::kOk);
  want.rdi = 0;
  for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) regs::mr(want, i) = ~regs::mr(in, i);
  return want;
}

void markers_and_flags() {
  regs::Checker check{self::kName};
  Regs out{};
  for (uint64_t round = 0; round < kProbes; ++round) {
    const Regs in = probe_request(round, kFlags);
    regs::syscall(&in, &out);
    check.expect_regs(out, answered(in, out, 0, 0, 0, 0), round);
  }
  tessera::log("%s: %lu calls with my markers in every register and DF AC NT set: only the reply came back: %s\n",
               self::kName, kProbes, check.result());
}

void dropped_calls() {
  regs::Checker check{self::kName};
  Regs out{};
  for (uint64_t round = 0; round < 2; ++round) {  // taken and dropped; then refused at once
    Regs in = probe_request(kProbes + round, kFlags);
    in.rdi = self::caps::kDropper;
    regs::syscall(&in, &out);
    Regs want = regs::unchanged(in, out, 0, 0, 0, 0);
    want.rax = static_cast<uint64_t>(tessera::Status::kPeerDied);
    check.expect_regs(out, want, round);
  }
  tessera::log("%s: a call dropper took and died with, and one after: kPeerDied with my own registers: %s\n",
               self::kName, check.result());
}

/// Calls through a copy of my mirror cap: answered; then kRevoked while the revoke of the
/// original has taken the copy only part apart (it keeps its rights and endpoint until its
/// children are handed up, which takes more than one call's work), again once the revoke is
/// done, and kEmptySlot once the copy is deleted. Each refusal leaves every register as sent.
void revoked_copy() {
  regs::Checker check{self::kName};
  constexpr uint32_t kCopy = self::caps::kFirstFree;
  constexpr uint32_t kChildren = tessera::kWorkPerCall + 8;
  static_assert(kCopy + kChildren < self::caps::kSlotCount);
  check.expect(tessera::sys::cap_copy(self::caps::kMirror, kCopy) == tessera::Status::kOk, 0, "cap_copy");
  for (uint32_t i = 1; i <= kChildren; ++i)
    check.expect(tessera::sys::cap_copy(kCopy, kCopy + i) == tessera::Status::kOk, 0, "cap_copy of the copy");
  const tessera::Status statuses[4] = {tessera::Status::kOk, tessera::Status::kRevoked, tessera::Status::kRevoked,
                                       tessera::Status::kEmptySlot};
  Regs out{};
  for (uint64_t round = 0; round < 4; ++round) {
    if (round == 1) {  // one step of the revoke, not the runtime's loop
      uint64_t done[3] = {};
      const auto s = tessera::sys::detail::call4(tessera::Syscall::kCapRevoke, self::caps::kMirror, 0, 0, 0, done);
      check.expect(s == tessera::Status::kIncomplete, 1, "the first step of the revoke is not the last");
    }
    if (round == 2)
      check.expect(tessera::sys::cap_revoke(self::caps::kMirror) == tessera::Status::kOk, 2, "cap_revoke");
    if (round == 3) check.expect(tessera::sys::cap_delete(kCopy) == tessera::Status::kOk, 3, "cap_delete");
    Regs in = probe_request(kProbes + 2 + round, kFlags);
    in.rdi = kCopy;
    regs::syscall(&in, &out);
    Regs want = round == 0 ? answered(in, out, 0, 0, 0, 0) : regs::unchanged(in, out, 0, 0, 0, 0);
    want.rax = static_cast<uint64_t>(statuses[round]);
    check.expect_regs(out, want, round);
  }
  tessera::log(
      "%s: through a copy of my cap: answered, kRevoked while and after the original is revoked, kEmptySlot once "
      "deleted: %s\n",
      self::kName, check.result());
}

void odd_selectors() {
  // The user data segment as DS and FS (the FS base becomes 0), with RPL 0 as ES, with RPL 2
  // as GS: all loadable in ring 3, none what the kernel leaves. Not a null selector with an
  // RPL: every IRET to ring 3 (any interrupt) makes that 0 [Intel SDM vol2 IRET], whoever runs.
  constexpr uint16_t kDs = regs::kUserData, kEs = 0x18, kFs = regs::kUserData, kGs = 0x1a;
  asm volatile("movw %0, %%ds\n\tmovw %1, %%es\n\tmovw %2, %%fs\n\tmovw %3, %%gs"
               :
               : "r"(kDs), "r"(kEs), "r"(kFs), "r"(kGs)
               : "memory");
  regs::Checker check{self::kName};
  Regs out{};
  for (uint64_t round = 0; round < kSegmentProbes; ++round) {
    const Regs in = probe_request(kProbes + 6 + round, kFlags);
    regs::syscall(&in, &out);
    check.expect_regs(out, answered(in, out, kDs, kEs, kFs, kGs), round);
    check.expect_eq(regs::fs_word(reinterpret_cast<uint64_t>(&g_probe)), g_probe, round, "%fs:&probe (FS base 0)");
  }
  // Null selectors again; the FS base stays 0 (nothing below uses the IPC buffer).
  asm volatile("movw %0, %%ds\n\tmovw %0, %%es\n\tmovw %0, %%fs\n\tmovw %0, %%gs" : : "r"(uint16_t{0}) : "memory");
  tessera::log("%s: %lu calls with DS 0x1b, ES 0x18, FS 0x1b, GS 0x1a: my selectors and FS base came back: %s\n",
               self::kName, kSegmentProbes, check.result());
}

}  // namespace

int main() {
  markers_and_flags();
  dropped_calls();
  revoked_copy();
  odd_selectors();
  tessera::sys::signal(self::caps::kDone);
  return 0;
}
