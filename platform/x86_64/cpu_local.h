// Per-CPU state: the block GS points at in the kernel, and the descriptor tables of each CPU.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tessera/abi.h"

namespace platform::x86 {

using tessera::kMaxCpus;  // the one CPU limit, codegen/abi.yaml

/// Selectors. The order is fixed by syscall/sysret: STAR[47:32] = kernel CS, SS = CS + 8;
/// STAR[63:48] + 8 = user SS, + 16 = user CS [Intel SDM vol2 SYSCALL, SYSRET].
inline constexpr uint16_t kKernelCode = 0x08;
inline constexpr uint16_t kKernelData = 0x10;
inline constexpr uint16_t kUserData = 0x18 | 3;
inline constexpr uint16_t kUserCode = 0x20 | 3;
inline constexpr uint16_t kTssSelector = 0x28;
inline constexpr uint16_t kSysretBase = 0x10;  // user SS = 0x18, user CS = 0x20

/// 64-bit TSS followed by its I/O permission bitmap [Intel SDM vol3 §8.7, vol1 §19.5.2].
struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];  ///< rsp[0]: stack for entries from ring 3
  uint64_t reserved1;
  uint64_t ist[7];  ///< ist[n-1]: stack n of the interrupt stack table
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t io_map_base;  ///< offset of io_bitmap from the start of the TSS
  /// One bit per port, set = denied. The byte after the map must be 0xff because the CPU
  /// reads two bytes for every check.
  uint8_t io_bitmap[65536 / 8 + 1];
};
static_assert(offsetof(Tss, rsp) == 4);
static_assert(offsetof(Tss, io_map_base) == 102);
static_assert(offsetof(Tss, io_bitmap) == 104);

/// Stacks of the interrupt stack table, for exceptions that may hit a broken kernel stack.
enum class IstStack : uint8_t { kDoubleFault = 1, kNmi = 2, kMachineCheck = 3 };
inline constexpr size_t kIstStacks = 3;
inline constexpr size_t kIstStackSize = 8192;

/// The block GS points at while the CPU runs kernel code. The first fields are read by
/// assembly (syscall_entry.S, context.S) at the offsets asserted below.
struct PerCpu {
  PerCpu* self;               ///< gs:0, so C++ can find the block with one load
  uint64_t kernel_stack_top;  ///< gs:8, loaded into rsp by the syscall entry
  uint64_t user_rsp;          ///< gs:16, scratch for the user rsp during syscall entry
  void* kernel_data;          ///< gs:24, platform::cpu_data()
  uint64_t current_root;      ///< gs:32, physical PML4 in CR3, to skip redundant loads
  Tss* tss;                   ///< gs:40, to update rsp0 on a thread switch
  uint32_t index;             ///< CPU number, 0 = bootstrap processor
};
static_assert(offsetof(PerCpu, kernel_stack_top) == 8);
static_assert(offsetof(PerCpu, user_rsp) == 16);
static_assert(offsetof(PerCpu, kernel_data) == 24);
static_assert(offsetof(PerCpu, current_root) == 32);
static_assert(offsetof(PerCpu, tss) == 40);

/// Everything one CPU owns. Touched only by that CPU after its bring-up.
struct alignas(4096) CpuTables {
  Tss tss;
  alignas(16) uint64_t gdt[7];
  PerCpu per_cpu;
  alignas(16) uint8_t ist_stacks[kIstStacks][kIstStackSize];
};

/// Sets aside CPU `index`'s tables (1 <= index < kMaxCpus; the bootstrap processor's are
/// static) from boot frames, before the CPU is started: only CPUs that exist cost memory
/// (about 36 KiB each: the I/O bitmap and the IST stacks). False when out of frames.
bool cpu_tables_reserve(uint32_t index);

/// Builds and loads this CPU's GDT, TSS (all I/O ports denied) and GS base, in its tables
/// (CPU 0's static ones, or those cpu_tables_reserve set aside).
void cpu_local_init(uint32_t index, uint64_t kernel_root);

/// Whether this_cpu() may be used: the bootstrap processor has its block, and every other
/// CPU gets its own before it runs anything else.
bool cpu_local_ready();

/// The running CPU's block.
inline PerCpu& this_cpu() {
  PerCpu* self;
  asm volatile("mov %%gs:0, %0" : "=r"(self));
  return *self;
}

}  // namespace platform::x86
