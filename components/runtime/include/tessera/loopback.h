// Loopback: an in-process transport that hands a client's request straight to a Server
// skeleton, so stubs and implementations are tested on the host without a kernel; and
// LoopbackSlots, a stand-in for the server's free slots, to see where request caps go.
#pragma once

#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/message.h>

namespace tessera {

/// A stand-in for the free slots of a serving component's cap table, so host tests can see
/// who deletes the caps a request brings: slots first .. first + count - 1, each empty or held.
class LoopbackSlots {
 public:
  static constexpr uint32_t kMaxCount = 64;

  LoopbackSlots(uint32_t first, uint32_t count) : first_(first), count_(count < kMaxCount ? count : kMaxCount) {}

  /// Holds the first empty slot and returns it, as the kernel fills a receive slot; 0 when
  /// none is empty.
  uint32_t take() {
    for (uint32_t i = 0; i < count_; ++i) {
      if (!held_[i]) {
        held_[i] = true;
        return first_ + i;
      }
    }
    return 0;
  }

  /// Empties a held slot, like sys::cap_delete (an Impl done with a cap it was handed).
  Status cap_delete(uint32_t slot) {
    if (slot < first_ || slot - first_ >= count_) return Status::kInvalidSlot;
    if (!held_[slot - first_]) return Status::kEmptySlot;
    held_[slot - first_] = false;
    ++deletes_;
    return Status::kOk;
  }

  bool holds(uint32_t slot) const { return slot >= first_ && slot - first_ < count_ && held_[slot - first_]; }

  /// How many slots hold a cap.
  uint32_t held() const {
    uint32_t n = 0;
    for (uint32_t i = 0; i < count_; ++i) n += held_[i] ? 1u : 0u;
    return n;
  }

  /// How many caps cap_delete() removed.
  uint32_t deletes() const { return deletes_; }

 private:
  uint32_t first_;
  uint32_t count_;
  bool held_[kMaxCount] = {};
  uint32_t deletes_ = 0;
};

/// A transport for Client<Loopback<Impl, Server>>: call() runs Server::dispatch(impl, msg).
template <class Impl, class Server>
class Loopback {
 public:
  /// Caps keep the client's slot numbers: there is no kernel to move them.
  explicit Loopback(Impl& impl) : impl_(impl) {}

  /// Caps of requests land in `slots` (which outlives the loopback) as they would in the
  /// server's table, and those of a request the Server refuses are deleted, as serve() does.
  Loopback(Impl& impl, LoopbackSlots& slots) : impl_(impl), slots_(&slots) {}

  /// The message generated clients build their requests in (one per loopback, as the kernel
  /// transport has one per thread).
  Message& message() { return message_; }

  /// Caps in a reply keep the server's slot numbers here: there is no kernel to move them.
  void receive_into(const uint32_t* /*slots*/, unsigned /*count*/) {}

  /// Dispatches the request in `msg` and leaves the reply there; the slot is not used.
  Status call(uint32_t /*slot*/, Message& msg) {
    if (slots_ == nullptr) {
      (void)Server::dispatch(impl_, msg);
      return Status::kOk;
    }
    // As the kernel moves them: in order, each to an empty slot, and the transfer ends at the
    // first cap that finds none; the info word says how many arrived.
    const uint32_t wanted = info_caps(msg.info) < kMaxMessageCaps ? info_caps(msg.info) : kMaxMessageCaps;
    uint32_t delivered = 0;
    for (; delivered < wanted; ++delivered) {
      const uint32_t slot = slots_->take();
      if (slot == 0) break;
      msg.caps[delivered] = slot;
    }
    for (uint32_t i = delivered; i < kMaxMessageCaps; ++i) msg.caps[i] = 0;
    msg.info = make_info(info_label(msg.info), info_count(msg.info), delivered);

    uint32_t arrived[kMaxMessageCaps];
    const uint32_t arrived_count = wire::arrived_caps(msg, arrived);
    if (!Server::dispatch(impl_, msg))
      for (uint32_t i = 0; i < arrived_count; ++i) (void)slots_->cap_delete(arrived[i]);
    return Status::kOk;
  }

 private:
  Impl& impl_;
  LoopbackSlots* slots_ = nullptr;
  Message message_;
};

}  // namespace tessera
