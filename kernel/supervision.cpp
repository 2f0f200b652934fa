// Supervision: a component's ending (stop, fault report), a supervisor's stop, and a start
// that first undoes what the last instance did, step by step within a call's work budget.
#include "kernel/supervision.h"

#include <stddef.h>

#include "kernel/component.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/scheduler.h"
#include "kernel/syscall_args.h"

namespace kernel {
namespace {

using tessera::CapType;

/// The message word of FaultReport::restart_pending (beyond the registers: in the buffer).
constexpr uint32_t kRestartPendingWord = offsetof(tessera::FaultReport, restart_pending) / sizeof(uint64_t);
static_assert(kRestartPendingWord >= tessera::kMessageRegisters);

/// Writes the report into the reporter's frame and IPC buffer, as the message a thread
/// sending it would have staged.
void stage_report(Thread& reporter, const Component& c, const EndingReport& r, bool due) {
  const tessera::FaultReport report{c.index,   r.thread, r.cpu,       r.vector,         r.error_code,
                                    r.address, r.ip,     r.exit_code, c.sup.generation, due ? 1u : 0u};
  uint64_t words[tessera::kFaultReportWords];
  __builtin_memcpy(words, &report, sizeof words);
  SyscallFrame& f = *reporter.frame;
  set_message_info(f, tessera::make_info(static_cast<uint32_t>(r.ending), tessera::kFaultReportWords, 0));
  for (uint32_t i = 0; i < tessera::kMessageRegisters; ++i) f.mr[i] = words[i];
  for (uint32_t i = tessera::kMessageRegisters; i < tessera::kFaultReportWords; ++i)
    reporter.ipc_buffer->words[i] = words[i];
}

/// True while a CPU still runs (or is about to switch away from) a thread of c: its pages
/// must not change under it.
bool running_anywhere(const Component& c) {
  for (const Cpu& cpu : state().cpu_pool())
    if (cpu.current != nullptr && cpu.current->component == &c) return true;
  return false;
}

/// The threads: every slot fresh, the reporter's report (if still queued) dropped.
void reset_threads(Cpu& cpu, Component& c) {
  for (uint32_t i = 0; i < c.thread_count; ++i) reset_thread_slot(c.threads[i]);
  c.thread_count = 0;
  c.live_threads = 0;
  if (c.sup.reporter != nullptr && c.sup.reporter->queue != nullptr) ipc_detach(cpu, c.sup.reporter);
}

/// Every thread slot's IPC buffer as boot left it: zeroed but for its own address, so that
/// nothing the last instance wrote there (the address the runtime reads through its thread
/// pointer, receive slots of a slot no thread uses now) reaches the new one.
bool reset_buffers(Component& c, WorkBudget& work) {
  for (uint32_t& i = c.sup.cursor; i < c.thread_quota; ++i) {
    if (work.spent()) return false;
    tessera::IpcBuffer* buffer = c.threads[i].ipc_buffer;
    __builtin_memset(static_cast<void*>(buffer), 0, tessera::layout::kPageSize);
    buffer->self = ipc_buffer_address(i);
    work.spend();
  }
  return true;
}

/// The cap table: every cap deleted (those it received and made too), then the boot caps
/// placed again, and the notifications it waits on cleared. Looking through the slots takes
/// units (WorkBudget::looked_at) besides what the deletes take.
bool reset_caps(Component& c, WorkBudget& work) {
  for (uint32_t& slot = c.sup.cursor; slot < c.caps.size(); ++slot) {
    auto cap = c.caps.occupied(slot);
    if (cap.ok() && (work.spent() || !cap_delete(*cap.value(), work))) return false;
    if (!work.looked_at(slot, c.caps.size())) {
      ++slot;
      return false;
    }
  }
  for (uint32_t i = 0; i < c.sup.boot->cap_count; ++i) {
    const tessera::spec::Cap& s = c.sup.boot_caps[i];
    const auto type = static_cast<CapType>(s.type);
    // Invariant: the table is empty and the boot spec placed these once, so none can fail.
    if (c.caps.install(s.slot, CapValue{type, s.rights, boot_cap_object(s), s.badge}) != Status::kOk)
      panic("restart of %s: boot cap slot %u could not be placed again", c.name, s.slot);
    if (type == CapType::kNotification && (s.rights & tessera::rights::kRecv) != 0)
      static_cast<Notification*>(boot_cap_object(s))->word = 0;
  }
  return true;
}

/// The boot mappings of shared regions (spec::Mapping) of c, mapped again.
bool reset_regions(Component& c, WorkBudget& work) {
  const KernelState& k = state();
  for (uint32_t& i = c.sup.cursor; i < k.boot_mapping_count; ++i) {
    const tessera::spec::Mapping& m = k.boot_mappings[i];
    if (m.component != c.index) continue;
    auto cap = c.caps.lookup(m.slot, CapType::kMemory, 0);
    if (!cap.ok()) panic("restart of %s: boot mapping %u has no memory cap", c.name, i);
    if (!region_map_again(c, *cap.value(), m.vaddr, work)) return false;
  }
  return true;
}

/// Takes the reset of c one step further per pass, as far as `work` allows.
bool reset(Cpu& cpu, Component& c, WorkBudget& work) {
  Supervision& s = c.sup;
  for (;;) {
    switch (s.step) {
      case ResetStep::kThreads:
        // Work waits here, with nothing done, until every CPU has switched away from c's
        // threads (the reschedule interrupt the stop sent): the ticket lock lets those CPUs
        // in between the repeated calls, so the wait ends.
        if (running_anywhere(c)) return false;
        reset_threads(cpu, c);
        s.restored = s.image.copied();
        break;
      case ResetStep::kBuffers:
        if (!reset_buffers(c, work)) return false;
        break;
      case ResetStep::kCaps:
        if (!reset_caps(c, work)) return false;
        break;
      case ResetStep::kMapWindow:
        if (!reset_map_window(c, s.cursor, work)) return false;
        break;
      case ResetStep::kImage:
        if (!s.image.restore(c.space, s.cursor, work)) return false;
        break;
      case ResetStep::kRegions:
        if (!reset_regions(c, work)) return false;
        break;
      case ResetStep::kDone:
        return true;
    }
    s.step = static_cast<ResetStep>(static_cast<uint8_t>(s.step) + 1);
    s.cursor = 0;
  }
}

/// Runs c's new instance: its endpoints and interrupt lines work again, its first thread
/// starts at the ELF's entry (ready; the caller wakes it).
Thread* run(Component& c) {
  KernelState& k = state();
  for (Endpoint& ep : k.endpoint_pool())
    if (ep.owner == &c) endpoint_revive(&ep);
  for (uint32_t i = 0; i < k.irq_count; ++i) {
    Irq& irq = k.irqs[i];
    if (irq.driver != &c || !irq.routed) continue;
    irq.masked = false;
    platform::mask_irq(irq.line, false);
  }
  if (c.sup.ran) {
    ++c.sup.generation;
    log("kernel: component %s restarted (generation %lu): %u of its %u image pages had been written\n", c.name,
        c.sup.generation, c.sup.restored, c.sup.image.size());
  } else {
    log("kernel: component %s started by its supervisor\n", c.name);
  }
  c.sup.ran = true;
  c.sup.step = ResetStep::kThreads;  // what the next start begins with
  c.stopped = false;
  return thread_create(c, c.priority, 0, first_thread_entry(c), k.cpu_pool());
}

}  // namespace

void component_ended(Cpu& cpu, Component* c, const EndingReport& report, uint32_t shutdown_status) {
  Supervision& s = c->sup;
  Endpoint* ep = s.fault_endpoint;
  const bool supervised = ep != nullptr && !ep->down;
  const bool due = supervised && restart_due(s.restart, report.ending, report.exit_code, s.generation, s.restart_limit);
  stop_component(cpu, c, shutdown_status, due ? Status::kPeerRestarted : Status::kPeerDied, state().endpoint_pool());
  if (!supervised) return;
  stage_report(*s.reporter, *c, report, due);
  ipc_report(cpu, s.reporter, ep, s.report_badge);
}

void drop_pending_restarts(Cpu& cpu, const Component& s) {
  // One pass over the endpoints (as a stop makes anyway), not one per component: a stopped
  // supervisee's restart due (kPeerRestarted), or its first start (`start: manual`: its
  // endpoints are up, callers queue), is not coming.
  for (Endpoint& ep : state().endpoint_pool()) {
    const Component* c = ep.owner;
    if (c == nullptr || !c->stopped || c->sup.fault_endpoint == nullptr || c->sup.fault_endpoint->owner != &s) continue;
    if (ep.status() != Status::kPeerDied) endpoint_down(cpu, &ep, Status::kPeerDied);
  }
}

void component_stop(Cpu& cpu, Component* c) {
  if (!c->stopped) {
    stop_component(cpu, c, 0, Status::kPeerDied, state().endpoint_pool(), false);
    return;
  }
  // Already stopped, maybe with a restart due: no longer. Or never started (`start: manual`),
  // its endpoints up and clients waiting on them for its first start: they wait no longer.
  for (Endpoint& ep : state().endpoint_pool())
    if (ep.owner == c) endpoint_down(cpu, &ep, Status::kPeerDied);
  // What it supervises stays as its stop would leave it, and a report of its ending still
  // queued says no restart is coming.
  drop_pending_restarts(cpu, *c);
  Thread* reporter = c->sup.reporter;
  if (reporter != nullptr && reporter->queue != nullptr) reporter->ipc_buffer->words[kRestartPendingWord] = 0;
}

Result<Thread*> component_start(Cpu& cpu, Component* c, WorkBudget& work) {
  Supervision& s = c->sup;
  if (s.ran && !reset(cpu, *c, work)) return Status::kIncomplete;
  // Most of the reset's remappings flushed no TLB (only the unmapping of regions its deleted
  // caps had mapped did): one flush before the new instance runs, which may reuse frames.
  if (s.ran) {
    if (!work.may_flush()) return Status::kIncomplete;
    platform::flush_tlb(c->space);
    work.flushed();
  }
  return run(*c);
}

bool component_write_fault(Component& c, uint64_t address) {
  CowPage* page = c.sup.image.find(address);
  if (page == nullptr) return false;
  if (page->copy == 0) {
    c.sup.image.copy_page(c.space, *page);
  } else if (platform::translate(c.space, address, platform::MapFlags{true, true, false}) == 0) {
    // Invariant: a page with a copy is mapped writable; else every retry would fault again.
    panic("cow: page 0x%lx of %s has a copy but is not writable", page->vaddr, c.name);
  }
  // Other CPUs may hold the read-only translation to the pristine page: a thread there must
  // see the copy from now on. (A page already copied faulted on such a stale translation.)
  platform::flush_tlb(c.space);
  return true;
}

}  // namespace kernel
