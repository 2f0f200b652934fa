// The kv store's logic: a fixed table with open addressing, behind the generated kv interface.
// No system calls here, so it is unit-tested on the host through the loopback transport.
#pragma once

#include <stdint.h>

#include "interfaces/kv.h"

namespace kv_service {

namespace ifc = tessera::interfaces::kv;

/// The counters stat() reports. kv keeps them in the `stats` region it shares read-only
/// with the app (system.yaml), so the app can read them without a call; word 0 is puts.
struct Counters {
  uint64_t puts = 0;
  uint64_t gets = 0;
  uint64_t misses = 0;
};

class KvService {
 public:
  static constexpr uint32_t kCapacity = 64;

  /// Counts into `counters` (e.g. shared memory), or into its own when nullptr. `region_slot`
  /// holds a read-only memory cap to where the counters live (0: none to give out).
  explicit KvService(Counters* counters = nullptr, uint32_t region_slot = 0)
      : counters_(counters != nullptr ? counters : &own_), region_slot_(region_slot) {}

  tessera::Outcome<void, ifc::Error> put(uint64_t key, uint64_t value) {
    ++counters_->puts;
    if (key == kEmpty) return ifc::Error::kInvalidKey;
    Slot* slot = find(key);
    if (slot == nullptr) {
      if (count_ == kCapacity) return ifc::Error::kFull;
      slot = free_slot(key);
      slot->key = key;
      ++count_;
    }
    slot->value = value;
    return {};
  }

  tessera::Outcome<uint64_t, ifc::Error> get(uint64_t key) {
    ++counters_->gets;
    Slot* slot = find(key);
    if (slot == nullptr) {
      ++counters_->misses;
      return ifc::Error::kNotFound;
    }
    return slot->value;
  }

  tessera::Outcome<void, ifc::Error> remove(uint64_t key) {
    Slot* slot = find(key);
    if (slot == nullptr) return ifc::Error::kNotFound;
    slot->key = kTombstone;
    --count_;
    return {};
  }

  tessera::Outcome<bool, ifc::Error> contains(uint64_t key) { return find(key) != nullptr; }

  tessera::Outcome<uint32_t, ifc::Error> count() { return count_; }

  tessera::Outcome<ifc::Counters, ifc::Error> counters() {
    return ifc::Counters{counters_->puts, counters_->gets, counters_->misses, count_};
  }

  /// The cap the generated skeleton sends: the kernel gives the caller a copy.
  tessera::Outcome<tessera::MemoryCap, ifc::Error> stats_region() {
    if (region_slot_ == 0) return ifc::Error::kUnavailable;
    return tessera::MemoryCap{region_slot_};
  }

  tessera::Outcome<uint64_t, ifc::Error> stat(ifc::Stat which) {
    switch (which) {
      case ifc::Stat::kPuts:
        return counters_->puts;
      case ifc::Stat::kGets:
        return counters_->gets;
      case ifc::Stat::kMisses:
        return counters_->misses;
    }
    return uint64_t{0};
  }

 private:
  // Key 0 is refused by put, so it can mark empty slots; ~0 marks removed ones, which keep
  // probe chains intact. Invariant: count_ = slots whose key is neither.
  static constexpr uint64_t kEmpty = 0;
  static constexpr uint64_t kTombstone = ~uint64_t{0};

  struct Slot {
    uint64_t key = kEmpty;
    uint64_t value = 0;
  };

  static uint32_t home(uint64_t key) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return static_cast<uint32_t>(key % kCapacity);
  }

  Slot* find(uint64_t key) {
    if (key == kEmpty || key == kTombstone) return nullptr;
    for (uint32_t i = 0, s = home(key); i < kCapacity; ++i, s = (s + 1) % kCapacity) {
      if (slots_[s].key == key) return &slots_[s];
      if (slots_[s].key == kEmpty) return nullptr;
    }
    return nullptr;
  }

  /// Precondition: key is absent and count_ < kCapacity.
  Slot* free_slot(uint64_t key) {
    uint32_t s = home(key);
    while (slots_[s].key != kEmpty && slots_[s].key != kTombstone) s = (s + 1) % kCapacity;
    return &slots_[s];
  }

  Slot slots_[kCapacity];
  uint32_t count_ = 0;
  Counters own_;
  Counters* counters_;
  uint32_t region_slot_;
};

}  // namespace kv_service
