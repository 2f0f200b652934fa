// Where boot puts what it sets aside, and the tally of it: small kernel objects packed into
// shared chunks of frames, kernel stacks packed back to back, everything else in whole
// frames. Boot only; nothing is ever given back (after boot the kernel allocates nothing).
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/kernel_stack.h"
#include "kernel/platform.h"
#include "kernel/thread.h"

namespace kernel {

/// What boot memory is for. The first four are the kernel's own; kComponentMemory is what a
/// component's description asks for (image pages, heap, stack, map quota, copy-on-write
/// copies, shared regions). kPageTables counts the frames the platform took itself: while a
/// component is loaded, its page tables; before the first, the platform's own boot memory
/// (the kernel's page tables, other CPUs' tables and boot stacks).
enum class BootUse : uint8_t { kObjects, kKernelStacks, kIpcBuffers, kPageTables, kComponentMemory, kCount };

/// What one more slot of a component's `threads:` quota sets aside: its kernel stack, its
/// IPC buffer page and its Thread (packed with the other objects: no rounding per slot).
inline constexpr uint64_t kBytesPerThreadSlot = kKernelStackBytes + tessera::layout::kPageSize + sizeof(Thread);
static_assert(kBytesPerThreadSlot <= 8192, "a thread slot costs at most 8 KiB of kernel memory (docs/kernel.md)");

/// Bytes set aside, by use.
struct BootTally {
  uint64_t bytes[static_cast<size_t>(BootUse::kCount)] = {};

  uint64_t& operator[](BootUse use) { return bytes[static_cast<size_t>(use)]; }
  uint64_t operator[](BootUse use) const { return bytes[static_cast<size_t>(use)]; }
  /// The kernel's own: objects, kernel stacks, IPC buffers and page tables.
  uint64_t kernel() const;
  BootTally operator-(const BootTally& earlier) const;
};

class BootMemory {
 public:
  /// Chunks of small objects: an object of more than a quarter of one gets frames of its own.
  static constexpr size_t kChunkPages = 8;
  /// Kernel stacks come in chunks of 7 pages, exactly 8 stacks of 3.5 KiB.
  static constexpr size_t kStackChunkPages = 7;

  /// `bytes` of zeroed memory aligned to `align` (a power of two, at most a page) for use
  /// `use`; nullptr when memory is exhausted.
  void* take(size_t bytes, size_t align, BootUse use);
  /// The top of a fresh kernel stack (kKernelStackBytes, its end marked), or 0.
  uint64_t kernel_stack();
  /// `count` contiguous zeroed frames for `use`, or 0.
  uint64_t frames(size_t count, BootUse use);
  /// A run of at most `most` contiguous frames, not zeroed, for `use` (count 0: exhausted).
  platform::FrameRun frames_unzeroed(size_t most, BootUse use);

  /// Starts the tally: frames handed out before this call are not counted.
  void begin() { base_frames_ = platform::frames_allocated(); }
  /// What was set aside since begin(); page tables are what the platform took besides
  /// (every frame handed out that none of the calls above asked for).
  BootTally tally() const;

  /// Bytes of the chunks not handed out (yet): the tails of the current chunks.
  uint64_t unused() const { return object_left_ + stack_left_; }

 private:
  uint8_t* object_next_ = nullptr;
  size_t object_left_ = 0;
  uint8_t* stack_next_ = nullptr;
  size_t stack_left_ = 0;
  BootTally tally_;
  uint64_t own_frames_ = 0;   ///< frames taken through this (chunks included)
  uint64_t base_frames_ = 0;  ///< frames handed out before begin()
};

}  // namespace kernel
