// The derivation tree: linking caps under their parents, moving, deleting and revoking them.
#include "kernel/cap_table.h"

namespace kernel {
namespace {

void link_child(Cap& parent, Cap& child) {
  child.parent = &parent;
  child.prev_sibling = nullptr;
  child.next_sibling = parent.first_child;
  if (parent.first_child != nullptr) parent.first_child->prev_sibling = &child;
  parent.first_child = &child;
}

/// Takes `cap` out of its parent's list of children (its own children stay with it).
void unlink(Cap& cap) {
  if (cap.prev_sibling != nullptr) {
    cap.prev_sibling->next_sibling = cap.next_sibling;
  } else if (cap.parent != nullptr) {
    cap.parent->first_child = cap.next_sibling;
  }
  if (cap.next_sibling != nullptr) cap.next_sibling->prev_sibling = cap.prev_sibling;
  cap.parent = cap.next_sibling = cap.prev_sibling = nullptr;
}

void clear_fields(Cap& cap, bool revoked) {
  Component* holder = cap.holder;
  const tessera::CapType type = cap.type;
  cap = Cap{};
  cap.holder = holder;
  if (revoked) {
    cap.type = type;
    cap.revoked = true;
  }
}

/// Takes `cap` out of the tree as far as `work` allows, a unit a step: marks it revoked, so
/// that nothing uses it from the first step on; releases it (a unit a page); hands its
/// children one by one to its parent (or makes them roots); unlinks it. True when that is
/// done; the caller clears the fields. Repeating it on a cap left half done goes on where it
/// stopped: every step is recorded in the cap and the tree.
bool take_apart(Cap& cap, WorkBudget& work) {
  if (!cap.revoked) {
    if (work.spent()) return false;
    cap.revoked = true;
    work.spend();
  }
  if (!cap_release(cap, work)) return false;
  while (Cap* child = cap.first_child) {
    if (work.spent()) return false;
    unlink(*child);
    if (cap.parent != nullptr) link_child(*cap.parent, *child);
    work.spend();
  }
  if (work.spent()) return false;
  unlink(cap);
  work.spend();
  return true;
}

}  // namespace

void CapTable::place(Cap& dst, const CapValue& value, Cap* parent) {
  dst = Cap{};
  dst.type = value.type;
  dst.rights = value.rights;
  dst.object = value.object;
  dst.badge = value.badge;
  dst.holder = owner_;
  if (parent != nullptr) link_child(*parent, dst);
}

void CapTable::move(Cap& src, Cap& dst) {
  dst = src;
  // Whoever pointed at src points at dst now.
  if (dst.prev_sibling != nullptr) {
    dst.prev_sibling->next_sibling = &dst;
  } else if (dst.parent != nullptr) {
    dst.parent->first_child = &dst;
  }
  if (dst.next_sibling != nullptr) dst.next_sibling->prev_sibling = &dst;
  for (Cap* child = dst.first_child; child != nullptr; child = child->next_sibling) child->parent = &dst;
  src = Cap{};
  src.holder = owner_;
}

bool cap_delete(Cap& cap, WorkBudget& work) {
  if (!take_apart(cap, work)) return false;
  clear_fields(cap, false);
  return true;
}

bool cap_delete_at_once(Cap& cap) {
  if (cap.empty() || cap.revoked || cap.first_child != nullptr || !cap_holds_nothing(cap)) return false;
  // take_apart's steps with nothing to hand up or release: unlink, then clear.
  unlink(cap);
  clear_fields(cap, false);
  return true;
}

Progress cap_revoke(Cap& cap, WorkBudget& work) {
  // Top down: each child is taken apart and its children handed up to `cap`, where a later
  // step reaches them. Finding the next cap to work on costs nothing (it is the first child),
  // unlike a walk down to a leaf, which would cost the depth of the tree on every step.
  Progress progress;
  while (Cap* child = cap.first_child) {
    if (!take_apart(*child, work)) break;
    clear_fields(*child, true);
    ++progress.done;
  }
  progress.finished = cap.first_child == nullptr;
  return progress;
}

void cap_delete(Cap& cap) {
  for (;;) {
    WorkBudget work;
    if (cap_delete(cap, work)) return;
  }
}

uint32_t cap_revoke(Cap& cap) {
  uint32_t count = 0;
  for (;;) {
    WorkBudget work;
    const Progress p = cap_revoke(cap, work);
    count += static_cast<uint32_t>(p.done);
    if (p.finished) return count;
  }
}

}  // namespace kernel
