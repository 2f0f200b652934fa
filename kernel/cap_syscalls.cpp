// The cap table system calls: copy, mint, move, delete, revoke and info. Each decodes the
// slots, rights and badge (the only part that can fail), then invokes a cap table or
// derivation-tree operation of kernel/cap_table.h, which cannot fail.
#include "kernel/component.h"
#include "kernel/endpoint.h"
#include "kernel/syscalls.h"

namespace kernel {
namespace {

using tessera::CapType;
namespace rights = tessera::rights;

/// The generation of the component an object belongs to: an endpoint's receiver, a
/// component cap's component; 0 for other objects.
uint64_t generation_of(const Cap& cap) {
  if (cap.type == CapType::kEndpoint) {
    const Component* owner = static_cast<const Endpoint*>(cap.object)->owner;
    return owner != nullptr ? owner->sup.generation : 0;
  }
  if (cap.type == CapType::kComponent) return static_cast<const Component*>(cap.object)->sup.generation;
  return 0;
}

/// Badges mean something only to endpoints (delivered to the receiver) and notifications
/// (or'ed into the word on signal).
inline bool takes_badge(CapType type) { return type == CapType::kEndpoint || type == CapType::kNotification; }

/// A decoded derivation: from which cap, into which empty slot, with what rights and badge.
struct DeriveOp {
  Cap* src;
  Cap* dst;
  uint16_t rights;
  uint64_t badge;
};

/// kCapMint, and kCapCopy (the rights and badge of the source).
Result<DeriveOp> decode_mint(const CapTable& caps, CapMintArgs args) {
  Cap* src = TRY(caps.lookup_any(args.src));
  Cap* dst = TRY(caps.empty_slot(args.dst));
  if ((args.rights & ~uint64_t{rights::kAll}) != 0) return Status::kInvalidArgument;
  if ((args.rights & ~uint64_t{src->rights}) != 0) return Status::kNoRights;
  if (args.badge != 0) {
    if (!takes_badge(src->type)) return Status::kInvalidArgument;
    if (src->badge != 0 && src->badge != args.badge) return Status::kInvalidArgument;  // no re-badging
  }
  return DeriveOp{src, dst, static_cast<uint16_t>(args.rights), args.badge != 0 ? args.badge : src->badge};
}

Result<DeriveOp> decode_copy(const CapTable& caps, CapPairArgs args) {
  Cap* src = TRY(caps.lookup_any(args.src));
  return decode_mint(caps, CapMintArgs{args.src, args.dst, src->rights, 0});
}

/// A decoded move: a live or revoked cap and an empty slot.
struct MoveOp {
  Cap* src;
  Cap* dst;
};

Result<MoveOp> decode_move(const CapTable& caps, CapPairArgs args) {
  Cap* src = TRY(caps.lookup_any(args.src));
  Cap* dst = TRY(caps.empty_slot(args.dst));
  return MoveOp{src, dst};
}

Thread* invoke_derive(Thread* self, CapTable& caps, const DeriveOp& op) {
  caps.derive(*op.src, *op.dst, op.rights, op.badge);
  return succeed(self);
}

}  // namespace

Thread* sys_cap_copy(Cpu&, Thread* self, CapPairArgs args) {
  CapTable& caps = self->component->caps;
  auto op = decode_copy(caps, args);
  if (!op.ok()) return refuse(self, op.status());
  return invoke_derive(self, caps, op.value());
}

Thread* sys_cap_mint(Cpu&, Thread* self, CapMintArgs args) {
  CapTable& caps = self->component->caps;
  auto op = decode_mint(caps, args);
  if (!op.ok()) return refuse(self, op.status());
  return invoke_derive(self, caps, op.value());
}

Thread* sys_cap_move(Cpu&, Thread* self, CapPairArgs args) {
  CapTable& caps = self->component->caps;
  auto op = decode_move(caps, args);
  if (!op.ok()) return refuse(self, op.status());
  caps.move(*op.value().src, *op.value().dst);
  return succeed(self);
}

/// A revoked slot is deleted too: that is how it becomes empty again, and how a delete left
/// unfinished goes on.
Thread* sys_cap_delete(Cpu&, Thread* self, SlotArgs args) {
  auto cap = self->component->caps.occupied(args.slot);
  if (!cap.ok()) return refuse(self, cap.status());
  WorkBudget work;
  return answer(self, cap_delete(*cap.value(), work) ? Status::kOk : Status::kIncomplete);
}

Thread* sys_cap_revoke(Cpu&, Thread* self, SlotArgs args) {
  auto cap = self->component->caps.lookup_any(args.slot);
  if (!cap.ok()) return answer_progress(self, cap.status());
  WorkBudget work;
  return answer_progress(self, cap_revoke(*cap.value(), work));
}

Thread* sys_cap_info(Cpu&, Thread* self, SlotArgs args) {
  auto cap = self->component->caps.lookup_any(args.slot);
  if (!cap.ok()) return refuse(self, cap.status());
  const Cap& c = *cap.value();
  write_results(*self->frame, Status::kOk,
                CapInfoResult{static_cast<uint64_t>(c.type), c.rights, c.badge, generation_of(c)});
  return self;
}

}  // namespace kernel
