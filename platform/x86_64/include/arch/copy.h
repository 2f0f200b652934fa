// Bulk copy of 64-bit words for the kernel's long messages: one `rep movsq`, which the CPU
// moves in wide chunks (and which costs one instruction per word even under an instruction
// count). DF is clear in the kernel: the system call entry clears it (FMASK) and interrupt
// entries start from clean flags.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace platform {

/// Copies words [0, count) of `src` to `dst`; the ranges do not overlap.
[[gnu::always_inline]] inline void copy_words(uint64_t* dst, const uint64_t* src, size_t count) {
  asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(count) : : "memory");
}

}  // namespace platform
