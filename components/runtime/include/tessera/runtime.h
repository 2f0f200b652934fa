// Everything a component's code needs: messages, outcomes, system calls, heap, logging,
// and the kernel transport that generated clients use.
#pragma once

#include "tessera/bytes.h"
#include "tessera/heap.h"
#include "tessera/log.h"
#include "tessera/message.h"
#include "tessera/outcome.h"
#include "tessera/syscall.h"

namespace tessera {

/// Carries generated clients' requests over the kernel's call system call, in the calling
/// thread's own message.
struct KernelTransport {
  ThreadMessage& message() { return sys::message(); }
  template <class M>
  Status call(uint32_t slot, M& msg) {
    return sys::call(slot, msg);
  }
  /// Where the caps of the next reply go (count 0: take none).
  void receive_into(const uint32_t* slots, unsigned count) {
    for (unsigned i = 0; i < kMaxMessageCaps; ++i) sys::set_recv_slot(i, i < count ? slots[i] : 0);
  }
};

inline KernelTransport& kernel_transport() {
  static KernelTransport transport;
  return transport;
}

}  // namespace tessera
