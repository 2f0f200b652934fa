// misuse: system call numbers the kernel does not have, and debug_write with every kind of
// pointer and length it must refuse (or take: the lines it prints are in hostile.expect).
#include "probe.h"

namespace probe {
namespace {

using tessera::layout::kPageSize;
using tessera::layout::kStackTop;
using tessera::layout::kUserTop;

/// Text from a writable data page, read through an odd address.
alignas(8) char g_odd[] = "?misuse: a write from an odd address of my data: ok\n";

/// Text from a read-only page.
const char kRodata[] = "misuse: a write from my read-only data: ok\n";

/// Exactly kMaxDebugWrite bytes: 32 lines of 128, each ending in '\n'.
alignas(4096) char g_page[tessera::kMaxDebugWrite];

void fill_page() {
  constexpr unsigned kLine = 128;
  for (unsigned line = 0; line < tessera::kMaxDebugWrite / kLine; ++line) {
    char* p = g_page + line * kLine;
    const char head[] = "misuse: one write of 4096 bytes, line ";
    unsigned n = 0;
    for (const char* h = head; *h != 0; ++h) p[n++] = *h;
    const unsigned number = line + 1;
    p[n++] = static_cast<char>('0' + number / 10);
    p[n++] = static_cast<char>('0' + number % 10);
    for (const char* t = " of 32 "; *t != 0; ++t) p[n++] = *t;
    while (n < kLine - 1) p[n++] = '.';
    p[n] = '\n';
  }
}

Status write(uint64_t addr, uint64_t length) { return call(Syscall::kDebugWrite, addr, length); }

}  // namespace

void check_numbers() {
  // Garbage in every argument register: an unknown number must not look at any of them.
  const Regs junk{kKernelImage, kAll, kNonCanonical, 1, 2, 3, kTop, kAll};
  for (uint64_t n = static_cast<uint64_t>(Syscall::kCount); n <= 64; ++n)
    expect(raw(n, junk).status, Status::kInvalidSyscall, "system call %lu", n);
  // Numbers that name a real call in their low bits: the kernel must look at all 64 bits.
  const uint64_t wide[] = {kTop, kAll, 1ull << 32, (1ull << 32) | 1, 0xffff'ffffull, 0x100 | 13, kTop | 14};
  for (uint64_t n : wide) expect(raw(n, junk).status, Status::kInvalidSyscall, "system call 0x%lx", n);
  expect(raw(Syscall::kNull, junk).status, Status::kOk, "the null call with garbage arguments");
  // Timeouts beyond about 35 years are mistakes, refused before anything waits.
  expect(call(Syscall::kSleep, (1ull << 40) + 1), Status::kInvalidArgument, "sleep for 2^40 + 1 ms");
  expect(call(Syscall::kSleep, kAll), Status::kInvalidArgument, "sleep for ~0 ms");
  const Answer cpu = raw(Syscall::kCpuId, junk);
  expect(cpu.status, Status::kOk, "cpu_id");
  expect_true(cpu.out.rdi == 0 && cpu.out.rsi == 3, "cpu_id says CPU 0 of 3 (got %lu of %lu)", cpu.out.rdi,
              cpu.out.rsi);
}

void check_debug_write() {
  const uint64_t odd = reinterpret_cast<uint64_t>(hide(g_odd)) + 1;
  expect(write(0, 16), Status::kBadAddress, "debug_write of 16 bytes at NULL");
  expect(write(0, 0), Status::kOk, "debug_write of no bytes at NULL");
  expect(write(kKernelImage, 16), Status::kBadAddress, "debug_write from the kernel image");
  expect(write(kKernelImage, 0), Status::kBadAddress, "debug_write of no bytes at the kernel image");
  expect(write(kDirectMap, 16), Status::kBadAddress, "debug_write from the kernel's direct map");
  expect(write(kNonCanonical, 16), Status::kBadAddress, "debug_write from the first non-canonical address");
  expect(write(kTop, 16), Status::kBadAddress, "debug_write from 1 << 63");
  expect(write(kAll - 7, 16), Status::kBadAddress, "debug_write wrapping around the address space");
  expect(write(kUserTop - 8, 16), Status::kBadAddress, "debug_write across the top of the user half");
  // The stack ends at kStackTop; the page above it is not mapped.
  expect(write(kStackTop - 16, 32), Status::kBadAddress, "debug_write from my stack into the unmapped page above it");
  expect(write(kStackTop, 1), Status::kBadAddress, "debug_write from just above my stack");
  expect(write(odd, 0), Status::kOk, "debug_write of no bytes from my data");
  expect(write(odd, sizeof g_odd - 2), Status::kOk, "debug_write from an odd address of my data");
  const uint64_t rodata = reinterpret_cast<uint64_t>(hide(kRodata));
  expect(write(rodata, sizeof kRodata - 1), Status::kOk, "debug_write from my read-only data");
  fill_page();
  const uint64_t page = reinterpret_cast<uint64_t>(hide(g_page));
  expect(write(page, tessera::kMaxDebugWrite), Status::kOk, "debug_write of 4096 bytes");
  // Too long is refused whatever the pointer, before it is looked at.
  expect(write(page, tessera::kMaxDebugWrite + 1), Status::kInvalidArgument, "debug_write of 4097 bytes");
  expect(write(page, kTop), Status::kInvalidArgument, "debug_write of 1 << 63 bytes");
  expect(write(page, kAll), Status::kInvalidArgument, "debug_write of ~0 bytes");
  expect(write(0, tessera::kMaxDebugWrite + 1), Status::kInvalidArgument, "debug_write of 4097 bytes at NULL");
}

}  // namespace probe
