// carol (CPU 1): long operations on the real kernel. One raw system call does at most
// kWorkPerCall units of a deep revoke, a large map or unmap, or a region mapping, and answers
// kIncomplete; the runtime's wrappers finish the job. Logs how long the longest step held the
// kernel (informational: QEMU's clock), then tells alice it is done.
#include "component.h"

using tessera::kWorkPerCall;
using tessera::Status;
using tessera::Syscall;
using tessera::layout::kPageSize;
namespace sys = tessera::sys;

namespace {

int failures = 0;
uint64_t longest_ns = 0;

void expect(bool ok, const char* what) {
  tessera::log("carol: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

/// One system call as the wrappers make it, without their loop; `done` gets rdi.
Status raw(Syscall number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t* done) {
  uint64_t out[3] = {};
  const uint64_t start = sys::clock_ns();
  const Status s = sys::detail::call4(number, a0, a1, a2, 0, out);
  const uint64_t took = sys::clock_ns() - start;
  if (took > longest_ns) longest_ns = took;
  *done = out[0];
  return s;
}

void deep_revoke() {
  constexpr uint32_t kDepth = 200;
  const uint32_t first = carol::caps::kFirstFree;
  bool copied = sys::cap_copy(carol::caps::kFinished, first) == Status::kOk;
  for (uint32_t i = 1; i < kDepth; ++i) copied = copied && sys::cap_copy(first + i - 1, first + i) == Status::kOk;
  expect(copied, "a chain of 200 copies");
  uint64_t count = 0;
  const Status s = raw(Syscall::kCapRevoke, first, 0, 0, &count);
  expect(s == Status::kIncomplete && count > 0 && count <= kWorkPerCall,
         "one revoke call takes at most kWorkPerCall steps and asks to be called again");
  uint64_t rest = 0;
  expect(sys::cap_revoke(first, &rest) == Status::kOk && count + rest == kDepth - 1,
         "cap_revoke finished the other calls: 199 caps revoked");
  bool revoked = true, deleted = true;
  for (uint32_t i = 1; i < kDepth; ++i) {
    sys::CapInfo info;
    revoked = revoked && sys::cap_info(first + i, info) == Status::kRevoked;
    deleted = deleted && sys::cap_delete(first + i) == Status::kOk;
  }
  expect(revoked && deleted, "every copy is revoked, and deleted");
  expect(sys::cap_delete(first) == Status::kOk, "the chain's first cap is deleted");
}

void large_map() {
  constexpr uint64_t kPages = 200;
  const uint64_t base = tessera::layout::kMapBase;
  uint64_t done = 0;
  Status s = raw(Syscall::kMap, base, kPages, tessera::map_flags::kWrite, &done);
  expect(s == Status::kIncomplete && done == kWorkPerCall, "one map call maps kWorkPerCall of 200 pages");
  expect(sys::map(base + done * kPageSize, kPages - done) == Status::kOk, "map did the rest");
  bool usable = true;
  for (uint64_t p = 0; p < kPages; ++p) reinterpret_cast<volatile uint64_t*>(base + p * kPageSize)[0] = p + 1;
  for (uint64_t p = 0; p < kPages; ++p)
    usable = usable && reinterpret_cast<volatile uint64_t*>(base + p * kPageSize)[0] == p + 1;
  expect(usable, "all 200 pages are there");
  s = raw(Syscall::kUnmap, base, kPages, 0, &done);
  expect(s == Status::kIncomplete && done == kWorkPerCall, "one unmap call gives back kWorkPerCall pages");
  expect(sys::unmap(base + done * kPageSize, kPages - done) == Status::kOk, "unmap gave back the rest");
  // All or nothing: a page in the way of a later step undoes the earlier steps.
  expect(sys::map(base + 100 * kPageSize, 1) == Status::kOk, "one page mapped in the middle");
  expect(sys::map(base, 150) == Status::kAlreadyMapped, "a 150-page map across it is refused");
  expect(sys::map(base, 100) == Status::kOk, "and left nothing mapped before it");
  expect(sys::unmap(base, 101) == Status::kOk, "101 pages given back");
}

void region_steps() {
  const uint32_t copy = carol::caps::kFirstFree;
  const uint64_t at = tessera::layout::kMapBase + 256 * kPageSize;
  const uint64_t pages = carol::memory::kSlabSize / kPageSize;
  expect(sys::cap_copy(carol::caps::kSlab, copy) == Status::kOk, "copied the slab's cap");
  uint64_t unused = 0;
  expect(raw(Syscall::kRegionMap, copy, at, 0, &unused) == Status::kIncomplete,
         "one region_map call maps part of 256 pages");
  expect(sys::region_map(copy, at) == Status::kOk, "region_map went on with the same call");
  auto* mine = reinterpret_cast<volatile uint64_t*>(carol::memory::kSlabBase + (pages - 1) * kPageSize);
  mine[0] = 0x51ab;
  expect(reinterpret_cast<volatile uint64_t*>(at + (pages - 1) * kPageSize)[0] == 0x51ab,
         "the last page is the slab's");
  expect(raw(Syscall::kCapRevoke, carol::caps::kSlab, 0, 0, &unused) == Status::kIncomplete,
         "one revoke call unmaps part of the copy's mapping");
  uint64_t count = 0;
  expect(sys::cap_revoke(carol::caps::kSlab, &count) == Status::kOk && count == 1, "cap_revoke finished it");
  sys::CapInfo info;
  expect(sys::cap_info(copy, info) == Status::kRevoked && sys::cap_delete(copy) == Status::kOk, "the copy is revoked");
  expect(sys::map(at, 1) == Status::kOk && sys::unmap(at, 1) == Status::kOk, "its pages are free again");
  expect(mine[0] == 0x51ab, "carol's own mapping stays");
}

}  // namespace

int main() {
  deep_revoke();
  large_map();
  region_steps();
  tessera::log("carol: the longest single step took %lu us\n", longest_ns / 1000);
  tessera::log(failures == 0 ? "carol: PASS\n" : "carol: FAIL\n");
  sys::signal(carol::caps::kFinished, failures == 0 ? 0 : 2);
  return failures == 0 ? 0 : 1;
}
