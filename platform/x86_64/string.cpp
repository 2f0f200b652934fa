// Freestanding memcpy/memmove/memset/memcmp: gcc emits calls to them even with -ffreestanding.
// String instructions keep gcc from turning the loops back into calls to these functions.
// memcpy and memset move eight bytes a step (rep movsq / rep stosq) and only the last few
// bytes one at a time: a frame is 512 steps, not 4096. That matters on every CPU with slow
// byte strings and most under QEMU with -icount, where each step of a rep counts as one
// instruction.
#include <stddef.h>
#include <stdint.h>

extern "C" {

void* memcpy(void* dest, const void* src, size_t n) {
  void* d = dest;
  size_t quads = n / 8;
  size_t bytes = n % 8;
  asm volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(quads) : : "memory");
  asm volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
  return dest;
}

void* memmove(void* dest, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dest);
  const auto* s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) return memcpy(dest, src, n);
  // Overlap with dest above src: copy backwards.
  d += n - 1;
  s += n - 1;
  asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
  return dest;
}

void* memset(void* dest, int value, size_t n) {
  void* d = dest;
  size_t quads = n / 8;
  size_t bytes = n % 8;
  const uint64_t pattern = 0x0101'0101'0101'0101ull * static_cast<uint8_t>(value);
  asm volatile("rep stosq" : "+D"(d), "+c"(quads) : "a"(pattern) : "memory");
  asm volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
  return dest;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

// A pure virtual call can only be a kernel bug.
[[noreturn]] void __cxa_pure_virtual();
void __cxa_pure_virtual() {
  asm volatile("ud2");
  __builtin_unreachable();
}

}  // extern "C"
