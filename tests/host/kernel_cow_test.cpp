// Copy-on-write images on the fake platform: pages recorded in ascending order, found by
// address, copied on a first write from their pristine frame, and given back by a restore
// that honours its work budget.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "kernel/cow.h"
#include "tests/host/fake_platform.h"

using namespace kernel;
using tessera::layout::kPageSize;

namespace {

constexpr uint64_t kBase = 0x0000'0000'0060'0000;

/// One address space with a copy-on-write image of room for `capacity` pages and exactly
/// `copies` frames for their copies.
struct Image {
  platform::AddressSpace space;
  std::vector<CowPage> records;
  std::vector<uint64_t> pool_storage;
  CowImage image;

  explicit Image(uint32_t capacity, uint32_t copies = ~0u) : records(capacity) {
    if (copies == ~0u) copies = capacity;
    REQUIRE(platform::create_address_space(space));
    pool_storage.resize(copies);
    FramePool pool(pool_storage.data(), copies);
    for (uint32_t i = 0; i < copies; ++i) pool.push(platform::alloc_frame());
    image = CowImage(records.data(), capacity, pool);
  }
  ~Image() {
    fake::Platform& f = fake::platform();
    const uint64_t root = space.root;
    std::erase_if(f.pages, [root](const auto& page) { return page.first.first == root; });
    std::erase_if(f.tables, [root](const auto& table) { return std::get<0>(table) == root; });
  }
  Image(const Image&) = delete;
  Image& operator=(const Image&) = delete;

  /// A pristine frame whose every byte is `fill`.
  static uint64_t pristine(unsigned char fill) {
    const uint64_t frame = platform::alloc_frame();
    std::memset(platform::phys_to_virt(frame), fill, kPageSize);
    return frame;
  }
  /// Records `count` pages from kBase on, every `stride` pages, page i filled with i + 1.
  void add_pages(uint32_t count, uint64_t stride = 1) {
    for (uint32_t i = 0; i < count; ++i)
      REQUIRE(image.add(space, kBase + i * stride * kPageSize, pristine(static_cast<unsigned char>(i + 1))));
  }
  const fake::Page* mapping(uint64_t vaddr) const {
    auto it = fake::platform().pages.find({space.root, vaddr});
    return it == fake::platform().pages.end() ? nullptr : &it->second;
  }
  /// The page's mapping is read-only onto its pristine frame (and user, not executable).
  bool pristine_mapped(const CowPage& page) const {
    const fake::Page* m = mapping(page.vaddr);
    return m != nullptr && m->phys == page.pristine && m->flags.user && !m->flags.write && !m->flags.exec;
  }
  bool copy_mapped(const CowPage& page) const {
    const fake::Page* m = mapping(page.vaddr);
    return m != nullptr && page.copy != 0 && m->phys == page.copy && m->flags.user && m->flags.write && !m->flags.exec;
  }
  /// What a first write fault does for the page at vaddr, then the write itself.
  void write(uint64_t vaddr, unsigned char value) {
    CowPage* page = image.find(vaddr);
    REQUIRE(page != nullptr);
    if (page->copy == 0) image.copy_page(space, *page);
    static_cast<unsigned char*>(platform::phys_to_virt(page->copy))[vaddr % kPageSize] = value;
  }
};

bool filled(uint64_t frame, unsigned char value) {
  const auto* bytes = static_cast<const unsigned char*>(platform::phys_to_virt(frame));
  for (uint64_t i = 0; i < kPageSize; ++i)
    if (bytes[i] != value) return false;
  return true;
}

}  // namespace

TEST_CASE("cow: pages are recorded in ascending order only, mapped read-only onto their pristine frames") {
  Image w(3);
  const uint64_t a = Image::pristine(1), b = Image::pristine(2);
  REQUIRE(w.image.add(w.space, kBase + kPageSize, a));
  CHECK_FALSE(w.image.add(w.space, kBase + kPageSize, b));  // the same page again
  CHECK_FALSE(w.image.add(w.space, kBase, b));              // below the last one
  CHECK(w.mapping(kBase) == nullptr);                       // a refused page is not mapped
  CHECK(w.image.size() == 1);
  REQUIRE(w.image.add(w.space, kBase + 3 * kPageSize, b));
  REQUIRE(w.image.add(w.space, kBase + 4 * kPageSize, b));      // pristine frames may be shared (the zero page)
  CHECK_FALSE(w.image.add(w.space, kBase + 5 * kPageSize, a));  // the records are full
  CHECK(w.mapping(kBase + 5 * kPageSize) == nullptr);
  REQUIRE(w.image.size() == 3);
  CHECK(w.image.copied() == 0);
  for (uint32_t i = 0; i < 3; ++i) {
    INFO("page " << i);
    CHECK(w.pristine_mapped(w.image.page(i)));
    CHECK(w.image.page(i).copy == 0);
  }
  CHECK(w.image.page(0).vaddr == kBase + kPageSize);
  CHECK(w.image.page(1).vaddr == kBase + 3 * kPageSize);
}

TEST_CASE("cow: find takes any address of a recorded page and nothing else") {
  SUBCASE("an empty image finds nothing") {
    Image w(1);
    CHECK(w.image.find(kBase) == nullptr);
    CHECK(w.image.find(0) == nullptr);
  }
  SUBCASE("page boundaries and misses around one page") {
    Image w(1);
    w.add_pages(1);
    const CowPage* p = &w.image.page(0);
    CHECK(w.image.find(kBase) == p);
    CHECK(w.image.find(kBase + 1) == p);
    CHECK(w.image.find(kBase + kPageSize - 1) == p);
    CHECK(w.image.find(kBase + kPageSize) == nullptr);
    CHECK(w.image.find(kBase - 1) == nullptr);
    CHECK(w.image.find(0) == nullptr);
    CHECK(w.image.find(~uint64_t{0}) == nullptr);
  }
  SUBCASE("a binary search over many pages with holes between them") {
    // Every other page: each recorded page, and each hole between two, at its first, a
    // middle and its last byte.
    constexpr uint32_t kCount = 1000;
    Image w(kCount);
    w.add_pages(kCount, 2);
    uint32_t hits = 0, misses = 0;
    for (uint64_t i = 0; i < 2 * kCount + 1; ++i) {
      const uint64_t page = kBase + i * kPageSize;
      for (uint64_t at : {page, page + 2048, page + kPageSize - 1}) {
        const CowPage* found = w.image.find(at);
        const bool recorded = i % 2 == 0 && i / 2 < kCount;
        if (recorded && found == &w.image.page(static_cast<uint32_t>(i / 2))) ++hits;
        if (!recorded && found == nullptr) ++misses;
      }
    }
    CHECK(hits == 3 * kCount);
    CHECK(misses == 3 * (kCount + 1));
    CHECK(w.image.find(kBase - kPageSize) == nullptr);
    CHECK(w.image.find(kBase + (2 * kCount - 2) * kPageSize) == &w.image.page(kCount - 1));
  }
}

TEST_CASE("cow: a first write gets a writable copy of the pristine contents; the pristine frame stays") {
  Image w(2);
  w.add_pages(2);
  CowPage* found = w.image.find(kBase + kPageSize);
  REQUIRE(found == &w.image.page(1));
  CowPage& page = *found;
  const uint64_t pristine = page.pristine;
  w.image.copy_page(w.space, page);
  REQUIRE(page.copy != 0);
  CHECK(page.copy != pristine);
  CHECK(page.pristine == pristine);
  CHECK(w.copy_mapped(page));
  CHECK(filled(page.copy, 2));  // page 1 is filled with 2
  CHECK(w.image.copied() == 1);
  CHECK(w.pristine_mapped(w.image.page(0)));  // the other page is untouched

  std::memset(platform::phys_to_virt(page.copy), 0xee, kPageSize);  // the instance writes all of it
  CHECK(filled(pristine, 2));
  CHECK(filled(w.image.page(0).pristine, 1));
}

TEST_CASE("cow: restore maps every copied page back onto its pristine frame, a work unit each") {
  constexpr uint32_t kPages = 8;
  Image w(kPages);
  w.add_pages(kPages);
  // Pages 1, 2, 4, 6 and 7 were written.
  const uint32_t written[] = {1, 2, 4, 6, 7};
  for (uint32_t i : written) w.write(kBase + i * kPageSize + 5, 0xaa);
  REQUIRE(w.image.copied() == 5);
  std::vector<uint64_t> copies;
  for (uint32_t i : written) copies.push_back(w.image.page(i).copy);

  uint32_t cursor = 0;
  WorkBudget two(2);
  CHECK_FALSE(w.image.restore(w.space, cursor, two));
  CHECK(two.spent());
  CHECK(w.image.copied() == 3);
  CHECK(cursor == 4);  // stopped at the next written page, which the budget did not reach
  CHECK(w.pristine_mapped(w.image.page(1)));
  CHECK(w.pristine_mapped(w.image.page(2)));
  CHECK(w.copy_mapped(w.image.page(4)));
  CHECK(w.image.page(1).copy == 0);

  WorkBudget none(0);  // nothing done without a unit, and the cursor does not move
  CHECK_FALSE(w.image.restore(w.space, cursor, none));
  CHECK(cursor == 4);
  CHECK(w.image.copied() == 3);

  WorkBudget rest(3);
  CHECK(w.image.restore(w.space, cursor, rest));
  CHECK(rest.spent());
  CHECK(w.image.copied() == 0);
  for (uint32_t i = 0; i < kPages; ++i) {
    INFO("page " << i);
    CHECK(w.pristine_mapped(w.image.page(i)));
    CHECK(w.image.page(i).copy == 0);
    CHECK(filled(w.image.page(i).pristine, static_cast<unsigned char>(i + 1)));  // never written
  }

  // A restore with nothing written costs nothing; pages without a copy take no unit.
  cursor = 0;
  WorkBudget zero(0);
  CHECK(w.image.restore(w.space, cursor, zero));

  // The copies went back to the pool: the next write takes one of them, zeroed first.
  w.write(kBase + 3 * kPageSize + 5, 0x11);
  const uint64_t again = w.image.page(3).copy;
  CHECK(std::find(copies.begin(), copies.end(), again) != copies.end());  // one of the copies given back
  const auto* bytes = static_cast<const unsigned char*>(platform::phys_to_virt(again));
  CHECK(bytes[0] == 4);  // the pristine contents of page 3, not what the copy held before
  CHECK(bytes[5] == 0x11);
  CHECK(bytes[kPageSize - 1] == 4);
}

TEST_CASE("cow: write, restore, write again with a pool exactly as large as the image (no copy leaks)") {
  constexpr uint32_t kPages = 6;
  Image w(kPages, kPages);
  w.add_pages(kPages);
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    for (uint32_t i = 0; i < kPages; ++i) w.write(kBase + i * kPageSize + 100, static_cast<unsigned char>(0x40 + i));
    CHECK(w.image.copied() == kPages);
    for (uint32_t i = 0; i < kPages; ++i) {
      const CowPage& p = w.image.page(i);
      CHECK(w.copy_mapped(p));
      const auto* bytes = static_cast<const unsigned char*>(platform::phys_to_virt(p.copy));
      CHECK(bytes[0] == i + 1);  // pristine, whatever the round before wrote
      CHECK(bytes[100] == 0x40 + i);
    }
    // Restored in steps of two pages.
    uint32_t cursor = 0;
    int calls = 0;
    for (;;) {
      WorkBudget work(2);
      ++calls;
      if (w.image.restore(w.space, cursor, work)) break;
      REQUIRE(calls < 10);
    }
    CHECK(calls == 3);  // 2 + 2 + 2 pages; the third call finishes its last unit and returns true
    CHECK(w.image.copied() == 0);
    for (uint32_t i = 0; i < kPages; ++i) CHECK(w.pristine_mapped(w.image.page(i)));
  }
}

TEST_CASE("cow: a copy when the pool is empty is a kernel bug (the pool holds one frame per page)") {
  Image w(2, 1);  // fewer frames than pages: what boot never does
  w.add_pages(2);
  w.write(kBase, 1);
  CowPage* second = w.image.find(kBase + kPageSize);
  REQUIRE(second != nullptr);
  CHECK_THROWS_AS(w.image.copy_page(w.space, *second), fake::Shutdown);
}
