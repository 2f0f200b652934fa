// Copies from user memory through the page tables, never through a raw user pointer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/platform.h"
#include "kernel/result.h"

namespace kernel {

/// A user virtual address range, checked against the user half before any use.
class UserRange {
 public:
  /// kBadAddress unless [addr, addr+length) lies wholly below layout::kUserTop.
  static Result<UserRange> make(uint64_t addr, size_t length) {
    if (addr >= tessera::layout::kUserTop || length > tessera::layout::kUserTop - addr) return Status::kBadAddress;
    return UserRange(addr, length);
  }
  UserRange() = default;
  uint64_t addr() const { return addr_; }
  size_t length() const { return length_; }

 private:
  UserRange(uint64_t addr, size_t length) : addr_(addr), length_(length) {}
  uint64_t addr_ = 0;
  size_t length_ = 0;
};

/// Copies range.length() bytes into dst; kBadAddress if any page is not user-readable.
Status copy_from_user(const platform::AddressSpace& space, void* dst, UserRange range);

}  // namespace kernel
