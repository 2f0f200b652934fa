// misuse: region_map of the shared region `scratch` (8K, rw) at odd addresses, outside the
// map window, over pages already mapped and twice; through copies, a read-only mint, a moved
// cap and a revoked one; and region_map and region_unmap on caps that are not memory caps.
#include "probe.h"

namespace probe {
namespace {

using tessera::layout::kMapBase;
using tessera::layout::kMapWindow;
using tessera::layout::kPageSize;
namespace caps = self::caps;
namespace rights = tessera::rights;

constexpr uint32_t kCopy = caps::kFirstFree;
constexpr uint64_t kPages = self::memory::kScratchSize / kPageSize;
constexpr uint64_t kMagic = 0x5c7a7c4000000000;

Status region_map(uint64_t slot, uint64_t addr) { return call(Syscall::kRegionMap, slot, addr); }
Status region_unmap(uint64_t slot) { return call(Syscall::kRegionUnmap, slot); }

/// The region's words as written through its boot mapping, seen at addr.
bool shows_region(uint64_t addr) {
  for (uint64_t i = 0; i < kPages * kPageSize / 8; i += 61)
    if (at(addr)[i] != (kMagic | i)) return false;
  return true;
}

/// A page of the window is free: map() takes it (and gives it back).
bool page_free(uint64_t addr) {
  if (map(addr, 1) != Status::kOk) return false;
  return unmap(addr, 1) == Status::kOk;
}

void not_memory_caps() {
  const struct {
    uint64_t slot;
    Status want;
    const char* what;
  } slots[] = {
      {0, Status::kEmptySlot, "slot 0"},
      {kCopy, Status::kEmptySlot, "an empty slot"},
      {caps::kSlotCount, Status::kInvalidSlot, "the slot beyond my table"},
      {kAll, Status::kInvalidSlot, "slot ~0"},
      {caps::kEndpoint, Status::kWrongType, "my endpoint"},
      {caps::kPong, Status::kWrongType, "the pong cap"},
  };
  for (const auto& s : slots) {
    expect(region_map(s.slot, page(32)), s.want, "region_map of %s", s.what);
    expect(region_unmap(s.slot), s.want, "region_unmap of %s", s.what);
  }
}

}  // namespace

void check_regions() {
  not_memory_caps();
  for (uint64_t i = 0; i < kPages * kPageSize / 8; ++i) at(self::memory::kScratchBase)[i] = kMagic | i;
  // Mapped at boot: a second mapping through the same cap is refused, wherever it goes.
  expect(region_map(caps::kScratch, page(32)), Status::kAlreadyMapped, "region_map of a region mapped at boot");
  expect(region_map(caps::kScratch, page(32) + 1), Status::kAlreadyMapped, "region_map, mapped, at an odd address");
  expect(region_unmap(caps::kScratch), Status::kOk, "region_unmap of the boot mapping");
  expect(region_unmap(caps::kScratch), Status::kNotMapped, "region_unmap again");
  // Odd addresses and addresses outside the window.
  const uint64_t odd[] = {page(32) + 1, page(32) + 8, page(32) + 0x800, page(33) - 1, kAll};
  for (uint64_t a : odd) expect(region_map(caps::kScratch, a), Status::kInvalidArgument, "region_map at 0x%lx", a);
  const uint64_t outside[] = {self::memory::kScratchBase,
                              0,
                              kMapBase - kPageSize,
                              kMapBase - kPages * kPageSize,
                              kMapBase + kMapWindow,
                              kMapBase + kMapWindow - kPageSize,
                              kNonCanonical,
                              kKernelImage,
                              kDirectMap};
  for (uint64_t a : outside) expect(region_map(caps::kScratch, a), Status::kBadAddress, "region_map at 0x%lx", a);
  // Over a page map() backs, partly.
  expect(map(page(33), 1), Status::kOk, "map a page");
  expect(region_map(caps::kScratch, page(32)), Status::kAlreadyMapped, "region_map over a mapped page (second)");
  expect(region_map(caps::kScratch, page(33)), Status::kAlreadyMapped, "region_map over a mapped page (first)");
  expect(unmap(page(33), 1), Status::kOk, "unmap the page");
  // Mapped, and the same frames as at boot.
  expect(region_map(caps::kScratch, page(32)), Status::kOk, "region_map in the window");
  expect_true(shows_region(page(32)), "the region shows what was written through its boot mapping");
  expect(region_map(caps::kScratch, page(32)), Status::kAlreadyMapped, "region_map twice, same place");
  expect(region_map(caps::kScratch, page(40)), Status::kAlreadyMapped, "region_map twice, elsewhere");
  expect(map(page(33), 1), Status::kAlreadyMapped, "map over the region's pages");
  expect(unmap(page(32), kPages), Status::kNotMapped, "unmap of the region's pages (not map()'s)");
  expect(unmap(page(31), 2), Status::kNotMapped, "unmap of a free page and a region page");
  // A copy maps the same region a second time; deleting it removes only its own mapping.
  expect(call(Syscall::kCapCopy, caps::kScratch, kCopy), Status::kOk, "copy the region's cap");
  expect(region_map(kCopy, page(33)), Status::kAlreadyMapped, "region_map of the copy over the region");
  expect(region_map(kCopy, page(48)), Status::kOk, "region_map of the copy");
  expect_true(shows_region(page(48)), "the copy's mapping shows the region");
  at(page(48))[1] = 0x1234;  // the same frames: what one mapping writes, the other reads
  expect_true(at(page(32))[1] == 0x1234, "a write through the copy's mapping shows in the first");
  at(page(32))[1] = kMagic | 1;
  expect(call(Syscall::kCapDelete, kCopy), Status::kOk, "delete the copy");
  expect_true(page_free(page(48)) && page_free(page(49)), "deleting the copy unmapped its mapping");
  expect_true(shows_region(page(32)), "and left the first mapping");
  // Read-only and write-only mints.
  expect(call(Syscall::kCapMint, caps::kScratch, kCopy, rights::kWrite), Status::kOk, "mint the region write-only");
  expect(region_map(kCopy, page(48)), Status::kNoRights, "region_map without the read right");
  expect(call(Syscall::kCapDelete, kCopy), Status::kOk, "delete the write-only mint");
  expect(call(Syscall::kCapMint, caps::kScratch, kCopy, rights::kRead | rights::kExec), Status::kNoRights,
         "mint the region executable");
  expect(call(Syscall::kCapMint, caps::kScratch, kCopy, rights::kRead, 7), Status::kInvalidArgument,
         "mint the region with a badge");
  expect(call(Syscall::kCapMint, caps::kScratch, kCopy, rights::kRead), Status::kOk, "mint the region read-only");
  expect(region_map(kCopy, page(48)), Status::kOk, "region_map of the read-only mint");
  expect_true(shows_region(page(48)), "the read-only mapping shows the region");
  // Revoking the region's cap unmaps the mint's mapping, not the cap's own.
  const Answer revoked = raw(Syscall::kCapRevoke, Regs{caps::kScratch});
  expect(revoked.status, Status::kOk, "revoke the region's cap");
  expect_true(revoked.out.rdi == 1, "revoking the region's cap revoked its 1 mint (got %lu)", revoked.out.rdi);
  expect_true(page_free(page(48)) && page_free(page(49)), "revoking unmapped the mint's mapping");
  expect(region_map(kCopy, page(48)), Status::kRevoked, "region_map of a revoked mint");
  expect(region_unmap(kCopy), Status::kRevoked, "region_unmap of a revoked mint");
  expect(call(Syscall::kCapDelete, kCopy), Status::kOk, "delete the revoked mint");
  expect_true(shows_region(page(32)), "the region's own mapping stayed");
  // The mapping moves with the cap, and back.
  expect(call(Syscall::kCapMove, caps::kScratch, kCopy), Status::kOk, "move the region's cap");
  expect(region_map(caps::kScratch, page(48)), Status::kEmptySlot, "region_map of the slot it left");
  expect(region_map(kCopy, page(48)), Status::kAlreadyMapped, "region_map of the moved cap (its mapping moved too)");
  expect(region_unmap(kCopy), Status::kOk, "region_unmap of the moved cap");
  expect_true(page_free(page(32)) && page_free(page(33)), "the moved cap's unmap removed the mapping");
  expect(region_map(kCopy, page(32)), Status::kOk, "region_map of the moved cap");
  expect(call(Syscall::kCapMove, kCopy, caps::kScratch), Status::kOk, "move the region's cap back");
  expect(region_map(caps::kScratch, page(48)), Status::kAlreadyMapped, "region_map after moving back (still mapped)");
  expect_true(shows_region(page(32)), "the region is where it was mapped before the move back");
}

}  // namespace probe
