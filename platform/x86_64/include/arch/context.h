// What the x86_64 platform saves of a thread that is not running (context.S switches it).
// Portable code reads only kernel_stack_top.
#pragma once

#include <stdint.h>

namespace platform {

/// The platform owns every piece of architectural state a thread can change, and switches
/// it per thread. Offsets are read by context.S (checked in thread.cpp).
struct Context {
  uint64_t kernel_rsp = 0;          ///< saved stack pointer while switched out; 0: resume from the SyscallFrame
  uint64_t kernel_stack_top = 0;    ///< the thread's SyscallFrame ends here
  uint64_t user_fs_base = 0;        ///< its FS base in ring 3 as it left it
  uint16_t user_selectors[4] = {};  ///< its DS, ES, FS, GS as ring 3 left them
  uint64_t kernel_entry = 0;        ///< a kernel thread's entry (the idle thread's): it never enters ring 3
};

}  // namespace platform
