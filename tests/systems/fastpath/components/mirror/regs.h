// regs.h: a system call made with every register and RFLAGS as the caller chose them, and
// every register as the kernel left it; the checks the components of the fastpath system make
// on what came back. Included by one source file of each component (it defines regs_syscall).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <tessera/runtime.h>

namespace regs {

/// In: what regs_syscall loads (every general register but rsp, then RFLAGS). Out: what the
/// system call left, rsp and the data segment selectors too.
struct Regs {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t flags;
  uint64_t rsp;         ///< out: rsp after the system call
  uint64_t rsp_before;  ///< out: rsp at the `syscall`
  uint16_t ds, es, fs, gs;
};
static_assert(offsetof(Regs, r15) == 112 && offsetof(Regs, flags) == 120 && offsetof(Regs, rsp) == 128);
static_assert(offsetof(Regs, rsp_before) == 136 && offsetof(Regs, ds) == 144 && offsetof(Regs, gs) == 150);

/// The message registers (mr[0..5] of the ABI: rdx, r10, r8, r9, r12, r13).
inline uint64_t& mr(Regs& r, unsigned i) {
  uint64_t* regs[6] = {&r.rdx, &r.r10, &r.r8, &r.r9, &r.r12, &r.r13};
  return *regs[i];
}
inline uint64_t mr(const Regs& r, unsigned i) { return mr(const_cast<Regs&>(r), i); }

// RFLAGS bits [Intel SDM vol1 §3.4.3].
inline constexpr uint64_t kCf = 1u << 0, kPf = 1u << 2, kAf = 1u << 4, kZf = 1u << 6, kSf = 1u << 7;
inline constexpr uint64_t kTf = 1u << 8, kDf = 1u << 10, kOf = 1u << 11, kNt = 1u << 14;
inline constexpr uint64_t kAc = 1u << 18, kId = 1u << 21;
/// IF and the always-one bit: every thread runs with them.
inline constexpr uint64_t kBaseFlags = 0x202;
/// What docs/platform-x86_64.md lets ring 3 keep across a system call: CF PF AF ZF SF TF DF
/// OF AC ID (NT and IOPL never come back).
inline constexpr uint64_t kKeptFlags = kCf | kPf | kAf | kZf | kSf | kTf | kDf | kOf | kAc | kId;

inline constexpr uint16_t kUserData = 0x1b;  ///< the user data selector (GDT index 3, RPL 3)

/// A value nobody else uses: the component's tag, the round, the register.
constexpr uint64_t marker(uint64_t tag, uint64_t round, unsigned reg) {
  return tag << 48 | (round & 0xffffffffu) << 8 | reg;
}

/// Fills every register of `in` with markers (rax, the number, and rdi, the slot, too: the
/// caller overwrites what the call needs).
inline void fill(Regs& in, uint64_t tag, uint64_t round) {
  uint64_t* all[15] = {&in.rax, &in.rbx, &in.rcx, &in.rdx, &in.rsi, &in.rdi, &in.rbp, &in.r8,
                       &in.r9,  &in.r10, &in.r11, &in.r12, &in.r13, &in.r14, &in.r15};
  for (unsigned i = 0; i < 15; ++i) *all[i] = marker(tag, round, i + 1);
}

extern "C" void regs_syscall(const Regs* in, Regs* out);
extern "C" char regs_syscall_return[];

/// The system call `in` describes; `out` receives what came back.
inline void syscall(const Regs* in, Regs* out) { regs_syscall(in, out); }

/// What a system call must leave when it changes nothing but rax: every register as sent,
/// rcx the return address and r11 the flags sysret loaded (docs/abi.md), rsp as it was,
/// RFLAGS as sent (the bits ring 3 keeps, with IF), and the selectors given.
inline Regs unchanged(const Regs& in, const Regs& out, uint16_t ds, uint16_t es, uint16_t fs, uint16_t gs) {
  Regs want = in;
  want.rcx = reinterpret_cast<uint64_t>(regs_syscall_return);
  want.flags = want.r11 = (in.flags & kKeptFlags) | kBaseFlags;
  want.rsp = out.rsp_before;
  want.rsp_before = out.rsp_before;
  want.ds = ds;
  want.es = es;
  want.fs = fs;
  want.gs = gs;
  return want;
}

/// Counts what differs from what was expected, and says the first few.
class Checker {
 public:
  explicit Checker(const char* who) : who_(who) {}

  void expect(bool ok, uint64_t round, const char* what) {
    if (ok) return;
    ++failures_;
    if (++said_ <= 8) tessera::log("%s: round %lu: %s: FAILED\n", who_, round, what);
  }

  void expect_eq(uint64_t got, uint64_t want, uint64_t round, const char* what) {
    if (got == want) return;
    ++failures_;
    if (++said_ <= 8) tessera::log("%s: round %lu: %s is 0x%lx, not 0x%lx: FAILED\n", who_, round, what, got, want);
  }

  /// Every register, RFLAGS, rsp and the selectors of `got` against `want`.
  void expect_regs(const Regs& got, const Regs& want, uint64_t round) {
    static const char* const kNames[16] = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "r8",
                                           "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rflags"};
    const uint64_t* g = &got.rax;
    const uint64_t* w = &want.rax;
    for (unsigned i = 0; i < 16; ++i) expect_eq(g[i], w[i], round, kNames[i]);
    expect_eq(got.rsp, want.rsp, round, "rsp");
    expect_eq(got.ds, want.ds, round, "ds");
    expect_eq(got.es, want.es, round, "es");
    expect_eq(got.fs, want.fs, round, "fs");
    expect_eq(got.gs, want.gs, round, "gs");
  }

  uint64_t failures() const { return failures_; }
  const char* result() const { return failures_ == 0 ? "ok" : "FAILED"; }

 private:
  const char* who_;
  uint64_t failures_ = 0;
  unsigned said_ = 0;
};

/// The word at %fs:offset: with the FS base the kernel gave thread 0 (its IPC buffer),
/// %fs:0 is the buffer's own address; with a base of 0, %fs:&x is x.
inline uint64_t fs_word(uint64_t offset) {
  uint64_t value;
  asm volatile("movq %%fs:(%1), %0" : "=r"(value) : "r"(offset) : "memory");
  return value;
}

}  // namespace regs

// Loads *in (RFLAGS last, right before the `syscall`, so that a trap flag set there takes
// effect only at the return to ring 3), makes the system call, and stores every register,
// RFLAGS, rsp and the selectors into *out. Returns with DF, AC, TF and NT clear, as C code
// must run.
asm(R"(
  .pushsection .text
  .globl regs_syscall
  .globl regs_syscall_return
  .type regs_syscall, @function
regs_syscall:
  pushq %rbx
  pushq %rbp
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  pushq %rsi
  movq %rsp, 136(%rsi)
  pushq 120(%rdi)
  movq 0(%rdi), %rax
  movq 8(%rdi), %rbx
  movq 16(%rdi), %rcx
  movq 24(%rdi), %rdx
  movq 32(%rdi), %rsi
  movq 48(%rdi), %rbp
  movq 56(%rdi), %r8
  movq 64(%rdi), %r9
  movq 72(%rdi), %r10
  movq 80(%rdi), %r11
  movq 88(%rdi), %r12
  movq 96(%rdi), %r13
  movq 104(%rdi), %r14
  movq 112(%rdi), %r15
  movq 40(%rdi), %rdi
  popfq
  syscall
regs_syscall_return:
  pushfq
  pushq %rax
  movq 16(%rsp), %rax
  movq %rbx, 8(%rax)
  movq %rcx, 16(%rax)
  movq %rdx, 24(%rax)
  movq %rsi, 32(%rax)
  movq %rdi, 40(%rax)
  movq %rbp, 48(%rax)
  movq %r8, 56(%rax)
  movq %r9, 64(%rax)
  movq %r10, 72(%rax)
  movq %r11, 80(%rax)
  movq %r12, 88(%rax)
  movq %r13, 96(%rax)
  movq %r14, 104(%rax)
  movq %r15, 112(%rax)
  popq 0(%rax)
  popq 120(%rax)
  movq %rsp, 128(%rax)
  movw %ds, 144(%rax)
  movw %es, 146(%rax)
  movw %fs, 148(%rax)
  movw %gs, 150(%rax)
  addq $8, %rsp
  pushfq
  andq $~0x44500, (%rsp)
  popfq
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbp
  popq %rbx
  ret
  .size regs_syscall, . - regs_syscall
  .popsection
)");
