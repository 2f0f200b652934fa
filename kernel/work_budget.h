// How much one system call may still do under the kernel lock, and what a bounded call got
// through: the bound on long operations (revoke, delete, map, unmap) of docs/kernel.md.
#pragma once

#include <stdint.h>

#include "kernel/result.h"

namespace kernel {

/// The work left to one system call: tessera::kWorkPerCall units (a page mapped or unmapped,
/// or a step in the derivation tree: a cap marked revoked, a child handed to another parent,
/// a cap unlinked) and one TLB flush.
/// A long operation does what the budget allows, leaves the rest recorded in the objects
/// themselves (caps still in the tree, pages still mapped), and reports kIncomplete; the
/// caller repeats the call, which decodes everything again.
///
/// Invariant: an operation stops early only when the budget is spent or its one flush is
/// taken, so a call that starts with a fresh budget always gets something done, and
/// repeating a kIncomplete call comes to an end.
class WorkBudget {
 public:
  explicit WorkBudget(uint32_t units = tessera::kWorkPerCall) : left_(units) {}

  uint32_t left() const { return left_; }
  bool spent() const { return left_ == 0; }
  /// Precondition: n <= left().
  void spend(uint32_t n = 1) { left_ -= n; }

  /// Entries of a table (cap slots, page records) a long operation looks through per unit.
  static constexpr uint32_t kLookPerUnit = 512;
  /// For a loop over entries 0..count that has just looked at entry `i`: charges a unit at the
  /// end of each block of kLookPerUnit entries. False when none is left: the caller stops with
  /// its cursor at i + 1 (the block is looked through), so every call gets somewhere and none
  /// looks through more than one block beyond its budget.
  bool looked_at(uint32_t i, uint32_t count) {
    if ((i + 1) % kLookPerUnit != 0 || i + 1 >= count) return true;
    if (spent()) return false;
    spend();
    return true;
  }

  /// A TLB flush waits for every other CPU, so a call makes at most one.
  bool may_flush() const { return !flushed_; }
  void flushed() { flushed_ = true; }

 private:
  uint32_t left_;
  bool flushed_ = false;
};

/// What a bounded call did: `done` units of its job (pages, or caps revoked), and whether
/// the job is finished (kOk) or the caller must call again (kIncomplete).
struct Progress {
  uint64_t done = 0;
  bool finished = false;

  Status status() const { return finished ? Status::kOk : Status::kIncomplete; }
};

}  // namespace kernel
