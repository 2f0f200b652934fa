// First-fit heap with merging of free neighbours; host-testable (no system calls here).
#include "tessera/heap.h"

namespace tessera {

void Heap::init(void* base, size_t size) {
  auto addr = reinterpret_cast<uintptr_t>(base);
  uintptr_t aligned = (addr + kAlign - 1) & ~uintptr_t{kAlign - 1};
  size_t lost = aligned - addr;
  size_t usable = size > lost ? (size - lost) & ~size_t{kAlign - 1} : 0;
  begin_ = reinterpret_cast<uint8_t*>(aligned);
  end_ = begin_ + usable;
  if (usable >= 2 * sizeof(Block)) {
    *first() = Block{usable, 0};
  } else {
    end_ = begin_;  // too small to hold even one block
  }
}

void* Heap::allocate(size_t size, size_t align) {
  if (align == 0 || align > kAlign || (align & (align - 1)) != 0) return nullptr;
  if (size > static_cast<size_t>(end_ - begin_)) return nullptr;
  uint64_t need = sizeof(Block) + ((size + kAlign - 1) & ~uint64_t{kAlign - 1});
  if (need < 2 * sizeof(Block)) need = 2 * sizeof(Block);
  for (Block* b = begin_ != end_ ? first() : nullptr; b != nullptr; b = next(b)) {
    if (b->used != 0) continue;
    // Merge the free blocks that follow, so fragments left by release() join up again.
    for (Block* n = next(b); n != nullptr && n->used == 0; n = next(b)) b->size += n->size;
    if (b->size < need) continue;
    if (b->size - need >= 2 * sizeof(Block)) {
      auto* rest = reinterpret_cast<Block*>(reinterpret_cast<uint8_t*>(b) + need);
      *rest = Block{b->size - need, 0};
      b->size = need;
    }
    b->used = 1;
    return b + 1;
  }
  return nullptr;
}

void Heap::release(void* ptr) {
  if (ptr == nullptr) return;
  Block* b = static_cast<Block*>(ptr) - 1;
  b->used = 0;
  for (Block* n = next(b); n != nullptr && n->used == 0; n = next(b)) b->size += n->size;
  // Join a free predecessor too, so a fully released heap is one block again. The walk is
  // linear, which suits the few, long-lived blocks of a component's heap.
  for (Block* p = first(); p != b; p = next(p)) {
    if (next(p) == b) {
      if (p->used == 0) p->size += b->size;
      break;
    }
  }
}

size_t Heap::free_bytes() const {
  size_t total = 0;
  for (Block* b = begin_ != end_ ? first() : nullptr; b != nullptr; b = next(b))
    if (b->used == 0) total += b->size - sizeof(Block);
  return total;
}

}  // namespace tessera
