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

void cap_delete(Cap& cap) {
  if (!cap.revoked) cap_released(cap);
  // Hand the children to the parent (or make them roots).
  while (Cap* child = cap.first_child) {
    cap.first_child = child->next_sibling;
    if (cap.first_child != nullptr) cap.first_child->prev_sibling = nullptr;
    child->parent = child->next_sibling = child->prev_sibling = nullptr;
    if (cap.parent != nullptr) link_child(*cap.parent, *child);
  }
  unlink(cap);
  clear_fields(cap, false);
}

uint32_t cap_revoke(Cap& cap) {
  // Post-order without recursion: descend to a leaf of the subtree, revoke it, repeat.
  uint32_t count = 0;
  while (cap.first_child != nullptr) {
    Cap* leaf = cap.first_child;
    while (leaf->first_child != nullptr) leaf = leaf->first_child;
    cap_released(*leaf);
    unlink(*leaf);
    clear_fields(*leaf, true);
    ++count;
  }
  return count;
}

}  // namespace kernel
