// The host tests' thread context: only what the fake platform records.
#pragma once

#include <stdint.h>

namespace platform {

struct Context {
  uint64_t kernel_stack_top = 0;  ///< the thread's SyscallFrame ends here
  uint64_t thread_pointer = 0;    ///< what prepare_user_thread was given (UserEntry)
};

}  // namespace platform
