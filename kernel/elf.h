// ELF64 executable validation: the loadable segments of a component, checked before use.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/result.h"

namespace kernel {

struct ElfSegment {
  uint64_t vaddr = 0;
  uint64_t memsz = 0;
  uint64_t offset = 0;  ///< file offset of the first byte
  uint64_t filesz = 0;
  bool write = false;
  bool exec = false;
};

struct ElfImage {
  static constexpr unsigned kMaxSegments = 8;
  uint64_t entry = 0;
  ElfSegment segments[kMaxSegments];
  unsigned segment_count = 0;
};

/// Checks an x86_64 ET_EXEC image: header, program headers and every PT_LOAD in bounds,
/// segments in user space below `user_top`, page-aligned starts, not both W and X, no two
/// segments sharing a page, and the entry point inside an executable segment.
/// kInvalidArgument for anything malformed.
Result<ElfImage> parse_elf(const uint8_t* data, size_t size, uint64_t user_top);

}  // namespace kernel
