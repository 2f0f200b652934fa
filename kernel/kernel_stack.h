// Kernel stacks: one per thread slot and per CPU's idle thread, all of one size, packed
// back to back (boot_memory.h), each with a magic word at its lowest address.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

/// Bytes of every kernel stack. build-tools/stack_depth.py, run by ctest
/// (kernel_stack_depth) on the kernel's call graph, checks that the deepest path of every
/// entry (a system call, an interrupt or fault from ring 3, a new thread's first run, the
/// idle loop), with a kernel fault on top of it, fits in this less kStackEndBytes: read it
/// from here (the test does). See docs/kernel.md, "Kernel memory".
inline constexpr size_t kKernelStackBytes = 3584;

/// The lowest bytes of each stack hold kStackEndMagic; an overflow overwrites it first.
inline constexpr size_t kStackEndBytes = 16;
inline constexpr uint64_t kStackEndMagic = 0x5354'4b45'4e44'2121;  // "!!DNEKTS"

static_assert(kKernelStackBytes % 16 == 0, "stack tops stay 16-byte aligned");

/// Where the magic word of the stack that ends (grows down from) `top` lives.
inline uint64_t* stack_end(uint64_t top) { return reinterpret_cast<uint64_t*>(top - kKernelStackBytes); }

/// Marks the lowest word of a fresh stack.
inline void mark_stack_end(uint64_t top) { *stack_end(top) = kStackEndMagic; }

/// Whether the stack that ends at `top` still has its magic word.
inline bool stack_end_intact(uint64_t top) { return *stack_end(top) == kStackEndMagic; }

/// The most bytes the stack that ends at `top` ever held: from the top down to its lowest
/// non-zero word above the magic one. Stacks start zeroed and are not cleared again, so this
/// is a high-water mark (a few words low if the deepest words written were zeros).
inline size_t stack_high_water(uint64_t top) {
  const auto* word = reinterpret_cast<const uint64_t*>(top - kKernelStackBytes + kStackEndBytes);
  const auto* end = reinterpret_cast<const uint64_t*>(top);
  while (word < end && *word == 0) ++word;
  return static_cast<size_t>(reinterpret_cast<uint64_t>(end) - reinterpret_cast<uint64_t>(word));
}

struct Cpu;

/// Panics, naming the thread, when the stack of what `cpu` runs lost its magic word: it
/// overflowed into the stack below it. Called at every tick of every CPU (cpu_entry.cpp),
/// after a kernel fault (the platform's exception handler) and before a shutdown.
void check_kernel_stack(const Cpu& cpu);

/// Logs the deepest any kernel stack ever went (`kernel: deepest kernel stack ...`), and
/// panics if one of them overflowed. Looks at every stack: for the end of a run.
void log_kernel_stack_use();

}  // namespace kernel
