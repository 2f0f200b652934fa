// The host tests' own saved-register frame: the same ABI roles as the target's
// (platform/x86_64/include/arch/syscall_frame.h), deliberately in another order, so the
// portable kernel cannot depend on where the platform keeps each role.
#pragma once

#include <stdint.h>

#include "tessera/abi.h"

namespace kernel {

struct SyscallFrame {
  uint64_t mr[tessera::kMessageRegisters];  ///< a message's registers; mr[0..1]: arguments 3 and 4
  uint64_t a1;                              ///< the second argument or result; a message's info
  uint64_t a0;                              ///< the first argument (a cap slot) or result (a badge)
  uint64_t op;                              ///< in: the Syscall number; out: its Status
};

}  // namespace kernel
