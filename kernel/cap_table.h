// A component's capability table: fixed slots of {type, rights, object, badge}, and the
// derivation tree that links every cap to the cap it was copied, minted or sent from.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kernel/result.h"
#include "kernel/work_budget.h"

namespace kernel {

struct Component;

/// One slot. An empty slot has type kNull. A revoked slot keeps its type with `revoked` set
/// until it is deleted: using it gives kRevoked, and it is not empty. A cap being taken apart
/// by a revoke or delete that needs more than one call is revoked too, from the first call.
///
/// Invariant: the parent/child/sibling links of all caps of all tables form a forest; a cap
/// that was installed at boot is a root. Revoking a cap turns its whole subtree into revoked
/// slots; deleting a cap hands its children to its parent. A revoked cap has no children and
/// no mapped pages, except while it is still being taken apart.
struct Cap {
  tessera::CapType type = tessera::CapType::kNull;
  uint16_t rights = 0;
  bool revoked = false;
  void* object = nullptr;  ///< the kernel object; its type is `type`
  uint64_t badge = 0;
  Component* holder = nullptr;  ///< the component whose table holds this slot
  uint64_t mapped_at = 0;       ///< memory caps: where this cap's region is mapped (0: not)
  /// Memory caps: the region's first mapped_pages pages are mapped from mapped_at on; fewer
  /// than the region's while a region_map or an unmapping is under way.
  /// Invariant: mapped_pages > 0 exactly when mapped_at != 0.
  uint32_t mapped_pages = 0;

  Cap* parent = nullptr;
  Cap* first_child = nullptr;
  Cap* next_sibling = nullptr;
  Cap* prev_sibling = nullptr;

  bool empty() const { return type == tessera::CapType::kNull; }
};
// CapTable::find reads type, rights and revoked as the cap's first word, little-endian.
static_assert(sizeof(tessera::CapType) == 2 && offsetof(Cap, type) == 0);
static_assert(offsetof(Cap, rights) == 2 && offsetof(Cap, revoked) == 4 && sizeof(bool) == 1);

/// What a new cap looks like before it is placed: the fields a boot spec or a mint chooses.
struct CapValue {
  tessera::CapType type = tessera::CapType::kNull;
  uint16_t rights = 0;
  void* object = nullptr;
  uint64_t badge = 0;
};

/// Called for every cap that leaves its slot (deleted or revoked) before its fields are
/// cleared: undoes what the cap holds on its own (a memory cap's mapping), as far as `work`
/// allows. True when nothing is left to undo. Defined with the memory system calls
/// (kernel/memory.cpp).
bool cap_release(Cap& cap, WorkBudget& work);
/// Whether cap_release has nothing to undo for `cap` (so it returns true at once, spending
/// nothing).
bool cap_holds_nothing(const Cap& cap);

/// The slots of one component, sized by the boot spec; storage is owned by the caller.
/// Lookups are the decode step of a system call; the mutating operations below it are the
/// invoke step and cannot fail (their preconditions are what the lookups established).
class CapTable {
 public:
  CapTable() = default;
  CapTable(Cap* slots, uint32_t count, Component* owner = nullptr) : slots_(slots), count_(count), owner_(owner) {}

  uint32_t size() const { return count_; }
  Component* owner() const { return owner_; }

  /// The cap in `slot`, revoked or not. Errors: kInvalidSlot, kEmptySlot.
  Result<Cap*> occupied(uint64_t slot) const {
    if (slot >= count_) return Status::kInvalidSlot;
    Cap* cap = &slots_[slot];
    if (cap->empty()) return Status::kEmptySlot;
    return cap;
  }

  /// The cap in `slot` whatever its type. Errors: kInvalidSlot, kEmptySlot, kRevoked.
  Result<Cap*> lookup_any(uint64_t slot) const {
    Cap* cap = TRY(occupied(slot));
    if (cap->revoked) return Status::kRevoked;
    return cap;
  }

  /// The cap in `slot` if it exists, has `type`, and holds every right in `needed`.
  /// Errors, in order of checking: kInvalidSlot, kEmptySlot, kRevoked, kWrongType, kNoRights.
  Result<Cap*> lookup(uint64_t slot, tessera::CapType type, uint16_t needed) const {
    Cap* cap = TRY(lookup_any(slot));
    if (cap->type != type) return Status::kWrongType;
    if ((cap->rights & needed) != needed) return Status::kNoRights;
    return cap;
  }

  /// The cap in `slot` if lookup(slot, type, needed) would find it, else nullptr: for the
  /// fastpath, which needs no reason (the general path finds it). Type, rights and the
  /// revoked flag are tested with one masked compare of the cap's first word.
  [[gnu::always_inline]] Cap* find(uint64_t slot, tessera::CapType type, uint16_t needed) const {
    if (slot >= count_) return nullptr;
    Cap* cap = &slots_[slot];
    uint64_t head;
    __builtin_memcpy(&head, cap, sizeof head);
    const uint64_t rights = uint64_t{needed} << (8 * offsetof(Cap, rights));
    const uint64_t mask = 0xffffu | rights | uint64_t{0xff} << (8 * offsetof(Cap, revoked));
    return (head & mask) == (static_cast<uint64_t>(type) | rights) ? cap : nullptr;
  }

  /// `slot` as a destination: kInvalidSlot for slot 0 or beyond the table, kSlotOccupied
  /// unless it is empty.
  ///
  /// Invariant: slot 0 never holds a cap. It is the ABI's "no slot" (a receive slot of 0
  /// takes no cap), so a cap there could be used but never received into or named as absent.
  Result<Cap*> empty_slot(uint64_t slot) const {
    if (slot == 0 || slot >= count_) return Status::kInvalidSlot;
    Cap* cap = &slots_[slot];
    if (!cap->empty()) return Status::kSlotOccupied;
    return cap;
  }

  /// Places a root cap (boot); fails on slot 0, an out-of-range or an occupied slot.
  Status install(uint32_t slot, const CapValue& value) {
    Cap* dst = TRY(empty_slot(slot));
    place(*dst, value, nullptr);
    return Status::kOk;
  }

  /// Fills empty `dst` (a slot of this table) with a cap derived from `src`: a child of src
  /// in the derivation tree, with `rights` and `badge`.
  void derive(Cap& src, Cap& dst, uint16_t rights, uint64_t badge) {
    place(dst, CapValue{src.type, rights, src.object, badge}, &src);
  }

  /// Moves the cap in `src` (of this table) to empty `dst` (of this table), tree links and
  /// mapping included.
  void move(Cap& src, Cap& dst);

 private:
  void place(Cap& dst, const CapValue& value, Cap* parent);

  Cap* slots_ = nullptr;
  uint32_t count_ = 0;
  Component* owner_ = nullptr;
};

/// kCapDelete: empties `cap`'s slot (a revoked one too); its children become children of its
/// parent, so revoking an ancestor still reaches them. Does what `work` allows: false when
/// more is left, and `cap` is then a revoked slot that a repeated delete (or a revoke of an
/// ancestor) goes on taking apart.
bool cap_delete(Cap& cap, WorkBudget& work);

/// cap_delete of a cap that goes in one step, for the fastpath: a live cap with no children
/// that holds nothing (cap_holds_nothing) is unlinked and its slot emptied, as cap_delete
/// would; true then. Any other cap is left as it is (false).
bool cap_delete_at_once(Cap& cap);

/// kCapRevoke: revokes caps derived from `cap` (not `cap` itself), in every table, as far as
/// `work` allows: each becomes a revoked slot, released and unlinked. `finished` once `cap`
/// has no children left; otherwise the rest are still below it, and repeating the call goes
/// on with them. `done` counts the caps revoked by this call.
Progress cap_revoke(Cap& cap, WorkBudget& work);

/// The whole delete or revoke, however long it takes: for host tests, never for a system
/// call (it would hold the lock without bound).
void cap_delete(Cap& cap);
uint32_t cap_revoke(Cap& cap);

}  // namespace kernel
