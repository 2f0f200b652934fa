// The host tests' bulk word copy: a plain loop (the target's is one instruction).
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace platform {

/// Copies words [0, count) of `src` to `dst`; the ranges do not overlap.
inline void copy_words(uint64_t* dst, const uint64_t* src, size_t count) {
  for (size_t i = 0; i < count; ++i) dst[i] = src[i];
}

}  // namespace platform
