// misuse: map and unmap outside the rules (unaligned, no or too many pages, outside the map
// window, over what is mapped, what was never mapped, write and execute together), and the
// quota (`map_quota: 64K`, 16 frames, page tables included) neither leaking nor overdrawn.
#include "probe.h"

namespace probe {
namespace {

using tessera::layout::kHeapBase;
using tessera::layout::kImageBase;
using tessera::layout::kIpcBufferBase;
using tessera::layout::kMapBase;
using tessera::layout::kMapWindow;
using tessera::layout::kPageSize;
using tessera::layout::kStackTop;
namespace flags = tessera::map_flags;

constexpr uint64_t kQuotaPages = self::kMapQuota / kPageSize;
constexpr uint64_t kTables = 3;  // a first mapping in the window: a PDPT, a PD and a PT
constexpr uint64_t kWindowPages = kMapWindow / kPageSize;

/// Every word of `pages` pages at addr is `value`.
bool holds(uint64_t addr, uint64_t pages, uint64_t value) {
  for (uint64_t i = 0; i < pages * kPageSize / 8; ++i)
    if (at(addr)[i] != value) return false;
  return true;
}

void fill(uint64_t addr, uint64_t pages, uint64_t value) {
  for (uint64_t i = 0; i < pages * kPageSize / 8; ++i) at(addr)[i] = value;
}

void refused() {
  // Decode errors: alignment, page count and flags come first.
  expect(map(page(0) + 1, 1), Status::kInvalidArgument, "map at an odd address");
  expect(map(page(0) + 0x800, 1), Status::kInvalidArgument, "map half a page in");
  expect(map(page(0), 0), Status::kInvalidArgument, "map of no pages");
  expect(map(page(0), 1, flags::kWrite | flags::kExec), Status::kInvalidArgument, "map writable and executable");
  expect(map(page(0), 1, 1u << 2), Status::kInvalidArgument, "map with an unknown flag");
  expect(map(page(0), 1, kAll), Status::kInvalidArgument, "map with every flag");
  expect(map(kKernelImage + 1, 0, 3), Status::kInvalidArgument, "map with everything wrong");
  // Outside the window, though page aligned: nothing the component has may be replaced.
  const struct {
    uint64_t addr;
    const char* what;
  } outside[] = {
      {0, "page 0"},
      {kImageBase, "my text"},
      {kHeapBase, "my heap"},
      {self::memory::kScratchBase, "my shared region"},
      {kIpcBufferBase, "my IPC buffer"},
      {kStackTop - kPageSize, "my stack"},
      {kMapBase - kPageSize, "the page below the window"},
      {kMapBase + kMapWindow, "the page above the window"},
      {kNonCanonical, "the first non-canonical page"},
      {kDirectMap, "the kernel's direct map"},
      {kKernelImage, "the kernel image"},
      {kAll & ~(kPageSize - 1), "the last page of the address space"},
  };
  for (const auto& o : outside) {
    expect(map(o.addr, 1), Status::kBadAddress, "map at %s", o.what);
    expect(unmap(o.addr, 1), Status::kBadAddress, "unmap at %s", o.what);
  }
  // Too many pages: beyond the window first, then beyond the quota.
  expect(map(page(0), kTop), Status::kBadAddress, "map of 1 << 63 pages");
  expect(map(page(0), kAll), Status::kBadAddress, "map of ~0 pages");
  expect(map(page(0), kWindowPages + 1), Status::kBadAddress, "map of one page more than the window");
  expect(map(page(kWindowPages - 1), 2), Status::kBadAddress, "map across the end of the window");
  expect(map(page(0), kWindowPages), Status::kOutOfMemory, "map of the whole window");
  expect(map(page(0), kQuotaPages + 1), Status::kOutOfMemory, "map of more pages than the quota");
  expect(map(page(0), kQuotaPages), Status::kOutOfMemory, "map of the quota without room for page tables");
  expect(map(page(0), kQuotaPages - kTables + 1), Status::kOutOfMemory, "map of one page too many");
  expect(unmap(page(0), kTop), Status::kBadAddress, "unmap of 1 << 63 pages");
  expect(unmap(page(0), kWindowPages), Status::kNotMapped, "unmap of the whole window");
  expect(unmap(page(0), 0), Status::kInvalidArgument, "unmap of no pages");
  expect(unmap(page(0) + 8, 1), Status::kInvalidArgument, "unmap at an unaligned address");
  expect(unmap(page(0), 1), Status::kNotMapped, "unmap of a page never mapped");
}

}  // namespace

void check_map() {
  refused();
  // Every frame of the quota: page tables plus the rest as pages.
  const uint64_t all = kQuotaPages - kTables;
  expect(map(page(0), all), Status::kOk, "map of the whole quota");
  expect_true(holds(page(0), all, 0), "freshly mapped pages are zero");
  fill(page(0), all, 0x6d69737573650000);
  expect(map(page(all), 1), Status::kOutOfMemory, "map beyond the quota");
  expect(map(page(all - 1), 2), Status::kAlreadyMapped, "map over the last mapped page");
  expect(map(page(0), 1), Status::kAlreadyMapped, "map over the first mapped page");
  expect(map(page(3), 1, flags::kExec), Status::kAlreadyMapped, "map over a page, executable");
  // Unmaps that must leave everything in place.
  expect(unmap(page(all - 1), 2), Status::kNotMapped, "unmap of a mapped and an unmapped page");
  expect(unmap(page(all), 1), Status::kNotMapped, "unmap just beyond the mapped pages");
  expect(unmap(page(0), kQuotaPages + 1), Status::kNotMapped, "unmap of more pages than the quota holds");
  expect_true(holds(page(0), all, 0x6d69737573650000), "refused unmaps left every page as it was");
  // Give two back and take them again: they come back zeroed.
  expect(unmap(page(4), 2), Status::kOk, "unmap of two pages in the middle");
  expect(unmap(page(4), 1), Status::kNotMapped, "unmap of a page just unmapped");
  expect(map(page(4), 2, 0), Status::kOk, "map the two pages again, read-only");
  expect_true(holds(page(4), 2, 0), "pages mapped again are zero, not what was written before");
  expect(map(page(all), 1), Status::kOutOfMemory, "still no frame beyond the quota");
  expect(unmap(page(0), all), Status::kOk, "unmap of everything mapped");
  expect(unmap(page(0), all), Status::kNotMapped, "unmap of everything again");
  // Page tables stay, pages come back: the same amount fits over and over.
  for (unsigned i = 0; i < 1000; ++i) {
    const uint64_t n = 1 + i % all;
    const uint64_t first = (i * 7) % (all - n + 1);
    const uint64_t f = i % 3 == 0 ? flags::kExec : flags::kWrite;
    if (!expect(map(page(first), n, f), Status::kOk, "loop %u: map of %lu pages", i, n)) break;
    expect(map(page(first + n - 1), 1), Status::kAlreadyMapped, "loop %u: map over the last of them", i);
    // Exactly the frames left fit; one more does not (the tables exist already).
    expect(map(page(64), all - n + 1), Status::kOutOfMemory, "loop %u: map of one frame more than is left", i);
    if (n < all) {
      expect(map(page(64), all - n), Status::kOk, "loop %u: map of the frames left", i);
      expect(unmap(page(64), all - n), Status::kOk, "loop %u: unmap of them", i);
    }
    expect(unmap(page(first), n + 1), Status::kNotMapped, "loop %u: unmap of one page too many", i);
    expect(unmap(page(first), n), Status::kOk, "loop %u: unmap", i);
  }
  expect(map(page(0), all), Status::kOk, "map of the whole quota after the loop (nothing leaked)");
  expect(unmap(page(0), all), Status::kOk, "unmap of it");
}

}  // namespace probe
