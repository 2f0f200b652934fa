// ACPI parser: RSDP, RSDT/XSDT and MADT from fake physical memory, good and corrupt.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "platform/x86_64/acpi.h"

namespace acpi = kernel::acpi;

namespace {

using Bytes = std::vector<uint8_t>;

void put(Bytes& b, uint64_t value, size_t size) {
  for (size_t i = 0; i < size; ++i) b.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void fix_checksum(Bytes& b, size_t at, size_t length) {
  uint8_t sum = 0;
  for (size_t i = 0; i < length; ++i)
    if (i != at) sum = static_cast<uint8_t>(sum + b[i]);
  b[at] = static_cast<uint8_t>(-sum);
}

/// An SDT: 36-byte header with `signature`, then `body`; length and checksum filled in.
Bytes sdt(const char* signature, const Bytes& body) {
  Bytes t(signature, signature + 4);
  put(t, 36 + body.size(), 4);
  t.resize(36, 0);
  t.insert(t.end(), body.begin(), body.end());
  fix_checksum(t, 9, t.size());
  return t;
}

Bytes rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt) {
  Bytes r{'R', 'S', 'D', ' ', 'P', 'T', 'R', ' '};
  r.resize(15, 0);
  r.push_back(revision);
  put(r, rsdt, 4);
  if (revision >= 2) {
    put(r, 36, 4);
    put(r, xsdt, 8);
    r.resize(36, 0);
    fix_checksum(r, 32, 36);
  }
  fix_checksum(r, 8, 20);
  if (revision >= 2) fix_checksum(r, 32, 36);
  return r;
}

/// MADT entries.
Bytes local_apic(uint8_t uid, uint8_t id, uint32_t flags) {
  Bytes e{0, 8, uid, id};
  put(e, flags, 4);
  return e;
}
Bytes io_apic(uint8_t id, uint32_t address, uint32_t gsi_base) {
  Bytes e{1, 12, id, 0};
  put(e, address, 4);
  put(e, gsi_base, 4);
  return e;
}
Bytes override_entry(uint8_t irq, uint32_t gsi, uint16_t flags) {
  Bytes e{2, 10, 0, irq};
  put(e, gsi, 4);
  put(e, flags, 2);
  return e;
}
Bytes x2apic(uint32_t id, uint32_t flags, uint32_t uid) {
  Bytes e{9, 16, 0, 0};
  put(e, id, 4);
  put(e, flags, 4);
  put(e, uid, 4);
  return e;
}

Bytes madt(const std::vector<Bytes>& entries, uint32_t flags = 1) {
  Bytes body;
  put(body, 0xfee00000, 4);
  put(body, flags, 4);
  for (const auto& e : entries) body.insert(body.end(), e.begin(), e.end());
  return sdt("APIC", body);
}

/// Fake physical memory: tables at chosen addresses.
struct Memory {
  std::map<uint64_t, Bytes> tables;
  static const uint8_t* read(uint64_t phys, size_t length, void* context) {
    auto& m = static_cast<Memory*>(context)->tables;
    auto it = m.upper_bound(phys);
    if (it == m.begin()) return nullptr;
    --it;
    if (phys - it->first + length > it->second.size()) return nullptr;
    return it->second.data() + (phys - it->first);
  }
  acpi::Status parse(const Bytes& r, acpi::Madt& out) { return acpi::parse_madt(r.data(), r.size(), read, this, out); }
};

Bytes rsdt(const std::vector<uint32_t>& tables) {
  Bytes body;
  for (uint32_t t : tables) put(body, t, 4);
  return sdt("RSDT", body);
}

Bytes qemu_like_madt() {
  return madt({local_apic(0, 0, 1), local_apic(1, 1, 1), local_apic(2, 2, 1), local_apic(3, 3, 1),
               io_apic(0, 0xfec00000, 0), override_entry(0, 2, 0), override_entry(9, 9, 0xd)});
}

}  // namespace

TEST_CASE("acpi: a QEMU-like MADT through the RSDT") {
  Memory mem;
  mem.tables[0x1000] = sdt("FACP", Bytes(80, 0));
  mem.tables[0x2000] = qemu_like_madt();
  mem.tables[0x3000] = rsdt({0x1000, 0x2000});
  acpi::Madt m;
  REQUIRE(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kOk);
  CHECK(m.local_apic_address == 0xfee00000);
  CHECK(m.legacy_pics);
  REQUIRE(m.cpu_count == 4);
  for (uint32_t i = 0; i < 4; ++i) {
    CHECK(m.cpus[i].apic_id == i);
    CHECK(m.cpus[i].enabled);
  }
  REQUIRE(m.ioapic_count == 1);
  CHECK(m.ioapics[0].address == 0xfec00000);
  CHECK(m.ioapics[0].gsi_base == 0);
  REQUIRE(m.override_count == 2);
  CHECK(m.overrides[0].source_irq == 0);
  CHECK(m.overrides[0].gsi == 2);
  CHECK(m.overrides[1].source_irq == 9);
  CHECK(m.overrides[1].flags == 0xd);  // level-triggered, active high
}

TEST_CASE("acpi: revision 2 uses the XSDT, above 4 GiB too") {
  Memory mem;
  mem.tables[0x1'0000'2000] = madt({x2apic(0x100, 1, 7), local_apic(0, 5, 2), local_apic(1, 6, 0)});
  Bytes body;
  put(body, 0x1'0000'2000, 8);
  mem.tables[0x4000] = sdt("XSDT", body);
  mem.tables[0x3000] = rsdt({});  // must be ignored in favour of the XSDT
  acpi::Madt m;
  REQUIRE(mem.parse(rsdp(2, 0x3000, 0x4000), m) == acpi::Status::kOk);
  REQUIRE(m.cpu_count == 3);
  CHECK(m.cpus[0].apic_id == 0x100);
  CHECK(m.cpus[0].processor_uid == 7);
  CHECK(m.cpus[1].enabled);   // online capable counts
  CHECK(!m.cpus[2].enabled);  // neither enabled nor online capable
}

TEST_CASE("acpi: a CPU listed as both xAPIC and x2APIC is recorded once") {
  Memory mem;
  mem.tables[0x2000] = madt({local_apic(0, 3, 1), x2apic(3, 1, 0)});
  mem.tables[0x3000] = rsdt({0x2000});
  acpi::Madt m;
  REQUIRE(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kOk);
  CHECK(m.cpu_count == 1);
}

TEST_CASE("acpi: unknown entries are skipped; too many CPUs are cut off and flagged") {
  std::vector<Bytes> entries{Bytes{0x7f, 6, 1, 2, 3, 4}};
  for (unsigned i = 0; i < acpi::kMaxLocalApics + 3; ++i) entries.push_back(x2apic(i, 1, i));
  Memory mem;
  mem.tables[0x2000] = madt(entries);
  mem.tables[0x3000] = rsdt({0x2000});
  acpi::Madt m;
  REQUIRE(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kOk);
  CHECK(m.cpu_count == acpi::kMaxLocalApics);
  CHECK(m.cpus_truncated);
}

TEST_CASE("acpi: 64 CPUs with sparse APIC IDs up to 254, and disabled ones, are all kept") {
  // As firmware lists a machine of 4 sockets with 16 used of 32 APIC IDs each, and some
  // possible CPUs that are not present (disabled: hot-plug slots).
  std::vector<Bytes> entries;
  for (unsigned socket = 0; socket < 4; ++socket)
    for (unsigned core = 0; core < 16; ++core)
      entries.push_back(local_apic(static_cast<uint8_t>(socket * 16 + core),
                                   static_cast<uint8_t>(socket * 64 + core * 2 + (socket == 3 ? 32 : 0)), 1));
  for (unsigned i = 0; i < 8; ++i)
    entries.push_back(local_apic(static_cast<uint8_t>(64 + i), static_cast<uint8_t>(200 + i), 0));
  Memory mem;
  mem.tables[0x2000] = madt(entries);
  mem.tables[0x3000] = rsdt({0x2000});
  acpi::Madt m;
  REQUIRE(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kOk);
  CHECK(m.cpu_count == 72);
  CHECK(!m.cpus_truncated);
  unsigned enabled = 0;
  for (size_t i = 0; i < m.cpu_count; ++i) enabled += m.cpus[i].enabled ? 1 : 0;
  CHECK(enabled == 64);
  CHECK(m.cpus[63].apic_id == 254);  // the highest an xAPIC can name (255 is broadcast)
  CHECK(m.cpus[63].processor_uid == 63);
  CHECK(m.cpus[64].apic_id == 200);
  CHECK(!m.cpus[64].enabled);
}

TEST_CASE("acpi: corrupt or missing tables are refused") {
  Memory mem;
  mem.tables[0x2000] = qemu_like_madt();
  mem.tables[0x3000] = rsdt({0x2000});
  acpi::Madt m;

  SUBCASE("RSDP checksum") {
    Bytes r = rsdp(0, 0x3000, 0);
    r[16] ^= 1;
    CHECK(mem.parse(r, m) == acpi::Status::kBadRsdp);
  }
  SUBCASE("RSDP signature") {
    Bytes r = rsdp(0, 0x3000, 0);
    r[0] = 'X';
    CHECK(mem.parse(r, m) == acpi::Status::kBadRsdp);
  }
  SUBCASE("root table checksum") {
    mem.tables[0x3000][10] ^= 1;
    CHECK(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kBadRootTable);
  }
  SUBCASE("root table unreadable") { CHECK(mem.parse(rsdp(0, 0x9000, 0), m) == acpi::Status::kBadRootTable); }
  SUBCASE("MADT checksum") {
    mem.tables[0x2000][50] ^= 1;
    CHECK(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kBadMadt);
  }
  SUBCASE("no MADT") {
    mem.tables[0x3000] = rsdt({});
    CHECK(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kNoMadt);
  }
  SUBCASE("an entry running past the table") {
    mem.tables[0x2000] = madt({local_apic(0, 0, 1), Bytes{1, 40, 0, 0}});
    CHECK(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kBadMadt);
  }
  SUBCASE("a zero-length entry") {
    mem.tables[0x2000] = madt({Bytes{0, 0, 0, 0}});
    CHECK(mem.parse(rsdp(0, 0x3000, 0), m) == acpi::Status::kBadMadt);
  }
}
