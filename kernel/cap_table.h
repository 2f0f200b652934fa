// A component's capability table: fixed slots of {type, rights, object, badge}.
#pragma once

#include <stdint.h>

#include "kernel/result.h"

namespace kernel {

struct Endpoint;

/// One slot. An empty slot has type kNull.
struct Cap {
  tessera::CapType type = tessera::CapType::kNull;
  uint16_t rights = 0;
  void* object = nullptr;  ///< the kernel object; its type is `type`
  uint64_t badge = 0;
};

/// The slots of one component, sized by the boot spec; storage is owned by the caller.
class CapTable {
 public:
  CapTable() = default;
  CapTable(Cap* slots, uint32_t count) : slots_(slots), count_(count) {}

  uint32_t size() const { return count_; }

  /// The cap in `slot` if it exists, has `type`, and holds every right in `needed`.
  /// Errors, in order of checking: kInvalidSlot, kEmptySlot, kWrongType, kNoRights.
  Result<Cap*> lookup(uint64_t slot, tessera::CapType type, uint16_t needed) const {
    if (slot >= count_) return Status::kInvalidSlot;
    Cap* cap = &slots_[slot];
    if (cap->type == tessera::CapType::kNull) return Status::kEmptySlot;
    if (cap->type != type) return Status::kWrongType;
    if ((cap->rights & needed) != needed) return Status::kNoRights;
    return cap;
  }

  /// Places a cap at boot; fails on an out-of-range or occupied slot.
  Status install(uint32_t slot, const Cap& cap) {
    if (slot >= count_) return Status::kInvalidSlot;
    if (slots_[slot].type != tessera::CapType::kNull) return Status::kSlotOccupied;
    slots_[slot] = cap;
    return Status::kOk;
  }

 private:
  Cap* slots_ = nullptr;
  uint32_t count_ = 0;
};

}  // namespace kernel
