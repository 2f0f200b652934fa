// A thread: its scheduling state, its saved registers and its part in an IPC.
#pragma once

#include <stdint.h>

#include "arch/syscall_frame.h"  // the platform's, or the host tests' own
#include "kernel/platform.h"

namespace kernel {

struct Component;
struct Cpu;
struct Endpoint;
class ThreadQueue;
class TimerQueue;

enum class ThreadState : uint8_t {
  kReady,         ///< on a run queue, or running
  kBlockedSend,   ///< queued on an endpoint with a message to deliver
  kBlockedRecv,   ///< queued on an endpoint, waiting for a message
  kBlockedReply,  ///< made a call that was delivered; waits for the reply
  kBlockedWait,   ///< queued on a notification, waiting for a bit
  kSleeping,      ///< waits only for its deadline
  kDead,          ///< its component stopped; never runs again
};

/// Timer ticks of one time slice: a thread runs this long before the next ready thread of
/// its priority gets the CPU.
inline constexpr unsigned kSliceTicks = 4;

struct Thread {
  platform::Context context;
  SyscallFrame* frame = nullptr;   ///< user registers; a blocked thread's message lives here
  Component* component = nullptr;  ///< nullptr for a CPU's idle thread
  Cpu* cpu = nullptr;              ///< the CPU it runs on; threads never move
  uint8_t priority = 0;
  ThreadState state = ThreadState::kReady;
  /// Ticks left of its time slice. Invariant: only timer ticks spend it and only its expiry
  /// refills it; blocking, waking and IPC do not, so a thread cannot renew its slice by
  /// calling a server (as in seL4).
  unsigned slice_left = kSliceTicks;

  /// The thread's IPC buffer through the kernel's direct map (nullptr for idle threads).
  tessera::IpcBuffer* ipc_buffer = nullptr;

  // IPC. Invariant: caller->callee == server exactly when server->reply_to == caller.
  bool sending_call = false;  ///< while kBlockedSend: the message is a call (wants a reply)
  bool reply_grant = false;   ///< caller side: its reply may carry caps (it called with grant)
  /// A component's reporter: the kernel's sender of its fault reports, which never runs. Its
  /// frame holds the report while it is queued on the supervisor's fault endpoint.
  bool reporter = false;
  uint64_t send_badge = 0;         ///< while kBlockedSend: badge of the cap it sent through
  Endpoint* blocked_on = nullptr;  ///< while kBlockedSend/kBlockedRecv
  Thread* reply_to = nullptr;      ///< server side: the caller its next reply goes to
  Thread* callee = nullptr;        ///< caller side, while kBlockedReply: who holds our reply right

  // Deadline (sleep, or a receive with a timeout); valid while in a TimerQueue.
  uint64_t deadline = 0;
  Thread* timer_next = nullptr;
  Thread* timer_prev = nullptr;
  TimerQueue* timer_queue = nullptr;

  // Intrusive membership in exactly one ThreadQueue at a time (run queue or endpoint queue).
  Thread* queue_next = nullptr;
  Thread* queue_prev = nullptr;
  ThreadQueue* queue = nullptr;
};

/// Where thread `id` of a component finds its IPC buffer in ring 3 (also its thread pointer).
inline constexpr uint64_t ipc_buffer_address(uint32_t id) {
  return tessera::layout::kIpcBufferBase + uint64_t{id} * tessera::layout::kPageSize;
}

/// FIFO of threads, linked through the threads themselves: no allocation, O(1) removal.
class ThreadQueue {
 public:
  bool empty() const { return head_ == nullptr; }
  Thread* front() const { return head_; }

  void push_back(Thread* t) {
    t->queue = this;
    t->queue_next = nullptr;
    t->queue_prev = tail_;
    if (tail_ != nullptr) {
      tail_->queue_next = t;
    } else {
      head_ = t;
    }
    tail_ = t;
  }

  [[gnu::always_inline]] Thread* pop_front() {
    Thread* t = head_;
    if (t == nullptr) return nullptr;
    // remove(t) knowing t is the head (queue_prev is null): fewer tests on the IPC paths.
    head_ = t->queue_next;
    if (head_ != nullptr) {
      head_->queue_prev = nullptr;
    } else {
      tail_ = nullptr;
    }
    t->queue_next = nullptr;
    t->queue = nullptr;
    return t;
  }

  /// Precondition: t->queue == this.
  void remove(Thread* t) {
    if (t->queue_prev != nullptr) {
      t->queue_prev->queue_next = t->queue_next;
    } else {
      head_ = t->queue_next;
    }
    if (t->queue_next != nullptr) {
      t->queue_next->queue_prev = t->queue_prev;
    } else {
      tail_ = t->queue_prev;
    }
    t->queue_next = t->queue_prev = nullptr;
    t->queue = nullptr;
  }

 private:
  Thread* head_ = nullptr;
  Thread* tail_ = nullptr;
};

}  // namespace kernel
