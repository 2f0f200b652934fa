// A supervisor's start, stop and restart of a component through the real kernel booted on
// the fake platform: the reset in steps within the work budget (threads, caps, map window,
// copy-on-write image, boot mappings), and the new instance that follows it.
#include <doctest/doctest.h>

#include "kernel/log.h"
#include "kernel/supervision.h"
#include "tests/host/booted_system.h"

using namespace kernel;
using namespace kernel::host;
using tessera::CapType;
using tessera::Ending;
using tessera::Status;
using tessera::Syscall;
using tessera::layout::kHeapBase;
using tessera::layout::kMapBase;
using tessera::layout::kMapWindow;
using tessera::layout::kSharedBase;
using tessera::layout::kStackTop;
namespace rights = tessera::rights;

namespace {

constexpr uint64_t kRegionAt = kMapBase + 64 * kPageSize;
constexpr uint64_t kMappedPages = 3;
/// Page tables of the map window the server's mappings take (one of each level: everything
/// lies in one 2 MiB span).
constexpr uint32_t kWindowTables = 3;
constexpr uint64_t kReceivedSlot = 5, kMintedSlot = 6, kMintedMemSlot = 7;
constexpr uint64_t kClientKeeps = 3;  ///< client A's slot for the cap the server gives it
/// Pages the server writes: the data page, the bss page, the heap, the stack's top page.
constexpr uint64_t kWrites[] = {kData + 8, kData + kPageSize + 16, kHeapBase + 24, kStackTop - 8};

const EndingReport kFault{Ending::kFault, 0, 0, 13, 0, 0, kEntry, 0};

/// The server's first instance leaves a trace of everything a restart undoes, then faults.
void use_then_fault(BootedSystem& w) {
  Component& s = w.component(kServer);
  Thread& server = w.thread(kServer);
  Thread& a = w.thread(kClientA);
  // A cap received: client A's notification cap, sent with a call.
  server.ipc_buffer->recv_slots[0] = static_cast<uint32_t>(kReceivedSlot);
  w.call(server, Syscall::kRecv, kSrvEp);
  a.ipc_buffer->send_caps[0] = static_cast<uint32_t>(kCliNtf);
  a.ipc_buffer->recv_slots[0] = static_cast<uint32_t>(kClientKeeps);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1, 1), 7);
  REQUIRE(s.caps.lookup(kReceivedSlot, CapType::kNotification, 0).ok());
  // A cap given: the reply carries a cap derived from the server's boot cap, which client A keeps.
  server.ipc_buffer->send_caps[0] = static_cast<uint32_t>(kSrvNtf);
  w.call(server, Syscall::kReply, 0, tessera::make_info(0, 0, 1));
  REQUIRE(status_of(server) == Status::kOk);
  REQUIRE(a.state == ThreadState::kReady);
  auto kept = w.component(kClientA).caps.lookup(kClientKeeps, CapType::kNotification, 0);
  REQUIRE(kept.ok());
  REQUIRE(kept.value()->parent == s.caps.occupied(kSrvNtf).value());
  // Caps made: a badged notification cap, and a memory cap mapped in the map window.
  w.call(server, Syscall::kCapMint, kSrvNtf, kMintedSlot, rights::kSend, 0x40);
  REQUIRE(status_of(server) == Status::kOk);
  w.call(server, Syscall::kCapMint, kSrvMem, kMintedMemSlot, rights::kRead, 0);
  REQUIRE(status_of(server) == Status::kOk);
  w.call(server, Syscall::kRegionMap, kMintedMemSlot, kRegionAt);
  REQUIRE(status_of(server) == Status::kOk);
  // Pages of the map quota, and a second thread.
  w.call(server, Syscall::kMap, kMapBase, kMappedPages, tessera::map_flags::kWrite);
  REQUIRE(status_of(server) == Status::kOk);
  REQUIRE(s.map_pool.available() == kServerMapPages - kMappedPages - kWindowTables);
  w.call(server, Syscall::kThreadCreate, kEntry, kStackTop - 512);
  REQUIRE(status_of(server) == Status::kOk);
  REQUIRE(s.thread_count == 2);
  // Writes to its image, and to the shared region.
  for (uint64_t at : kWrites) w.server_writes(at, 0xe1);
  REQUIRE(s.sup.image.copied() == 4);
  static_cast<unsigned char*>(platform::phys_to_virt(w.region().phys))[0] = 0x33;
  // A bit pending in its notification, and its interrupt raised (the line masked).
  w.call(a, Syscall::kSignal, kCliNtf, 0x8);
  REQUIRE(w.notification().word != 0);
  w.locked([&](Cpu& cpu) { irq_raised(cpu, w.irq()); });
  REQUIRE(w.irq().masked);
  // It waits for calls again when it faults; client B's call is lost.
  w.call(server, Syscall::kRecv, kSrvEp);
  w.call(w.thread(kClientB), Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  REQUIRE(w.thread(kClientB).state == ThreadState::kBlockedReply);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &s, kFault, kStatusFault); });
  REQUIRE(s.stopped);
  REQUIRE(status_of(w.thread(kClientB)) == Status::kPeerRestarted);
}

/// The server as a fresh instance of its boot image: what check_restarted expects.
void check_restarted(BootedSystem& w, uint64_t generation) {
  Component& s = w.component(kServer);
  REQUIRE_FALSE(s.stopped);
  CHECK(s.sup.generation == generation);
  CHECK(s.sup.step == ResetStep::kThreads);
  // One thread, new, ready at the ELF's entry; the second slot is free again.
  CHECK(s.thread_count == 1);
  CHECK(s.live_threads == 1);
  Thread& t = w.thread(kServer);
  CHECK(t.state == ThreadState::kReady);
  CHECK(t.component == &s);
  CHECK(t.reply_to == nullptr);
  CHECK(w.queued_to_run(t));
  REQUIRE_FALSE(fake::platform().user_threads.empty());
  const auto& [context, entry] = fake::platform().user_threads.back();
  CHECK(context == &t.context);
  CHECK(entry.ip == kEntry);
  CHECK(entry.sp == kStackTop);
  CHECK(entry.arg0 == kHeapBase);
  CHECK(entry.arg1 == kServerHeapPages * kPageSize);
  CHECK(entry.arg2 == kServer);
  CHECK(entry.thread_pointer == ipc_buffer_address(0));
  // The boot caps, as roots; what it received or made is gone.
  for (uint64_t slot : {kSrvEp, kSrvNtf, kSrvMem, kSrvIrq}) {
    INFO("slot " << slot);
    auto cap = s.caps.lookup_any(slot);
    REQUIRE(cap.ok());
    CHECK(cap.value()->parent == nullptr);
    CHECK(cap.value()->first_child == nullptr);
  }
  const auto boot_cap = [&](uint64_t slot, CapType type, uint16_t r, const void* object) {
    INFO("boot cap in slot " << slot);
    auto cap = s.caps.lookup(slot, type, r);
    REQUIRE(cap.ok());
    CHECK(cap.value()->rights == r);
    CHECK(cap.value()->badge == 0);
    CHECK(cap.value()->object == object);
  };
  boot_cap(kSrvEp, CapType::kEndpoint, rights::kRecv | rights::kSend, &w.endpoint(kServerEp));
  boot_cap(kSrvNtf, CapType::kNotification, rights::kSend | rights::kRecv | rights::kGrant, &w.notification());
  boot_cap(kSrvMem, CapType::kMemory, rights::kRead | rights::kWrite | rights::kGrant, &w.region());
  boot_cap(kSrvIrq, CapType::kIrq, 0, &w.irq());
  for (uint64_t slot = kSrvIrq + 1; slot < kSrvSlots; ++slot)
    CHECK(s.caps.occupied(slot).status() == Status::kEmptySlot);
  // Client A's cap derived from the server's survives, a root now; the one it sent is
  // without the server's copy.
  auto kept = w.component(kClientA).caps.lookup(kClientKeeps, CapType::kNotification, rights::kSend);
  REQUIRE(kept.ok());
  CHECK(kept.value()->object == &w.notification());
  CHECK(kept.value()->parent == nullptr);
  auto sent = w.component(kClientA).caps.occupied(kCliNtf);
  REQUIRE(sent.ok());
  CHECK(sent.value()->first_child == nullptr);
  // The map window is empty and its pages are back in the quota; its page tables stay.
  CHECK(platform::next_mapped(s.space, kMapBase, kMapBase + kMapWindow) == kMapBase + kMapWindow);
  CHECK(s.map_pool.available() == kServerMapPages - kWindowTables);
  // The boot mapping of the shared region is back (the region's contents are shared: kept).
  for (uint32_t i = 0; i < kRegionPages; ++i) {
    const fake::Page* m = w.mapping(kServer, kSharedBase + i * kPageSize);
    REQUIRE(m != nullptr);
    CHECK(m->phys == w.region().phys + i * kPageSize);
    CHECK(m->flags.write);
  }
  REQUIRE(s.caps.occupied(kSrvMem).ok());
  const Cap& mem = *s.caps.occupied(kSrvMem).value();
  CHECK(mem.mapped_at == kSharedBase);
  CHECK(mem.mapped_pages == kRegionPages);
  CHECK(s.region_mappings == 1);
  // Every image page is read-only onto its pristine frame again: the ELF's data, zeros.
  CHECK(s.sup.image.copied() == 0);
  CHECK(s.sup.image.size() == kServerImagePages);
  for (uint32_t i = 0; i < s.sup.image.size(); ++i) {
    const CowPage& p = s.sup.image.page(i);
    INFO("image page " << i << " at " << p.vaddr);
    const fake::Page* m = w.mapping(kServer, p.vaddr);
    REQUIRE(m != nullptr);
    CHECK(m->phys == p.pristine);
    CHECK_FALSE(m->flags.write);
    CHECK(p.copy == 0);
    const auto* bytes = static_cast<const unsigned char*>(platform::phys_to_virt(p.pristine));
    const unsigned char first = p.vaddr == kData ? kDataByte : 0;
    CHECK(bytes[0] == first);
    CHECK(bytes[kPageSize - 1] == 0);
    for (uint64_t at : kWrites)
      if ((at & ~(kPageSize - 1)) == p.vaddr) CHECK(bytes[at % kPageSize] == (p.vaddr == kData ? kDataByte : 0));
  }
  // Its notification word is cleared, its interrupt line unmasked.
  CHECK(w.notification().word == 0);
  CHECK_FALSE(w.irq().masked);
  CHECK(fake::platform().irq_masked[kIrqLine] == false);
  // The reporter is idle; the endpoint works again: a call reaches the new instance.
  CHECK(w.reporter().state == ThreadState::kDead);
  CHECK(w.reporter().queue == nullptr);
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);
  Thread& b = w.thread(kClientB);
  w.call(t, Syscall::kRecv, kSrvEp);
  CHECK(t.state == ThreadState::kBlockedRecv);
  w.call(b, Syscall::kCall, kCliEp, tessera::make_info(3, 1), 99);
  CHECK(b.state == ThreadState::kBlockedReply);
  CHECK(t.state == ThreadState::kReady);
  CHECK(t.frame->a0 == kBadgeB);
  CHECK(t.frame->mr[0] == 99);
  w.call(t, Syscall::kReply, 0, tessera::make_info(0, 0));
  CHECK(status_of(b) == Status::kOk);
  // cap_info tells a client which instance serves it.
  w.call(b, Syscall::kCapInfo, kCliEp);
  CHECK(b.frame->mr[1] == generation);
}

/// Pages mapped in the server's map window.
uint64_t window_pages(BootedSystem& w) {
  const platform::AddressSpace& space = w.component(kServer).space;
  uint64_t n = 0;
  for (uint64_t at = kMapBase;; at += kPageSize, ++n) {
    at = platform::next_mapped(space, at, kMapBase + kMapWindow);
    if (at == kMapBase + kMapWindow) return n;
  }
}

/// kComponentStart by the supervisor until it is through; returns how many calls it took.
int start_by_supervisor(BootedSystem& w, Syscall call = Syscall::kComponentStart) {
  Thread& sup = w.thread(kSup);
  for (int calls = 1; calls < 100; ++calls) {
    w.call(sup, call, kSupControl);
    if (status_of(sup) != Status::kIncomplete) {
      CHECK(status_of(sup) == Status::kOk);
      CHECK(sup.frame->a0 == w.component(kServer).sup.generation);
      return calls;
    }
    CHECK(sup.frame->a0 == w.component(kServer).sup.generation);  // the old one until it runs
    call = Syscall::kComponentStart;  // a restart goes on as a start once it stopped the component
  }
  FAIL("the start never finished");
  return 0;
}

}  // namespace

TEST_CASE("restart: a start after an ending resets the component to its boot image and runs it anew") {
  BootedSystem w;
  use_then_fault(w);
  const unsigned flushes = fake::platform().tlb_flushes;
  // Two memory caps with mappings need a TLB flush each, and the new instance one more: a
  // call makes one, so the start takes three calls.
  REQUIRE(start_by_supervisor(w) == 3);
  CHECK(fake::platform().tlb_flushes == flushes + 3);
  CHECK(w.thread(kSup).frame->a0 == 1);
  check_restarted(w, 1);
  // Running: a second start is refused, and changes nothing.
  Thread& sup = w.thread(kSup);
  w.call(sup, Syscall::kComponentStart, kSupControl);
  CHECK(status_of(sup) == Status::kNotStopped);
  CHECK(w.component(kServer).sup.generation == 1);
  CHECK_FALSE(w.component(kServer).stopped);
}

TEST_CASE("restart: the reset goes in steps within the work budget; until it is through nothing runs") {
  SystemOptions o;
  o.restart_limit = 10;
  BootedSystem w(o);
  use_then_fault(w);
  Component& s = w.component(kServer);
  for (uint32_t units : {1u, 2u, 5u}) {
    INFO("a budget of " << units << " units a call");
    // Each budget gets a fresh ending to undo (after the first, a second instance's).
    if (units != 1) {
      w.server_writes(kWrites[0], 1);
      w.call(w.thread(kServer), Syscall::kMap, kMapBase, 2, 0);
      w.locked([&](Cpu& cpu) { component_ended(cpu, &s, kFault, kStatusFault); });
    }
    int calls = 0;
    Status last = Status::kIncomplete;
    while (last == Status::kIncomplete && calls < 1000) {
      ++calls;
      const uint64_t window_before = window_pages(w);
      const uint32_t copied_before = s.sup.image.copied();
      const unsigned flushes_before = fake::platform().tlb_flushes;
      w.locked([&](Cpu& cpu) {
        WorkBudget work(units);
        last = component_start(cpu, &s, work).status();
        CHECK(work.left() <= units);  // spent, never overspent (a wrapped count)
      });
      // No more pages given back than units, and one TLB flush at most.
      CHECK(window_before - window_pages(w) <= units);
      CHECK(copied_before - s.sup.image.copied() <= units);
      CHECK(fake::platform().tlb_flushes - flushes_before <= 1);
      if (last == Status::kIncomplete) {
        // Still the old instance's ending: stopped, its endpoint failing new calls.
        CHECK(s.stopped);
        CHECK(w.endpoint(kServerEp).status() == Status::kPeerRestarted);
      }
    }
    CHECK(last == Status::kOk);
    CHECK(calls > 1);
  }
  CHECK(s.sup.generation == 3);
  CHECK(s.sup.image.copied() == 0);
  CHECK(s.map_pool.available() == kServerMapPages - kWindowTables);
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);
}

TEST_CASE("restart: the generation counts restarts up to the limit; then an ending leaves it stopped") {
  BootedSystem w;  // on-failure, limit 2
  Thread& sup = w.thread(kSup);
  Component& s = w.component(kServer);
  for (uint64_t generation = 0; generation < 3; ++generation) {
    INFO("generation " << generation);
    w.call(sup, Syscall::kRecv, kSupFault);
    w.locked([&](Cpu& cpu) { component_ended(cpu, &s, kFault, kStatusFault); });
    const bool due = generation < 2;
    CHECK(sup.frame->mr[0] == kServer);
    CHECK(sup.ipc_buffer->words[8] == generation);       // restarts
    CHECK(sup.ipc_buffer->words[9] == (due ? 1u : 0u));  // restart_pending
    CHECK(w.endpoint(kServerEp).status() == (due ? Status::kPeerRestarted : Status::kPeerDied));
    if (due) {
      start_by_supervisor(w);
      CHECK(s.sup.generation == generation + 1);
    }
  }
  // The supervisor may still start it: beyond its policy's limit, by its own decision.
  start_by_supervisor(w);
  CHECK(s.sup.generation == 3);
  CHECK_FALSE(s.stopped);
}

TEST_CASE("restart: a stop makes a pending restart kPeerDied; a later start still runs it") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  Thread& a = w.thread(kClientA);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &w.component(kServer), kFault, kStatusFault); });
  REQUIRE(w.endpoint(kServerEp).status() == Status::kPeerRestarted);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  CHECK(status_of(a) == Status::kPeerRestarted);
  w.call(sup, Syscall::kComponentStop, kSupControl);
  CHECK(status_of(sup) == Status::kOk);
  CHECK(sup.frame->a0 == 0);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  CHECK(status_of(a) == Status::kPeerDied);
  w.call(sup, Syscall::kComponentStop, kSupControl);  // again: no change
  CHECK(status_of(sup) == Status::kOk);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
  start_by_supervisor(w);
  CHECK(w.component(kServer).sup.generation == 1);
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);
}

TEST_CASE("restart: a stop of a running component fails its clients with kPeerDied and reports nothing") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  Thread& server = w.thread(kServer);
  Thread& a = w.thread(kClientA);
  w.call(server, Syscall::kRecv, kSrvEp);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  REQUIRE(a.state == ThreadState::kBlockedReply);
  w.call(sup, Syscall::kComponentStop, kSupControl);
  CHECK(status_of(sup) == Status::kOk);
  CHECK(w.component(kServer).stopped);
  CHECK(server.state == ThreadState::kDead);
  CHECK(status_of(a) == Status::kPeerDied);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
  CHECK(w.endpoint(kFaultEp).senders.empty());
  CHECK(w.reporter().state == ThreadState::kDead);
}

TEST_CASE("restart: kComponentRestart of a running component fails its clients with kPeerRestarted") {
  BootedSystem w;
  Thread& server = w.thread(kServer);
  Thread& a = w.thread(kClientA);
  w.call(server, Syscall::kRecv, kSrvEp);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  w.server_writes(kWrites[1], 7);
  start_by_supervisor(w, Syscall::kComponentRestart);
  CHECK(status_of(a) == Status::kPeerRestarted);
  CHECK(w.endpoint(kFaultEp).senders.empty());  // no report: the supervisor asked for it
  CHECK(w.component(kServer).sup.generation == 1);
  CHECK(w.component(kServer).sup.image.copied() == 0);
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);
}

TEST_CASE("restart: a thread still current on another CPU holds the reset back until that CPU switched away") {
  SystemOptions o;
  o.cpus = 2;
  o.server_cpu = 1;
  BootedSystem w(o);
  Thread& sup = w.thread(kSup);
  Thread& server = w.thread(kServer);
  REQUIRE(server.cpu == &w.cpu(1));
  REQUIRE(sup.cpu == &w.cpu(0));
  // CPU 1 runs the server (in ring 3, or in a system call waiting for the kernel lock).
  w.cpu(1).ready.remove(&server);
  w.cpu(1).current = &server;
  w.server_writes(kWrites[0], 9);
  fake::platform().reschedules.clear();
  w.call(sup, Syscall::kComponentRestart, kSupControl);
  CHECK(status_of(sup) == Status::kIncomplete);
  CHECK(server.state == ThreadState::kDead);
  CHECK(fake::platform().reschedules == std::vector<unsigned>{1});  // told to switch away
  const Component& s = w.component(kServer);
  for (int i = 0; i < 3; ++i) {
    w.call(sup, Syscall::kComponentStart, kSupControl);
    CHECK(status_of(sup) == Status::kIncomplete);
    CHECK(s.sup.step == ResetStep::kThreads);  // not a step further
    CHECK(s.sup.image.copied() == 1);          // its pages untouched under it
    CHECK(s.thread_count == 1);
  }
  // CPU 1 takes the interrupt and switches to its idle thread.
  Thread* next = nullptr;
  w.locked([&](Cpu&) { next = preempt_check(w.cpu(1)); });
  CHECK(next != &server);
  w.cpu(1).current = w.cpu(1).idle;
  start_by_supervisor(w);
  CHECK(s.sup.generation == 1);
  CHECK(s.sup.image.copied() == 0);
  CHECK(w.cpu(1).ready.contains(&server));  // the new first thread, on its CPU
}

TEST_CASE("restart: a manual component waits, loaded, for its supervisor's first start") {
  SystemOptions o;
  o.server_flags = tessera::spec::kFlagStartManual;
  BootedSystem w(o);
  Component& s = w.component(kServer);
  Thread& sup = w.thread(kSup);
  Thread& a = w.thread(kClientA);
  CHECK(s.stopped);
  CHECK_FALSE(s.sup.ran);
  CHECK(s.thread_count == 0);
  CHECK(w.irq().masked);  // routed, masked until it runs
  CHECK(w.irq().routed);
  CHECK(w.mapping(kServer, kSharedBase) != nullptr);  // its boot mapping is there already
  // A client's call waits for it rather than failing.
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1), 5);
  CHECK(a.state == ThreadState::kBlockedSend);

  CHECK(start_by_supervisor(w) == 1);  // nothing to reset
  CHECK(s.sup.generation == 0);        // a first start is no restart
  CHECK(sup.frame->a0 == 0);
  CHECK_FALSE(s.stopped);
  CHECK(s.sup.ran);
  CHECK_FALSE(w.irq().masked);
  CHECK(fake::platform().irq_masked[kIrqLine] == false);
  Thread& server = w.thread(kServer);
  CHECK(server.state == ThreadState::kReady);
  w.call(server, Syscall::kRecv, kSrvEp);  // takes the waiting call
  CHECK(server.reply_to == &a);
  CHECK(server.frame->mr[0] == 5);
  w.call(sup, Syscall::kComponentStart, kSupControl);
  CHECK(status_of(sup) == Status::kNotStopped);
}

TEST_CASE("restart: a stop of a manual component never started fails the clients waiting for it with kPeerDied") {
  // kComponentStop: "stops it for good (until started again): its clients get kPeerDied".
  SystemOptions o;
  o.server_flags = tessera::spec::kFlagStartManual;
  BootedSystem w(o);
  Thread& sup = w.thread(kSup);
  Thread& a = w.thread(kClientA);
  Thread& b = w.thread(kClientB);
  w.call(a, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  REQUIRE(a.state == ThreadState::kBlockedSend);  // waits for the first start
  w.call(sup, Syscall::kComponentStop, kSupControl);
  CHECK(status_of(sup) == Status::kOk);
  CHECK(a.state == ThreadState::kReady);
  CHECK(status_of(a) == Status::kPeerDied);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
  w.call(b, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  CHECK(b.state == ThreadState::kReady);  // refused at once instead of waiting for good
  CHECK(status_of(b) == Status::kPeerDied);
  // A start still runs it, its endpoint working again.
  CHECK(start_by_supervisor(w) == 1);
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);
  CHECK(w.component(kServer).sup.generation == 0);
}

TEST_CASE("restart: a component whose boot failed cannot be started; its clients get kPeerDied") {
  // system.img lacks the server's ELF: boot leaves it stopped with nothing built (no image,
  // no threads). A start must refuse, not run what is not there.
  SystemOptions o;
  o.server_elf = false;
  for (Syscall call : {Syscall::kComponentStart, Syscall::kComponentRestart}) {
    INFO("call " << static_cast<uint64_t>(call));
    BootedSystem w(o);
    Component& s = w.component(kServer);
    REQUIRE(s.stopped);
    CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
    Thread& sup = w.thread(kSup);
    w.call(sup, call, kSupControl);
    CHECK(status_of(sup) == Status::kPeerDied);
    CHECK(s.stopped);
    CHECK(s.thread_count == 0);
    CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
    w.call(sup, Syscall::kComponentStop, kSupControl);  // stopping it is harmless
    CHECK(status_of(sup) == Status::kOk);
  }
}

TEST_CASE("restart: a component given a component cap to itself cannot stop or restart itself with it") {
  // Boot gives no component a cap to itself, but a supervisor may pass its cap on (it has the
  // grant right), also to the component it controls. Stopping the calling thread's own
  // component would resume a dead thread (a kernel panic in syscall_dispatch); restarting it
  // could never finish, its caller being one of the threads the reset waits for.
  constexpr uint64_t kOwnControl = 5;
  for (Syscall call : {Syscall::kComponentStop, Syscall::kComponentRestart, Syscall::kComponentStart}) {
    INFO("call " << static_cast<uint64_t>(call));
    BootedSystem w;
    Thread& sup = w.thread(kSup);
    Thread& server = w.thread(kServer);
    server.ipc_buffer->recv_slots[0] = static_cast<uint32_t>(kOwnControl);
    w.call(server, Syscall::kRecv, kSrvEp);
    sup.ipc_buffer->send_caps[0] = static_cast<uint32_t>(kSupControl);
    w.call(sup, Syscall::kCall, kSupCall, tessera::make_info(1, 0, 1));
    REQUIRE(w.component(kServer).caps.lookup(kOwnControl, CapType::kComponent, rights::kSend).ok());
    CHECK(w.call(server, call, kOwnControl) == &server);
    CHECK(status_of(server) == Status::kInvalidArgument);
    CHECK(server.state == ThreadState::kReady);
    CHECK_FALSE(w.component(kServer).stopped);
    CHECK(w.endpoint(kServerEp).status() == Status::kOk);
    CHECK(server.reply_to == &sup);  // the supervisor's call still waits for its answer
    if (call != Syscall::kComponentStop) continue;
    // Through the real system call entry too: no kernel panic, the server goes on.
    Cpu& cpu = *server.cpu;
    cpu.ready.remove(&server);
    cpu.current = &server;
    platform::set_cpu_data(&cpu);
    load_call(server, call, kOwnControl);
    CHECK_NOTHROW(system_call(server.frame));
    CHECK(status_of(server) == Status::kInvalidArgument);
    CHECK(cpu.current == &server);
    CHECK_FALSE(kernel_lock().held());
    cpu.current = cpu.idle;
    cpu.ready.enqueue(&server);
  }
}

TEST_CASE("restart: a supervisor's stop or restart of the shutdown component does not power the system off") {
  // on_exit: shutdown is about the component's exit (and faults); a stop or restart its
  // supervisor asks for is neither, and a restart means it goes on.
  SystemOptions o;
  o.server_flags = tessera::spec::kFlagShutdownOnExit;
  for (Syscall call : {Syscall::kComponentRestart, Syscall::kComponentStop}) {
    INFO("call " << static_cast<uint64_t>(call));
    BootedSystem w(o);
    Thread& sup = w.thread(kSup);
    bool powered_off = false;
    try {
      if (call == Syscall::kComponentRestart) {
        start_by_supervisor(w, call);
      } else {
        w.call(sup, call, kSupControl);
      }
    } catch (const fake::Shutdown&) {
      powered_off = true;
    }
    CHECK_FALSE(powered_off);
    CHECK(status_of(sup) == Status::kOk);
    CHECK(w.component(kServer).stopped == (call == Syscall::kComponentStop));
  }
  // Its own exit still does.
  BootedSystem w(o);
  bool powered_off = false;
  try {
    w.call(w.thread(kServer), Syscall::kExit, 3);
  } catch (const fake::Shutdown& s) {
    powered_off = s.status == 3;
  }
  CHECK(powered_off);
}

TEST_CASE("restart: a never-started manual component's waiting callers get kPeerDied when its supervisor goes") {
  SystemOptions o;
  o.server_flags = tessera::spec::kFlagStartManual;
  BootedSystem w(o);
  REQUIRE(w.component(kServer).stopped);
  Thread& b = w.thread(kClientB);
  w.call(b, Syscall::kCall, kCliEp, tessera::make_info(1, 1));
  REQUIRE(b.state == ThreadState::kBlockedSend);  // queued for the server's first start
  w.call(w.thread(kSup), Syscall::kExit, 0);      // nobody will start it now
  CHECK(status_of(b) == Status::kPeerDied);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
}

TEST_CASE("restart: a supervisor's stop of a stopped component rewrites its queued report: no restart coming") {
  BootedSystem w;
  Component& s = w.component(kServer);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &s, kFault, kStatusFault); });
  REQUIRE(w.reporter().state == ThreadState::kBlockedSend);  // the supervisor has not received it
  Thread& sup = w.thread(kSup);
  w.call(sup, Syscall::kComponentStop, kSupControl);
  REQUIRE(status_of(sup) == Status::kOk);
  w.call(sup, Syscall::kRecv, kSupFault);
  REQUIRE(status_of(sup) == Status::kOk);
  CHECK(sup.ipc_buffer->words[9] == 0);  // FaultReport::restart_pending
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
}

TEST_CASE("restart: the new instance's IPC buffers are as boot left them, whatever the old one wrote there") {
  BootedSystem w;
  Component& s = w.component(kServer);
  // The old instance scribbles over its buffers: the address the runtime reads at %fs:0, and
  // receive slots in the buffer of a slot no thread uses.
  s.threads[0].ipc_buffer->self = 0xdead;
  s.threads[1].ipc_buffer->recv_slots[0] = 5;
  reinterpret_cast<unsigned char*>(s.threads[1].ipc_buffer)[kPageSize - 1] = 0x77;
  w.locked([&](Cpu& cpu) { component_ended(cpu, &s, kFault, kStatusFault); });
  start_by_supervisor(w);
  for (uint32_t i = 0; i < s.thread_quota; ++i) {
    INFO("thread slot " << i);
    const tessera::IpcBuffer* buffer = s.threads[i].ipc_buffer;
    CHECK(buffer->self == ipc_buffer_address(i));
    CHECK(buffer->recv_slots[0] == 0);
    CHECK(reinterpret_cast<const unsigned char*>(buffer)[kPageSize - 1] == 0);
  }
}

TEST_CASE("restart: callers of a component stopped for good learn it is coming back as its restart begins") {
  BootedSystem w;
  Component& s = w.component(kServer);
  use_then_fault(w);
  Thread& sup = w.thread(kSup);
  w.call(sup, Syscall::kComponentStop, kSupControl);
  REQUIRE(w.endpoint(kServerEp).status() == Status::kPeerDied);
  // Its reset takes several calls (two mapped memory caps, a flush each): between them, a
  // caller sees kPeerRestarted, not kPeerDied.
  w.call(sup, Syscall::kComponentRestart, kSupControl);
  REQUIRE(status_of(sup) == Status::kIncomplete);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerRestarted);
  while (status_of(sup) == Status::kIncomplete) w.call(sup, Syscall::kComponentRestart, kSupControl);
  CHECK(status_of(sup) == Status::kOk);
  CHECK_FALSE(s.stopped);
}

TEST_CASE("restart: page tables left empty in the map window cost a unit each to look through") {
  BootedSystem w;
  Component& s = w.component(kServer);
  Thread& server = w.thread(kServer);
  // One page in each of three 2 MiB spans, then unmapped: three empty page tables remain.
  for (uint64_t span = 0; span < 3; ++span) {
    w.call(server, Syscall::kMap, kMapBase + span * 512 * kPageSize, 1, tessera::map_flags::kWrite);
    REQUIRE(status_of(server) == Status::kOk);
    w.call(server, Syscall::kUnmap, kMapBase + span * 512 * kPageSize, 1);
    REQUIRE(status_of(server) == Status::kOk);
  }
  w.locked([&](Cpu& cpu) { component_ended(cpu, &s, kFault, kStatusFault); });
  // Through the reset to its map window step, then one unit a call.
  s.sup.step = ResetStep::kMapWindow;
  s.sup.cursor = 0;
  int calls = 0;
  bool done = false;
  while (!done && calls < 100) {
    ++calls;
    w.locked([&](Cpu&) {
      WorkBudget one(1);
      done = reset_map_window(s, s.sup.cursor, one);
    });
  }
  INFO("calls: " << calls);
  // A call looks through one table per unit, and one more after its last unit (the one it
  // stops after): two a call here. Without the charge one call would look through all three.
  CHECK(calls == 2);
}
