// Generated from tests/systems/restart/system.yaml (component supervisor) by codegen/tessera-gen.py. Do not edit.
// Component `supervisor` of system `restart`: its cap slots, the table of the components it supervises.
#pragma once

#include <stdint.h>

#include <tessera/runtime.h>
#include <tessera/spec_format.h>
#include <tessera/supervision.h>

namespace supervisor {

/// The component's name in the boot spec.
inline constexpr const char* kName = "supervisor";
inline constexpr uint32_t kPriority = 151;
/// The CPU it is pinned to, or -1 for any.
inline constexpr int32_t kCpu = -1;

/// Cap slots of its cap table (slot 0 is always empty).
namespace caps {
/// Its fault endpoint, with the recv right: fault reports of the components it supervises.
inline constexpr uint32_t kFaultEndpoint = 1;
/// Control of component `server` (start, stop, restart); the badge of its fault reports.
inline constexpr uint32_t kControlServer = 2;
/// Empty slots for caps received in messages or made with cap_copy/cap_mint:
/// kFirstFree .. kFirstFree + kFreeCount - 1.
inline constexpr uint32_t kFirstFree = 3;
inline constexpr uint32_t kFreeCount = 8;
/// The size of its cap table.
inline constexpr uint32_t kSlotCount = 11;
// The table the kernel builds from system.spec: the caps above, then the free slots.
static_assert(kFirstFree == kControlServer + 1 && kFirstFree + kFreeCount == kSlotCount);
static_assert(kSlotCount <= ::tessera::spec::kMaxCapSlots, "the kernel refuses a bigger cap table");
}  // namespace caps

/// The components it supervises, as the description says (index: in the boot spec). Their fault
/// reports arrive on caps::kFaultEndpoint with control_slot as the badge (decode_fault_report).
namespace supervision {
inline constexpr ::tessera::SupervisedComponent kSupervised[] = {
    {"server", 0, caps::kControlServer, ::tessera::RestartPolicy::kOnFailure, 3, 10, false},
};
inline constexpr uint32_t kSupervisedCount = 1;
static_assert(sizeof(kSupervised) / sizeof(kSupervised[0]) == kSupervisedCount);
}  // namespace supervision

/// Bytes it may back with sys::map in the map window (page tables included).
inline constexpr uint64_t kMapQuota = 0;

}  // namespace supervisor
