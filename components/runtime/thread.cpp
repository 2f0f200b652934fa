// Thread creation for components: the kernel starts a new thread at tessera_thread_start,
// which makes the thread's message, runs the function and ends the thread when it returns.
#include "tessera/syscall.h"

extern "C" [[noreturn]] void tessera_thread_start(void* arg, uint64_t /*id*/, void (*fn)(void*)) {
  tessera::sys::make_message();
  fn(arg);
  tessera::sys::thread_exit();
}

namespace tessera::sys {

Status thread_create(void (*fn)(void*), void* arg, void* stack, size_t size, uint32_t* id) {
  register uint64_t rax asm("rax") = static_cast<uint64_t>(Syscall::kThreadCreate);
  register uint64_t rdi asm("rdi") = reinterpret_cast<uint64_t>(&tessera_thread_start);
  register uint64_t rsi asm("rsi") = reinterpret_cast<uint64_t>(stack) + size;
  register uint64_t rdx asm("rdx") = reinterpret_cast<uint64_t>(arg);
  register uint64_t r10 asm("r10") = reinterpret_cast<uint64_t>(fn);
  asm volatile("syscall"
               : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10)
               :
               : "rcx", "r11", "r8", "r9", "r12", "r13", "memory");
  if (id != nullptr) *id = static_cast<uint32_t>(rdi);
  return static_cast<Status>(rax);
}

}  // namespace tessera::sys
