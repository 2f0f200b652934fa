// Inline wrappers for the x86_64 instructions the platform needs: port I/O, MSRs, control
// registers, CPUID. Nothing here keeps state.
#pragma once

#include <stdint.h>

namespace platform::x86 {

// Model-specific registers [Intel SDM vol4 §2.1].
enum class Msr : uint32_t {
  kEfer = 0xc000'0080,
  kStar = 0xc000'0081,
  kLstar = 0xc000'0082,
  kFmask = 0xc000'0084,
  kFsBase = 0xc000'0100,
  kGsBase = 0xc000'0101,
  kKernelGsBase = 0xc000'0102,
};

// Control register bits [Intel SDM vol3 §2.5].
inline constexpr uint64_t kCr0Pe = 1ull << 0;   // protected mode
inline constexpr uint64_t kCr0Mp = 1ull << 1;   // WAIT honours TS
inline constexpr uint64_t kCr0Em = 1ull << 2;   // no x87: x87 instructions #NM, MMX and SSE #UD
inline constexpr uint64_t kCr0Ts = 1ull << 3;   // task switched: x87 and WAIT #NM
inline constexpr uint64_t kCr0Et = 1ull << 4;   // always 1
inline constexpr uint64_t kCr0Ne = 1ull << 5;   // x87 errors as #MF, never the FERR#/IRQ 13 line
inline constexpr uint64_t kCr0Wp = 1ull << 16;  // the kernel honours read-only pages
inline constexpr uint64_t kCr0Pg = 1ull << 31;  // paging
inline constexpr uint64_t kCr4Tsd = 1ull << 2;
inline constexpr uint64_t kCr4Pce = 1ull << 8;
inline constexpr uint64_t kCr4Osfxsr = 1ull << 9;
inline constexpr uint64_t kCr4Osxmmexcpt = 1ull << 10;
inline constexpr uint64_t kCr4Fsgsbase = 1ull << 16;
inline constexpr uint64_t kCr4Osxsave = 1ull << 18;
inline constexpr uint64_t kCr4Pke = 1ull << 22;
inline constexpr uint64_t kCr4Cet = 1ull << 23;
inline constexpr uint64_t kCr4Pge = 1ull << 7;
inline constexpr uint64_t kCr4Umip = 1ull << 11;
inline constexpr uint64_t kCr4Smep = 1ull << 20;
inline constexpr uint64_t kCr4Smap = 1ull << 21;

// RFLAGS bits [Intel SDM vol1 §3.4.3].
inline constexpr uint64_t kFlagTf = 1ull << 8;
inline constexpr uint64_t kFlagIf = 1ull << 9;
inline constexpr uint64_t kFlagDf = 1ull << 10;
inline constexpr uint64_t kFlagNt = 1ull << 14;
inline constexpr uint64_t kFlagAc = 1ull << 18;

inline void outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

inline uint64_t rdmsr(Msr msr) {
  uint32_t low, high;
  asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(static_cast<uint32_t>(msr)));
  return static_cast<uint64_t>(high) << 32 | low;
}
inline void wrmsr(Msr msr, uint64_t value) {
  asm volatile("wrmsr"
               :
               : "c"(static_cast<uint32_t>(msr)), "a"(static_cast<uint32_t>(value)),
                 "d"(static_cast<uint32_t>(value >> 32))
               : "memory");
}

inline uint64_t read_rflags() {
  uint64_t value;
  asm volatile("pushfq; popq %0" : "=r"(value));
  return value;
}
inline uint64_t read_cr0() {
  uint64_t value;
  asm volatile("mov %%cr0, %0" : "=r"(value));
  return value;
}
inline void write_cr0(uint64_t value) { asm volatile("mov %0, %%cr0" : : "r"(value) : "memory"); }
inline uint64_t read_cr2() {
  uint64_t value;
  asm volatile("mov %%cr2, %0" : "=r"(value));
  return value;
}
inline uint64_t read_cr3() {
  uint64_t value;
  asm volatile("mov %%cr3, %0" : "=r"(value));
  return value;
}
inline void write_cr3(uint64_t value) { asm volatile("mov %0, %%cr3" : : "r"(value) : "memory"); }
inline uint64_t read_cr4() {
  uint64_t value;
  asm volatile("mov %%cr4, %0" : "=r"(value));
  return value;
}
inline void write_cr4(uint64_t value) { asm volatile("mov %0, %%cr4" : : "r"(value) : "memory"); }

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};
inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
  return r;
}

inline void invlpg(uint64_t vaddr) { asm volatile("invlpg (%0)" : : "r"(vaddr) : "memory"); }

}  // namespace platform::x86
