// Boot memory: packed objects and kernel stacks, whole frames, and the tally by use.
#include "kernel/boot_memory.h"

#include "kernel/kernel_stack.h"
#include "tessera/abi.h"

namespace kernel {
namespace {

using tessera::layout::kPageSize;

static_assert(BootMemory::kStackChunkPages * kPageSize % kKernelStackBytes == 0, "stack chunks hold whole stacks");

}  // namespace

uint64_t BootTally::kernel() const {
  return (*this)[BootUse::kObjects] + (*this)[BootUse::kKernelStacks] + (*this)[BootUse::kIpcBuffers] +
         (*this)[BootUse::kPageTables];
}

BootTally BootTally::operator-(const BootTally& earlier) const {
  BootTally out;
  for (size_t i = 0; i < static_cast<size_t>(BootUse::kCount); ++i) out.bytes[i] = bytes[i] - earlier.bytes[i];
  return out;
}

uint64_t BootMemory::frames(size_t count, BootUse use) {
  const uint64_t phys = platform::alloc_frames(count);
  if (phys == 0) return 0;
  own_frames_ += count;
  tally_[use] += count * kPageSize;
  return phys;
}

platform::FrameRun BootMemory::frames_unzeroed(size_t most, BootUse use) {
  const platform::FrameRun run = platform::alloc_frames_unzeroed(most);
  own_frames_ += run.count;
  tally_[use] += run.count * kPageSize;
  return run;
}

void* BootMemory::take(size_t bytes, size_t align, BootUse use) {
  if (bytes == 0) bytes = 1;
  if (bytes > kChunkPages * kPageSize / 4) {
    const size_t pages = (bytes + kPageSize - 1) / kPageSize;
    const uint64_t phys = frames(pages, use);
    return phys == 0 ? nullptr : platform::phys_to_virt(phys);
  }
  const size_t skip = (align - reinterpret_cast<uint64_t>(object_next_) % align) % align;
  if (object_next_ == nullptr || skip + bytes > object_left_) {
    // The rest of the chunk stays unused: objects never span two chunks.
    const uint64_t phys = platform::alloc_frames(kChunkPages);
    if (phys == 0) return nullptr;
    own_frames_ += kChunkPages;
    object_next_ = static_cast<uint8_t*>(platform::phys_to_virt(phys));
    object_left_ = kChunkPages * kPageSize;
    return take(bytes, align, use);
  }
  uint8_t* out = object_next_ + skip;
  object_next_ += skip + bytes;
  object_left_ -= skip + bytes;
  tally_[use] += skip + bytes;
  return out;
}

uint64_t BootMemory::kernel_stack() {
  if (stack_left_ < kKernelStackBytes) {
    const uint64_t phys = platform::alloc_frames(kStackChunkPages);
    if (phys == 0) return 0;
    own_frames_ += kStackChunkPages;
    stack_next_ = static_cast<uint8_t*>(platform::phys_to_virt(phys));
    stack_left_ = kStackChunkPages * kPageSize;
  }
  stack_next_ += kKernelStackBytes;
  stack_left_ -= kKernelStackBytes;
  tally_[BootUse::kKernelStacks] += kKernelStackBytes;
  const uint64_t top = reinterpret_cast<uint64_t>(stack_next_);
  mark_stack_end(top);
  return top;
}

BootTally BootMemory::tally() const {
  BootTally out = tally_;
  out[BootUse::kPageTables] = (platform::frames_allocated() - base_frames_ - own_frames_) * kPageSize;
  return out;
}

}  // namespace kernel
