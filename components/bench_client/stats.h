// Order statistics over a sample of deltas: minimum and median without a full sort.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace bench {

/// The k-th smallest of v[0..n) (0-based), reordering v (Hoare's selection).
inline uint32_t select_kth(uint32_t* v, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    uint32_t pivot = v[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) ++i;
      while (v[j] > pivot) --j;
      if (i <= j) {
        uint32_t t = v[i];
        v[i] = v[j];
        v[j] = t;
        ++i;
        if (j == 0) break;
        --j;
      }
    }
    if (k <= j) {
      hi = j;
    } else if (k >= i) {
      lo = i;
    } else {
      return v[k];
    }
  }
  return v[k];
}

struct Summary {
  uint32_t median;
  uint32_t min;
};

/// Median (lower middle for even n) and minimum; reorders v. Precondition: n > 0.
inline Summary summarize(uint32_t* v, size_t n) {
  uint32_t lowest = v[0];
  for (size_t i = 1; i < n; ++i)
    if (v[i] < lowest) lowest = v[i];
  return {select_kth(v, n, (n - 1) / 2), lowest};
}

}  // namespace bench
