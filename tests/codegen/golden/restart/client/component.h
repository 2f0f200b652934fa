// Generated from tests/systems/restart/system.yaml (component client) by codegen/tessera-gen.py. Do not edit.
// Component `client` of system `restart`: its cap slots, a client per used interface.
#pragma once

#include <stdint.h>

#include <tessera/runtime.h>
#include <tessera/spec_format.h>

#include "interfaces/crashy.h"

namespace client {

/// The component's name in the boot spec.
inline constexpr const char* kName = "client";
inline constexpr uint32_t kPriority = 100;
/// The CPU it is pinned to, or -1 for any.
inline constexpr int32_t kCpu = 0;

/// Cap slots of its cap table (slot 0 is always empty).
namespace caps {
/// Interface `crashy` of component `server` (send, grant).
inline constexpr uint32_t kCrashy = 1;
/// Empty slots for caps received in messages or made with cap_copy/cap_mint:
/// kFirstFree .. kFirstFree + kFreeCount - 1.
inline constexpr uint32_t kFirstFree = 2;
inline constexpr uint32_t kFreeCount = 8;
/// The size of its cap table.
inline constexpr uint32_t kSlotCount = 10;
// The table the kernel builds from system.spec: the caps above, then the free slots.
static_assert(kFirstFree == kCrashy + 1 && kFirstFree + kFreeCount == kSlotCount);
static_assert(kSlotCount <= ::tessera::spec::kMaxCapSlots, "the kernel refuses a bigger cap table");
}  // namespace caps

/// Bytes it may back with sys::map in the map window (page tables included).
inline constexpr uint64_t kMapQuota = 0;

/// A client of `crashy` bound to caps::kCrashy.
inline ::tessera::interfaces::crashy::Client<::tessera::KernelTransport> crashy_client() {
  return {::tessera::kernel_transport(), caps::kCrashy};
}

}  // namespace client
