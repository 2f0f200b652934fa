// misuse: raw system calls and the check that each returns exactly the status it must.
#pragma once

#include "component.h"

namespace self = misuse;

namespace probe {

using tessera::Status;
using tessera::Syscall;

/// The registers a system call reads (tessera/abi.h): rdi, rsi, then MR0..MR5.
struct Regs {
  uint64_t rdi = 0, rsi = 0, rdx = 0, r10 = 0, r8 = 0, r9 = 0, r12 = 0, r13 = 0;
};

/// What came back: the status in rax and every register the kernel may write.
struct Answer {
  Status status;
  Regs out;
};

/// One `syscall` instruction with rax = `number` and every argument register set; nothing
/// of the runtime's wrappers in between (they would refuse or clamp some of these values).
inline Answer raw(uint64_t number, const Regs& in) {
  register uint64_t rax asm("rax") = number;
  register uint64_t rdi asm("rdi") = in.rdi;
  register uint64_t rsi asm("rsi") = in.rsi;
  register uint64_t rdx asm("rdx") = in.rdx;
  register uint64_t r10 asm("r10") = in.r10;
  register uint64_t r8 asm("r8") = in.r8;
  register uint64_t r9 asm("r9") = in.r9;
  register uint64_t r12 asm("r12") = in.r12;
  register uint64_t r13 asm("r13") = in.r13;
  asm volatile("syscall"
               : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13)
               :
               : "rcx", "r11", "memory");
  return Answer{static_cast<Status>(rax), Regs{rdi, rsi, rdx, r10, r8, r9, r12, r13}};
}

inline Answer raw(Syscall number, const Regs& in) { return raw(static_cast<uint64_t>(number), in); }

/// The status of a call with up to four arguments (rdi, rsi, rdx, r10).
inline Status call(Syscall number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
  return raw(number, Regs{a0, a1, a2, a3}).status;
}

/// Counts a check; on a mismatch prints `misuse: <what>: got <status>, expected <status>:
/// FAILED`. Returns whether it matched.
bool expect(Status got, Status want, const char* what, ...) __attribute__((format(printf, 3, 4)));

/// Counts a check of a plain condition; prints `misuse: <what>: FAILED` when it is false.
bool expect_true(bool ok, const char* what, ...) __attribute__((format(printf, 2, 3)));

uint64_t checks();
uint64_t failures();

/// Keeps the optimiser from proving anything about a value (an address above all).
template <class T>
T hide(T value) {
  asm volatile("" : "+r"(value));
  return value;
}

/// map and unmap in the map window, through raw calls (flags: tessera::map_flags).
inline Status map(uint64_t addr, uint64_t pages, uint64_t flags = tessera::map_flags::kWrite) {
  return call(Syscall::kMap, addr, pages, flags);
}
inline Status unmap(uint64_t addr, uint64_t pages) { return call(Syscall::kUnmap, addr, pages); }

/// Page `n` of the map window, and a word at an address the optimiser cannot see through.
inline uint64_t page(uint64_t n) { return tessera::layout::kMapBase + n * tessera::layout::kPageSize; }
inline volatile uint64_t* at(uint64_t addr) { return reinterpret_cast<volatile uint64_t*>(hide(addr)); }

inline constexpr uint64_t kKernelImage = 0xffff'ffff'8000'0000;   ///< where the kernel is linked
inline constexpr uint64_t kDirectMap = 0xffff'8000'0000'0000;     ///< the kernel's map of all RAM
inline constexpr uint64_t kNonCanonical = 0x0000'8000'0000'0000;  ///< the first non-user address
inline constexpr uint64_t kAll = ~uint64_t{0};
inline constexpr uint64_t kTop = 1ull << 63;

/// Notes what each cap slot holds; caps() checks at its end that the table is as it was.
void remember_table();

// The parts of the suite, in the order main runs them.
void check_numbers();
void check_debug_write();
void check_ipc();
void check_threads();
void check_map();
void check_regions();
void check_caps();

}  // namespace probe
