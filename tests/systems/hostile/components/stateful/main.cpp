// stateful: changes the ring 3 state a thread can change without the kernel (data segment
// selectors, hence the FS base; DF and AC) and sleeps so that its neighbours run on this CPU
// (the judge checks it sees none of it). Awake again, its own state must be as it left it.
// Before that it spins with AC set across timer interrupts: kernel entry must clear AC,
// which would otherwise turn SMAP off in the kernel (the kernel panics if it finds AC set).
#include "component.h"

namespace {

constexpr uint64_t kAc = 1u << 18;
constexpr uint64_t kDf = 1u << 10;
constexpr uint16_t kUserData = 0x1b;

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("stateful: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

}  // namespace

int main() {
  // AC has no effect in ring 3 (CR0.AM is clear), so C code runs normally with it set.
  uint64_t flags;
  asm volatile("pushfq; orq %0, (%%rsp); popfq" : : "r"(kAc) : "memory", "cc");
  const uint64_t start = tessera::sys::clock_ns();
  uint64_t spins = 0;
  while (tessera::sys::clock_ns() - start < 30'000'000) ++spins;  // 30 ms: many ticks
  asm volatile("pushfq; popq %0" : "=r"(flags));
  asm volatile("pushfq; andq %0, (%%rsp); popfq" : : "r"(~kAc) : "memory", "cc");
  expect((flags & kAc) != 0, "AC stayed set in my flags across interrupts and system calls");

  // Selectors and flags for the sleep, in one block: C code must not run with DF set.
  uint16_t ds, es, fs, gs;
  uint64_t after;
  register uint64_t rax asm("rax") = static_cast<uint64_t>(tessera::Syscall::kSleep);
  register uint64_t rdi asm("rdi") = 20;  // ms
  asm volatile(
      "mov %w[sel], %%ds\n"
      "mov %w[sel], %%es\n"
      "mov %w[sel], %%fs\n"  // the FS base is now 0: no IPC buffer until the kernel gives it back
      "mov %w[sel], %%gs\n"
      "pushfq\n"
      "orq %[set], (%%rsp)\n"
      "popfq\n"
      "syscall\n"
      "pushfq\n"
      "popq %[after]\n"
      "mov %%ds, %[ds]\n"
      "mov %%es, %[es]\n"
      "mov %%fs, %[fs]\n"
      "mov %%gs, %[gs]\n"
      "cld\n"
      "xor %%ecx, %%ecx\n"
      "mov %%ecx, %%ds\n"
      "mov %%ecx, %%es\n"
      "mov %%ecx, %%gs\n"
      : "+r"(rax), "+r"(rdi), [after] "=m"(after), [ds] "=m"(ds), [es] "=m"(es), [fs] "=m"(fs), [gs] "=m"(gs)
      : [sel] "r"(kUserData), [set] "r"(kAc | kDf)
      : "rcx", "r11", "rsi", "rdx", "r8", "r9", "r10", "r12", "r13", "memory", "cc");
  // The kernel must have given this thread its own state back, not what the judge ran with.
  // FS stays loaded (base 0): nothing below uses the IPC buffer.
  const bool selectors_kept = ds == kUserData && es == kUserData && fs == kUserData && gs == kUserData;
  const bool flags_kept = (after & (kAc | kDf)) == (kAc | kDf);
  asm volatile("pushfq; andq %0, (%%rsp); popfq" : : "r"(~kAc) : "memory", "cc");
  expect(selectors_kept, "my DS, ES, FS, GS were kept across the sleep");
  expect(flags_kept, "my DF and AC were kept across the sleep");
  tessera::log(failures == 0 ? "stateful: PASS\n" : "stateful: FAIL\n");
  return 0;
}
