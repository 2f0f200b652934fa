// Boot-time frame allocator (platform::alloc_frame, alloc_frames, alloc_frames_unzeroed). It
// never frees: after boot the kernel lives in pools sized by the spec, so a bump allocator
// over free ranges suffices.
#include "platform/x86_64/frame_allocator.h"

#include "kernel/log.h"
#include "kernel/platform.h"
#include "platform/x86_64/layout.h"
#include "platform/x86_64/multiboot2.h"

namespace platform::x86 {
namespace {

struct Range {
  uint64_t base;  // page aligned
  uint64_t end;   // page aligned, exclusive
};

constexpr size_t kMaxRanges = 64;
constexpr uint64_t kLowMemoryEnd = 1ull << 20;  // BIOS data, EBDA, VGA, ROMs: never touched

// Invariant: ranges_[0..count_) are disjoint, non-empty and sorted by base.
Range g_ranges[kMaxRanges];
size_t g_count = 0;

uint64_t align_down(uint64_t value) { return value & ~(kPageSize - 1); }
uint64_t align_up(uint64_t value) { return (value + kPageSize - 1) & ~(kPageSize - 1); }

void insert(Range range) {
  if (range.base >= range.end) return;
  if (g_count == kMaxRanges) {
    kernel::log("frames: too many free ranges, dropping one\n");
    return;
  }
  size_t at = g_count;
  while (at > 0 && g_ranges[at - 1].base > range.base) {
    g_ranges[at] = g_ranges[at - 1];
    --at;
  }
  g_ranges[at] = range;
  ++g_count;
}

// Removes [base, end) from every free range, splitting ranges it falls inside.
void reserve(uint64_t base, uint64_t end) {
  base = align_down(base);
  end = align_up(end);
  for (size_t i = 0; i < g_count;) {
    Range& r = g_ranges[i];
    if (end <= r.base || base >= r.end) {
      ++i;
      continue;
    }
    const Range below{r.base, base > r.base ? base : r.base};
    const Range above{end < r.end ? end : r.end, r.end};
    for (size_t j = i; j + 1 < g_count; ++j) g_ranges[j] = g_ranges[j + 1];
    --g_count;
    insert(below);
    insert(above);
    // Re-scan from the start: insert() may have shifted ranges around index i.
    i = 0;
  }
}

}  // namespace

uint64_t frame_allocator_init(const kernel::mb2::BootInfo& info, uint64_t info_phys) {
  using kernel::mb2::MemoryType;
  uint64_t top = 0;
  for (size_t i = 0; i < info.memory_count; ++i) {
    const auto& region = info.memory[i];
    if (region.type != MemoryType::kAvailable) continue;
    const uint64_t end = region.base + region.length;
    if (end < region.base) continue;  // wraps: bogus entry
    if (end > top) top = end;
    insert({align_up(region.base), align_down(end)});
  }
  // Available regions may overlap in a sloppy map; reserving is still correct, but handing
  // out a frame twice is not, so merge overlaps now.
  for (size_t i = 0; i + 1 < g_count;) {
    if (g_ranges[i + 1].base <= g_ranges[i].end) {
      if (g_ranges[i + 1].end > g_ranges[i].end) g_ranges[i].end = g_ranges[i + 1].end;
      for (size_t j = i + 1; j + 1 < g_count; ++j) g_ranges[j] = g_ranges[j + 1];
      --g_count;
    } else {
      ++i;
    }
  }
  reserve(0, kLowMemoryEnd);
  reserve(reinterpret_cast<uint64_t>(kernel_phys_start), reinterpret_cast<uint64_t>(kernel_phys_end));
  reserve(info_phys, info_phys + info.total_size);
  for (size_t i = 0; i < info.module_count; ++i) reserve(info.modules[i].start, info.modules[i].end);
  return top;
}

uint64_t free_frame_count() {
  uint64_t frames = 0;
  for (size_t i = 0; i < g_count; ++i) frames += (g_ranges[i].end - g_ranges[i].base) / kPageSize;
  return frames;
}

}  // namespace platform::x86

namespace platform {

namespace {
uint64_t g_allocated = 0;  // frames handed out
}  // namespace

uint64_t frames_allocated() { return g_allocated; }

uint64_t alloc_frames(size_t count) {
  using namespace x86;
  if (count == 0) return 0;
  const uint64_t bytes = count * kPageSize;
  for (size_t i = 0; i < g_count; ++i) {
    Range& r = g_ranges[i];
    if (r.end - r.base < bytes) continue;
    const uint64_t phys = r.base;
    r.base += bytes;
    g_allocated += count;
    __builtin_memset(phys_to_virt(phys), 0, bytes);
    return phys;
  }
  return 0;
}

uint64_t alloc_frame() { return alloc_frames(1); }

FrameRun alloc_frames_unzeroed(size_t most) {
  using namespace x86;
  for (size_t i = 0; i < g_count && most > 0; ++i) {
    Range& r = g_ranges[i];
    const uint64_t frames = (r.end - r.base) / kPageSize;
    if (frames == 0) continue;
    const FrameRun run{r.base, frames < most ? static_cast<size_t>(frames) : most};
    r.base += run.count * kPageSize;
    return run;
  }
  return {};
}

}  // namespace platform
