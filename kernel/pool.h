// A fixed array of kernel objects of one kind, allocated at boot: what a function that
// must look at every object of that kind is given (so host tests can give it theirs).
#pragma once

#include <stdint.h>

namespace kernel {

template <class T>
struct Pool {
  T* items = nullptr;
  uint32_t count = 0;

  T* begin() const { return items; }
  T* end() const { return items + count; }
  T& operator[](uint32_t i) const { return items[i]; }
};

}  // namespace kernel
