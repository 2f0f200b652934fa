// A host stand-in for platform/x86_64: memory from the heap, a recorded console, and
// context switches that only record what the kernel asked for.
#include "tests/host/fake_platform.h"

#include "arch/direct_switch.h"
#include "kernel/lock.h"

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace fake {
Platform& platform() {
  static Platform instance;
  return instance;
}
}  // namespace fake

namespace {
/// Every frame handed out. The kernel never gives physical memory back, so the frames live
/// until the process ends and are freed only then (which keeps the leak checker quiet).
struct Frames {
  std::vector<void*> blocks;
  uint64_t allocated = 0;  ///< frames in them
  ~Frames() {
    for (void* b : blocks) std::free(b);
  }
};
Frames& frames() {
  static Frames instance;
  return instance;
}
}  // namespace

namespace platform {

void console_write(const char* text, size_t length) {
  fake::platform().console.append(text, length);
  fake::platform().console_writes_locked.push_back(kernel::kernel_lock().held());
}
void console_write_lines(const char* text, size_t length) {
  fake::platform().console.append(text, length);
  fake::platform().console_writes_locked.push_back(kernel::kernel_lock().held());
  if (length > 0 && text[length - 1] != '\n') fake::platform().console.append("\n");
}
void console_flush() {}
void shutdown(uint32_t status) { throw fake::Shutdown{status}; }
void halt_forever() { throw fake::Shutdown{~0u}; }

uint64_t alloc_frames(size_t count) {
  void* p = std::aligned_alloc(4096, count * 4096);
  std::memset(p, 0, count * 4096);
  frames().blocks.push_back(p);
  frames().allocated += count;
  return reinterpret_cast<uint64_t>(p);  // identity "direct map" on the host
}
uint64_t alloc_frame() { return alloc_frames(1); }
FrameRun alloc_frames_unzeroed(size_t most) {
  // What RAM might hold: a caller that reads before it writes sees it in a test. Runs of at
  // most 3 frames, so that callers are seen to take more than one.
  const size_t count = most < 3 ? most : 3;
  if (count == 0) return {};
  const uint64_t phys = alloc_frames(count);
  std::memset(reinterpret_cast<void*>(phys), 0xa5, count * 4096);
  return {phys, count};
}
uint64_t frames_allocated() { return frames().allocated; }
void* phys_to_virt(uint64_t phys) { return reinterpret_cast<void*>(phys); }

bool create_address_space(AddressSpace& as) {
  as.root = ++fake::platform().next_space;
  return true;
}
namespace {
void set_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags) {
  fake::platform().pages[{as.root, vaddr}] = {paddr, flags};
}
}  // namespace

// Boot's mappings: the platform allocates the page tables itself, and they exist from then on
// (a later map_page with a FrameSource finds them, as on the hardware).
bool map_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags) {
  for (unsigned level = 3; level > 0; --level)
    fake::platform().tables.insert(std::make_tuple(as.root, level, vaddr >> (12 + 9 * level)));
  set_page(as, vaddr, paddr, flags);
  return true;
}
bool map_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags, FrameSource tables) {
  auto& known = fake::platform().tables;
  for (unsigned level = 3; level > 0; --level) {
    auto key = std::make_tuple(as.root, level, vaddr >> (12 + 9 * level));
    if (known.count(key) != 0) continue;
    if (tables.alloc(tables.context) == 0) return false;
    known.insert(key);
  }
  set_page(as, vaddr, paddr, flags);
  return true;
}
uint64_t missing_tables(const AddressSpace& as, uint64_t vaddr, uint64_t pages) {
  std::set<std::tuple<uint64_t, unsigned, uint64_t>> missing;
  for (uint64_t p = 0; p < pages; ++p)
    for (unsigned level = 3; level > 0; --level) {
      auto key = std::make_tuple(as.root, level, (vaddr + p * 4096) >> (12 + 9 * level));
      if (fake::platform().tables.count(key) == 0) missing.insert(key);
    }
  const uint64_t shortfall = fake::platform().missing_tables_shortfall;
  return missing.size() > shortfall ? missing.size() - shortfall : 0;
}
uint64_t unmap_page(AddressSpace& as, uint64_t vaddr) {
  auto it = fake::platform().pages.find({as.root, vaddr});
  if (it == fake::platform().pages.end()) return 0;
  const uint64_t phys = it->second.phys;
  fake::platform().pages.erase(it);
  return phys;
}
uint64_t translate(const AddressSpace& as, uint64_t vaddr, MapFlags flags) {
  auto it = fake::platform().pages.find({as.root, vaddr & ~uint64_t{4095}});
  if (it == fake::platform().pages.end()) return 0;
  if ((flags.write && !it->second.flags.write) || (flags.exec && !it->second.flags.exec)) return 0;
  return it->second.phys;
}

uint64_t next_mapped(const AddressSpace& as, uint64_t from, uint64_t end) {
  auto it = fake::platform().pages.lower_bound({as.root, from});
  if (it == fake::platform().pages.end() || it->first.first != as.root || it->first.second >= end) return end;
  return it->first.second;
}

void prepare_user_thread(Context& ctx, uint64_t kernel_stack_top, const UserEntry& entry) {
  ctx.kernel_stack_top = kernel_stack_top;
  ctx.thread_pointer = entry.thread_pointer;
  fake::platform().user_threads.emplace_back(&ctx, entry);
}
void switch_context(Context& from, Context& to, const AddressSpace&) {
  from.resumes_from_frame = false;
  fake::platform().switches.push_back(&to);
}
void switch_context_away(Context& from, Context& to, const AddressSpace&) {
  from.resumes_from_frame = true;
  fake::platform().switches.push_back(&to);
}
bool direct_switch_possible(Context&, const Context&) { return !fake::platform().direct_switch_refused; }
void direct_switch(Context& from, const Context& to, const AddressSpace&) {
  from.resumes_from_frame = true;
  fake::platform().direct_switches.push_back(&to);
  fake::platform().switches.push_back(const_cast<Context*>(&to));
}
void direct_switch_to_idle(Context& from, const Context& idle) {
  direct_switch(from, idle, AddressSpace{});
  kernel::kernel_lock().release();  // what the idle thread does first
  throw fake::Idle{};
}
void start_first(Context& to, const AddressSpace&) {
  fake::platform().switches.push_back(&to);
  kernel::kernel_lock().release();  // what the first thread does on its way to ring 3
  throw fake::Started{};
}
void user_thread_starting() {}
void set_io_ports(uint16_t base, uint16_t count, bool allow) {
  for (uint32_t p = base; p < uint32_t{base} + count; ++p) fake::platform().io_allowed[p] = allow;
}
unsigned cpu_count() { return fake::platform().cpus; }
unsigned cpu_index() { return 0; }
uint64_t now_ns() { return fake::platform().now; }
uint64_t cycle_count() { return fake::platform().now; }
void send_reschedule(unsigned cpu) { fake::platform().reschedules.push_back(cpu); }
void release_secondary_cpus() { fake::platform().released = true; }
void idle_halt() { throw fake::Idle{}; }
void prepare_kernel_thread(Context& ctx, uint64_t stack_top, void (*)()) { ctx.kernel_stack_top = stack_top; }
void flush_tlb(const AddressSpace&) { ++fake::platform().tlb_flushes; }
void poll_remote_requests() {}
bool route_irq(uint32_t line, unsigned index, unsigned cpu) {
  fake::platform().routes[line] = {index, cpu};
  return line < 24;
}
void mask_irq(uint32_t line, bool masked) { fake::platform().irq_masked[line] = masked; }

void* host_cpu_data = nullptr;
void set_cpu_data(void* data) { host_cpu_data = data; }

}  // namespace platform
