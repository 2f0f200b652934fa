// ELF validation against hand-built images: what loads, and every way a bad one is refused.
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include "kernel/elf.h"

namespace {

constexpr uint64_t kUserTop = 0x0000'0100'0000'0000;

struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct Builder {
  std::vector<Phdr> phdrs;
  uint64_t entry = 0x400000;
  uint16_t type = 2, machine = 62;

  void add(uint32_t flags, uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t offset = 0x1000) {
    phdrs.push_back(Phdr{1, flags, offset, vaddr, vaddr, filesz, memsz, 0x1000});
  }
  std::vector<uint8_t> build() const {
    std::vector<uint8_t> out(0x3000, 0);
    const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    std::memcpy(out.data(), ident, 16);
    std::memcpy(&out[16], &type, 2);
    std::memcpy(&out[18], &machine, 2);
    uint32_t version = 1;
    std::memcpy(&out[20], &version, 4);
    std::memcpy(&out[24], &entry, 8);
    uint64_t phoff = 64;
    std::memcpy(&out[32], &phoff, 8);
    uint16_t ehsize = 64, phentsize = 56, phnum = static_cast<uint16_t>(phdrs.size());
    std::memcpy(&out[52], &ehsize, 2);
    std::memcpy(&out[54], &phentsize, 2);
    std::memcpy(&out[56], &phnum, 2);
    std::memcpy(&out[64], phdrs.data(), phdrs.size() * sizeof(Phdr));
    return out;
  }
};

Builder typical() {
  Builder b;
  b.add(5, 0x400000, 0x800, 0x800);           // text: R+X
  b.add(6, 0x402000, 0x100, 0x3000, 0x2000);  // data+bss: R+W
  return b;
}

}  // namespace

TEST_CASE("a well-formed executable yields its segments and entry") {
  auto bytes = typical().build();
  auto r = kernel::parse_elf(bytes.data(), bytes.size(), kUserTop);
  REQUIRE(r.ok());
  CHECK(r.value().entry == 0x400000);
  REQUIRE(r.value().segment_count == 2);
  CHECK(r.value().segments[0].exec);
  CHECK_FALSE(r.value().segments[0].write);
  CHECK(r.value().segments[1].write);
  CHECK_FALSE(r.value().segments[1].exec);
  CHECK(r.value().segments[1].memsz == 0x3000);
  CHECK(r.value().segments[1].filesz == 0x100);
}

TEST_CASE("malformed executables are refused") {
  auto refused = [](const std::vector<uint8_t>& bytes) {
    return kernel::parse_elf(bytes.data(), bytes.size(), kUserTop).status() == tessera::Status::kInvalidArgument;
  };
  SUBCASE("truncated") {
    auto bytes = typical().build();
    bytes.resize(40);
    CHECK(refused(bytes));
  }
  SUBCASE("bad magic") {
    auto bytes = typical().build();
    bytes[1] = 'X';
    CHECK(refused(bytes));
  }
  SUBCASE("wrong machine") {
    Builder b = typical();
    b.machine = 3;
    CHECK(refused(b.build()));
  }
  SUBCASE("not an executable") {
    Builder b = typical();
    b.type = 3;
    CHECK(refused(b.build()));
  }
  SUBCASE("writable and executable") {
    Builder b;
    b.add(7, 0x400000, 0x10, 0x10);
    CHECK(refused(b.build()));
  }
  SUBCASE("file bytes beyond the file") {
    Builder b;
    b.add(5, 0x400000, 0x10000, 0x10000);
    CHECK(refused(b.build()));
  }
  SUBCASE("filesz larger than memsz") {
    Builder b;
    b.add(5, 0x400000, 0x100, 0x10);
    CHECK(refused(b.build()));
  }
  SUBCASE("segment reaching kernel space") {
    Builder b = typical();
    b.add(6, kUserTop - 0x1000, 0, 0x2000, 0x2000);
    CHECK(refused(b.build()));
  }
  SUBCASE("segments sharing a page") {
    Builder b;
    b.add(5, 0x400000, 0x800, 0x800);
    b.add(6, 0x400000, 0x10, 0x10, 0x2000);
    CHECK(refused(b.build()));
  }
  SUBCASE("entry outside every executable segment") {
    Builder b = typical();
    b.entry = 0x402000;
    CHECK(refused(b.build()));
  }
  SUBCASE("unaligned segment") {
    Builder b;
    b.add(5, 0x400010, 0x10, 0x10);
    b.entry = 0x400010;
    CHECK(refused(b.build()));
  }
}
