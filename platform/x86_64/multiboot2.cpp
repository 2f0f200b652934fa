// Parser for the multiboot2 boot information; see multiboot2.h.
#include "platform/x86_64/multiboot2.h"

namespace kernel::mb2 {
namespace {

constexpr size_t kHeaderSize = 8;                               // total_size, reserved
constexpr size_t kTagHeaderSize = 8;                            // type, size
constexpr size_t kMinimumTotal = kHeaderSize + kTagHeaderSize;  // header + end tag

// Byte-wise little-endian loads: the buffer need not be aligned on the host, and this keeps
// the parser free of type punning.
uint32_t load_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 | static_cast<uint32_t>(p[2]) << 16 |
         static_cast<uint32_t>(p[3]) << 24;
}

uint64_t load_u64(const uint8_t* p) {
  return static_cast<uint64_t>(load_u32(p)) | static_cast<uint64_t>(load_u32(p + 4)) << 32;
}

// Length of a NUL-terminated string within [p, p+limit), or `limit` if there is no NUL.
size_t bounded_length(const uint8_t* p, size_t limit) {
  size_t n = 0;
  while (n < limit && p[n] != 0) ++n;
  return n;
}

ParseStatus parse_memory_map(const uint8_t* body, size_t body_size, BootInfo& out) {
  // body: entry_size u32, entry_version u32, entries...
  constexpr size_t kEntryMinimum = 24;  // base u64, length u64, type u32, reserved u32
  if (body_size < 8) return ParseStatus::kBadMemoryMap;
  const uint32_t entry_size = load_u32(body);
  if (entry_size < kEntryMinimum || entry_size % 8 != 0) return ParseStatus::kBadMemoryMap;
  const uint8_t* entry = body + 8;
  size_t remaining = body_size - 8;
  while (remaining >= entry_size) {
    if (out.memory_count == kMaxMemoryRegions) {
      out.memory_truncated = true;
      break;
    }
    MemoryRegion& region = out.memory[out.memory_count++];
    region.base = load_u64(entry);
    region.length = load_u64(entry + 8);
    region.type = static_cast<MemoryType>(load_u32(entry + 16));
    entry += entry_size;
    remaining -= entry_size;
  }
  return ParseStatus::kOk;
}

ParseStatus parse_module(const uint8_t* body, size_t body_size, BootInfo& out) {
  // body: mod_start u32, mod_end u32, string (NUL-terminated)
  if (body_size < 9) return ParseStatus::kBadModule;
  const uint32_t start = load_u32(body);
  const uint32_t end = load_u32(body + 4);
  const size_t length = bounded_length(body + 8, body_size - 8);
  if (end < start || length == body_size - 8) return ParseStatus::kBadModule;
  if (out.module_count == kMaxModules) {
    out.modules_truncated = true;
    return ParseStatus::kOk;
  }
  Module& module = out.modules[out.module_count++];
  module.start = start;
  module.end = end;
  module.cmdline = reinterpret_cast<const char*>(body + 8);
  module.cmdline_length = length;
  return ParseStatus::kOk;
}

ParseStatus parse_tag(uint32_t type, const uint8_t* body, size_t body_size, BootInfo& out) {
  switch (static_cast<TagType>(type)) {
    case TagType::kCmdline: {
      const size_t length = bounded_length(body, body_size);
      if (length == body_size) return ParseStatus::kBadString;
      out.cmdline = reinterpret_cast<const char*>(body);
      out.cmdline_length = length;
      return ParseStatus::kOk;
    }
    case TagType::kModule:
      return parse_module(body, body_size, out);
    case TagType::kMemoryMap:
      return parse_memory_map(body, body_size, out);
    case TagType::kAcpiOldRsdp:
      // An RSDP of revision 0 is 20 bytes [ACPI 6.4 §5.2.5.3]; shorter copies are ignored.
      if (body_size >= 20 && out.rsdp_revision < 2) {
        out.rsdp = body;
        out.rsdp_length = body_size;
        out.rsdp_revision = 1;
      }
      return ParseStatus::kOk;
    case TagType::kAcpiNewRsdp:
      if (body_size >= 36) {
        out.rsdp = body;
        out.rsdp_length = body_size;
        out.rsdp_revision = 2;
      }
      return ParseStatus::kOk;
    default:
      return ParseStatus::kOk;  // tags we do not need are skipped by size
  }
}

}  // namespace

uint32_t declared_size(const void* data, size_t size) {
  if (data == nullptr || size < 4) return 0;
  return load_u32(static_cast<const uint8_t*>(data));
}

ParseStatus parse(const void* data, size_t size, BootInfo& out) {
  out = BootInfo{};
  if (data == nullptr || size < kMinimumTotal) return ParseStatus::kTooSmall;
  const auto* base = static_cast<const uint8_t*>(data);
  const uint32_t total = load_u32(base);
  if (total < kMinimumTotal || total > size) return ParseStatus::kBadTotalSize;
  out.total_size = total;

  // Invariant: kHeaderSize <= offset <= total, and offset is 8-aligned (tags are padded).
  size_t offset = kHeaderSize;
  while (total - offset >= kTagHeaderSize) {
    const uint32_t type = load_u32(base + offset);
    const uint32_t tag_size = load_u32(base + offset + 4);
    if (tag_size < kTagHeaderSize || tag_size > total - offset) return ParseStatus::kBadTag;
    if (static_cast<TagType>(type) == TagType::kEnd) return ParseStatus::kOk;
    const ParseStatus status = parse_tag(type, base + offset + kTagHeaderSize, tag_size - kTagHeaderSize, out);
    if (status != ParseStatus::kOk) return status;
    const size_t padded = (static_cast<size_t>(tag_size) + 7) & ~static_cast<size_t>(7);
    if (padded > total - offset) break;  // the padding of the last tag ran off the end
    offset += padded;
  }
  return ParseStatus::kMissingEndTag;
}

const Module* find_module(const BootInfo& info, const char* name) {
  size_t name_length = 0;
  while (name[name_length] != 0) ++name_length;
  for (size_t i = 0; i < info.module_count; ++i) {
    const Module& module = info.modules[i];
    if (module.cmdline_length != name_length) continue;
    bool same = true;
    for (size_t j = 0; j < name_length && same; ++j) same = module.cmdline[j] == name[j];
    if (same) return &module;
  }
  return nullptr;
}

}  // namespace kernel::mb2
