// shooter: proves that unmap flushes every CPU's TLB. The reader thread (CPU 1) loads a
// translation of page X into its TLB; the main thread (CPU 0) then moves X to another frame
// with unmap and map. Without a shootdown the reader would still reach the old frame, which
// keeps its old contents (frames are zeroed when handed out again, not when given back).
#include "component.h"

using tessera::Status;
namespace sys = tessera::sys;

namespace {

constexpr uint64_t kX = tessera::layout::kMapBase;
constexpr uint64_t kY = tessera::layout::kMapBase + 0x10000;

volatile uint32_t g_phase = 0;  // main -> reader
volatile uint32_t g_reader_cpu = ~0u;
volatile uint64_t g_seen[2] = {};  // what the reader read at X in phases 1 and 2
volatile uint32_t g_acks = 0;      // reader -> main

void wait_for(volatile uint32_t& v, uint32_t value) {
  while (__atomic_load_n(&v, __ATOMIC_ACQUIRE) != value) asm volatile("pause");
}

void reader(void*) {
  g_reader_cpu = sys::cpu_id();
  __atomic_store_n(&g_acks, 1, __ATOMIC_RELEASE);
  wait_for(g_phase, 1);
  g_seen[0] = *reinterpret_cast<volatile uint64_t*>(kX);  // the TLB now maps X to frame 1
  __atomic_store_n(&g_acks, 2, __ATOMIC_RELEASE);
  // Spin in ring 3 without entering the kernel: nothing here would flush the TLB.
  wait_for(g_phase, 2);
  g_seen[1] = *reinterpret_cast<volatile uint64_t*>(kX);
  __atomic_store_n(&g_acks, 3, __ATOMIC_RELEASE);
}

alignas(16) uint8_t g_stack[8192];

}  // namespace

int main() {
  const uint32_t my_cpu = sys::cpu_id();
  if (sys::thread_create(reader, nullptr, g_stack, sizeof g_stack) != Status::kOk) return 2;
  wait_for(g_acks, 1);
  tessera::log("shooter: main thread on cpu %u, reader on cpu %u\n", my_cpu, g_reader_cpu);
  if (g_reader_cpu == my_cpu) {
    tessera::log("shooter: both threads on one CPU: FAILED (needs 2 CPUs)\n");
    return 3;
  }
  if (sys::map(kX, 1) != Status::kOk) return 4;  // frame 1 (and the page tables)
  *reinterpret_cast<volatile uint64_t*>(kX) = 0x1111;
  __atomic_store_n(&g_phase, 1, __ATOMIC_RELEASE);
  wait_for(g_acks, 2);

  // Frame 2 at Y; then give both back, frame 2 last, so the next map of X takes frame 2.
  if (sys::map(kY, 1) != Status::kOk) return 5;
  *reinterpret_cast<volatile uint64_t*>(kY) = 0x2222;
  if (sys::unmap(kX, 1) != Status::kOk || sys::unmap(kY, 1) != Status::kOk) return 6;
  if (sys::map(kX, 1) != Status::kOk) return 7;
  const uint64_t fresh = *reinterpret_cast<volatile uint64_t*>(kX);
  *reinterpret_cast<volatile uint64_t*>(kX) = 0x3333;
  __atomic_store_n(&g_phase, 2, __ATOMIC_RELEASE);
  wait_for(g_acks, 3);

  tessera::log(
      "shooter: reader saw 0x%lx, then 0x%lx after the remap (0x3333 expected; 0x1111 would be a stale TLB entry)\n",
      g_seen[0], g_seen[1]);
  tessera::log("shooter: the remapped page started as 0x%lx\n", fresh);
  const bool ok = g_seen[0] == 0x1111 && g_seen[1] == 0x3333 && fresh == 0;
  tessera::log(ok ? "shooter: PASS\n" : "shooter: FAIL\n");
  return ok ? 0 : 1;
}
