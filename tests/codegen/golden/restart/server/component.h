// Generated from tests/systems/restart/system.yaml (component server) by codegen/tessera-gen.py. Do not edit.
// Component `server` of system `restart`: its cap slots, the loop serving its interfaces.
#pragma once

#include <stdint.h>

#include <tessera/runtime.h>
#include <tessera/spec_format.h>

#include "interfaces/crashy.h"

namespace server {

/// The component's name in the boot spec.
inline constexpr const char* kName = "server";
inline constexpr uint32_t kPriority = 150;
/// The CPU it is pinned to, or -1 for any.
inline constexpr int32_t kCpu = 0;
/// Its supervisor (`supervisor:`, else the built-in one), which gets its fault reports; when it
/// ends, whether it is restarted (`restart:`) and how often at most (`restart_limit:`).
inline constexpr const char* kSupervisor = "supervisor";
inline constexpr ::tessera::RestartPolicy kRestart = ::tessera::RestartPolicy::kOnFailure;
inline constexpr uint32_t kRestartLimit = 3;
/// `start: manual`: loaded at boot, it runs only once its supervisor starts it.
inline constexpr bool kStartManual = false;

/// Cap slots of its cap table (slot 0 is always empty).
namespace caps {
/// Its own endpoint, with the recv right: requests for crashy.
inline constexpr uint32_t kEndpoint = 1;
/// Empty slots for caps received in messages or made with cap_copy/cap_mint:
/// kFirstFree .. kFirstFree + kFreeCount - 1.
inline constexpr uint32_t kFirstFree = 2;
inline constexpr uint32_t kFreeCount = 8;
/// The size of its cap table.
inline constexpr uint32_t kSlotCount = 10;
// The table the kernel builds from system.spec: the caps above, then the free slots.
static_assert(kFirstFree == kEndpoint + 1 && kFirstFree + kFreeCount == kSlotCount);
static_assert(kSlotCount <= ::tessera::spec::kMaxCapSlots, "the kernel refuses a bigger cap table");
}  // namespace caps

/// The badge each client's requests arrive with (Message::badge).
namespace clients {
inline constexpr uint64_t kClient = 2;
}  // namespace clients
/// How many components use its interfaces (the constants of clients::).
inline constexpr uint32_t kClientCount = 1;

/// Bytes it may back with sys::map in the map window (page tables included).
inline constexpr uint64_t kMapQuota = 0;

/// Answers requests on caps::kEndpoint forever: each is decoded by the Server of the interface
/// its label names and handed to `impl`; unknown labels are answered with kUnknownMethod.
template <class Impl>
[[noreturn]] void serve(Impl& impl) {
  // No request of its interfaces brings more caps than the free slots made ready below.
  static_assert(::tessera::interfaces::crashy::kMaxRequestCaps <= 0);
  // The thread's own message: long requests and replies stay in its IPC buffer.
  auto& msg = ::tessera::sys::message();
  ::tessera::Status s = ::tessera::sys::recv(caps::kEndpoint, msg);
  for (;;) {
    if (s != ::tessera::Status::kOk) {
      s = ::tessera::sys::recv(caps::kEndpoint, msg);
      continue;
    }
    const uint32_t label = ::tessera::info_label(msg.info);
    // Kept aside: the reply overwrites msg.caps.
    uint32_t arrived[::tessera::kMaxMessageCaps];
    const uint32_t arrived_count = ::tessera::wire::arrived_caps(msg, arrived);
    bool handed = false;  // a method of `impl` was called, and owns the caps
    if (::tessera::interfaces::crashy::Server<Impl>::handles(label)) {
      handed = ::tessera::interfaces::crashy::Server<Impl>::dispatch(impl, msg);
    } else {
      msg.info = ::tessera::make_info(
          ::tessera::kReplyProtocolError + static_cast<uint32_t>(::tessera::Status::kUnknownMethod), 0);
    }
    // Invariant: a request no method was called with leaves the free slots as it found them.
    // Otherwise a client sending caps with bad requests fills them, and every honest request's
    // caps then find no slot to land in.
    if (!handed)
      for (uint32_t i = 0; i < arrived_count; ++i) ::tessera::sys::cap_delete(arrived[i]);
    s = ::tessera::sys::reply_recv(caps::kEndpoint, msg);
  }
}

}  // namespace server
