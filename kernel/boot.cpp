// kernel::main: instantiates the boot spec — address spaces, ELF images, caps, threads — once.
#include <new>

#include "kernel/boot_image.h"
#include "kernel/elf.h"
#include "kernel/kernel_stack.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/placement.h"

namespace kernel {
namespace {

using tessera::layout::kPageSize;
namespace spec = tessera::spec;

/// Components logged one line each at boot; a bigger system logs the count only.
constexpr uint32_t kComponentsLogged = 64;

BootMemory& boot_memory() { return state().boot_memory; }

/// Boot-only allocation of zeroed, default-constructed objects, packed with the other
/// kernel objects (boot_memory.h).
template <class T>
T* boot_new(size_t count) {
  static_assert(alignof(T) <= kPageSize);
  if (count == 0) return nullptr;
  void* memory = boot_memory().take(count * sizeof(T), alignof(T), BootUse::kObjects);
  if (memory == nullptr) panic("out of memory while instantiating the boot spec");
  T* objects = static_cast<T*>(memory);
  for (size_t i = 0; i < count; ++i) new (&objects[i]) T();
  return objects;
}

/// A zeroed frame of a component's own memory (its image, heap, stack, quotas), or 0.
uint64_t component_frame() { return boot_memory().frames(1, BootUse::kComponentMemory); }

/// Maps [vaddr, vaddr+bytes) with fresh frames, copying `file` bytes at the start.
bool map_fresh(Component& c, uint64_t vaddr, uint64_t bytes, const uint8_t* file, uint64_t file_size,
               platform::MapFlags flags) {
  for (uint64_t off = 0; off < bytes; off += kPageSize) {
    uint64_t frame = component_frame();
    if (frame == 0) return false;
    if (off < file_size) {
      uint64_t n = file_size - off < kPageSize ? file_size - off : kPageSize;
      __builtin_memcpy(platform::phys_to_virt(frame), file + off, n);
    }
    if (!platform::map_page(c.space, vaddr + off, frame, flags)) return false;
  }
  return true;
}

/// Puts `count` frames that are not zeroed into `pool` (runs of contiguous ones where memory
/// allows); false when memory is exhausted.
bool fill_unzeroed(FramePool& pool, uint32_t count) {
  for (uint32_t filled = 0; filled < count;) {
    const platform::FrameRun run = boot_memory().frames_unzeroed(count - filled, BootUse::kComponentMemory);
    if (run.count == 0) return false;
    for (size_t i = 0; i < run.count; ++i) pool.push(run.phys + i * kPageSize);
    filled += static_cast<uint32_t>(run.count);
  }
  return true;
}

/// Pages of [vaddr, vaddr + bytes).
uint64_t pages_of(uint64_t bytes) { return (bytes + kPageSize - 1) / kPageSize; }

/// Maps [vaddr, vaddr+bytes) of supervised c copy-on-write: each page read-only onto a
/// pristine copy of the first `file_size` bytes of `file` (the zero frame past them).
bool map_cow(Component& c, uint64_t vaddr, uint64_t bytes, const uint8_t* file, uint64_t file_size) {
  for (uint64_t off = 0; off < bytes; off += kPageSize) {
    uint64_t pristine = state().zero_frame;
    if (off < file_size) {
      pristine = component_frame();
      if (pristine == 0) return false;
      uint64_t n = file_size - off < kPageSize ? file_size - off : kPageSize;
      __builtin_memcpy(platform::phys_to_virt(pristine), file + off, n);
    }
    if (!c.sup.image.add(c.space, vaddr + off, pristine)) return false;
  }
  return true;
}

/// Writable memory: fresh frames, or copy-on-write pages for a component that may restart.
bool map_writable(Component& c, uint64_t vaddr, uint64_t bytes, const uint8_t* file, uint64_t file_size) {
  if (c.sup.fault_endpoint != nullptr) return map_cow(c, vaddr, bytes, file, file_size);
  return map_fresh(c, vaddr, bytes, file, file_size, platform::MapFlags{true, true, false});
}

/// What supervision needs of c: its policy, its reporter (a thread that never runs, with a
/// frame and a buffer for the report), and room for its copy-on-write image: a record and a
/// frame for its copy for every writable page.
bool prepare_supervision(Component& c, const spec::Component& sc, const ElfImage& img) {
  Supervision& s = c.sup;
  s.boot = &sc;
  s.entry = img.entry;
  if (sc.supervisor_endpoint == spec::kNoSupervisor) return true;
  s.fault_endpoint = &state().endpoints[sc.supervisor_endpoint];
  s.report_badge = sc.report_badge;
  s.restart = static_cast<tessera::RestartPolicy>(sc.restart);
  s.restart_limit = sc.restart_limit;
  Thread* reporter = boot_new<Thread>(1);
  reporter->frame = boot_new<SyscallFrame>(1);
  reporter->ipc_buffer = boot_new<tessera::IpcBuffer>(1);
  reporter->component = &c;
  reporter->priority = c.priority;
  reporter->reporter = true;
  reporter->state = ThreadState::kDead;
  s.reporter = reporter;
  uint64_t pages = uint64_t{sc.stack_pages} + sc.heap_pages;
  for (unsigned i = 0; i < img.segment_count; ++i)
    if (img.segments[i].write) pages += pages_of(img.segments[i].memsz);
  const auto count = static_cast<uint32_t>(pages);
  FramePool copies(boot_new<uint64_t>(count), count);
  // A copy overwrites all of its frame (CowImage::copy_page): no need to zero it now.
  if (!fill_unzeroed(copies, count)) return false;
  s.image = CowImage(boot_new<CowPage>(count), count, copies);
  return true;
}

/// Every thread slot's IPC buffer: a page mapped at kIpcBufferBase + id pages, which is also
/// its thread pointer.
bool map_ipc_buffers(Component& c) {
  for (uint32_t i = 0; i < c.thread_quota; ++i) {
    const uint64_t frame = boot_memory().frames(1, BootUse::kIpcBuffers);
    const uint64_t user = ipc_buffer_address(i);
    if (frame == 0 || !platform::map_page(c.space, user, frame, platform::MapFlags{true, true, false})) return false;
    c.threads[i].ipc_buffer = static_cast<tessera::IpcBuffer*>(platform::phys_to_virt(frame));
    c.threads[i].ipc_buffer->self = user;
  }
  return true;
}

/// The component's map quota, reserved now: kMap later only takes from it. FramePool::pop
/// zeroes each frame as it hands it out, so the frames are not zeroed here (a 64 MiB quota
/// would cost the boot 8 million stores).
bool reserve_map_quota(Component& c, uint32_t pages) {
  if (pages == 0) return true;
  c.map_pool = FramePool(boot_new<uint64_t>(pages), pages);
  return fill_unzeroed(c.map_pool, pages);
}

/// Starts a loaded component's first thread (placed on a CPU of its affinity set, as
/// thread_create places every thread) and queues it there.
void start_first_thread(Component& c, const spec::Component& sc) {
  KernelState& k = state();
  Thread* t = thread_create(c, c.priority, 0, first_thread_entry(c), k.cpu_pool());
  Cpu& home = *t->cpu;
  if (sc.cpu >= 0 && static_cast<uint32_t>(sc.cpu) != home.index)
    log("kernel: %s is pinned to cpu %d, but only %u CPUs are up; it runs on cpu %u\n", c.name, sc.cpu, k.cpu_count,
        home.index);
  home.ready.enqueue(t);
}

/// Builds one component; on failure logs why and leaves it stopped.
bool load(Component& c, uint32_t index, const spec::Component& sc, const BootSpec& bs, const BootImage& image) {
  __builtin_memcpy(c.name, sc.name, sizeof(c.name));
  c.index = index;
  c.flags = sc.flags;
  c.caps = CapTable(boot_new<Cap>(sc.cap_slots), sc.cap_slots, &c);
  for (uint32_t i = 0; i < sc.cap_count; ++i) {
    const spec::Cap& s = bs.cap(sc.cap_first + i);
    const auto type = static_cast<tessera::CapType>(s.type);
    if (c.caps.install(s.slot, CapValue{type, s.rights, boot_cap_object(s), s.badge}) != Status::kOk) {
      log("kernel: %s: cap slot %u given twice\n", c.name, s.slot);
      return false;
    }
    if (type == tessera::CapType::kEndpoint && (s.rights & tessera::rights::kRecv) != 0)
      static_cast<Endpoint*>(boot_cap_object(s))->owner = &c;
  }
  if (sc.cap_count > 0) c.sup.boot_caps = &bs.cap(sc.cap_first);
  c.ioports = sc.ioport_count > 0 ? &bs.ioport(sc.ioport_first) : nullptr;
  c.ioport_count = sc.ioport_count;

  Blob elf_blob = image.find(sc.name, index + 1);
  if (elf_blob.data == nullptr) {
    log("kernel: %s: no ELF image in system.img\n", c.name);
    return false;
  }
  auto elf = parse_elf(elf_blob.data, elf_blob.size, tessera::layout::kHeapBase);
  if (!elf.ok()) {
    log("kernel: %s: not a valid component ELF\n", c.name);
    return false;
  }
  if (!platform::create_address_space(c.space)) return false;
  ElfImage img = elf.value();
  c.priority = static_cast<uint8_t>(sc.priority);
  if (!prepare_supervision(c, sc, img)) return false;
  // In ascending address order: a copy-on-write image records its pages so.
  for (unsigned i = 0; i < img.segment_count; ++i) {
    const ElfSegment& s = img.segments[i];
    const uint8_t* file = elf_blob.data + s.offset;
    if (s.write ? !map_writable(c, s.vaddr, s.memsz, file, s.filesz)
                : !map_fresh(c, s.vaddr, s.memsz, file, s.filesz, platform::MapFlags{true, false, s.exec}))
      return false;
  }
  uint64_t stack_bytes = uint64_t{sc.stack_pages} * kPageSize;
  uint64_t heap_bytes = uint64_t{sc.heap_pages} * kPageSize;
  // The page below the stack stays unmapped: an overflow faults instead of corrupting.
  if (!map_writable(c, tessera::layout::kHeapBase, heap_bytes, nullptr, 0) ||
      !map_writable(c, tessera::layout::kStackTop - stack_bytes, stack_bytes, nullptr, 0))
    return false;

  // Every thread the quota allows gets its kernel stack now; creating one later only
  // takes the next.
  c.affinity = sc.affinity;
  c.thread_quota = sc.thread_quota;
  c.threads = boot_new<Thread>(c.thread_quota);
  for (uint32_t i = 0; i < c.thread_quota; ++i) {
    uint64_t top = boot_memory().kernel_stack();
    if (top == 0) return false;
    c.threads[i].context.kernel_stack_top = top;
  }
  if (!map_ipc_buffers(c) || !reserve_map_quota(c, sc.map_pages)) return false;
  c.sup.loaded = true;
  // A manual component waits, loaded, for its supervisor's start (stopped from main, once
  // its mappings and interrupt lines are set up like everyone's).
  if ((sc.flags & spec::kFlagStartManual) == 0) {
    start_first_thread(c, sc);
    c.sup.ran = true;
  }
  return true;
}

/// Each CPU's state and idle thread.
void make_cpus() {
  KernelState& k = state();
  k.cpu_count = platform::cpu_count();
  if (k.cpu_count > kMaxCpus) k.cpu_count = kMaxCpus;
  k.cpus = boot_new<Cpu>(k.cpu_count);
  Thread* idle = boot_new<Thread>(k.cpu_count);
  for (uint32_t i = 0; i < k.cpu_count; ++i) {
    k.cpus[i].index = i;
    uint64_t top = boot_memory().kernel_stack();
    if (top == 0) panic("out of memory for the idle threads");
    make_idle_thread(k.cpus[i], idle[i], top);
  }
}

/// Shared regions: contiguous zeroed frames each.
void make_regions(const BootSpec& bs) {
  KernelState& k = state();
  k.region_count = bs.header().region_count;
  k.regions = boot_new<Region>(k.region_count);
  for (uint32_t i = 0; i < k.region_count; ++i) {
    k.regions[i].pages = bs.region(i).pages;
    k.regions[i].phys = boot_memory().frames(k.regions[i].pages, BootUse::kComponentMemory);
    if (k.regions[i].phys == 0) panic("out of memory for the shared regions");
  }
}

/// The mappings `memory:` describes, each owned by a memory cap of its component.
void map_boot_regions(const BootSpec& bs) {
  KernelState& k = state();
  for (uint32_t i = 0; i < bs.header().mapping_count; ++i) {
    const spec::Mapping& m = bs.mapping(i);
    Component& c = k.components[m.component];
    if (c.stopped) continue;
    auto cap = c.caps.lookup(m.slot, tessera::CapType::kMemory, 0);
    if (!cap.ok() || !region_map_at_boot(c, *cap.value(), m.vaddr)) {
      log("kernel: %s: shared region at 0x%lx could not be mapped\n", c.name, m.vaddr);
      c.sup.loaded = false;  // a restart could not map it again either
      stop_component(k.cpus[0], &c, kStatusFault, Status::kPeerDied, k.endpoint_pool());
    }
  }
}

/// Routes each granted interrupt line, masked, to the CPU of its driver's first thread;
/// a line the platform cannot route is logged and left alone.
void route_irqs(const BootSpec& bs) {
  KernelState& k = state();
  for (uint32_t i = 0; i < k.irq_count; ++i) {
    const spec::Irq& s = bs.irq(i);
    Irq& irq = k.irqs[i];
    irq.line = s.line;
    irq.notification = &k.notifications[s.notification];
    irq.bits = s.bits;
    irq.driver = &k.components[s.component];
    irq.masked = true;
    if (irq.driver->stopped) continue;
    // A manual driver has no thread yet: its line goes to the CPU it is pinned to (or the
    // first), and stays masked until it starts.
    const Thread& first = irq.driver->threads[0];
    const int pin = irq.driver->sup.boot->cpu;
    const unsigned cpu = first.cpu != nullptr                                   ? first.cpu->index
                         : pin >= 0 && static_cast<uint32_t>(pin) < k.cpu_count ? static_cast<unsigned>(pin)
                                                                                : 0;
    if (!platform::route_irq(s.line, i, cpu)) {
      log("kernel: %s: IRQ %u cannot be routed\n", irq.driver->name, s.line);
      continue;
    }
    irq.routed = true;
    if (!irq.driver->sup.ran) continue;
    irq.masked = false;
    platform::mask_irq(s.line, false);
  }
}

/// The boot's accounts, in the log: what was set aside for the description (everything
/// after the CPUs' state) and what instantiating it cost, in cycles (guest instructions
/// under icount). `spec` covers checking the image and the spec, `objects` the system-wide
/// objects, the halves the two halves of the components' loads, `wiring` the regions,
/// interrupt lines and the first switch's preparations.
void log_accounts(const BootTally& set_aside, uint64_t unused, uint64_t spec, uint64_t objects, uint64_t first_half,
                  uint64_t second_half, uint64_t wiring) {
  const uint32_t n = state().component_count;
  const uint32_t half = n / 2;
  log("kernel: boot memory, the kernel's: %lu KiB for %u components (objects %lu, kernel stacks %lu, IPC buffers %lu, "
      "page tables %lu; chunk tails unused %lu)\n",
      set_aside.kernel() >> 10, n, set_aside[BootUse::kObjects] >> 10, set_aside[BootUse::kKernelStacks] >> 10,
      set_aside[BootUse::kIpcBuffers] >> 10, set_aside[BootUse::kPageTables] >> 10, unused >> 10);
  log("kernel: boot memory, the components' own: %lu KiB (images, heaps, stacks, quotas, regions)\n",
      set_aside[BootUse::kComponentMemory] >> 10);
  log("kernel: boot memory per component: %lu bytes of the kernel's; per thread slot %lu (kernel stack %lu, IPC "
      "buffer %lu, thread %lu)\n",
      set_aside.kernel() / n, kBytesPerThreadSlot, kKernelStackBytes, kPageSize, sizeof(Thread));
  const uint64_t total = spec + objects + first_half + second_half + wiring;
  log("kernel: boot cost: %lu cycles for %u components (spec %lu, objects %lu, components %lu + %lu, wiring %lu)\n",
      total, n, spec, objects, first_half, second_half, wiring);
  log("kernel: boot cost per component: %lu cycles (first half %lu, second half %lu)\n", total / n,
      half > 0 ? first_half / half : 0, second_half / (n - half));
}

}  // namespace

void main(const BootModule& module) {
  const uint64_t t_entry = platform::cycle_count();
  const auto* data = static_cast<const uint8_t*>(platform::phys_to_virt(module.phys_start));
  auto image = BootImage::parse(data, static_cast<size_t>(module.phys_end - module.phys_start));
  if (!image.ok()) panic("the boot module is not a system image");
  Blob spec_blob = image.value().find("system.spec");
  auto parsed = BootSpec::parse(spec_blob.data, spec_blob.size, [](size_t words) {
    return static_cast<uint64_t*>(state().boot_memory.take(words * 8, 8, BootUse::kObjects));
  });
  if (!parsed.ok()) panic("system.spec is missing or malformed");
  const BootSpec& bs = parsed.value();
  const uint64_t t_spec = platform::cycle_count();

  KernelState& k = state();
  k.boot_memory.begin();
  make_cpus();
  const BootTally before = k.boot_memory.tally();
  const uint64_t t_cpus = platform::cycle_count();
  Cpu& cpu = k.cpus[0];
  // Held until the first thread runs; the other CPUs wait for it in secondary_main.
  kernel_lock().acquire(&cpu);
  platform::set_cpu_data(&cpu);
  k.endpoint_count = bs.header().endpoint_count;
  k.endpoints = boot_new<Endpoint>(k.endpoint_count);
  k.notification_count = bs.header().notification_count;
  k.notifications = boot_new<Notification>(k.notification_count);
  make_regions(bs);
  k.irq_count = bs.header().irq_count;
  k.irqs = boot_new<Irq>(k.irq_count);
  k.component_count = bs.header().component_count;
  k.components = boot_new<Component>(k.component_count);
  k.boot_mapping_count = bs.header().mapping_count;
  k.boot_mappings = k.boot_mapping_count > 0 ? &bs.mapping(0) : nullptr;
  k.zero_frame = k.boot_memory.frames(1, BootUse::kObjects);
  if (k.zero_frame == 0) panic("out of memory for the zero page");

  const uint64_t t_objects = platform::cycle_count();
  uint64_t t_half = t_objects;
  uint32_t started = 0;
  for (uint32_t i = 0; i < k.component_count; ++i) {
    if (i == k.component_count / 2) t_half = platform::cycle_count();
    Component& c = k.components[i];
    const bool logged = i < kComponentsLogged;
    if (!load(c, i, bs.component(i), bs, image.value())) {
      log("kernel: component %s was not started\n", bs.component(i).name);
      stop_component(cpu, &c, kStatusFault, Status::kPeerDied, k.endpoint_pool());
    } else if (!c.sup.ran) {
      if (logged)
        log("kernel: component %s: priority %u, %u cap slots, waits for its supervisor to start it\n", c.name,
            bs.component(i).priority, c.caps.size());
    } else {
      ++started;
      if (logged)
        log("kernel: component %s: priority %u, %u cap slots, cpu %u\n", c.name, bs.component(i).priority,
            c.caps.size(), c.threads[0].cpu->index);
    }
  }
  if (k.component_count > kComponentsLogged)
    log("kernel: (one line each for the first %u components only)\n", kComponentsLogged);
  const uint64_t t_loaded = platform::cycle_count();
  map_boot_regions(bs);
  route_irqs(bs);
  for (uint32_t i = 0; i < k.component_count; ++i)
    if (!k.components[i].sup.ran) k.components[i].stopped = true;  // until started (stop_component would fail clients)
  log("kernel: %u of %u components started on %u CPUs\n", started, k.component_count, k.cpu_count);
  if (started == 0) panic("no component could be started");
  log_accounts(k.boot_memory.tally() - before, k.boot_memory.unused(), t_spec - t_entry, t_objects - t_cpus,
               t_half - t_objects, t_loaded - t_half, platform::cycle_count() - t_loaded);
  platform::release_secondary_cpus();
  Thread* first = cpu.ready.pop_highest();
  start_on(cpu, first != nullptr ? first : cpu.idle);
}

}  // namespace kernel
