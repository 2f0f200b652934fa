// Generated from system.yaml (component app) by codegen/tessera-gen.py. Do not edit.
// Component `app` of system `demo`: its cap slots, a client per used interface.
#pragma once

#include <stdint.h>

#include <tessera/runtime.h>
#include <tessera/spec_format.h>

#include "interfaces/kv.h"
#include "interfaces/console.h"

namespace app {

/// The component's name in the boot spec.
inline constexpr const char* kName = "app";
inline constexpr uint32_t kPriority = 100;
/// The CPU it is pinned to, or -1 for any.
inline constexpr int32_t kCpu = 0;

/// Cap slots of its cap table (slot 0 is always empty).
namespace caps {
/// Interface `kv` of component `kv` (send, grant).
inline constexpr uint32_t kKv = 1;
/// Interface `console` of component `console` (send, grant).
inline constexpr uint32_t kConsole = 2;
/// Notification `input` (wait, poll).
inline constexpr uint32_t kInput = 3;
/// Empty slots for caps received in messages or made with cap_copy/cap_mint:
/// kFirstFree .. kFirstFree + kFreeCount - 1.
inline constexpr uint32_t kFirstFree = 4;
inline constexpr uint32_t kFreeCount = 8;
/// The size of its cap table.
inline constexpr uint32_t kSlotCount = 12;
// The table the kernel builds from system.spec: the caps above, then the free slots.
static_assert(kFirstFree == kInput + 1 && kFirstFree + kFreeCount == kSlotCount);
static_assert(kSlotCount <= ::tessera::spec::kMaxCapSlots, "the kernel refuses a bigger cap table");
}  // namespace caps

/// The bits each signaller of a notification it waits on sets (its cap's badge).
namespace signals {
inline constexpr uint64_t kInputFromConsole = 0x1;
}  // namespace signals

/// Bytes it may back with sys::map in the map window (page tables included).
inline constexpr uint64_t kMapQuota = 16384;

/// A client of `kv` bound to caps::kKv.
inline ::tessera::interfaces::kv::Client<::tessera::KernelTransport> kv_client() {
  return {::tessera::kernel_transport(), caps::kKv};
}

/// A client of `console` bound to caps::kConsole.
inline ::tessera::interfaces::console::Client<::tessera::KernelTransport> console_client() {
  return {::tessera::kernel_transport(), caps::kConsole};
}

}  // namespace app
