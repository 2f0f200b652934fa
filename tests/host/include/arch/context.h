// The host tests' thread context: only what the fake platform records.
#pragma once

#include <stdint.h>

namespace platform {

struct Context {
  uint64_t kernel_stack_top = 0;  ///< the thread's SyscallFrame ends here
  uint64_t thread_pointer = 0;    ///< what prepare_user_thread was given (UserEntry)
  /// Whether the fastpath may resume it from its frame (the x86 platform: a saved kernel
  /// stack pointer of 0): set by direct_switch, cleared by switch_context, as there.
  bool resumes_from_frame = false;
};

}  // namespace platform
