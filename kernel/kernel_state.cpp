// The one instance of the kernel's object pools.
#include "kernel/kernel_state.h"

namespace kernel {

KernelState& state() {
  static KernelState instance;
  return instance;
}

void* boot_cap_object(const tessera::spec::Cap& s) {
  KernelState& k = state();
  switch (static_cast<tessera::CapType>(s.type)) {
    case tessera::CapType::kEndpoint:
      return &k.endpoints[s.object];
    case tessera::CapType::kNotification:
      return &k.notifications[s.object];
    case tessera::CapType::kMemory:
      return &k.regions[s.object];
    case tessera::CapType::kIrq:
      return &k.irqs[s.object];
    case tessera::CapType::kComponent:
      return &k.components[s.object];
    default:
      return nullptr;
  }
}

}  // namespace kernel
