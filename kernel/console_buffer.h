// The kernel console's buffer: whole lines go in, bytes come out for the UART. Nothing here
// waits: writers that find it full decide for themselves (the kernel's own log drops the
// line and counts it; a component's debug_write waits outside the kernel lock).
//
// Invariant: the buffer holds a sequence of whole lines, each ending in '\n'. Every append is
// one or more whole lines, so lines from different CPUs never tear into each other.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel {

class ConsoleBuffer {
 public:
  static constexpr size_t kCapacity = 16384;
  /// Room kept for the kernel's own lines: appends by components stop this short of full,
  /// so a fault report still fits while a component floods the console.
  static constexpr size_t kKernelReserve = 2048;

  enum class Writer : uint8_t { kKernel, kComponent };

  /// Bytes `length` bytes of text take once made whole lines (a final '\n' added if missing).
  static constexpr size_t line_size(const char* text, size_t length) {
    return length + (length == 0 || text[length - 1] != '\n' ? 1 : 0);
  }

  /// Appends `text` as whole lines, adding a final '\n' if it lacks one; false (and nothing
  /// appended) when there is no room for all of it.
  bool append(const char* text, size_t length, Writer who) {
    const size_t bytes = line_size(text, length);
    const size_t limit = who == Writer::kKernel ? kCapacity : kCapacity - kKernelReserve;
    if (used() + bytes > limit) return false;
    for (size_t i = 0; i < length; ++i) put(text[i]);
    if (bytes != length) put('\n');
    return true;
  }

  /// Takes up to `max` of the oldest bytes into `out`; returns how many.
  size_t take(char* out, size_t max) {
    size_t n = 0;
    while (n < max && head_ != tail_) {
      out[n++] = data_[head_ % kCapacity];
      __atomic_store_n(&head_, head_ + 1, __ATOMIC_RELAXED);
    }
    return n;
  }

  size_t used() const { return static_cast<size_t>(tail_ - head_); }
  /// Safe to ask without the lock that guards the buffer (the answer may be stale).
  bool empty() const { return __atomic_load_n(&head_, __ATOMIC_RELAXED) == __atomic_load_n(&tail_, __ATOMIC_RELAXED); }

 private:
  void put(char c) {
    data_[tail_ % kCapacity] = c;
    __atomic_store_n(&tail_, tail_ + 1, __ATOMIC_RELAXED);
  }

  char data_[kCapacity] = {};
  uint64_t head_ = 0;  ///< next byte to take; Invariant: head_ <= tail_ <= head_ + kCapacity
  uint64_t tail_ = 0;  ///< next byte to write
};

/// Assembles one CPU's pieces of kernel log output into lines (the platform's fault dumps
/// print field by field). A line longer than the assembler is broken with a '\n'.
class LineAssembler {
 public:
  static constexpr size_t kLineMax = 200;

  /// Feeds text; calls emit(line, length) for every completed line, '\n' included.
  template <class Emit>
  void feed(const char* text, size_t length, Emit&& emit) {
    for (size_t i = 0; i < length; ++i) {
      line_[used_++] = text[i];
      if (text[i] == '\n') {
        emit(line_, used_);
        used_ = 0;
      } else if (used_ == kLineMax - 1) {
        line_[used_++] = '\n';
        emit(line_, used_);
        used_ = 0;
      }
    }
  }

  /// The unfinished line, if any, ended now (used before a panic powers off).
  template <class Emit>
  void finish(Emit&& emit) {
    if (used_ == 0) return;
    line_[used_++] = '\n';
    emit(line_, used_);
    used_ = 0;
  }

 private:
  char line_[kLineMax] = {};
  size_t used_ = 0;
};

}  // namespace kernel
