// Per-CPU ready queue: 256 fixed priorities, a bitmap for an O(1) pick, FIFO within each.
#pragma once

#include <stdint.h>

#include "kernel/thread.h"

namespace kernel {

class RunQueue {
 public:
  static constexpr unsigned kPriorities = 256;

  bool empty() const { return summary_ == 0; }

  bool contains(const Thread* t) const { return t->queue == &queues_[t->priority]; }

  /// Appends at the tail of its priority: round-robin among equals.
  void enqueue(Thread* t) {
    queues_[t->priority].push_back(t);
    mark(t->priority);
  }

  void remove(Thread* t) {
    queues_[t->priority].remove(t);
    if (queues_[t->priority].empty()) unmark(t->priority);
  }

  /// The highest priority that has a ready thread, or -1.
  int highest() const {
    if (summary_ == 0) return -1;
    unsigned word = 63u - static_cast<unsigned>(__builtin_clzll(summary_));
    unsigned bit = 63u - static_cast<unsigned>(__builtin_clzll(bits_[word]));
    return static_cast<int>(word * 64 + bit);
  }

  /// The thread pop_highest would take, left queued; nullptr when the queue is empty.
  Thread* peek_highest() const {
    const int p = highest();
    return p < 0 ? nullptr : queues_[p].front();
  }

  /// Removes `t`, the thread peek_highest returns: pop_highest without finding the priority
  /// again.
  void pop_peeked(Thread* t) {
    queues_[t->priority].pop_front();
    if (queues_[t->priority].empty()) unmark(t->priority);
  }

  /// Removes and returns the first thread of the highest priority, or nullptr.
  Thread* pop_highest() {
    int p = highest();
    if (p < 0) return nullptr;
    Thread* t = queues_[p].pop_front();
    if (queues_[p].empty()) unmark(static_cast<unsigned>(p));
    return t;
  }

 private:
  void mark(unsigned p) {
    bits_[p / 64] |= 1ull << (p % 64);
    summary_ |= 1ull << (p / 64);
  }
  void unmark(unsigned p) {
    bits_[p / 64] &= ~(1ull << (p % 64));
    if (bits_[p / 64] == 0) summary_ &= ~(1ull << (p / 64));
  }

  ThreadQueue queues_[kPriorities];
  uint64_t bits_[kPriorities / 64] = {};
  uint64_t summary_ = 0;  ///< bit w set when bits_[w] != 0
};

}  // namespace kernel
