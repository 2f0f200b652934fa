// The one instance of the kernel's object pools.
#include "kernel/kernel_state.h"

namespace kernel {

KernelState& state() {
  static KernelState instance;
  return instance;
}

}  // namespace kernel
