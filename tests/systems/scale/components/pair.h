// What the scale system's servers and clients share: their pair number, from their names
// (s<n> and c<n>, as make_system.py names them), and the answer a pair's server gives.
#pragma once

#include <stdint.h>

inline uint64_t pair_number(const char* name) {
  uint64_t n = 0;
  for (const char* p = name; *p != '\0'; ++p)
    if (*p >= '0' && *p <= '9') n = n * 10 + static_cast<uint64_t>(*p - '0');
  return n;
}

/// What server `pair` answers to `value`: so a client sees that its own server answered.
inline uint64_t pair_answer(uint64_t pair, uint64_t value) { return pair << 32 | ((value + 1) & 0xffff'ffff); }
