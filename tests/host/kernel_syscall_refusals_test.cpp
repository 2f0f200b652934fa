// Every system call refuses misuse, through the real dispatcher on the fake platform: one
// table row per misuse (call, arguments, setup, expected Status), and after each refusal
// nothing in the world has changed.
#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "kernel/component.h"
#include "kernel/cpu.h"
#include "kernel/endpoint.h"
#include "kernel/irq.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/memory.h"
#include "kernel/notification.h"
#include "kernel/supervision.h"
#include "kernel/thread.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::Status;
using tessera::Syscall;
namespace rights = tessera::rights;

namespace {

// ---- The register ABI: the only part of this file that knows how a call is passed. ------
//
// Everything below names a call's inputs by ABI role (number, arg0, arg1, mr0, mr1: see
// docs/abi.md for the registers) and its outputs as a status and result words, so a new system
// call layer changes this section and nothing else.
namespace abi {

/// What a thread's saved user registers are, and how a thread is given them.
using Frame = SyscallFrame;
inline void attach(Thread& t, Frame& f) { t.frame = &f; }

/// One call's inputs by ABI role.
struct Call {
  uint64_t number = 0;
  uint64_t arg0 = 0;                ///< a cap slot or the first argument
  uint64_t arg1 = 0;                ///< the message info or the second argument
  std::array<uint64_t, 2> mr = {};  ///< MR0 and MR1: the third and fourth arguments
};

/// Makes `call` as thread t (the CPU's current thread) would: its registers hold nothing
/// else, and the real dispatcher runs it on the CPU the fake platform reports.
inline void enter(Thread& t, const Call& call) {
  kernel::host::load_call(t, static_cast<Syscall>(call.number), call.arg0, call.arg1, call.mr[0], call.mr[1]);
  kernel::host::system_call(t.frame);
}

inline Status status(const Thread& t) { return kernel::host::status_of(t); }

/// Result word i of t's last call, in ABI order.
inline uint64_t result(const Thread& t, unsigned i) {
  return i == 0 ? t.frame->a0 : i == 1 ? t.frame->a1 : t.frame->mr[i - 2];
}

/// A copy of t's saved registers, to see that a call did not touch another thread's.
using Saved = std::array<unsigned char, sizeof(Frame)>;
inline Saved save(const Thread& t) {
  Saved s;
  std::memcpy(s.data(), t.frame, sizeof(Frame));
  return s;
}

}  // namespace abi

// ---- The world: a caller component, a peer that serves it, one CPU; and a supervised ----
// ---- target the caller supervises. ------------------------------------------------------

// The caller's cap table. Slot 0 is the ABI's "no slot" and never holds a cap.
constexpr uint32_t kSlots = 25;
constexpr uint64_t kEpAll = 1;                                ///< endpoint: send, recv, grant
constexpr uint64_t kEpSend = 2;                               ///< endpoint: send only (no grant)
constexpr uint64_t kEpRecv = 3;                               ///< endpoint: recv only
constexpr uint64_t kEpNone = 4;                               ///< endpoint: no rights
constexpr uint64_t kNtfAll = 5;                               ///< notification: send, recv, grant
constexpr uint64_t kNtfSend = 6;                              ///< notification: send only (no grant)
constexpr uint64_t kNtfRecv = 7;                              ///< notification: recv only
constexpr uint64_t kIrqCap = 8;                               ///< interrupt line 5
constexpr uint64_t kMem = 9;                                  ///< 2-page region: read, write, grant
constexpr uint64_t kMemNoRead = 10;                           ///< the same region: write, exec, grant; no read
constexpr uint64_t kRevokedEp = 11;                           ///< an endpoint cap revoked (derived from kEpAll)
constexpr uint64_t kRevokedMem = 12;                          ///< a memory cap revoked (derived from kMem)
constexpr uint64_t kDeadEp = 13;                              ///< endpoint whose server stopped: all rights
constexpr uint64_t kBadgedNtf = 14;                           ///< notification: send, badge 0x100
constexpr uint64_t kEmpty = 15;                               ///< empty (so are 17 .. 19 and kSlots-1)
constexpr uint64_t kMem2 = 16;                                ///< another read cap of the same region
constexpr uint64_t kComp = 20;                                ///< the target's component cap: send, grant
constexpr uint64_t kCompNoSend = 21;                          ///< the same, minted without send
constexpr uint64_t kRevokedComp = 22;                         ///< a component cap revoked (derived from kComp)
constexpr uint64_t kCompSelf = 23;                            ///< a component cap to the caller (one passed to it)
constexpr uint64_t kBeyond = kSlots;                          ///< the first slot beyond the table
constexpr uint64_t kFar = (uint64_t{1} << 32) + kEpAll;       ///< kEpAll, if cut to 32 bits
constexpr uint64_t kFarEmpty = (uint64_t{1} << 32) + kEmpty;  ///< kEmpty, if cut
constexpr uint64_t kOnes = ~uint64_t{0};

// The peer's cap table: receive slots for caps sent to it.
constexpr uint32_t kPeerSlots = 8;
constexpr uint32_t kPeerOccupied = 1;
constexpr uint32_t kPeerRevoked = 2;
constexpr uint32_t kPeerEmpty = 4;

constexpr uint32_t kQuota = 8;  ///< the caller's map quota, in frames
constexpr uint32_t kIrqLine = 5;
constexpr uint64_t kText = tessera::layout::kImageBase;  ///< a mapped page of the caller
constexpr uint64_t kKernel = 0xffff'8000'0000'0000;      ///< the kernel half
constexpr uint64_t kRegionAt = tessera::layout::kMapBase + 64 * tessera::layout::kPageSize;
constexpr uint8_t kPriority = 100;

/// State a row starts from besides the default world; combined with |.
enum class Setup : uint32_t {
  kNone = 0,
  kCaller = 1u << 0,           ///< the peer called the caller without grant: a reply is due
  kCallerGrant = 1u << 1,      ///< the same through a cap with grant: the reply may carry caps
  kSendCapEmpty = 1u << 2,     ///< the IPC buffer's first send cap names an empty slot
  kSendCapZero = 1u << 3,      ///< ... names slot 0
  kSendCapBeyond = 1u << 4,    ///< ... names a slot beyond the table
  kSendCapNoGrant = 1u << 5,   ///< ... names a cap without the grant right
  kSendCapRevoked = 1u << 6,   ///< ... names a revoked cap
  kSecondCapBeyond = 1u << 7,  ///< the second send cap names a slot beyond the table
  kQuotaFull = 1u << 8,        ///< the caller runs as many threads as it may
  kPageMapped = 1u << 9,       ///< kMap backed the window's first page (pool: 4 left)
  kRegionMapped = 1u << 10,    ///< kMem is mapped at kRegionAt
  kPoolEmpty = 1u << 11,       ///< the map quota is used up
  kIrqRaised = 1u << 12,       ///< the interrupt line was raised and not acknowledged
  kPeerStopped = 1u << 13,     ///< the peer component stopped (after kCaller: while calling)
  kTargetEnded = 1u << 14,     ///< the target faulted: stopped, a restart due, its report queued
  kTargetUnloaded = 1u << 15,  ///< the target's boot failed: stopped, never ran, nothing built
};
constexpr Setup operator|(Setup a, Setup b) {
  return static_cast<Setup>(static_cast<uint32_t>(a) | static_cast<uint32_t>(b));
}
constexpr bool has(Setup set, Setup flag) { return (static_cast<uint32_t>(set) & static_cast<uint32_t>(flag)) != 0; }

struct World {
  Cpu cpu;
  Thread idle;
  Component caller_c;
  Component peer_c;
  Cap caller_slots[kSlots];
  Cap peer_slots[kPeerSlots];
  Thread caller_threads[2];  ///< [0] makes the calls; [1] is the slot thread_create would use
  Thread peer_threads[1];
  abi::Frame frames[2] = {};
  tessera::IpcBuffer buffers[3] = {};
  uint64_t pool_storage[kQuota] = {};
  alignas(16) unsigned char spare_stack[4096] = {};
  Endpoint endpoints[4];  ///< the peer's two (what stopping it kills), the target's, the caller's
  Endpoint& ep = endpoints[0];
  Endpoint& dead_ep = endpoints[1];
  Endpoint& target_ep = endpoints[2];  ///< the target receives on it (its boot cap, object 2)
  Endpoint& fault_ep = endpoints[3];   ///< the caller's, where the target's fault reports go
  // The target, as boot prepares a supervised component (kernel/boot.cpp): its boot caps, a
  // one-page copy-on-write image, a reporter; its thread waits on its endpoint.
  Component target_c;
  Cap target_slots[4];
  Thread target_threads[1];
  Thread reporter;
  abi::Frame target_frames[2] = {};
  tessera::IpcBuffer target_buffers[2] = {};
  alignas(16) unsigned char target_stack[4096] = {};
  tessera::spec::Component target_spec{};
  tessera::spec::Cap target_boot_caps[1] = {};
  CowPage target_pages[1];
  uint64_t target_copies[1] = {};
  Notification ntf;
  Irq irq;
  Region region;
  KernelState saved_state;
  void* saved_cpu_data;
  std::map<uint32_t, bool> saved_irq_masked;

  World() : saved_state(state()), saved_cpu_data(platform::cpu_data()), saved_irq_masked(fake::platform().irq_masked) {
    state() = KernelState{};
    state().cpus = &cpu;
    state().cpu_count = 1;
    state().endpoints = endpoints;
    state().endpoint_count = 4;
    platform::set_cpu_data(&cpu);
    make_idle_thread(cpu, idle, 0);

    std::strcpy(caller_c.name, "caller");
    caller_c.caps = CapTable(caller_slots, kSlots, &caller_c);
    REQUIRE(platform::create_address_space(caller_c.space));
    caller_c.threads = caller_threads;
    caller_c.thread_quota = 2;
    caller_c.thread_count = 1;
    caller_c.live_threads = 1;
    caller_c.priority = kPriority;
    caller_c.map_pool = FramePool(pool_storage, kQuota);
    for (uint32_t i = 0; i < kQuota; ++i) caller_c.map_pool.push(platform::alloc_frame());
    const uint64_t text = platform::alloc_frame();
    std::memcpy(platform::phys_to_virt(text), "refused\n", 8);
    REQUIRE(platform::map_page(caller_c.space, kText, text, platform::MapFlags{true, false, true}));

    std::strcpy(peer_c.name, "peer");
    peer_c.caps = CapTable(peer_slots, kPeerSlots, &peer_c);
    REQUIRE(platform::create_address_space(peer_c.space));
    peer_c.threads = peer_threads;
    peer_c.thread_count = 1;
    peer_c.live_threads = 1;
    peer_c.priority = kPriority;

    Thread& me = caller();
    me.component = &caller_c;
    me.cpu = &cpu;
    abi::attach(me, frames[0]);
    me.ipc_buffer = &buffers[0];
    me.priority = kPriority;
    Thread& spare = caller_threads[1];
    spare.context.kernel_stack_top = reinterpret_cast<uint64_t>(spare_stack + sizeof(spare_stack));
    spare.ipc_buffer = &buffers[2];
    Thread& p = peer();
    p.component = &peer_c;
    p.cpu = &cpu;
    abi::attach(p, frames[1]);
    p.ipc_buffer = &buffers[1];
    p.priority = kPriority;
    cpu.placed.add(kPriority);
    cpu.placed.add(kPriority);
    cpu.current = &me;
    cpu.ready.enqueue(&p);  // so a call that wrongly blocks switches to it, visibly

    ep.owner = &peer_c;
    dead_ep.owner = &peer_c;
    dead_ep.down = true;
    irq.line = kIrqLine;
    irq.notification = &ntf;
    irq.bits = 1u << kIrqLine;
    irq.driver = &caller_c;
    region = Region{platform::alloc_frames(2), 2};

    using tessera::CapType;
    const uint16_t kSR = rights::kSend | rights::kRecv;
    const uint16_t kRWG = rights::kRead | rights::kWrite | rights::kGrant;
    const uint16_t kWXG = rights::kWrite | rights::kExec | rights::kGrant;
    give(caller_c, kEpAll, CapType::kEndpoint, kSR | rights::kGrant, &ep);
    give(caller_c, kEpSend, CapType::kEndpoint, rights::kSend, &ep);
    give(caller_c, kEpRecv, CapType::kEndpoint, rights::kRecv, &ep);
    give(caller_c, kEpNone, CapType::kEndpoint, 0, &ep);
    give(caller_c, kNtfAll, CapType::kNotification, kSR | rights::kGrant, &ntf);
    give(caller_c, kNtfSend, CapType::kNotification, rights::kSend, &ntf);
    give(caller_c, kNtfRecv, CapType::kNotification, rights::kRecv, &ntf);
    give(caller_c, kIrqCap, CapType::kIrq, 0, &irq);
    give(caller_c, kMem, CapType::kMemory, kRWG, &region);
    give(caller_c, kMemNoRead, CapType::kMemory, kWXG, &region);
    give(caller_c, kDeadEp, CapType::kEndpoint, kSR | rights::kGrant, &dead_ep);
    give(caller_c, kBadgedNtf, CapType::kNotification, rights::kSend, &ntf, 0x100);
    give(caller_c, kMem2, CapType::kMemory, rights::kRead, &region);
    caller_c.caps.derive(caller_slots[kEpAll], caller_slots[kRevokedEp], kSR, 0);
    caller_c.caps.derive(caller_slots[kMem], caller_slots[kRevokedMem], rights::kRead, 0);
    REQUIRE(cap_revoke(caller_slots[kEpAll]) == 1);
    REQUIRE(cap_revoke(caller_slots[kMem]) == 1);

    give(peer_c, kPeerOccupied, CapType::kNotification, rights::kRecv, &ntf);
    give(peer_c, 3, CapType::kNotification, rights::kRecv, &ntf);
    peer_c.caps.derive(peer_slots[3], peer_slots[kPeerRevoked], rights::kRecv, 0);
    REQUIRE(cap_revoke(peer_slots[3]) == 1);

    // Sending caps: by default every send cap is one that may be sent.
    for (uint32_t& slot : buffers[0].send_caps) slot = kNtfAll;

    make_target();
    give(caller_c, kComp, CapType::kComponent, rights::kSend | rights::kGrant, &target_c);
    caller_c.caps.derive(caller_slots[kComp], caller_slots[kRevokedComp], rights::kSend, 0);
    REQUIRE(cap_revoke(caller_slots[kComp]) == 1);
    caller_c.caps.derive(caller_slots[kComp], caller_slots[kCompNoSend], rights::kGrant, 0);
    give(caller_c, kCompSelf, CapType::kComponent, rights::kSend | rights::kGrant, &caller_c);
  }

  void make_target() {
    std::strcpy(target_c.name, "target");
    target_c.index = 2;
    target_c.caps = CapTable(target_slots, 4, &target_c);
    REQUIRE(platform::create_address_space(target_c.space));
    target_c.threads = target_threads;
    target_c.thread_count = target_c.live_threads = 1;
    target_c.priority = kPriority;
    target_spec.cap_count = 1;
    target_spec.supervisor_endpoint = 3;
    target_spec.restart = static_cast<uint32_t>(tessera::RestartPolicy::kOnFailure);
    target_spec.restart_limit = 3;
    target_boot_caps[0] = tessera::spec::Cap{1, static_cast<uint16_t>(tessera::CapType::kEndpoint), rights::kRecv, 2, 0,
                                             0};
    give(target_c, 1, tessera::CapType::kEndpoint, rights::kRecv, &target_ep);
    target_ep.owner = &target_c;
    fault_ep.owner = &caller_c;

    Supervision& s = target_c.sup;
    s.loaded = true;
    s.ran = true;
    s.boot = &target_spec;
    s.boot_caps = target_boot_caps;
    s.entry = kText;
    s.fault_endpoint = &fault_ep;
    s.report_badge = 0x99;
    s.restart = tessera::RestartPolicy::kOnFailure;
    s.restart_limit = 3;
    reporter.frame = &target_frames[1];
    reporter.ipc_buffer = &target_buffers[1];
    reporter.component = &target_c;
    reporter.priority = kPriority;
    reporter.reporter = true;
    reporter.state = ThreadState::kDead;
    s.reporter = &reporter;
    FramePool copies(target_copies, 1);
    copies.push(platform::alloc_frame());
    s.image = CowImage(target_pages, 1, copies);
    REQUIRE(s.image.add(target_c.space, tessera::layout::kHeapBase, platform::alloc_frame()));

    Thread& t = target_threads[0];
    t.component = &target_c;
    t.cpu = &cpu;
    t.priority = kPriority;
    t.context.kernel_stack_top = reinterpret_cast<uint64_t>(target_stack + sizeof(target_stack));
    abi::attach(t, target_frames[0]);
    t.ipc_buffer = &target_buffers[0];
    cpu.placed.add(kPriority);
    t.state = ThreadState::kBlockedRecv;
    t.blocked_on = &target_ep;
    target_ep.receivers.push_back(&t);
  }
  ~World() {
    state() = saved_state;
    platform::set_cpu_data(saved_cpu_data);
    fake::Platform& f = fake::platform();
    f.irq_masked = saved_irq_masked;
    for (const uint64_t root : {caller_c.space.root, peer_c.space.root, target_c.space.root}) {
      std::erase_if(f.pages, [root](const auto& page) { return page.first.first == root; });
      std::erase_if(f.tables, [root](const auto& table) { return std::get<0>(table) == root; });
    }
  }
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static void give(Component& c, uint64_t slot, tessera::CapType type, uint16_t r, void* object, uint64_t badge = 0) {
    REQUIRE(c.caps.install(static_cast<uint32_t>(slot), CapValue{type, r, object, badge}) == Status::kOk);
  }
  Thread& caller() { return caller_threads[0]; }
  Thread& peer() { return peer_threads[0]; }

  void apply(Setup s) {
    if (has(s, Setup::kCaller) || has(s, Setup::kCallerGrant)) {
      Thread& p = peer();
      cpu.ready.remove(&p);
      p.state = ThreadState::kBlockedReply;
      p.callee = &caller();
      p.reply_grant = has(s, Setup::kCallerGrant);
      caller().reply_to = &p;
    }
    uint32_t* send_caps = buffers[0].send_caps;
    if (has(s, Setup::kSendCapEmpty)) send_caps[0] = kEmpty;
    if (has(s, Setup::kSendCapZero)) send_caps[0] = 0;
    if (has(s, Setup::kSendCapBeyond)) send_caps[0] = kBeyond;
    if (has(s, Setup::kSendCapNoGrant)) send_caps[0] = kNtfSend;
    if (has(s, Setup::kSendCapRevoked)) send_caps[0] = kRevokedEp;
    if (has(s, Setup::kSecondCapBeyond)) send_caps[1] = kBeyond;
    if (has(s, Setup::kQuotaFull)) caller_c.thread_quota = 1;
    if (has(s, Setup::kPageMapped)) {
      WorkBudget work;
      auto op = decode_map(caller_c, tessera::layout::kMapBase, 1, tessera::map_flags::kWrite, work);
      REQUIRE(op.ok());
      invoke_map(caller_c, op.value(), work);
    }
    if (has(s, Setup::kRegionMapped)) {
      WorkBudget work;
      auto op = decode_region_map(caller_c, caller_slots[kMem], kRegionAt, work);
      REQUIRE(op.ok());
      REQUIRE(invoke_region_map(caller_c, caller_slots[kMem], op.value(), work) == Status::kOk);
    }
    if (has(s, Setup::kPoolEmpty))
      while (caller_c.map_pool.pop() != 0) {
      }
    if (has(s, Setup::kIrqRaised)) irq_raised(cpu, irq);
    if (has(s, Setup::kPeerStopped)) {
      kernel_lock().acquire(&cpu);
      stop_component(cpu, &peer_c, 0, Status::kPeerDied, Pool<Endpoint>{&ep, 1});
      kernel_lock().release();
    }
    if (has(s, Setup::kTargetEnded)) {
      kernel_lock().acquire(&cpu);
      component_ended(cpu, &target_c, EndingReport{tessera::Ending::kFault, 0, 0, 14, 7, 0, kText, 0}, 0);
      kernel_lock().release();
      REQUIRE(target_c.stopped);
      REQUIRE(reporter.state == ThreadState::kBlockedSend);
    }
    if (has(s, Setup::kTargetUnloaded)) {  // as kernel::main leaves a component load() failed
      kernel_lock().acquire(&cpu);
      stop_component(cpu, &target_c, 0, Status::kPeerDied, Pool<Endpoint>{&target_ep, 1});
      kernel_lock().release();
      target_c.sup.loaded = target_c.sup.ran = false;
    }
  }
};

// ---- What must not change when a call is refused. --------------------------------------

struct CapView {
  tessera::CapType type;
  uint16_t rights;
  bool revoked;
  void* object;
  uint64_t badge;
  Component* holder;
  uint64_t mapped_at;
  uint32_t mapped_pages;
  Cap* parent;
  Cap* first_child;
  Cap* next_sibling;
  Cap* prev_sibling;
  bool operator==(const CapView&) const = default;
};

std::vector<CapView> caps_of(const Cap* slots, uint32_t count) {
  std::vector<CapView> v;
  for (uint32_t i = 0; i < count; ++i) {
    const Cap& c = slots[i];
    v.push_back({c.type, c.rights, c.revoked, c.object, c.badge, c.holder, c.mapped_at, c.mapped_pages, c.parent,
                 c.first_child, c.next_sibling, c.prev_sibling});
  }
  return v;
}

struct ThreadView {
  ThreadState state;
  Component* component;
  Cpu* cpu;
  Endpoint* blocked_on;
  Thread* reply_to;
  Thread* callee;
  bool reply_grant;
  bool sending_call;
  uint64_t send_badge;
  ThreadQueue* queue;
  TimerQueue* timer_queue;
  uint64_t deadline;
  uint64_t kernel_stack_top;
  bool operator==(const ThreadView&) const = default;
};

ThreadView view(const Thread& t) {
  return {t.state,
          t.component,
          t.cpu,
          t.blocked_on,
          t.reply_to,
          t.callee,
          t.reply_grant,
          t.sending_call,
          t.send_badge,
          t.queue,
          t.timer_queue,
          t.deadline,
          t.context.kernel_stack_top};
}

struct ComponentView {
  uint32_t thread_count;
  uint32_t live_threads;
  uint32_t thread_quota;
  bool stopped;
  uint32_t region_mappings;
  uint32_t pool_available;
  bool operator==(const ComponentView&) const = default;
};

ComponentView view(const Component& c) {
  return {c.thread_count, c.live_threads, c.thread_quota, c.stopped, c.region_mappings, c.map_pool.available()};
}

struct ObjectsView {
  Thread* current;
  int ready_highest;
  unsigned placed;
  uint32_t debug_length;
  Thread* ep_senders;
  Thread* ep_receivers;
  bool ep_dead;
  Thread* dead_ep_senders;
  Thread* dead_ep_receivers;
  uint64_t ntf_word;
  Thread* ntf_waiters;
  bool irq_masked;
  uint32_t irq_count;
  bool operator==(const ObjectsView&) const = default;
};

/// (space root, vaddr, phys, user, write, exec) of every page the fake platform maps.
using PageList = std::vector<std::tuple<uint64_t, uint64_t, uint64_t, bool, bool, bool>>;

struct PlatformView {
  PageList pages;
  std::set<std::tuple<uint64_t, unsigned, uint64_t>> tables;
  size_t switches;
  unsigned tlb_flushes;
  std::string console;
  size_t reschedules;
  std::map<uint32_t, bool> irq_masked;
  bool operator==(const PlatformView&) const = default;
};

/// What supervision keeps of the target, and its endpoint and the fault endpoint.
struct TargetView {
  ComponentView component;
  bool ran;
  uint64_t generation;
  ResetStep step;
  uint32_t cursor;
  uint32_t copied;
  uint64_t image_copy;
  Status target_ep_down;
  Thread* target_ep_receivers;
  Thread* target_ep_senders;
  Status fault_ep_down;
  Thread* fault_ep_senders;
  Thread* fault_ep_receivers;
  bool operator==(const TargetView&) const = default;
};

struct Snapshot {
  std::vector<CapView> caller_caps;
  std::vector<CapView> peer_caps;
  std::vector<CapView> target_caps;
  std::array<ThreadView, 5> threads;  ///< the caller's two, the peer's, the target's, its reporter
  ComponentView caller;
  ComponentView peer;
  TargetView target;
  ObjectsView objects;
  PlatformView platform;
  abi::Saved peer_registers;
  std::vector<unsigned char> buffers;
};

Snapshot snapshot(World& w) {
  Snapshot s;
  s.caller_caps = caps_of(w.caller_slots, kSlots);
  s.peer_caps = caps_of(w.peer_slots, kPeerSlots);
  s.target_caps = caps_of(w.target_slots, 4);
  s.threads = {view(w.caller_threads[0]), view(w.caller_threads[1]), view(w.peer_threads[0]), view(w.target_threads[0]),
               view(w.reporter)};
  s.caller = view(w.caller_c);
  s.peer = view(w.peer_c);
  const Supervision& sup = w.target_c.sup;
  s.target = {view(w.target_c),
              sup.ran,
              sup.generation,
              sup.step,
              sup.cursor,
              sup.image.copied(),
              sup.image.page(0).copy,
              w.target_ep.status(),
              w.target_ep.receivers.front(),
              w.target_ep.senders.front(),
              w.fault_ep.status(),
              w.fault_ep.senders.front(),
              w.fault_ep.receivers.front()};
  s.objects = {w.cpu.current,      w.cpu.ready.highest(),     w.cpu.placed.total(),
               w.cpu.debug_length, w.ep.senders.front(),      w.ep.receivers.front(),
               w.ep.down,          w.dead_ep.senders.front(), w.dead_ep.receivers.front(),
               w.ntf.word,         w.ntf.waiters.front(),     w.irq.masked,
               w.irq.count};
  const fake::Platform& f = fake::platform();
  for (const auto& [key, page] : f.pages)
    s.platform.pages.emplace_back(key.first, key.second, page.phys, page.flags.user, page.flags.write, page.flags.exec);
  s.platform.tables = f.tables;
  s.platform.switches = f.switches.size();
  s.platform.tlb_flushes = f.tlb_flushes;
  s.platform.console = f.console;
  s.platform.reschedules = f.reschedules.size();
  s.platform.irq_masked = f.irq_masked;
  s.peer_registers = abi::save(w.peer());
  const auto* bytes = reinterpret_cast<const unsigned char*>(w.buffers);
  s.buffers.assign(bytes, bytes + sizeof(w.buffers));
  return s;
}

void check_unchanged(const Snapshot& before, const Snapshot& after) {
  CHECK_MESSAGE(after.caller_caps == before.caller_caps, "the caller's cap table changed");
  CHECK_MESSAGE(after.peer_caps == before.peer_caps, "the peer's cap table changed");
  CHECK_MESSAGE(after.target_caps == before.target_caps, "the target's cap table changed");
  CHECK_MESSAGE(after.threads[0] == before.threads[0], "the calling thread changed");
  CHECK_MESSAGE(after.threads[1] == before.threads[1], "the caller's spare thread slot changed");
  CHECK_MESSAGE(after.threads[2] == before.threads[2], "the peer thread changed");
  CHECK_MESSAGE(after.threads[3] == before.threads[3], "the target's thread changed");
  CHECK_MESSAGE(after.threads[4] == before.threads[4], "the target's reporter changed");
  CHECK_MESSAGE(after.caller == before.caller, "the caller's threads or map quota changed");
  CHECK_MESSAGE(after.peer == before.peer, "the peer component changed");
  CHECK_MESSAGE(after.target == before.target, "the target, its endpoint or its supervision changed");
  CHECK_MESSAGE(after.objects == before.objects, "the CPU, an endpoint, the notification or the IRQ changed");
  CHECK_MESSAGE(after.platform.pages == before.platform.pages, "a page was mapped or unmapped");
  CHECK_MESSAGE(after.platform.tables == before.platform.tables, "a page table was made");
  CHECK_MESSAGE(after.platform.switches == before.platform.switches, "a thread switch happened");
  CHECK_MESSAGE(after.platform.tlb_flushes == before.platform.tlb_flushes, "a TLB flush happened");
  CHECK_MESSAGE(after.platform.console == before.platform.console, "something was written to the console");
  CHECK_MESSAGE(after.platform.reschedules == before.platform.reschedules, "a CPU was interrupted");
  CHECK_MESSAGE(after.platform.irq_masked == before.platform.irq_masked, "an IRQ line was (un)masked");
  CHECK_MESSAGE(after.peer_registers == before.peer_registers, "the peer's registers were written");
  CHECK_MESSAGE(after.buffers == before.buffers, "an IPC buffer was written");
}

// ---- The table. ----------------------------------------------------------------------

/// A system call number: a Syscall, or any 64-bit value.
struct Number {
  uint64_t value;
  constexpr Number(Syscall s) : value(static_cast<uint64_t>(s)) {}  // NOLINT: implicit by design
  constexpr Number(uint64_t v) : value(v) {}                        // NOLINT: implicit by design
};

struct Row {
  Number call;
  uint64_t arg0;
  uint64_t arg1;
  std::array<uint64_t, 2> mr;
  Setup setup;
  Status expected;
};

/// A message info word of `words` words and `caps` caps.
constexpr uint64_t msg(uint32_t words, uint32_t caps = 0) { return tessera::make_info(7, words, caps); }

constexpr uint64_t kMaxMs = uint64_t{1} << 40;
constexpr uint64_t kUnknown = static_cast<uint64_t>(Syscall::kCount);

using namespace tessera::layout;
using enum Syscall;
using enum Status;
using enum Setup;
constexpr uint64_t kW = tessera::map_flags::kWrite;
constexpr uint64_t kX = tessera::map_flags::kExec;
constexpr uint64_t kR = rights::kRead;
constexpr uint64_t kSRG = rights::kSend | rights::kRecv | rights::kGrant;

// clang-format off
const Row kRows[] = {
  // call        arg0         arg1       mr   setup  expected
  // null: takes no arguments, so none can be wrong.
  {kNull,         kOnes,       kOnes,     {kOnes, kOnes}, kNone,  kOk},
  // debug_write(ptr, len)
  {kDebugWrite,   kText,       4097,      {},  kNone,  kInvalidArgument},  // > kMaxDebugWrite
  {kDebugWrite,   kKernel,     4097,      {},  kNone,  kInvalidArgument},  // length first
  {kDebugWrite,   kText,       kOnes,     {},  kNone,  kInvalidArgument},
  {kDebugWrite,   kText,       (1ull << 32) | 8, {},  kNone,  kInvalidArgument},  // 8 if cut
  {kDebugWrite,   kKernel,     8,         {},  kNone,  kBadAddress},
  {kDebugWrite,   kOnes,       1,         {},  kNone,  kBadAddress},
  {kDebugWrite,   kUserTop,    1,         {},  kNone,  kBadAddress},
  {kDebugWrite,   kUserTop - 4, 8,         {},  kNone,  kBadAddress},  // over the top
  {kDebugWrite,   1ull << 48,  8,         {},  kNone,  kBadAddress},  // non-canonical
  {kDebugWrite,   0,           8,         {},  kNone,  kBadAddress},  // unmapped
  {kDebugWrite,   kText + 4092, 8,         {},  kNone,  kBadAddress},  // half unmapped
  // send(slot, info)
  {kSend,         0,           msg(1),    {},  kNone,  kEmptySlot},
  {kSend,         kEmpty,      msg(1),    {},  kNone,  kEmptySlot},
  {kSend,         kBeyond,     msg(1),    {},  kNone,  kInvalidSlot},
  {kSend,         kFar,        msg(1),    {},  kNone,  kInvalidSlot},
  {kSend,         kOnes,       msg(1),    {},  kNone,  kInvalidSlot},
  {kSend,         kRevokedEp,  msg(1),    {},  kNone,  kRevoked},
  {kSend,         kRevokedMem, msg(1),    {},  kNone,  kRevoked},  // before the type
  {kSend,         kNtfAll,     msg(1),    {},  kNone,  kWrongType},
  {kSend,         kMem,        msg(1),    {},  kNone,  kWrongType},
  {kSend,         kIrqCap,     msg(1),    {},  kNone,  kWrongType},
  {kSend,         kEpRecv,     msg(1),    {},  kNone,  kNoRights},
  {kSend,         kEpNone,     msg(1),    {},  kNone,  kNoRights},
  {kSend,         kDeadEp,     msg(1),    {},  kNone,  kPeerDied},
  {kSend,         kEpAll,      msg(129),  {},  kNone,  kInvalidArgument},
  {kSend,         kEpAll,      msg(255),  {},  kNone,  kInvalidArgument},
  {kSend,         kEpAll,      msg(0, 5), {},  kNone,  kInvalidArgument},
  {kSend,         kEpAll,      msg(0, 7), {},  kNone,  kInvalidArgument},
  {kSend,         kEpSend,     msg(0, 1), {},  kNone,  kNoRights},  // endpoint lacks grant
  {kSend,         kEpAll,      msg(0, 1), {},  kSendCapNoGrant, kNoRights},  // the cap lacks it
  {kSend,         kEpAll,      msg(0, 1), {},  kSendCapEmpty, kEmptySlot},
  {kSend,         kEpAll,      msg(0, 1), {},  kSendCapZero, kEmptySlot},
  {kSend,         kEpAll,      msg(0, 1), {},  kSendCapBeyond, kInvalidSlot},
  {kSend,         kEpAll,      msg(0, 1), {},  kSendCapRevoked, kRevoked},
  {kSend,         kEpAll,      msg(9, 2), {},  kSecondCapBeyond, kInvalidSlot},
  {kSend,         kEpAll,      msg(1),    {},  kPeerStopped, kPeerDied},  // its server stopped
  {kSend,         kEmpty,      msg(129),  {},  kNone,  kEmptySlot},  // slot first
  {kSend,         kEpRecv,     msg(129),  {},  kNone,  kNoRights},
  {kSend,         kDeadEp,     msg(129),  {},  kNone,  kPeerDied},
  // recv(slot)
  {kRecv,         0,           0,         {},  kNone,  kEmptySlot},
  {kRecv,         kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kRecv,         kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kRecv,         kFar,        0,         {},  kNone,  kInvalidSlot},
  {kRecv,         kOnes,       0,         {},  kNone,  kInvalidSlot},
  {kRecv,         kRevokedEp,  0,         {},  kNone,  kRevoked},
  {kRecv,         kNtfAll,     0,         {},  kNone,  kWrongType},
  {kRecv,         kMem,        0,         {},  kNone,  kWrongType},
  {kRecv,         kEpSend,     0,         {},  kNone,  kNoRights},
  {kRecv,         kEpNone,     0,         {},  kNone,  kNoRights},
  {kRecv,         kDeadEp,     0,         {},  kNone,  kPeerDied},
  {kRecv,         kEpAll,      0,         {},  kPeerStopped, kPeerDied},
  {kRecv,         kEmpty,      0,         {},  kCaller, kEmptySlot},  // keeps its reply right
  // call(slot, info)
  {kCall,         0,           msg(1),    {},  kNone,  kEmptySlot},
  {kCall,         kEmpty,      msg(1),    {},  kNone,  kEmptySlot},
  {kCall,         kBeyond,     msg(1),    {},  kNone,  kInvalidSlot},
  {kCall,         kFar,        msg(1),    {},  kNone,  kInvalidSlot},
  {kCall,         kOnes,       msg(1),    {},  kNone,  kInvalidSlot},
  {kCall,         kRevokedEp,  msg(1),    {},  kNone,  kRevoked},
  {kCall,         kNtfAll,     msg(1),    {},  kNone,  kWrongType},
  {kCall,         kIrqCap,     msg(1),    {},  kNone,  kWrongType},
  {kCall,         kEpRecv,     msg(1),    {},  kNone,  kNoRights},
  {kCall,         kEpNone,     msg(1),    {},  kNone,  kNoRights},
  {kCall,         kDeadEp,     msg(1),    {},  kNone,  kPeerDied},
  {kCall,         kEpAll,      msg(1),    {},  kPeerStopped, kPeerDied},
  {kCall,         kEpAll,      msg(129),  {},  kNone,  kInvalidArgument},
  {kCall,         kEpAll,      msg(0, 5), {},  kNone,  kInvalidArgument},
  {kCall,         kEpSend,     msg(0, 1), {},  kNone,  kNoRights},
  {kCall,         kEpAll,      msg(0, 1), {},  kSendCapNoGrant, kNoRights},
  {kCall,         kEpAll,      msg(0, 1), {},  kSendCapEmpty, kEmptySlot},
  {kCall,         kEpAll,      msg(0, 1), {},  kSendCapBeyond, kInvalidSlot},
  {kCall,         kEpAll,      msg(0, 1), {},  kSendCapRevoked, kRevoked},
  {kCall,         kEpAll,      msg(9, 2), {},  kSecondCapBeyond, kInvalidSlot},
  {kCall,         kEpAll,      msg(129),  {},  kCaller, kInvalidArgument},  // a server calling
  // reply_recv(slot, info)
  {kReplyRecv,    0,           msg(1),    {},  kNone,  kEmptySlot},
  {kReplyRecv,    kEmpty,      msg(1),    {},  kNone,  kEmptySlot},
  {kReplyRecv,    kBeyond,     msg(1),    {},  kNone,  kInvalidSlot},
  {kReplyRecv,    kFar,        msg(1),    {},  kNone,  kInvalidSlot},
  {kReplyRecv,    kRevokedEp,  msg(1),    {},  kNone,  kRevoked},
  {kReplyRecv,    kNtfAll,     msg(1),    {},  kNone,  kWrongType},
  {kReplyRecv,    kEpSend,     msg(1),    {},  kNone,  kNoRights},
  {kReplyRecv,    kEpNone,     msg(1),    {},  kNone,  kNoRights},
  {kReplyRecv,    kDeadEp,     msg(1),    {},  kNone,  kPeerDied},
  {kReplyRecv,    kEmpty,      msg(1),    {},  kCaller, kEmptySlot},  // the reply waits
  {kReplyRecv,    kEpSend,     msg(1),    {},  kCaller, kNoRights},
  {kReplyRecv,    kDeadEp,     msg(1),    {},  kCaller, kPeerDied},
  {kReplyRecv,    kEpAll,      msg(1),    {},  kCaller | kPeerStopped, kPeerDied},
  {kReplyRecv,    kEpAll,      msg(129),  {},  kCaller, kInvalidArgument},
  {kReplyRecv,    kEpAll,      msg(0, 5), {},  kCallerGrant, kInvalidArgument},
  {kReplyRecv,    kEpAll,      msg(0, 1), {},  kCaller, kNoRights},  // caller lacked grant
  {kReplyRecv,    kEpAll,      msg(0, 1), {},  kCallerGrant | kSendCapNoGrant, kNoRights},
  {kReplyRecv,    kEpAll,      msg(0, 1), {},  kCallerGrant | kSendCapEmpty, kEmptySlot},
  {kReplyRecv,    kEpAll,      msg(0, 1), {},  kCallerGrant | kSendCapBeyond, kInvalidSlot},
  {kReplyRecv,    kEpAll,      msg(0, 1), {},  kCallerGrant | kSendCapRevoked, kRevoked},
  {kReplyRecv,    kEpAll,      msg(9, 2), {},  kCallerGrant | kSecondCapBeyond, kInvalidSlot},
  // reply(info)
  {kReply,        0,           msg(1),    {},  kNone,  kNoReplyTarget},
  {kReply,        kEpAll,      msg(129),  {},  kNone,  kNoReplyTarget},  // no message looked at
  {kReply,        0,           msg(0, 1), {},  kNone,  kNoReplyTarget},
  {kReply, 0, msg(1), {}, kCaller | kPeerStopped, kNoReplyTarget},  // caller died
  {kReply,        0,           msg(0, 1), {},  kCallerGrant | kPeerStopped, kNoReplyTarget},
  {kReply,        0,           msg(129),  {},  kCaller, kInvalidArgument},
  {kReply,        0,           msg(255),  {},  kCaller, kInvalidArgument},
  {kReply,        0,           msg(0, 5), {},  kCallerGrant, kInvalidArgument},
  {kReply,        0,           msg(0, 1), {},  kCaller, kNoRights},  // caller lacked grant
  {kReply,        0,           msg(0, 1), {},  kCallerGrant | kSendCapNoGrant, kNoRights},
  {kReply,        0,           msg(0, 1), {},  kCallerGrant | kSendCapEmpty, kEmptySlot},
  {kReply,        0,           msg(0, 1), {},  kCallerGrant | kSendCapZero, kEmptySlot},
  {kReply,        0,           msg(0, 1), {},  kCallerGrant | kSendCapBeyond, kInvalidSlot},
  {kReply,        0,           msg(0, 1), {},  kCallerGrant | kSendCapRevoked, kRevoked},
  {kReply,        0,           msg(9, 2), {},  kCallerGrant | kSecondCapBeyond, kInvalidSlot},
  // sleep(ms)
  {kSleep,        kMaxMs + 1,  0,         {},  kNone,  kInvalidArgument},
  {kSleep,        1ull << 63,  0,         {},  kNone,  kInvalidArgument},
  {kSleep,        kOnes,       0,         {},  kNone,  kInvalidArgument},
  // recv_timeout(slot, ms)
  {kRecvTimeout,  kEpAll,      kMaxMs + 1, {},  kNone,  kInvalidArgument},
  {kRecvTimeout,  kEpAll,      kOnes,     {},  kNone,  kInvalidArgument},
  {kRecvTimeout,  kEmpty,      kMaxMs + 1, {},  kNone,  kInvalidArgument},  // before the slot
  {kRecvTimeout,  kBeyond,     kOnes,     {},  kNone,  kInvalidArgument},
  {kRecvTimeout,  0,           10,        {},  kNone,  kEmptySlot},
  {kRecvTimeout,  kEmpty,      10,        {},  kNone,  kEmptySlot},
  {kRecvTimeout,  kBeyond,     10,        {},  kNone,  kInvalidSlot},
  {kRecvTimeout,  kFar,        10,        {},  kNone,  kInvalidSlot},
  {kRecvTimeout,  kRevokedEp,  10,        {},  kNone,  kRevoked},
  {kRecvTimeout,  kNtfAll,     10,        {},  kNone,  kWrongType},
  {kRecvTimeout,  kEpSend,     10,        {},  kNone,  kNoRights},
  {kRecvTimeout,  kEpSend,     0,         {},  kNone,  kNoRights},
  {kRecvTimeout,  kDeadEp,     10,        {},  kNone,  kPeerDied},
  {kRecvTimeout,  kDeadEp,     0,         {},  kNone,  kPeerDied},  // before the look
  {kRecvTimeout,  kEpAll,      0,         {},  kPeerStopped, kPeerDied},
  {kRecvTimeout,  kEpAll,      0,         {},  kNone,  kTimeout},  // only looks
  // thread_create(entry, stack_top, a, b)
  {kThreadCreate, kUserTop,    kStackTop, {},  kNone,  kInvalidArgument},
  {kThreadCreate, kKernel,     kStackTop, {},  kNone,  kInvalidArgument},
  {kThreadCreate, 0xffff'ffff'8010'0000, kStackTop, {},  kNone,  kInvalidArgument},
  {kThreadCreate, kOnes,       kStackTop, {},  kNone,  kInvalidArgument},
  {kThreadCreate, kText,       kUserTop + 16, {},  kNone,  kInvalidArgument},
  {kThreadCreate, kText,       kKernel,   {},  kNone,  kInvalidArgument},
  {kThreadCreate, kText,       kOnes,     {},  kNone,  kInvalidArgument},
  {kThreadCreate, kText,       0,         {},  kNone,  kInvalidArgument},
  {kThreadCreate, kText,       15,        {},  kNone,  kInvalidArgument},
  {kThreadCreate, kText,       kStackTop, {1, 2}, kQuotaFull, kQuotaExceeded},
  {kThreadCreate, kKernel,     kStackTop, {},  kQuotaFull, kInvalidArgument},  // args first
  // cpu_id, clock: no arguments, so none can be wrong.
  {kCpuId,        kOnes,       kOnes,     {kOnes, kOnes}, kNone,  kOk},
  {kClock,        kOnes,       kOnes,     {kOnes, kOnes}, kNone,  kOk},
  // cap_copy(src, dst)
  {kCapCopy,      0,           kEmpty,    {},  kNone,  kEmptySlot},
  {kCapCopy,      kEmpty,      kEmpty + 2, {},  kNone,  kEmptySlot},
  {kCapCopy,      kBeyond,     kEmpty,    {},  kNone,  kInvalidSlot},
  {kCapCopy,      kFar,        kEmpty,    {},  kNone,  kInvalidSlot},
  {kCapCopy,      kOnes,       kEmpty,    {},  kNone,  kInvalidSlot},
  {kCapCopy,      kRevokedEp,  kEmpty,    {},  kNone,  kRevoked},
  {kCapCopy,      kEpAll,      0,         {},  kNone,  kInvalidSlot},
  {kCapCopy,      kEpAll,      kBeyond,   {},  kNone,  kInvalidSlot},
  {kCapCopy,      kEpAll,      kFarEmpty, {},  kNone,  kInvalidSlot},
  {kCapCopy,      kEpAll,      1ull << 32, {},  kNone,  kInvalidSlot},  // 0 if cut
  {kCapCopy,      kEpAll,      kOnes,     {},  kNone,  kInvalidSlot},
  {kCapCopy,      kEpAll,      kEpSend,   {},  kNone,  kSlotOccupied},
  {kCapCopy,      kEpAll,      kEpAll,    {},  kNone,  kSlotOccupied},
  {kCapCopy,      kEpAll,      kRevokedEp, {},  kNone,  kSlotOccupied},  // revoked is not empty
  {kCapCopy,      kEmpty,      0,         {},  kNone,  kEmptySlot},  // source first
  {kCapCopy,      kRevokedEp,  kBeyond,   {},  kNone,  kRevoked},
  // cap_mint(src, dst, rights, badge)
  {kCapMint,      0,           kEmpty,    {kR, 0}, kNone,  kEmptySlot},
  {kCapMint,      kEmpty,      kEmpty + 2, {kR, 0}, kNone,  kEmptySlot},
  {kCapMint,      kBeyond,     kEmpty,    {kR, 0}, kNone,  kInvalidSlot},
  {kCapMint,      kFar,        kEmpty,    {1, 0}, kNone,  kInvalidSlot},
  {kCapMint,      kRevokedMem, kEmpty,    {kR, 0}, kNone,  kRevoked},
  {kCapMint,      kEpAll,      0,         {1, 0}, kNone,  kInvalidSlot},
  {kCapMint,      kEpAll,      kBeyond,   {1, 0}, kNone,  kInvalidSlot},
  {kCapMint,      kEpAll,      kFarEmpty, {1, 0}, kNone,  kInvalidSlot},
  {kCapMint,      kEpAll,      kEpRecv,   {1, 0}, kNone,  kSlotOccupied},
  {kCapMint,      kEpAll,      kRevokedEp, {1, 0}, kNone,  kSlotOccupied},
  {kCapMint,      kEpAll,      kEmpty,    {1u << 6, 0}, kNone,  kInvalidArgument},  // unknown right
  {kCapMint, kEpAll, kEmpty, {(1u << 16) | 1, 0}, kNone, kInvalidArgument},  // 1 if cut
  {kCapMint,      kEpAll,      kEmpty,    {1ull << 63, 0}, kNone,  kInvalidArgument},
  {kCapMint, kEpSend, kEmpty, {rights::kRecv, 0}, kNone, kNoRights},  // beyond the source's
  {kCapMint,      kEpSend,     kEmpty,    {rights::kGrant, 0}, kNone,  kNoRights},
  {kCapMint,      kMem,        kEmpty,    {rights::kExec, 0}, kNone,  kNoRights},
  {kCapMint, kEpSend, kEmpty, {2 | (1u << 6), 0}, kNone, kInvalidArgument},  // unknown first
  {kCapMint,      kMem,        kEmpty,    {kR, 5}, kNone,  kInvalidArgument},  // takes no badge
  {kCapMint,      kIrqCap,     kEmpty,    {0, 5}, kNone,  kInvalidArgument},
  {kCapMint,      kBadgedNtf,  kEmpty,    {1, 0x200}, kNone,  kInvalidArgument},  // no re-badging
  {kCapMint, kMem, kEmpty, {rights::kExec, 5}, kNone, kNoRights},  // rights before badge
  {kCapMint, kEpAll, kEpSend, {1u << 6, 0}, kNone, kSlotOccupied},  // dst before rights
  {kCapMint,      kEmpty,      0,         {1u << 6, 5}, kNone,  kEmptySlot},
  // cap_move(src, dst)
  {kCapMove,      0,           kEmpty,    {},  kNone,  kEmptySlot},
  {kCapMove,      kEmpty,      kEmpty + 2, {},  kNone,  kEmptySlot},
  {kCapMove,      kBeyond,     kEmpty,    {},  kNone,  kInvalidSlot},
  {kCapMove,      kFar,        kEmpty,    {},  kNone,  kInvalidSlot},
  {kCapMove,      kRevokedEp,  kEmpty,    {},  kNone,  kRevoked},
  {kCapMove,      kEpAll,      0,         {},  kNone,  kInvalidSlot},
  {kCapMove,      kEpAll,      kBeyond,   {},  kNone,  kInvalidSlot},
  {kCapMove,      kEpAll,      kFarEmpty, {},  kNone,  kInvalidSlot},
  {kCapMove,      kEpAll,      kOnes,     {},  kNone,  kInvalidSlot},
  {kCapMove,      kEpAll,      kEpAll,    {},  kNone,  kSlotOccupied},  // onto itself
  {kCapMove,      kEpAll,      kNtfAll,   {},  kNone,  kSlotOccupied},
  {kCapMove,      kEpAll,      kRevokedMem, {},  kNone,  kSlotOccupied},
  {kCapMove,      kMem,        kEpAll,    {},  kRegionMapped, kSlotOccupied},
  {kCapMove,      kEmpty,      0,         {},  kNone,  kEmptySlot},
  // cap_delete(slot)
  {kCapDelete,    0,           0,         {},  kNone,  kEmptySlot},
  {kCapDelete,    kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kCapDelete,    kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kCapDelete,    kFar,        0,         {},  kNone,  kInvalidSlot},
  {kCapDelete,    kOnes,       0,         {},  kNone,  kInvalidSlot},
  // cap_revoke(slot)
  {kCapRevoke,    0,           0,         {},  kNone,  kEmptySlot},
  {kCapRevoke,    kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kCapRevoke,    kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kCapRevoke,    kFar,        0,         {},  kNone,  kInvalidSlot},
  {kCapRevoke,    kOnes,       0,         {},  kNone,  kInvalidSlot},
  {kCapRevoke,    kRevokedEp,  0,         {},  kNone,  kRevoked},
  {kCapRevoke,    kRevokedMem, 0,         {},  kNone,  kRevoked},
  // cap_info(slot)
  {kCapInfo,      0,           0,         {},  kNone,  kEmptySlot},
  {kCapInfo,      kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kCapInfo,      kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kCapInfo,      kFar,        0,         {},  kNone,  kInvalidSlot},
  {kCapInfo,      kOnes,       0,         {},  kNone,  kInvalidSlot},
  {kCapInfo,      kRevokedEp,  0,         {},  kNone,  kRevoked},
  // signal(slot, bits)
  {kSignal,       0,           1,         {},  kNone,  kEmptySlot},
  {kSignal,       kEmpty,      1,         {},  kNone,  kEmptySlot},
  {kSignal,       kBeyond,     1,         {},  kNone,  kInvalidSlot},
  {kSignal,       kFar,        1,         {},  kNone,  kInvalidSlot},
  {kSignal,       kRevokedEp,  1,         {},  kNone,  kRevoked},
  {kSignal,       kEpAll,      1,         {},  kNone,  kWrongType},
  {kSignal,       kMem,        1,         {},  kNone,  kWrongType},
  {kSignal,       kIrqCap,     1,         {},  kNone,  kWrongType},
  {kSignal,       kNtfRecv,    1,         {},  kNone,  kNoRights},
  {kSignal,       kNtfSend,    0,         {},  kNone,  kInvalidArgument},  // no bits at all
  {kSignal,       kNtfRecv,    0,         {},  kNone,  kNoRights},  // rights first
  // wait(slot)
  {kWait,         0,           0,         {},  kNone,  kEmptySlot},
  {kWait,         kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kWait,         kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kWait,         kFar,        0,         {},  kNone,  kInvalidSlot},
  {kWait,         kRevokedEp,  0,         {},  kNone,  kRevoked},
  {kWait,         kEpAll,      0,         {},  kNone,  kWrongType},
  {kWait,         kIrqCap,     0,         {},  kNone,  kWrongType},
  {kWait,         kNtfSend,    0,         {},  kNone,  kNoRights},
  {kWait,         kBadgedNtf,  0,         {},  kNone,  kNoRights},
  // poll(slot)
  {kPoll,         0,           0,         {},  kNone,  kEmptySlot},
  {kPoll,         kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kPoll,         kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kPoll,         kFar,        0,         {},  kNone,  kInvalidSlot},
  {kPoll,         kRevokedEp,  0,         {},  kNone,  kRevoked},
  {kPoll,         kEpAll,      0,         {},  kNone,  kWrongType},
  {kPoll,         kNtfSend,    0,         {},  kIrqRaised, kNoRights},  // bits are set
  {kPoll,         kNtfAll,     0,         {},  kNone,  kWouldBlock},  // no bit set
  // irq_ack(slot)
  {kIrqAck,       0,           0,         {},  kIrqRaised, kEmptySlot},
  {kIrqAck,       kEmpty,      0,         {},  kIrqRaised, kEmptySlot},
  {kIrqAck,       kBeyond,     0,         {},  kIrqRaised, kInvalidSlot},
  {kIrqAck,       kFar,        0,         {},  kIrqRaised, kInvalidSlot},
  {kIrqAck,       kRevokedEp,  0,         {},  kIrqRaised, kRevoked},
  {kIrqAck,       kNtfAll,     0,         {},  kIrqRaised, kWrongType},
  {kIrqAck,       kEpAll,      0,         {},  kIrqRaised, kWrongType},
  {kIrqAck,       kIrqCap,     0,         {},  kNone,  kInvalidArgument},  // not raised
  // map(addr, pages, flags)
  {kMap,          kMapBase,    1,         {kW | kX, 0}, kNone,  kInvalidArgument},  // W^X
  {kMap,          kMapBase,    1,         {4, 0}, kNone,  kInvalidArgument},  // unknown flag
  {kMap,          kMapBase,    1,         {1ull << 63, 0}, kNone,  kInvalidArgument},
  {kMap,          kMapBase + 1, 1,         {},  kNone,  kInvalidArgument},  // unaligned
  {kMap,          kMapBase + 2048, 1,         {},  kNone,  kInvalidArgument},
  {kMap,          kMapBase,    0,         {},  kNone,  kInvalidArgument},  // no pages
  {kMap,          kKernel,     1,         {kW | kX, 0}, kNone,  kInvalidArgument},  // flags first
  {kMap,          kKernel + 1, 1,         {},  kNone,  kInvalidArgument},  // alignment next
  {kMap,          kKernel,     0,         {},  kNone,  kInvalidArgument},
  {kMap,          kMapBase - kPageSize, 1,         {},  kNone,  kBadAddress},
  {kMap,          kMapBase - kPageSize, 2,         {},  kNone,  kBadAddress},  // into the window
  {kMap,          kText,       1,         {},  kNone,  kBadAddress},
  {kMap,          0,           1,         {},  kNone,  kBadAddress},
  {kMap,          kKernel,     1,         {},  kNone,  kBadAddress},
  {kMap,          kIpcBufferBase, 1,         {kW, 0}, kNone,  kBadAddress},
  {kMap,          kMapBase + kMapWindow, 1,         {},  kNone,  kBadAddress},
  {kMap, kMapBase + kMapWindow - kPageSize, 2, {}, kNone, kBadAddress},  // off the end
  {kMap,          kMapBase,    kMapWindow / kPageSize + 1, {},  kNone,  kBadAddress},
  {kMap,          kMapBase,    1ull << 52, {},  kNone,  kBadAddress},  // bytes wrap to 0
  {kMap,          kMapBase + kPageSize, kOnes,     {},  kNone,  kBadAddress},
  {kMap,          kMapBase,    kQuota + 1, {},  kNone,  kOutOfMemory},  // beyond the quota
  {kMap,          kMapBase,    6,         {},  kNone,  kOutOfMemory},  // 6 pages + 3 tables
  {kMap,          kMapBase,    1,         {},  kPoolEmpty, kOutOfMemory},
  {kMap, kMapBase + kPageSize, 5, {}, kPageMapped, kOutOfMemory},  // 4 frames left
  {kMap,          kMapBase,    1,         {kW, 0}, kPageMapped, kAlreadyMapped},
  {kMap, kRegionAt - kPageSize, 2, {}, kRegionMapped, kAlreadyMapped},  // its 2nd page
  {kMap, kRegionAt + kPageSize, 1, {}, kRegionMapped, kAlreadyMapped},  // a region's page
  // unmap(addr, pages)
  {kUnmap,        kMapBase + 1, 1,         {},  kPageMapped, kInvalidArgument},
  {kUnmap,        kMapBase,    0,         {},  kPageMapped, kInvalidArgument},
  {kUnmap,        kKernel + 8, 1,         {},  kNone,  kInvalidArgument},
  {kUnmap,        kMapBase - kPageSize, 2,         {},  kPageMapped, kBadAddress},
  {kUnmap,        kText,       1,         {},  kNone,  kBadAddress},  // the ELF's page
  {kUnmap,        kKernel,     1,         {},  kNone,  kBadAddress},
  {kUnmap,        kIpcBufferBase, 1,         {},  kNone,  kBadAddress},
  {kUnmap,        kMapBase + kMapWindow - kPageSize, 2,         {},  kNone,  kBadAddress},
  {kUnmap,        kMapBase,    1ull << 52, {},  kPageMapped, kBadAddress},
  {kUnmap,        kMapBase,    1,         {},  kNone,  kNotMapped},
  {kUnmap,        kMapBase,    2,         {},  kPageMapped, kNotMapped},  // all or nothing
  {kUnmap,        kMapBase,    kQuota + 1, {},  kPageMapped, kNotMapped},
  {kUnmap,        kRegionAt,   1,         {},  kRegionMapped, kNotMapped},  // not map()'s
  {kUnmap,        kRegionAt - kPageSize, 2,         {},  kRegionMapped, kNotMapped},
  // region_map(slot, addr)
  {kRegionMap,    0,           kMapBase,  {},  kNone,  kEmptySlot},
  {kRegionMap,    kEmpty,      kMapBase,  {},  kNone,  kEmptySlot},
  {kRegionMap,    kBeyond,     kMapBase,  {},  kNone,  kInvalidSlot},
  {kRegionMap,    kFar,        kMapBase,  {},  kNone,  kInvalidSlot},
  {kRegionMap,    kRevokedMem, kMapBase,  {},  kNone,  kRevoked},
  {kRegionMap,    kRevokedEp,  kMapBase,  {},  kNone,  kRevoked},
  {kRegionMap,    kEpAll,      kMapBase,  {},  kNone,  kWrongType},
  {kRegionMap,    kIrqCap,     kMapBase,  {},  kNone,  kWrongType},
  {kRegionMap,    kMemNoRead,  kMapBase,  {},  kNone,  kNoRights},
  {kRegionMap,    kMemNoRead,  kKernel + 1, {},  kNone,  kNoRights},  // rights first
  {kRegionMap,    kMem,        kMapBase + 1, {},  kNone,  kInvalidArgument},
  {kRegionMap,    kMem,        kMapBase + 2048, {},  kNone,  kInvalidArgument},
  {kRegionMap,    kMem,        kMapBase - kPageSize, {},  kNone,  kBadAddress},  // into the window
  {kRegionMap,    kMem,        kText,     {},  kNone,  kBadAddress},
  {kRegionMap,    kMem,        0,         {},  kNone,  kBadAddress},
  {kRegionMap,    kMem,        kKernel,   {},  kNone,  kBadAddress},
  {kRegionMap, kMem, kMapBase + kMapWindow - kPageSize, {}, kNone, kBadAddress},  // off the end
  {kRegionMap,    kMem,        kMapBase + kMapWindow, {},  kNone,  kBadAddress},
  {kRegionMap,    kMem,        kMapBase,  {},  kPoolEmpty, kOutOfMemory},  // no page tables
  {kRegionMap,    kMem,        kMapBase,  {},  kPageMapped, kAlreadyMapped},  // a map()'s page
  // mapped elsewhere
  {kRegionMap,    kMem,        kMapBase + 2 * kPageSize, {},  kRegionMapped, kAlreadyMapped},
  {kRegionMap,    kMem,        kRegionAt, {},  kRegionMapped, kAlreadyMapped},  // wholly mapped
  {kRegionMap, kMem2, kRegionAt + kPageSize, {}, kRegionMapped, kAlreadyMapped},  // overlaps
  {kRegionMap,    kMem2,       kRegionAt - kPageSize, {},  kRegionMapped, kAlreadyMapped},
  // region_unmap(slot)
  {kRegionUnmap,  0,           0,         {},  kNone,  kEmptySlot},
  {kRegionUnmap,  kEmpty,      0,         {},  kNone,  kEmptySlot},
  {kRegionUnmap,  kBeyond,     0,         {},  kNone,  kInvalidSlot},
  {kRegionUnmap,  kFar,        0,         {},  kNone,  kInvalidSlot},
  {kRegionUnmap,  kRevokedMem, 0,         {},  kRegionMapped, kRevoked},
  {kRegionUnmap,  kEpAll,      0,         {},  kNone,  kWrongType},
  {kRegionUnmap,  kNtfAll,     0,         {},  kRegionMapped, kWrongType},
  {kRegionUnmap,  kMem,        0,         {},  kNone,  kNotMapped},
  {kRegionUnmap,  kMem2,       0,         {},  kRegionMapped, kNotMapped},  // another cap's mapping
  // component_start(slot): of a running target, and of one that ended (a restart due)
  {kComponentStart, 0,         0,         {},  kNone,  kEmptySlot},
  {kComponentStart, kEmpty,    0,         {},  kNone,  kEmptySlot},
  {kComponentStart, kBeyond,   0,         {},  kNone,  kInvalidSlot},
  {kComponentStart, kFar,      0,         {},  kNone,  kInvalidSlot},
  {kComponentStart, kOnes,     0,         {},  kNone,  kInvalidSlot},
  {kComponentStart, kRevokedComp, 0,      {},  kNone,  kRevoked},
  {kComponentStart, kEpAll,    0,         {},  kNone,  kWrongType},
  {kComponentStart, kMem,      0,         {},  kNone,  kWrongType},
  {kComponentStart, kCompNoSend, 0,       {},  kNone,  kNoRights},
  {kComponentStart, kComp,     0,         {},  kNone,  kNotStopped},  // it runs
  {kComponentStart, kCompSelf, 0,         {},  kNone,  kInvalidArgument},  // the caller's own
  {kComponentStart, 0,         0,         {},  kTargetEnded, kEmptySlot},
  {kComponentStart, kRevokedComp, 0,      {},  kTargetEnded, kRevoked},
  {kComponentStart, kEpAll,    0,         {},  kTargetEnded, kWrongType},
  {kComponentStart, kCompNoSend, 0,       {},  kTargetEnded, kNoRights},
  {kComponentStart, kComp,     0,         {},  kTargetUnloaded, kPeerDied},  // its boot failed
  {kComponentStart, kCompNoSend, 0,       {},  kTargetUnloaded, kNoRights},  // the cap first
  // component_stop(slot)
  {kComponentStop, 0,          0,         {},  kNone,  kEmptySlot},
  {kComponentStop, kEmpty,     0,         {},  kNone,  kEmptySlot},
  {kComponentStop, kBeyond,    0,         {},  kNone,  kInvalidSlot},
  {kComponentStop, kFar,       0,         {},  kNone,  kInvalidSlot},
  {kComponentStop, kOnes,      0,         {},  kNone,  kInvalidSlot},
  {kComponentStop, kRevokedComp, 0,       {},  kNone,  kRevoked},
  {kComponentStop, kEpAll,     0,         {},  kNone,  kWrongType},
  {kComponentStop, kNtfAll,    0,         {},  kNone,  kWrongType},
  {kComponentStop, kCompNoSend, 0,        {},  kNone,  kNoRights},
  {kComponentStop, kCompSelf,  0,         {},  kNone,  kInvalidArgument},
  {kComponentStop, kRevokedComp, 0,       {},  kTargetEnded, kRevoked},
  {kComponentStop, kCompNoSend, 0,        {},  kTargetEnded, kNoRights},  // the restart stays due
  // component_restart(slot)
  {kComponentRestart, 0,       0,         {},  kNone,  kEmptySlot},
  {kComponentRestart, kEmpty,  0,         {},  kNone,  kEmptySlot},
  {kComponentRestart, kBeyond, 0,         {},  kNone,  kInvalidSlot},
  {kComponentRestart, kFar,    0,         {},  kNone,  kInvalidSlot},
  {kComponentRestart, kOnes,   0,         {},  kNone,  kInvalidSlot},
  {kComponentRestart, kRevokedComp, 0,    {},  kNone,  kRevoked},
  {kComponentRestart, kEpAll,  0,         {},  kNone,  kWrongType},
  {kComponentRestart, kIrqCap, 0,         {},  kNone,  kWrongType},
  {kComponentRestart, kCompNoSend, 0,     {},  kNone,  kNoRights},
  {kComponentRestart, kCompSelf, 0,       {},  kNone,  kInvalidArgument},
  {kComponentRestart, kRevokedComp, 0,    {},  kTargetEnded, kRevoked},
  {kComponentRestart, kCompNoSend, 0,     {},  kTargetEnded, kNoRights},
  {kComponentRestart, kComp,   0,         {},  kTargetUnloaded, kPeerDied},
  // numbers beyond the last system call
  {kUnknown,      kEpAll,      msg(1),    {},  kNone,  kInvalidSyscall},
  {kUnknown + 1,  0,           0,         {},  kNone,  kInvalidSyscall},
  {255ull,        0,           0,         {},  kNone,  kInvalidSyscall},
  {1ull << 32,    0,           0,         {},  kNone,  kInvalidSyscall},  // null if cut
  {(1ull << 32) + 1, kText,       8,         {},  kNone,  kInvalidSyscall},  // debug_write if cut
  {(1ull << 32) + 6, kEpAll,      msg(1),    {},  kNone,  kInvalidSyscall},  // call if cut
  {1ull << 63,    0,           0,         {},  kNone,  kInvalidSyscall},
  {kOnes,         0,           0,         {},  kNone,  kInvalidSyscall},
};
// clang-format on

/// The calls that give no status to their caller: they stop it (exit, thread_exit) or can
/// only give way to other threads (yield). The table has no row for them.
constexpr Syscall kNoRefusal[] = {Syscall::kYield, Syscall::kExit, Syscall::kThreadExit};

/// Calls whose first result word says how much they did: 0 when they were refused.
bool reports_progress(uint64_t call) {
  return call == uint64_t(kMap) || call == uint64_t(kUnmap) || call == uint64_t(kCapRevoke);
}

const char* const kCallNames[] = {"null",           "debug_write",
                                  "yield",          "exit",
                                  "send",           "recv",
                                  "call",           "reply_recv",
                                  "reply",          "sleep",
                                  "recv_timeout",   "thread_create",
                                  "thread_exit",    "cpu_id",
                                  "clock",          "cap_copy",
                                  "cap_mint",       "cap_move",
                                  "cap_delete",     "cap_revoke",
                                  "cap_info",       "signal",
                                  "wait",           "poll",
                                  "irq_ack",        "map",
                                  "unmap",          "region_map",
                                  "region_unmap",   "component_start",
                                  "component_stop", "component_restart"};
static_assert(std::size(kCallNames) == kUnknown);

std::string describe(size_t index, const Row& row) {
  char text[256];
  const uint64_t n = row.call.value;
  std::snprintf(text, sizeof(text), "row %zu: %s(0x%llx, 0x%llx, mr 0x%llx 0x%llx) setup 0x%x expects %u", index,
                n < kUnknown ? kCallNames[n] : "unknown", static_cast<unsigned long long>(row.arg0),
                static_cast<unsigned long long>(row.arg1), static_cast<unsigned long long>(row.mr[0]),
                static_cast<unsigned long long>(row.mr[1]), static_cast<uint32_t>(row.setup),
                static_cast<uint32_t>(row.expected));
  return text;
}

/// Makes row's call in a fresh world; true when the kernel answered it (it did not power off).
bool run(const Row& row, size_t index) {
  const std::string what = describe(index, row);
  INFO(what);
  auto w = std::make_unique<World>();
  w->apply(row.setup);
  const Snapshot before = snapshot(*w);
  try {
    abi::enter(w->caller(), abi::Call{row.call.value, row.arg0, row.arg1, row.mr});
  } catch (const fake::Shutdown& s) {
    FAIL_CHECK("the system powered off with status " << s.status);
    return false;
  }
  CHECK(abi::status(w->caller()) == row.expected);
  CHECK(w->cpu.current == &w->caller());
  CHECK_FALSE(kernel_lock().held());
  if (reports_progress(row.call.value)) CHECK(abi::result(w->caller(), 0) == 0);
  check_unchanged(before, snapshot(*w));
  return true;
}

}  // namespace

TEST_CASE("refusals: every system call refuses misuse with its status and changes nothing") {
  size_t answered = 0;
  for (size_t i = 0; i < std::size(kRows); ++i) answered += run(kRows[i], i) ? 1 : 0;
  CHECK(answered == std::size(kRows));
}

TEST_CASE("refusals: the table has rows for every system call number, and for numbers beyond") {
  std::set<uint64_t> numbers;
  for (const Row& row : kRows) numbers.insert(row.call.value);
  for (uint64_t n = 0; n < kUnknown; ++n) {
    bool exempt = false;
    for (Syscall s : kNoRefusal) exempt = exempt || static_cast<uint64_t>(s) == n;
    INFO("system call " << n << " (" << std::string(kCallNames[n]) << ")");
    if (!exempt) CHECK(numbers.count(n) == 1);
  }
  CHECK(numbers.count(kUnknown) == 1);
  CHECK(numbers.count(kOnes) == 1);
}

namespace {

/// A call just inside a limit that a row of kRows is just outside of: accepted, so the
/// refusals sit exactly where docs/abi.md puts them. A call that blocks has no status yet:
/// `state` says how the caller waits, and `status` is looked at only when it did not.
struct Accepted {
  Number call;
  uint64_t arg0;
  uint64_t arg1;
  std::array<uint64_t, 2> mr;
  Setup setup;
  ThreadState state;
  Status status;
};

constexpr ThreadState kRuns = ThreadState::kReady;
constexpr ThreadState kSends = ThreadState::kBlockedSend;
constexpr ThreadState kReceives = ThreadState::kBlockedRecv;
constexpr ThreadState kSleeps = ThreadState::kSleeping;

// clang-format off
const Accepted kAccepted[] = {
  // call        arg0         arg1       mr   setup  caller     status
  {kDebugWrite,   kText,       4096,      {},  kNone,  kRuns,     kOk},  // kMaxDebugWrite
  {kSend,         kEpAll,      msg(128),  {},  kNone,  kSends,    kOk},  // kMaxMessageWords
  {kSend,         kEpAll,      msg(0, 4), {},  kNone,  kSends,    kOk},  // kMaxMessageCaps
  {kReply,        0,           msg(128, 4), {},  kCallerGrant, kRuns,     kOk},
  {kReplyRecv,    kEpAll,      msg(0, 4), {},  kCallerGrant, kReceives, kOk},
  {kSleep,        kMaxMs,      0,         {},  kNone,  kSleeps,   kOk},
  {kRecvTimeout,  kEpAll,      kMaxMs,    {},  kNone,  kReceives, kOk},
  {kThreadCreate, kUserTop - 1, kUserTop,  {},  kNone,  kRuns,     kOk},
  {kThreadCreate, kText,       16,        {},  kNone,  kRuns,     kOk},
  {kCapCopy,      kEpAll,      kSlots - 1, {},  kNone,  kRuns,     kOk},  // the last slot
  {kCapMint,      kEpAll,      kEmpty,    {kSRG, 9}, kNone,  kRuns,     kOk},
  {kCapMint, kBadgedNtf, kEmpty, {rights::kSend, 0x100}, kNone, kRuns, kOk},  // the same badge
  {kSignal,       kBadgedNtf,  0,         {},  kNone,  kRuns,     kOk},  // the badge's bits
  {kPoll,         kNtfRecv,    0,         {},  kIrqRaised, kRuns,     kOk},
  {kIrqAck,       kIrqCap,     0,         {},  kIrqRaised, kRuns,     kOk},
  {kMap,          kMapBase,    5,         {kX, 0}, kNone,  kRuns,     kOk},  // 5 + 3 tables
  {kMap,          kMapBase + kMapWindow - kPageSize, 1,         {kW, 0}, kNone,  kRuns,     kOk},
  {kUnmap,        kMapBase,    1,         {},  kPageMapped, kRuns,     kOk},
  {kRegionMap,    kMem,        kMapBase + kMapWindow - 2 * kPageSize, {},  kNone,  kRuns,     kOk},
  {kRegionMap, kMem2, kRegionAt + 2 * kPageSize, {}, kRegionMapped, kRuns, kOk},  // just after
  {kRegionUnmap,  kMem,        0,         {},  kRegionMapped, kRuns,     kOk},
  {kComponentStart, kComp,     0,         {},  kTargetEnded, kRuns,  kOk},  // reset and run in one call
  {kComponentStop, kComp,      0,         {},  kNone,  kRuns,     kOk},
  {kComponentStop, kComp,      0,         {},  kTargetEnded, kRuns,  kOk},
  {kComponentRestart, kComp,   0,         {},  kNone,  kRuns,     kOk},
  {kComponentRestart, kComp,   0,         {},  kTargetEnded, kRuns,  kOk},
};
// clang-format on

}  // namespace

TEST_CASE("refusals: the limits sit where docs/abi.md puts them (just inside, the call is taken)") {
  for (size_t i = 0; i < std::size(kAccepted); ++i) {
    const Accepted& a = kAccepted[i];
    const std::string what = describe(i, Row{a.call, a.arg0, a.arg1, a.mr, a.setup, a.status});
    INFO(what);
    auto w = std::make_unique<World>();
    w->apply(a.setup);
    try {
      abi::enter(w->caller(), abi::Call{a.call.value, a.arg0, a.arg1, a.mr});
    } catch (const fake::Shutdown& s) {
      FAIL_CHECK("the system powered off with status " << s.status);
      continue;
    }
    CHECK(w->caller().state == a.state);
    if (a.state == kRuns || a.state == kSleeps) CHECK(abi::status(w->caller()) == a.status);
    CHECK_FALSE(kernel_lock().held());
  }
}

TEST_CASE("refusals: receive slots that cannot take a cap take none; the send still succeeds") {
  struct Case {
    std::array<uint32_t, 2> recv_slots;
    uint32_t caps_sent;
    uint32_t caps_arrived;
  };
  const Case cases[] = {
      {{0, 0}, 1, 0},           // 0: the receiver asked for none
      {{kPeerSlots, 0}, 1, 0},  // beyond its table
      {{~0u, 0}, 1, 0},
      {{kPeerOccupied, 0}, 1, 0},        // occupied
      {{kPeerRevoked, 0}, 1, 0},         // a revoked cap is not empty
      {{0, kPeerEmpty}, 1, 0},           // the transfer ends at the first bad slot
      {{kPeerEmpty, kPeerEmpty}, 2, 1},  // the second cap finds the slot the first took
      {{kPeerEmpty, 0}, 2, 1},           // fewer slots than caps
      {{kPeerEmpty, kPeerSlots}, 2, 1},
      {{kPeerEmpty, 0}, 1, 1},  // control: an empty slot takes the cap
  };
  for (const Case& c : cases) {
    INFO("receive slots " << c.recv_slots[0] << ", " << c.recv_slots[1] << "; caps sent " << c.caps_sent);
    auto w = std::make_unique<World>();
    Thread& peer = w->peer();
    w->cpu.ready.remove(&peer);
    peer.state = ThreadState::kBlockedRecv;
    peer.blocked_on = &w->ep;
    w->ep.receivers.push_back(&peer);
    peer.ipc_buffer->recv_slots[0] = c.recv_slots[0];
    peer.ipc_buffer->recv_slots[1] = c.recv_slots[1];
    const std::vector<CapView> peer_before = caps_of(w->peer_slots, kPeerSlots);
    const Cap* first_child_before = w->caller_slots[kNtfAll].first_child;

    abi::enter(w->caller(), abi::Call{uint64_t(kSend), kEpAll, msg(2, c.caps_sent), {}});
    REQUIRE(abi::status(w->caller()) == kOk);
    CHECK(peer.state == ThreadState::kReady);
    CHECK(tessera::info_caps(abi::result(peer, 1)) == c.caps_arrived);
    const std::vector<CapView> peer_after = caps_of(w->peer_slots, kPeerSlots);
    for (uint32_t slot = 0; slot < kPeerSlots; ++slot) {
      INFO("peer slot " << slot);
      if (c.caps_arrived == 1 && slot == kPeerEmpty) {
        CHECK(w->peer_slots[slot].type == tessera::CapType::kNotification);
        CHECK(w->peer_slots[slot].parent == &w->caller_slots[kNtfAll]);
      } else {
        CHECK(peer_after[slot] == peer_before[slot]);
      }
    }
    if (c.caps_arrived == 0) CHECK(w->caller_slots[kNtfAll].first_child == first_child_before);
  }
}

TEST_CASE("refusals: the component calls act on the table's target, so their refusals are seen to change nothing") {
  // Without this, a target the calls could not touch would make every row pass.
  struct Case {
    Syscall call;
    Setup setup;
    bool stopped;
    uint64_t generation;
    Status endpoint;
  };
  const Case cases[] = {
      {kComponentStop, kNone, true, 0, kPeerDied},
      {kComponentStop, kTargetEnded, true, 0, kPeerDied},  // the restart no longer due
      {kComponentStart, kTargetEnded, false, 1, kOk},
      {kComponentRestart, kNone, false, 1, kOk},
      {kComponentRestart, kTargetEnded, false, 1, kOk},
  };
  for (const Case& c : cases) {
    INFO(std::string(kCallNames[static_cast<uint64_t>(c.call)]) << " setup " << static_cast<uint32_t>(c.setup));
    auto w = std::make_unique<World>();
    w->apply(c.setup);
    const Snapshot before = snapshot(*w);
    abi::enter(w->caller(), abi::Call{static_cast<uint64_t>(c.call), kComp, 0, {}});
    CHECK(abi::status(w->caller()) == kOk);
    CHECK(abi::result(w->caller(), 0) == c.generation);
    const Snapshot after = snapshot(*w);
    CHECK_FALSE(after.target == before.target);
    CHECK(w->target_c.stopped == c.stopped);
    CHECK(w->target_c.sup.generation == c.generation);
    CHECK(w->target_ep.status() == c.endpoint);
    if (!c.stopped) {
      CHECK(w->target_threads[0].state == ThreadState::kReady);
      CHECK(w->target_c.caps.lookup(1, tessera::CapType::kEndpoint, rights::kRecv).ok());
      CHECK(w->reporter.queue == nullptr);  // a queued report is dropped by the reset
    }
  }
}
