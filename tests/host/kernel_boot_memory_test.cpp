// Boot memory and kernel stacks: packed objects, packed stacks with end markers, the tally
// by use, and the overflow check that stops the kernel.
#include <doctest/doctest.h>

#include "kernel/boot_memory.h"
#include "kernel/cpu.h"
#include "kernel/kernel_stack.h"
#include "tests/host/fake_platform.h"

namespace kernel {
namespace {

using tessera::layout::kPageSize;

TEST_CASE("boot memory packs small objects and gives big ones frames of their own") {
  BootMemory m;
  m.begin();
  auto* a = static_cast<uint8_t*>(m.take(100, 8, BootUse::kObjects));
  auto* b = static_cast<uint8_t*>(m.take(100, 64, BootUse::kObjects));
  auto* c = static_cast<uint8_t*>(m.take(24, 8, BootUse::kObjects));
  REQUIRE(a != nullptr);
  CHECK(b == a + 128);  // aligned to 64, right after a
  CHECK(c == b + 104);  // aligned to 8
  CHECK(reinterpret_cast<uint64_t>(b) % 64 == 0);
  for (int i = 0; i < 224; ++i) CHECK(a[i] == 0);
  auto* big = m.take(5 * kPageSize - 10, 8, BootUse::kObjects);  // beyond a quarter chunk
  CHECK(reinterpret_cast<uint64_t>(big) % kPageSize == 0);
  const BootTally t = m.tally();
  CHECK(t[BootUse::kObjects] == 256 + 5 * kPageSize);  // alignment gaps count
  CHECK(t[BootUse::kPageTables] == 0);
  CHECK(m.unused() == BootMemory::kChunkPages * kPageSize - 256);
}

TEST_CASE("kernel stacks are packed back to back, each marked at its end") {
  BootMemory m;
  m.begin();
  uint64_t tops[9];
  for (uint64_t& top : tops) top = m.kernel_stack();
  for (int i = 1; i < 8; ++i) CHECK(tops[i] == tops[i - 1] + kKernelStackBytes);  // one chunk: 8 stacks
  for (uint64_t top : tops) {
    CHECK(top % 16 == 0);
    CHECK(stack_end_intact(top));
    CHECK(stack_high_water(top) == 0);
  }
  CHECK(m.tally()[BootUse::kKernelStacks] == 9 * kKernelStackBytes);
  CHECK(m.unused() == 7 * kKernelStackBytes);  // the second chunk holds one so far
  // What the platform took by itself counts as page tables.
  platform::alloc_frame();
  CHECK(m.tally()[BootUse::kPageTables] == kPageSize);
  CHECK(m.tally().kernel() == 9 * kKernelStackBytes + kPageSize);
}

TEST_CASE("a thread slot costs its kernel stack, its IPC buffer page and its Thread: at most 8 KiB") {
  CHECK(kBytesPerThreadSlot == kKernelStackBytes + kPageSize + sizeof(Thread));
  CHECK(kBytesPerThreadSlot <= 8192);
}

TEST_CASE("the high-water mark is the deepest non-zero word") {
  BootMemory m;
  const uint64_t top = m.kernel_stack();
  reinterpret_cast<uint64_t*>(top)[-3] = 1;
  CHECK(stack_high_water(top) == 24);
  reinterpret_cast<uint64_t*>(top - 1000)[0] = 0xff;
  CHECK(stack_high_water(top) == 1000);
}

TEST_CASE("a kernel stack that ran past its end stops the kernel") {
  BootMemory m;
  const uint64_t below = m.kernel_stack();
  const uint64_t top = m.kernel_stack();
  Cpu cpu;
  Thread t;
  t.context.kernel_stack_top = top;
  cpu.current = &t;
  check_kernel_stack(cpu);  // intact: nothing happens
  // An overflow of `top`'s stack writes its end marker, then the stack below it.
  *stack_end(top) = 0;
  CHECK(stack_end_intact(below));
  CHECK_THROWS_AS(check_kernel_stack(cpu), fake::Shutdown);
}

}  // namespace
}  // namespace kernel
