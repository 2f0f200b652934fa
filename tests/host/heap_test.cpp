// The component heap over a host buffer: alignment, exhaustion, reuse and merging.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "tessera/heap.h"

using tessera::Heap;

TEST_CASE("allocations are aligned, disjoint and inside the buffer") {
  alignas(16) static uint8_t buffer[4096];
  Heap heap;
  heap.init(buffer, sizeof(buffer));
  std::vector<uint8_t*> blocks;
  for (int i = 0; i < 10; ++i) {
    auto* p = static_cast<uint8_t*>(heap.allocate(24 + i));
    REQUIRE(p != nullptr);
    CHECK(reinterpret_cast<uintptr_t>(p) % 16 == 0);
    CHECK(p >= buffer);
    CHECK(p + 24 + i <= buffer + sizeof(buffer));
    std::memset(p, i, 24 + i);
    blocks.push_back(p);
  }
  for (int i = 0; i < 10; ++i)
    for (int j = 0; j < 24 + i; ++j) CHECK(blocks[i][j] == i);  // nobody overwrote anybody
}

TEST_CASE("exhaustion returns nullptr, release makes room again") {
  alignas(16) static uint8_t buffer[1024];
  Heap heap;
  heap.init(buffer, sizeof(buffer));
  void* big = heap.allocate(900);
  REQUIRE(big != nullptr);
  CHECK(heap.allocate(200) == nullptr);
  CHECK(heap.allocate(1u << 20) == nullptr);
  heap.release(big);
  CHECK(heap.allocate(900) != nullptr);
}

TEST_CASE("freed neighbours merge into one block") {
  alignas(16) static uint8_t buffer[2048];
  Heap heap;
  heap.init(buffer, sizeof(buffer));
  size_t initial = heap.free_bytes();
  void* a = heap.allocate(500);
  void* b = heap.allocate(500);
  void* c = heap.allocate(500);
  REQUIRE((a && b && c));
  CHECK(heap.allocate(1000) == nullptr);
  heap.release(b);
  heap.release(a);  // a merges with the free b behind it
  void* d = heap.allocate(1000);
  CHECK(d == a);
  heap.release(d);
  heap.release(c);
  heap.release(nullptr);
  CHECK(heap.free_bytes() == initial);
}

TEST_CASE("bad alignments and tiny buffers are refused, not faulted") {
  alignas(16) static uint8_t buffer[256];
  Heap heap;
  heap.init(buffer + 3, 8);  // too small for a block once aligned
  CHECK(heap.allocate(1) == nullptr);
  heap.init(buffer, sizeof(buffer));
  CHECK(heap.allocate(8, 64) == nullptr);
  CHECK(heap.allocate(8, 3) == nullptr);
  CHECK(heap.allocate(8, 8) != nullptr);
}
