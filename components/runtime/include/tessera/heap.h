// The component heap: a first-fit allocator over the memory quota the kernel mapped.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace tessera {

/// First-fit over one buffer, blocks with 16-byte headers, neighbours merged on release.
/// Returns nullptr when exhausted; never touches memory outside its buffer.
class Heap {
 public:
  static constexpr size_t kAlign = 16;

  Heap() = default;
  /// Takes [base, base+size); base is rounded up to kAlign.
  void init(void* base, size_t size);

  /// size bytes aligned to `align` (a power of two, at most kAlign), or nullptr.
  void* allocate(size_t size, size_t align = kAlign);
  /// Returns a block from allocate(); nullptr is ignored.
  void release(void* ptr);
  /// Bytes in free blocks (headers excluded).
  size_t free_bytes() const;

 private:
  struct Block {
    uint64_t size;  ///< bytes of the block including this header
    uint64_t used;  ///< 1 while allocated
  };
  static_assert(sizeof(Block) == kAlign);

  Block* first() const { return reinterpret_cast<Block*>(begin_); }
  Block* next(Block* b) const {
    auto* n = reinterpret_cast<Block*>(reinterpret_cast<uint8_t*>(b) + b->size);
    return reinterpret_cast<uint8_t*>(n) < end_ ? n : nullptr;
  }

  uint8_t* begin_ = nullptr;
  uint8_t* end_ = nullptr;
};

namespace heap {
/// The component's heap, set up by the runtime before main().
Heap& instance();

/// Serialises the component's threads around the shared heap. A holder may be preempted,
/// so a waiter can spin for up to a time slice; heap calls are short and rare in hot paths.
class Guard {
 public:
  Guard() {
    while (__atomic_exchange_n(&locked_, true, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
  }
  ~Guard() { __atomic_store_n(&locked_, false, __ATOMIC_RELEASE); }
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  static inline bool locked_ = false;
};

inline void* allocate(size_t size, size_t align = Heap::kAlign) {
  Guard guard;
  return instance().allocate(size, align);
}
inline void release(void* ptr) {
  Guard guard;
  instance().release(ptr);
}
}  // namespace heap

}  // namespace tessera
