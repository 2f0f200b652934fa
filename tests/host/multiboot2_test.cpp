// Host tests of the multiboot2 parser against hand-built boot information buffers.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "platform/x86_64/multiboot2.h"

namespace mb2 = kernel::mb2;

namespace {

// Builds a boot information buffer tag by tag, the way GRUB lays it out.
class InfoBuilder {
 public:
  InfoBuilder() { put_u32(0), put_u32(0); }  // total_size patched in finish()

  InfoBuilder& memory_map(const std::vector<mb2::MemoryRegion>& regions, uint32_t entry_size = 24) {
    const size_t start = begin_tag(6);
    put_u32(entry_size);
    put_u32(0);
    for (const auto& r : regions) {
      const size_t entry = bytes_.size();
      put_u64(r.base);
      put_u64(r.length);
      put_u32(static_cast<uint32_t>(r.type));
      put_u32(0);
      bytes_.resize(entry + entry_size, 0);
    }
    end_tag(start);
    return *this;
  }

  InfoBuilder& module(uint32_t start_addr, uint32_t end_addr, const std::string& cmdline) {
    const size_t start = begin_tag(3);
    put_u32(start_addr);
    put_u32(end_addr);
    put_string(cmdline);
    end_tag(start);
    return *this;
  }

  InfoBuilder& cmdline(const std::string& text) {
    const size_t start = begin_tag(1);
    put_string(text);
    end_tag(start);
    return *this;
  }

  InfoBuilder& raw_tag(uint32_t type, const std::vector<uint8_t>& body) {
    const size_t start = begin_tag(type);
    bytes_.insert(bytes_.end(), body.begin(), body.end());
    end_tag(start);
    return *this;
  }

  std::vector<uint8_t> finish(bool with_end_tag = true) {
    if (with_end_tag) {
      put_u32(0);
      put_u32(8);
    }
    patch_u32(0, static_cast<uint32_t>(bytes_.size()));
    return bytes_;
  }

 private:
  size_t begin_tag(uint32_t type) {
    const size_t start = bytes_.size();
    put_u32(type);
    put_u32(0);  // size patched in end_tag
    return start;
  }
  void end_tag(size_t start) {
    patch_u32(start + 4, static_cast<uint32_t>(bytes_.size() - start));
    while (bytes_.size() % 8 != 0) bytes_.push_back(0);
  }
  void put_u32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void put_u64(uint64_t v) {
    put_u32(static_cast<uint32_t>(v));
    put_u32(static_cast<uint32_t>(v >> 32));
  }
  void put_string(const std::string& s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    bytes_.push_back(0);
  }
  void patch_u32(size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_[at + static_cast<size_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
  }

  std::vector<uint8_t> bytes_;
};

mb2::ParseStatus parse(const std::vector<uint8_t>& bytes, mb2::BootInfo& info) {
  return mb2::parse(bytes.data(), bytes.size(), info);
}

}  // namespace

TEST_CASE("multiboot2: memory map, modules and command line of a typical GRUB boot") {
  const auto bytes = InfoBuilder{}
                         .cmdline("log=verbose")
                         .memory_map({{0, 0x9fc00, mb2::MemoryType::kAvailable},
                                      {0x100000, 0xfee0000, mb2::MemoryType::kAvailable},
                                      {0xfffc0000, 0x40000, mb2::MemoryType::kReserved}})
                         .module(0x200000, 0x210000, "system")
                         .module(0x210000, 0x211000, "extra")
                         .finish();
  mb2::BootInfo info;
  REQUIRE(parse(bytes, info) == mb2::ParseStatus::kOk);
  CHECK(info.total_size == bytes.size());
  REQUIRE(info.memory_count == 3);
  CHECK(info.memory[1].base == 0x100000);
  CHECK(info.memory[1].length == 0xfee0000);
  CHECK(info.memory[1].type == mb2::MemoryType::kAvailable);
  CHECK(info.memory[2].type == mb2::MemoryType::kReserved);
  CHECK_FALSE(info.memory_truncated);
  REQUIRE(info.module_count == 2);
  CHECK(info.modules[0].start == 0x200000);
  CHECK(info.modules[0].end == 0x210000);
  CHECK(std::string(info.modules[0].cmdline) == "system");
  CHECK(info.modules[0].cmdline_length == 6);
  REQUIRE(info.cmdline != nullptr);
  CHECK(std::string(info.cmdline, info.cmdline_length) == "log=verbose");
  CHECK(info.rsdp == nullptr);

  const mb2::Module* system = mb2::find_module(info, "system");
  REQUIRE(system != nullptr);
  CHECK(system->start == 0x200000);
  CHECK(mb2::find_module(info, "syst") == nullptr);
  CHECK(mb2::find_module(info, "systems") == nullptr);
}

TEST_CASE("multiboot2: memory map entries larger than 24 bytes are stepped by entry_size") {
  const auto bytes = InfoBuilder{}
                         .memory_map({{0x1000, 0x2000, mb2::MemoryType::kAvailable},
                                      {0x5000, 0x1000, mb2::MemoryType::kAcpiNvs}},
                                     32)
                         .finish();
  mb2::BootInfo info;
  REQUIRE(parse(bytes, info) == mb2::ParseStatus::kOk);
  REQUIRE(info.memory_count == 2);
  CHECK(info.memory[1].base == 0x5000);
  CHECK(info.memory[1].type == mb2::MemoryType::kAcpiNvs);
}

TEST_CASE("multiboot2: a memory map with a bad entry size is refused") {
  mb2::BootInfo info;
  CHECK(parse(InfoBuilder{}.memory_map({}, 16).finish(), info) == mb2::ParseStatus::kBadMemoryMap);
  CHECK(parse(InfoBuilder{}.memory_map({}, 28).finish(), info) == mb2::ParseStatus::kBadMemoryMap);
  CHECK(parse(InfoBuilder{}.raw_tag(6, {24, 0, 0}).finish(), info) == mb2::ParseStatus::kBadMemoryMap);
}

TEST_CASE("multiboot2: more regions than fit are reported as truncated, not overflowed") {
  std::vector<mb2::MemoryRegion> regions;
  for (uint64_t i = 0; i < mb2::kMaxMemoryRegions + 5; ++i)
    regions.push_back({i * 0x1000, 0x1000, mb2::MemoryType::kAvailable});
  mb2::BootInfo info;
  REQUIRE(parse(InfoBuilder{}.memory_map(regions).finish(), info) == mb2::ParseStatus::kOk);
  CHECK(info.memory_count == mb2::kMaxMemoryRegions);
  CHECK(info.memory_truncated);
}

TEST_CASE("multiboot2: ACPI RSDP tags are recognised, the new one preferred") {
  std::vector<uint8_t> old_rsdp(20, 0x11);
  std::vector<uint8_t> new_rsdp(36, 0x22);
  mb2::BootInfo info;
  // `info` points into the buffer, so the buffers must outlive the checks.
  const auto both = InfoBuilder{}.raw_tag(15, new_rsdp).raw_tag(14, old_rsdp).finish();
  REQUIRE(parse(both, info) == mb2::ParseStatus::kOk);
  CHECK(info.rsdp_revision == 2);
  CHECK(info.rsdp_length == 36);
  CHECK(info.rsdp[0] == 0x22);

  const auto only_old = InfoBuilder{}.raw_tag(14, old_rsdp).finish();
  REQUIRE(parse(only_old, info) == mb2::ParseStatus::kOk);
  CHECK(info.rsdp_revision == 1);

  // Too short to be an RSDP: ignored rather than trusted.
  REQUIRE(parse(InfoBuilder{}.raw_tag(14, {1, 2, 3}).finish(), info) == mb2::ParseStatus::kOk);
  CHECK(info.rsdp == nullptr);
}

TEST_CASE("multiboot2: unknown tags are skipped") {
  mb2::BootInfo info;
  const auto bytes = InfoBuilder{}.raw_tag(0x1234, {1, 2, 3, 4, 5}).module(1, 2, "m").finish();
  REQUIRE(parse(bytes, info) == mb2::ParseStatus::kOk);
  CHECK(info.module_count == 1);
}

TEST_CASE("multiboot2: truncated and bogus headers are refused") {
  mb2::BootInfo info;
  const auto good = InfoBuilder{}.module(0x1000, 0x2000, "system").finish();

  CHECK(mb2::parse(nullptr, 100, info) == mb2::ParseStatus::kTooSmall);
  CHECK(mb2::parse(good.data(), 15, info) == mb2::ParseStatus::kTooSmall);
  // The buffer is shorter than total_size claims.
  CHECK(mb2::parse(good.data(), good.size() - 1, info) == mb2::ParseStatus::kBadTotalSize);

  auto small_total = good;
  small_total[0] = 8;
  CHECK(parse(small_total, info) == mb2::ParseStatus::kBadTotalSize);

  // Without an end tag the tags just run out.
  CHECK(parse(InfoBuilder{}.module(1, 2, "x").finish(false), info) == mb2::ParseStatus::kMissingEndTag);
}

TEST_CASE("multiboot2: tags with bad sizes are refused") {
  mb2::BootInfo info;
  auto bytes = InfoBuilder{}.module(0x1000, 0x2000, "system").finish();
  // First tag is at offset 8; its size field at 12.
  auto tiny = bytes;
  tiny[12] = 4;
  CHECK(parse(tiny, info) == mb2::ParseStatus::kBadTag);
  auto huge = bytes;
  huge[12] = 0xff;
  huge[13] = 0xff;
  CHECK(parse(huge, info) == mb2::ParseStatus::kBadTag);
  // A size that is large but still within total_size swallows the end tag.
  auto swallow = bytes;
  swallow[12] = static_cast<uint8_t>(bytes.size() - 8);
  CHECK(parse(swallow, info) == mb2::ParseStatus::kMissingEndTag);
}

TEST_CASE("multiboot2: module tags are validated") {
  mb2::BootInfo info;
  CHECK(parse(InfoBuilder{}.module(0x2000, 0x1000, "backwards").finish(), info) == mb2::ParseStatus::kBadModule);
  // A module string without its NUL.
  CHECK(parse(InfoBuilder{}.raw_tag(3, {0, 0, 0, 0, 1, 0, 0, 0, 'a', 'b'}).finish(), info) ==
        mb2::ParseStatus::kBadModule);
  CHECK(parse(InfoBuilder{}.raw_tag(3, {0, 0, 0, 0}).finish(), info) == mb2::ParseStatus::kBadModule);
  // An empty command line is fine.
  const auto empty = InfoBuilder{}.module(0, 0, "").finish();
  REQUIRE(parse(empty, info) == mb2::ParseStatus::kOk);
  CHECK(info.modules[0].cmdline_length == 0);
  CHECK(parse(InfoBuilder{}.raw_tag(1, {'a', 'b'}).finish(), info) == mb2::ParseStatus::kBadString);
}

TEST_CASE("multiboot2: more modules than fit are counted as truncated") {
  InfoBuilder builder;
  for (uint32_t i = 0; i < mb2::kMaxModules + 2; ++i) builder.module(i, i + 1, "m");
  mb2::BootInfo info;
  REQUIRE(parse(builder.finish(), info) == mb2::ParseStatus::kOk);
  CHECK(info.module_count == mb2::kMaxModules);
  CHECK(info.modules_truncated);
}

TEST_CASE("multiboot2: every truncation of a valid buffer is refused without reading past it") {
  const auto good =
      InfoBuilder{}.cmdline("x").memory_map({{0, 0x1000, mb2::MemoryType::kAvailable}}).module(1, 2, "system").finish();
  for (size_t length = 0; length < good.size(); ++length) {
    // A copy of exactly `length` bytes, so a sanitizer catches any read past it.
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(length));
    mb2::BootInfo info;
    CHECK(mb2::parse(cut.data(), cut.size(), info) != mb2::ParseStatus::kOk);
  }
  CHECK(mb2::declared_size(good.data(), good.size()) == good.size());
  CHECK(mb2::declared_size(good.data(), 3) == 0);
}
