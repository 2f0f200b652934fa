// A small supervised system booted by the real kernel::main on the fake platform, for host
// tests of supervision: a system image (spec and ELFs) built in memory, then system calls
// made by its threads through the real dispatcher.
//
//   sup      receives on the fault endpoint (0); holds a component cap to the server
//   server   supervised: receives on endpoint 1; a notification, a shared region mapped at
//            kSharedBase, an IRQ line, a map quota and room for two threads
//   client_a calls endpoint 1 (with grant), can send its notification cap
//   client_b calls endpoint 1
#pragma once

#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "kernel/component.h"
#include "kernel/endpoint.h"
#include "kernel/irq.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/notification.h"
#include "kernel/scheduler.h"
#include "tessera/spec_format.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

namespace kernel::host {

namespace spec = tessera::spec;
using tessera::layout::kPageSize;

// Components, in the spec's order.
constexpr uint32_t kSup = 0, kServer = 1, kClientA = 2, kClientB = 3;
constexpr uint32_t kComponents = 4;
// Objects.
constexpr uint32_t kFaultEp = 0, kServerEp = 1;
constexpr uint32_t kIrqLine = 4;
constexpr uint32_t kRegionPages = 2;
// Slots. The supervisor's:
constexpr uint64_t kSupFault = 1;    ///< the fault endpoint: recv
constexpr uint64_t kSupControl = 2;  ///< the server's component cap: send, grant
constexpr uint64_t kSupCall = 3;     ///< the server's endpoint: send, grant
// The server's (8 slots; 5..7 free):
constexpr uint64_t kSrvEp = 1;   ///< its endpoint: recv, send
constexpr uint64_t kSrvNtf = 2;  ///< its notification: send, recv, grant
constexpr uint64_t kSrvMem = 3;  ///< the shared region: read, write, grant (mapped at kSharedBase)
constexpr uint64_t kSrvIrq = 4;
constexpr uint32_t kSrvSlots = 8;
// The clients' (client A has 6 slots, client B 4):
constexpr uint64_t kCliEp = 1;   ///< the server's endpoint: send (client A: and grant)
constexpr uint64_t kCliNtf = 2;  ///< client A: the server's notification: send, grant

constexpr uint64_t kReportBadge = 0x77;
constexpr uint64_t kBadgeA = 0xa, kBadgeB = 0xb;
constexpr uint32_t kServerMapPages = 8;
constexpr uint32_t kServerHeapPages = 1;
constexpr uint32_t kServerStackPages = 2;
constexpr uint8_t kPriority = 100;

// The ELF every component runs: a text page, then a data page (its first kDataFile bytes
// from the file) and a bss page.
constexpr uint64_t kEntry = 0x400000;
constexpr uint64_t kData = 0x402000;
constexpr uint64_t kDataFile = 0x100;
constexpr unsigned char kDataByte = 0x5a;
/// Pages of the server's copy-on-write image: data, bss, heap, stack.
constexpr uint32_t kServerImagePages = 2 + kServerHeapPages + kServerStackPages;

struct SystemOptions {
  tessera::RestartPolicy restart = tessera::RestartPolicy::kOnFailure;
  uint32_t restart_limit = 2;
  uint32_t server_flags = 0;  ///< spec::kFlag*
  unsigned cpus = 1;
  uint32_t server_cpu = 0;  ///< every other component is pinned to CPU 0
  bool server_elf = true;   ///< false: system.img lacks it (its load fails)
  uint16_t control_rights = tessera::rights::kSend | tessera::rights::kGrant;
};

inline std::vector<uint8_t> component_elf() {
  struct Phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
  };
  std::vector<uint8_t> out(0x3000, 0);
  const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
  std::memcpy(out.data(), ident, 16);
  const uint16_t type = 2, machine = 62, ehsize = 64, phentsize = 56, phnum = 2;
  const uint32_t version = 1;
  const uint64_t entry = kEntry, phoff = 64;
  std::memcpy(&out[16], &type, 2);
  std::memcpy(&out[18], &machine, 2);
  std::memcpy(&out[20], &version, 4);
  std::memcpy(&out[24], &entry, 8);
  std::memcpy(&out[32], &phoff, 8);
  std::memcpy(&out[52], &ehsize, 2);
  std::memcpy(&out[54], &phentsize, 2);
  std::memcpy(&out[56], &phnum, 2);
  const Phdr phdrs[2] = {{1, 5, 0x1000, kEntry, kEntry, 0x10, 0x10, 0x1000},
                         {1, 6, 0x2000, kData, kData, kDataFile, 2 * kPageSize, 0x1000}};
  std::memcpy(&out[64], phdrs, sizeof phdrs);
  out[0x1000] = 0xf4;
  std::memset(&out[0x2000], kDataByte, kDataFile);
  return out;
}

inline spec::Component spec_component(const char* name, uint32_t cap_first, uint32_t cap_count, uint32_t slots) {
  spec::Component c{};
  std::strncpy(c.name, name, sizeof(c.name) - 1);
  c.priority = kPriority;
  c.cpu = 0;
  c.affinity = 1;
  c.stack_pages = 1;
  c.cap_slots = slots;
  c.cap_first = cap_first;
  c.cap_count = cap_count;
  c.thread_quota = 1;
  c.supervisor_endpoint = spec::kNoSupervisor;
  return c;
}

/// system.spec for `o`.
inline std::vector<uint8_t> system_spec(const SystemOptions& o) {
  using tessera::CapType;
  namespace r = tessera::rights;
  auto cap = [](uint32_t slot, CapType type, uint16_t rights, uint32_t object, uint64_t badge = 0) {
    return spec::Cap{slot, static_cast<uint16_t>(type), rights, object, 0, badge};
  };
  const std::vector<spec::Cap> caps = {
      cap(kSupFault, CapType::kEndpoint, r::kRecv, kFaultEp),
      cap(kSupControl, CapType::kComponent, o.control_rights, kServer),
      cap(kSupCall, CapType::kEndpoint, r::kSend | r::kGrant, kServerEp, 0x5),
      cap(kSrvEp, CapType::kEndpoint, r::kRecv | r::kSend, kServerEp),
      cap(kSrvNtf, CapType::kNotification, r::kSend | r::kRecv | r::kGrant, 0),
      cap(kSrvMem, CapType::kMemory, r::kRead | r::kWrite | r::kGrant, 0),
      cap(kSrvIrq, CapType::kIrq, 0, 0),
      cap(kCliEp, CapType::kEndpoint, r::kSend | r::kGrant, kServerEp, kBadgeA),
      cap(kCliNtf, CapType::kNotification, r::kSend | r::kGrant, 0),
      cap(kCliEp, CapType::kEndpoint, r::kSend, kServerEp, kBadgeB),
  };
  std::vector<spec::Component> components = {
      spec_component("sup", 0, 3, 8),
      spec_component("server", 3, 4, kSrvSlots),
      spec_component("client_a", 7, 2, 6),
      spec_component("client_b", 9, 1, 4),
  };
  spec::Component& s = components[kServer];
  s.cpu = static_cast<int32_t>(o.server_cpu);
  s.affinity = uint64_t{1} << o.server_cpu;
  s.stack_pages = kServerStackPages;
  s.heap_pages = kServerHeapPages;
  s.thread_quota = 2;
  s.map_pages = kServerMapPages;
  s.flags = o.server_flags;
  s.supervisor_endpoint = kFaultEp;
  s.restart = static_cast<uint32_t>(o.restart);
  s.report_badge = kReportBadge;
  s.restart_limit = o.restart_limit;
  const spec::Region region{kRegionPages, 0};
  const spec::Irq irq{kIrqLine, 0, uint64_t{1} << kIrqLine, kServer, 0};
  const spec::Mapping mapping{kServer, static_cast<uint32_t>(kSrvMem), tessera::layout::kSharedBase};

  spec::Header h{};
  std::memcpy(h.magic, spec::kSpecMagic, 8);
  h.version = spec::kSpecVersion;
  h.cpus = o.cpus;
  h.component_count = kComponents;
  h.endpoint_count = 2;
  h.notification_count = 1;
  h.region_count = 1;
  h.irq_count = 1;
  h.cap_count = static_cast<uint32_t>(caps.size());
  h.mapping_count = 1;
  h.components_offset = sizeof(spec::Header);
  h.caps_offset = h.components_offset + kComponents * sizeof(spec::Component);
  h.ioports_offset = h.caps_offset + h.cap_count * static_cast<uint32_t>(sizeof(spec::Cap));
  h.regions_offset = h.ioports_offset;
  h.irqs_offset = h.regions_offset + sizeof(spec::Region);
  h.mappings_offset = h.irqs_offset + sizeof(spec::Irq);
  h.total_size = h.mappings_offset + sizeof(spec::Mapping);
  std::vector<uint8_t> out(h.total_size);
  std::memcpy(out.data(), &h, sizeof h);
  std::memcpy(&out[h.components_offset], components.data(), kComponents * sizeof(spec::Component));
  std::memcpy(&out[h.caps_offset], caps.data(), caps.size() * sizeof(spec::Cap));
  std::memcpy(&out[h.regions_offset], &region, sizeof region);
  std::memcpy(&out[h.irqs_offset], &irq, sizeof irq);
  std::memcpy(&out[h.mappings_offset], &mapping, sizeof mapping);
  return out;
}

/// The kernel lock held by `cpu` for a scope, as a kernel entry holds it; let go also when a
/// kernel panic (fake::Shutdown) leaves the scope, so that one failing test cannot hang the
/// next on the lock.
class LockedBy {
 public:
  explicit LockedBy(Cpu& cpu) : cpu_(cpu) {
    platform::set_cpu_data(&cpu);
    kernel_lock().acquire(&cpu);
  }
  ~LockedBy() {
    if (kernel_lock().held_by(&cpu_)) kernel_lock().release();
  }
  LockedBy(const LockedBy&) = delete;
  LockedBy& operator=(const LockedBy&) = delete;

 private:
  Cpu& cpu_;
};

/// The booted system. Between calls no CPU runs a component thread (each runs its idle
/// thread) and every ready thread is queued on its CPU.
class BootedSystem {
 public:
  explicit BootedSystem(const SystemOptions& o = {})
      : saved_state_(state()),
        saved_cpu_data_(platform::cpu_data()),
        saved_cpus_(fake::platform().cpus),
        saved_irq_masked_(fake::platform().irq_masked) {
    // system.img: the spec, then an ELF per component, each blob on a page of its own.
    std::vector<std::pair<std::string, std::vector<uint8_t>>> blobs = {{"system.spec", system_spec(o)}};
    for (const char* name : {"sup", "server", "client_a", "client_b"})
      if (o.server_elf || std::strcmp(name, "server") != 0) blobs.emplace_back(name, component_elf());
    const uint64_t align = spec::kImageAlign;
    uint64_t size = align;
    for (const auto& b : blobs) size += (b.second.size() + align - 1) / align * align;
    image_.assign(size / 8, 0);
    auto* bytes = reinterpret_cast<uint8_t*>(image_.data());
    spec::ImageHeader header{};
    std::memcpy(header.magic, spec::kImageMagic, 8);
    header.count = static_cast<uint32_t>(blobs.size());
    std::memcpy(bytes, &header, sizeof header);
    uint64_t at = align;
    for (size_t i = 0; i < blobs.size(); ++i) {
      spec::ImageEntry e{};
      std::strncpy(e.name, blobs[i].first.c_str(), sizeof(e.name) - 1);
      e.offset = at;
      e.size = blobs[i].second.size();
      std::memcpy(bytes + sizeof header + i * sizeof e, &e, sizeof e);
      std::memcpy(bytes + at, blobs[i].second.data(), e.size);
      at += (e.size + align - 1) / align * align;
    }

    state() = KernelState{};
    fake::platform().cpus = o.cpus;
    const BootModule module{reinterpret_cast<uint64_t>(bytes), reinterpret_cast<uint64_t>(bytes) + size};
    bool started = false;
    try {
      kernel::main(module);
    } catch (const fake::Started&) {
      started = true;
    }
    REQUIRE(started);
    REQUIRE_FALSE(kernel_lock().held());
    for (uint32_t i = 0; i < state().cpu_count; ++i) settle(cpu(i));
  }
  ~BootedSystem() {
    fake::Platform& f = fake::platform();
    for (uint32_t i = 0; i < state().component_count; ++i) {
      const uint64_t root = state().components[i].space.root;
      if (root == 0) continue;
      std::erase_if(f.pages, [root](const auto& page) { return page.first.first == root; });
      std::erase_if(f.tables, [root](const auto& table) { return std::get<0>(table) == root; });
    }
    f.cpus = saved_cpus_;
    f.irq_masked = saved_irq_masked_;
    state() = saved_state_;
    platform::set_cpu_data(saved_cpu_data_);
  }
  BootedSystem(const BootedSystem&) = delete;
  BootedSystem& operator=(const BootedSystem&) = delete;

  Component& component(uint32_t i) { return state().components[i]; }
  Thread& thread(uint32_t component, uint32_t id = 0) { return state().components[component].threads[id]; }
  Cpu& cpu(uint32_t i) { return state().cpus[i]; }
  Endpoint& endpoint(uint32_t i) { return state().endpoints[i]; }
  Notification& notification() { return state().notifications[0]; }
  Irq& irq() { return state().irqs[0]; }
  Region& region() { return state().regions[0]; }
  Thread& reporter() { return *component(kServer).sup.reporter; }

  /// Thread t (ready) makes a system call on its CPU, as syscall_dispatch would (the kernel
  /// lock held around it); returns the thread the CPU would run next.
  Thread* call(Thread& t, tessera::Syscall number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    REQUIRE(t.state == ThreadState::kReady);
    Cpu& c = *t.cpu;
    if (c.ready.contains(&t)) c.ready.remove(&t);
    Thread* next = nullptr;
    {
      LockedBy lock(c);
      next = make_call(c, t, number, a0, a1, a2, a3);
    }
    if (next != nullptr && next != &t) {
      c.current = next;
      requeue(t);
    }
    settle(c);
    return next;
  }
  /// Runs fn with the kernel lock held by CPU 0, as a kernel entry there would.
  template <class Fn>
  void locked(Fn&& fn) {
    LockedBy lock(cpu(0));
    fn(cpu(0));
  }

  /// The fake platform's mapping of vaddr in c's space, or nullptr.
  const fake::Page* mapping(uint32_t c, uint64_t vaddr) {
    auto it = fake::platform().pages.find({component(c).space.root, vaddr});
    return it == fake::platform().pages.end() ? nullptr : &it->second;
  }
  /// What a ring-3 write of `value` at vaddr of the server does: the first write to a
  /// copy-on-write page faults and is resolved, then the byte lands in the page.
  void server_writes(uint64_t vaddr, unsigned char value) {
    const fake::Page* m = mapping(kServer, vaddr & ~(kPageSize - 1));
    REQUIRE(m != nullptr);
    if (!m->flags.write) {
      bool resolved = false;
      locked([&](Cpu&) { resolved = component_write_fault(component(kServer), vaddr); });
      REQUIRE(resolved);
      m = mapping(kServer, vaddr & ~(kPageSize - 1));
      REQUIRE(m->flags.write);
    }
    static_cast<unsigned char*>(platform::phys_to_virt(m->phys))[vaddr % kPageSize] = value;
  }

  /// True when t is queued on some CPU's run queue.
  bool queued_to_run(const Thread& t) {
    for (uint32_t i = 0; i < state().cpu_count; ++i)
      if (cpu(i).ready.contains(&t)) return true;
    return false;
  }

 private:
  /// A ready thread that is neither queued nor running goes back on its CPU's queue.
  static void requeue(Thread& t) {
    if (t.state == ThreadState::kReady && t.queue == nullptr && t.component != nullptr && t.cpu->current != &t)
      t.cpu->ready.enqueue(&t);
  }
  /// The CPU gives its current thread back to its queue and runs its idle thread.
  static void settle(Cpu& c) {
    Thread* t = c.current;
    c.current = c.idle;
    if (t != nullptr && t != c.idle) requeue(*t);
  }

  std::vector<uint64_t> image_;  ///< system.img (the spec's records stay in it, as boot expects)
  KernelState saved_state_;
  void* saved_cpu_data_;
  unsigned saved_cpus_;
  std::map<uint32_t, bool> saved_irq_masked_;
};

}  // namespace kernel::host
