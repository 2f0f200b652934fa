// Cap table operations, notifications, IRQ acknowledgement and memory mapping: each system
// call decodes its caps and arguments (the only part that fails), then invokes.
#include "kernel/object_syscalls.h"

#include "kernel/kernel_state.h"

namespace kernel {
namespace {

using tessera::CapType;
using tessera::Syscall;
namespace rights = tessera::rights;

inline void set_status(SyscallFrame* f, Status s) { f->rax = static_cast<uint64_t>(s); }

/// Badges mean something only to endpoints (delivered to the receiver) and notifications
/// (or'ed into the word on signal).
inline bool takes_badge(CapType type) { return type == CapType::kEndpoint || type == CapType::kNotification; }

/// kCapMint, and kCapCopy (rights and badge of the source).
Status mint(CapTable& caps, uint64_t src_slot, uint64_t dst_slot, uint64_t new_rights, uint64_t badge) {
  Cap* src = TRY(caps.lookup_any(src_slot));
  Cap* dst = TRY(caps.empty_slot(dst_slot));
  if ((new_rights & ~uint64_t{rights::kAll}) != 0) return Status::kInvalidArgument;
  if ((new_rights & ~uint64_t{src->rights}) != 0) return Status::kNoRights;
  if (badge != 0) {
    if (!takes_badge(src->type)) return Status::kInvalidArgument;
    if (src->badge != 0 && src->badge != badge) return Status::kInvalidArgument;  // no re-badging
  }
  caps.derive(*src, *dst, static_cast<uint16_t>(new_rights), badge != 0 ? badge : src->badge);
  return Status::kOk;
}

Status copy(CapTable& caps, uint64_t src_slot, uint64_t dst_slot) {
  Cap* src = TRY(caps.lookup_any(src_slot));
  return mint(caps, src_slot, dst_slot, src->rights, 0);
}

Status move(CapTable& caps, uint64_t src_slot, uint64_t dst_slot) {
  Cap* src = TRY(caps.lookup_any(src_slot));
  Cap* dst = TRY(caps.empty_slot(dst_slot));
  caps.move(*src, *dst);
  return Status::kOk;
}

/// kCapDelete: a revoked slot is deleted too (that is how it becomes empty again, and how a
/// delete left unfinished goes on).
Status remove(CapTable& caps, uint64_t slot, WorkBudget& work) {
  Cap* cap = TRY(caps.occupied(slot));
  return cap_delete(*cap, work) ? Status::kOk : Status::kIncomplete;
}

Result<Progress> revoke(CapTable& caps, uint64_t slot, WorkBudget& work) {
  Cap* cap = TRY(caps.lookup_any(slot));
  return cap_revoke(*cap, work);
}

/// A bounded call's status, and in rdi how much of its job it did (0 when it failed).
void set_progress(SyscallFrame* f, const Result<Progress>& r) {
  f->rax = static_cast<uint64_t>(r.ok() ? r.value().status() : r.status());
  f->rdi = r.ok() ? r.value().done : 0;
}

Status info(CapTable& caps, SyscallFrame* f) {
  Cap* cap = TRY(caps.lookup_any(f->rdi));
  f->rdi = static_cast<uint64_t>(cap->type);
  f->rsi = cap->rights;
  f->mr[0] = cap->badge;
  return Status::kOk;
}

Result<Notification*> notification(CapTable& caps, uint64_t slot, uint16_t needed) {
  Cap* cap = TRY(caps.lookup(slot, CapType::kNotification, needed));
  return static_cast<Notification*>(cap->object);
}

}  // namespace

void object_syscall(Cpu& cpu, Thread* self, SyscallFrame* f) {
  Component& c = *self->component;
  CapTable& caps = c.caps;
  // What a long operation may do in this call; the caller repeats it for the rest.
  WorkBudget work;
  switch (static_cast<Syscall>(f->rax)) {
    case Syscall::kCapCopy:
      return set_status(f, copy(caps, f->rdi, f->rsi));
    case Syscall::kCapMint:
      return set_status(f, mint(caps, f->rdi, f->rsi, f->mr[0], f->mr[1]));
    case Syscall::kCapMove:
      return set_status(f, move(caps, f->rdi, f->rsi));
    case Syscall::kCapDelete:
      return set_status(f, remove(caps, f->rdi, work));
    case Syscall::kCapRevoke:
      return set_progress(f, revoke(caps, f->rdi, work));
    case Syscall::kCapInfo:
      return set_status(f, info(caps, f));
    case Syscall::kSignal: {
      auto cap = caps.lookup(f->rdi, CapType::kNotification, rights::kSend);
      if (!cap.ok()) return set_status(f, cap.status());
      const uint64_t bits = f->rsi | cap.value()->badge;
      if (bits == 0) return set_status(f, Status::kInvalidArgument);
      set_status(f, Status::kOk);
      switch_to(cpu, notification_signal(cpu, self, static_cast<Notification*>(cap.value()->object), bits));
      return;
    }
    case Syscall::kWait: {
      auto n = notification(caps, f->rdi, rights::kRecv);
      if (!n.ok()) return set_status(f, n.status());
      switch_to(cpu, notification_wait(cpu, self, n.value()));
      return;
    }
    case Syscall::kPoll: {
      auto n = notification(caps, f->rdi, rights::kRecv);
      if (!n.ok()) return set_status(f, n.status());
      f->rdi = notification_poll(n.value());
      return set_status(f, f->rdi != 0 ? Status::kOk : Status::kWouldBlock);
    }
    case Syscall::kIrqAck: {
      auto cap = caps.lookup(f->rdi, CapType::kIrq, 0);
      if (!cap.ok()) return set_status(f, cap.status());
      return set_status(f, irq_ack(*static_cast<Irq*>(cap.value()->object)));
    }
    case Syscall::kMap:
      return set_progress(f, map_pages(c, f->rdi, f->rsi, f->mr[0], work));
    case Syscall::kUnmap:
      return set_progress(f, unmap_pages(c, f->rdi, f->rsi, work));
    case Syscall::kRegionMap: {
      auto cap = caps.lookup(f->rdi, CapType::kMemory, 0);
      if (!cap.ok()) return set_status(f, cap.status());
      return set_status(f, region_map(c, *cap.value(), f->rsi, work));
    }
    case Syscall::kRegionUnmap: {
      auto cap = caps.lookup(f->rdi, CapType::kMemory, 0);
      if (!cap.ok()) return set_status(f, cap.status());
      return set_status(f, region_unmap(c, *cap.value(), work));
    }
    default:
      return set_status(f, Status::kInvalidSyscall);
  }
}

}  // namespace kernel
