// ACPI: RSDP -> RSDT/XSDT -> MADT [ACPI 6.5 §5.2.5, §5.2.7, §5.2.8, §5.2.12].
#include "platform/x86_64/acpi.h"

namespace kernel::acpi {
namespace {

constexpr size_t kSdtHeaderSize = 36;
constexpr uint32_t kMaxTableSize = 1u << 20;  // no MADT or root table comes near this

uint16_t u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }
uint32_t u32(const uint8_t* p) { return u16(p) | static_cast<uint32_t>(u16(p + 2)) << 16; }
uint64_t u64(const uint8_t* p) { return u32(p) | static_cast<uint64_t>(u32(p + 4)) << 32; }

bool sums_to_zero(const uint8_t* p, size_t length) {
  uint8_t sum = 0;
  for (size_t i = 0; i < length; ++i) sum = static_cast<uint8_t>(sum + p[i]);
  return sum == 0;
}

bool same(const uint8_t* p, const char* text, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != static_cast<uint8_t>(text[i])) return false;
  return true;
}

/// The whole table at `phys` when its header and checksum are sound, else nullptr.
const uint8_t* table(uint64_t phys, PhysReader read, void* context, uint32_t* length) {
  const uint8_t* header = read(phys, kSdtHeaderSize, context);
  if (header == nullptr) return nullptr;
  const uint32_t n = u32(header + 4);
  if (n < kSdtHeaderSize || n > kMaxTableSize) return nullptr;
  const uint8_t* whole = read(phys, n, context);
  if (whole == nullptr || !sums_to_zero(whole, n)) return nullptr;
  *length = n;
  return whole;
}

void add_cpu(Madt& out, uint32_t apic_id, uint32_t uid, uint32_t flags) {
  for (size_t i = 0; i < out.cpu_count; ++i)
    if (out.cpus[i].apic_id == apic_id) return;  // listed both as xAPIC and x2APIC
  if (out.cpu_count == kMaxLocalApics) {
    out.cpus_truncated = true;
    return;
  }
  // Bit 0: enabled; bit 1: online capable (may be enabled later) [ACPI 6.5 table 5.23].
  out.cpus[out.cpu_count++] = LocalApic{apic_id, uid, (flags & 0x3) != 0};
}

Status parse_entries(const uint8_t* madt, uint32_t length, Madt& out) {
  out.local_apic_address = u32(madt + 36);
  out.legacy_pics = (u32(madt + 40) & 1) != 0;
  for (uint32_t at = 44; at < length;) {
    if (length - at < 2) return Status::kBadMadt;
    const uint8_t type = madt[at];
    const uint8_t size = madt[at + 1];
    if (size < 2 || size > length - at) return Status::kBadMadt;
    const uint8_t* e = madt + at;
    switch (type) {
      case 0:  // processor local APIC
        if (size < 8) return Status::kBadMadt;
        add_cpu(out, e[3], e[2], u32(e + 4));
        break;
      case 1:  // I/O APIC
        if (size < 12) return Status::kBadMadt;
        if (out.ioapic_count < kMaxIoApics) out.ioapics[out.ioapic_count++] = IoApic{e[2], u32(e + 4), u32(e + 8)};
        break;
      case 2:  // interrupt source override
        if (size < 10) return Status::kBadMadt;
        if (out.override_count < kMaxOverrides)
          out.overrides[out.override_count++] = Override{e[3], u32(e + 4), u16(e + 8)};
        break;
      case 5:  // local APIC address override
        if (size < 12) return Status::kBadMadt;
        out.local_apic_address = u64(e + 4);
        break;
      case 9:  // processor local x2APIC
        if (size < 16) return Status::kBadMadt;
        add_cpu(out, u32(e + 4), u32(e + 12), u32(e + 8));
        break;
      default:
        break;  // other entry types do not concern the kernel
    }
    at += size;
  }
  return Status::kOk;
}

}  // namespace

Status parse_madt(const uint8_t* rsdp, size_t rsdp_length, PhysReader read, void* context, Madt& out) {
  out = Madt{};
  if (rsdp == nullptr || rsdp_length < 20 || !same(rsdp, "RSD PTR ", 8) || !sums_to_zero(rsdp, 20))
    return Status::kBadRsdp;
  const uint8_t revision = rsdp[15];
  bool use_xsdt = false;
  uint64_t root = u32(rsdp + 16);
  if (revision >= 2) {
    if (rsdp_length < 36) return Status::kBadRsdp;
    const uint32_t length = u32(rsdp + 20);
    if (length < 36 || length > rsdp_length || !sums_to_zero(rsdp, length)) return Status::kBadRsdp;
    if (u64(rsdp + 24) != 0) {
      root = u64(rsdp + 24);
      use_xsdt = true;
    }
  }
  uint32_t root_length = 0;
  const uint8_t* rt = table(root, read, context, &root_length);
  if (rt == nullptr || !same(rt, use_xsdt ? "XSDT" : "RSDT", 4)) return Status::kBadRootTable;
  const size_t entry_size = use_xsdt ? 8 : 4;
  for (size_t at = kSdtHeaderSize; at + entry_size <= root_length; at += entry_size) {
    const uint64_t phys = use_xsdt ? u64(rt + at) : u32(rt + at);
    const uint8_t* header = read(phys, kSdtHeaderSize, context);
    if (header == nullptr || !same(header, "APIC", 4)) continue;
    uint32_t length = 0;
    const uint8_t* madt = table(phys, read, context, &length);
    if (madt == nullptr || length < 44) return Status::kBadMadt;
    return parse_entries(madt, length, out);
  }
  return Status::kNoMadt;
}

const char* status_name(Status status) {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kBadRsdp:
      return "no valid RSDP";
    case Status::kBadRootTable:
      return "RSDT/XSDT missing or corrupt";
    case Status::kNoMadt:
      return "no MADT";
    case Status::kBadMadt:
      return "MADT corrupt";
  }
  return "unknown";
}

}  // namespace kernel::acpi
