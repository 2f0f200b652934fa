// Parser for the multiboot2 boot information (memory map, modules, ACPI RSDP, cmdline).
// Portable: it reads a byte buffer, so host tests feed it hand-built dumps. Every length in
// the input is checked against the buffer before it is used; nothing is trusted.
#pragma once

#include <stddef.h>
#include <stdint.h>

namespace kernel::mb2 {

/// Memory map entry types [Multiboot2 spec §3.6.8].
enum class MemoryType : uint32_t {
  kAvailable = 1,
  kReserved = 2,
  kAcpiReclaimable = 3,
  kAcpiNvs = 4,
  kBad = 5,
};

struct MemoryRegion {
  uint64_t base = 0;
  uint64_t length = 0;
  MemoryType type = MemoryType::kReserved;  ///< unknown types are kept as their raw value
};

/// A boot module: [start, end) in physical memory and the string GRUB gave it.
struct Module {
  uint64_t start = 0;
  uint64_t end = 0;               ///< exclusive
  const char* cmdline = nullptr;  ///< points into the parsed buffer; NUL-terminated
  size_t cmdline_length = 0;      ///< without the NUL
};

/// Why a buffer was refused. Anything but kOk leaves the BootInfo unusable.
enum class ParseStatus : uint32_t {
  kOk = 0,
  kTooSmall = 1,       ///< shorter than the fixed header plus an end tag
  kBadTotalSize = 2,   ///< total_size exceeds the buffer or is below the minimum
  kBadTag = 3,         ///< a tag's size is below 8 or runs past total_size
  kMissingEndTag = 4,  ///< the tags ran out without a terminating end tag
  kBadMemoryMap = 5,   ///< memory map entry size is unusable
  kBadModule = 6,      ///< module tag too short, end < start, or string not terminated
  kBadString = 7,      ///< a string tag is not NUL-terminated within its size
};

inline constexpr size_t kMaxMemoryRegions = 64;
inline constexpr size_t kMaxModules = 16;

/// Everything the kernel uses from the boot information. Pointers point into the buffer.
struct BootInfo {
  uint32_t total_size = 0;

  MemoryRegion memory[kMaxMemoryRegions];
  size_t memory_count = 0;
  bool memory_truncated = false;  ///< more entries existed than kMaxMemoryRegions

  Module modules[kMaxModules];
  size_t module_count = 0;
  bool modules_truncated = false;

  const char* cmdline = nullptr;  ///< kernel command line, or nullptr when absent
  size_t cmdline_length = 0;

  /// ACPI RSDP copy (tag 14 = ACPI 1.0, 20 bytes; tag 15 = ACPI 2.0+, 36 bytes or more).
  /// The newest one seen wins.
  const uint8_t* rsdp = nullptr;
  size_t rsdp_length = 0;
  uint8_t rsdp_revision = 0;  ///< 1 for the old tag, 2 for the new one, 0 when absent
};

/// Tag type numbers [Multiboot2 spec §3.6].
enum class TagType : uint32_t {
  kEnd = 0,
  kCmdline = 1,
  kBootloaderName = 2,
  kModule = 3,
  kBasicMemInfo = 4,
  kMemoryMap = 6,
  kAcpiOldRsdp = 14,
  kAcpiNewRsdp = 15,
};

/// Parses `size` bytes at `data` (the boot information as passed in ebx). On kOk, `out`
/// describes it; pointers in `out` stay valid as long as the buffer does.
[[nodiscard]] ParseStatus parse(const void* data, size_t size, BootInfo& out);

/// The module whose command line equals `name`, or nullptr.
const Module* find_module(const BootInfo& info, const char* name);

/// Bytes the boot information claims to occupy: its first 32-bit word, or 0 if `size` < 4.
uint32_t declared_size(const void* data, size_t size);

}  // namespace kernel::mb2
