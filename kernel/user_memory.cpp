// copy_from_user: page by page through platform::translate and the kernel's direct map.
#include "kernel/user_memory.h"

namespace kernel {

Status copy_from_user(const platform::AddressSpace& space, void* dst, UserRange range) {
  auto* out = static_cast<uint8_t*>(dst);
  uint64_t addr = range.addr();
  size_t left = range.length();
  while (left > 0) {
    uint64_t in_page = addr & (tessera::layout::kPageSize - 1);
    size_t chunk = static_cast<size_t>(tessera::layout::kPageSize - in_page);
    if (chunk > left) chunk = left;
    uint64_t phys = platform::translate(space, addr - in_page, platform::MapFlags{});
    if (phys == 0) return Status::kBadAddress;
    __builtin_memcpy(out, static_cast<const uint8_t*>(platform::phys_to_virt(phys)) + in_page, chunk);
    out += chunk;
    addr += chunk;
    left -= chunk;
  }
  return Status::kOk;
}

}  // namespace kernel
