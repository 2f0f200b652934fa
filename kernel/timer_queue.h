// Per-CPU queue of threads waiting for a deadline (sleep, receive with a timeout).
#pragma once

#include <stdint.h>

#include "kernel/thread.h"

namespace kernel {

/// Threads ordered by deadline, earliest first; equal deadlines keep their arrival order.
/// Linked through the threads themselves: no allocation. Insertion is linear in the number
/// of waiting threads, which the description bounds and which is small; the pick is O(1).
class TimerQueue {
 public:
  static constexpr uint64_t kNever = ~uint64_t{0};

  bool empty() const { return head_ == nullptr; }
  bool contains(const Thread* t) const { return t->timer_queue == this; }

  /// The earliest deadline, or kNever.
  uint64_t next_deadline() const { return head_ != nullptr ? head_->deadline : kNever; }

  /// Precondition: t is in no timer queue.
  void insert(Thread* t, uint64_t deadline) {
    t->deadline = deadline;
    t->timer_queue = this;
    Thread* prev = nullptr;
    Thread* cur = head_;
    while (cur != nullptr && cur->deadline <= deadline) {
      prev = cur;
      cur = cur->timer_next;
    }
    t->timer_prev = prev;
    t->timer_next = cur;
    if (prev != nullptr) {
      prev->timer_next = t;
    } else {
      head_ = t;
    }
    if (cur != nullptr) cur->timer_prev = t;
  }

  /// Precondition: contains(t).
  void remove(Thread* t) {
    if (t->timer_prev != nullptr) {
      t->timer_prev->timer_next = t->timer_next;
    } else {
      head_ = t->timer_next;
    }
    if (t->timer_next != nullptr) t->timer_next->timer_prev = t->timer_prev;
    t->timer_next = t->timer_prev = nullptr;
    t->timer_queue = nullptr;
  }

  /// Removes and returns the earliest thread whose deadline is <= now, or nullptr.
  Thread* pop_expired(uint64_t now) {
    if (head_ == nullptr || head_->deadline > now) return nullptr;
    Thread* t = head_;
    remove(t);
    return t;
  }

 private:
  Thread* head_ = nullptr;
};

}  // namespace kernel
