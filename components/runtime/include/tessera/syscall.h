// System call wrappers for components: the register ABI of tessera/abi.h in inline asm.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "tessera/abi.h"
#include "tessera/message.h"

namespace tessera::sys {
namespace detail {

/// A system call with up to two plain arguments; only rcx and r11 are clobbered.
inline Status call2(Syscall number, uint64_t a0 = 0, uint64_t a1 = 0) {
  uint64_t rax = static_cast<uint64_t>(number);
  asm volatile("syscall" : "+a"(rax), "+D"(a0), "+S"(a1) : : "rcx", "r11", "memory");
  return static_cast<Status>(rax);
}

/// Like call2, and the kernel's result word in rdi goes to *out.
inline Status call2_out(Syscall number, uint64_t a0, uint64_t a1, uint64_t* out) {
  uint64_t rax = static_cast<uint64_t>(number);
  asm volatile("syscall" : "+a"(rax), "+D"(a0), "+S"(a1) : : "rcx", "r11", "memory");
  *out = a0;
  return static_cast<Status>(rax);
}

/// An IPC system call: slot in rdi, the message in rsi and MR0..MR5; the received message
/// (if any) comes back in the same registers and the badge in rdi.
inline Status ipc(Syscall number, uint64_t slot, Message& m) {
  register uint64_t rax asm("rax") = static_cast<uint64_t>(number);
  register uint64_t rdi asm("rdi") = slot;
  register uint64_t rsi asm("rsi") = m.info;
  register uint64_t rdx asm("rdx") = m.mr[0];
  register uint64_t r10 asm("r10") = m.mr[1];
  register uint64_t r8 asm("r8") = m.mr[2];
  register uint64_t r9 asm("r9") = m.mr[3];
  register uint64_t r12 asm("r12") = m.mr[4];
  register uint64_t r13 asm("r13") = m.mr[5];
  asm volatile("syscall"
               : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9),
                 "+r"(r12), "+r"(r13)
               :
               : "rcx", "r11", "memory");
  m.badge = rdi;
  m.info = rsi;
  m.mr[0] = rdx;
  m.mr[1] = r10;
  m.mr[2] = r8;
  m.mr[3] = r9;
  m.mr[4] = r12;
  m.mr[5] = r13;
  return static_cast<Status>(rax);
}

}  // namespace detail

/// Does nothing in the kernel: the cost floor of a system call.
inline Status null_call() { return detail::call2(Syscall::kNull); }

/// Writes to the kernel's serial log (at most 4096 bytes).
inline Status debug_write(const char* text, size_t length) {
  return detail::call2(Syscall::kDebugWrite, reinterpret_cast<uint64_t>(text), length);
}

/// Lets the other ready threads of this priority run first.
inline Status yield() { return detail::call2(Syscall::kYield); }

/// Stops this component with `code`.
[[noreturn]] inline void exit(int code) {
  detail::call2(Syscall::kExit, static_cast<uint64_t>(code));
  __builtin_unreachable();
}

/// Delivers msg through the endpoint in `slot` (waits for a receiver); no reply.
inline Status send(uint32_t slot, Message& msg) { return detail::ipc(Syscall::kSend, slot, msg); }

/// Waits for a message on the endpoint in `slot`; msg receives it and the sender's badge.
inline Status recv(uint32_t slot, Message& msg) {
  msg = Message{};
  return detail::ipc(Syscall::kRecv, slot, msg);
}

/// Sends msg through `slot` and waits for the reply, which replaces it.
inline Status call(uint32_t slot, Message& msg) { return detail::ipc(Syscall::kCall, slot, msg); }

/// Replies with msg to the last caller (if any), then waits on `slot` for the next request.
inline Status reply_recv(uint32_t slot, Message& msg) {
  return detail::ipc(Syscall::kReplyRecv, slot, msg);
}

/// Replies with msg to the last caller.
inline Status reply(Message& msg) { return detail::ipc(Syscall::kReply, 0, msg); }

/// Blocks for at least `ms` milliseconds (0: lets equal-priority threads run first).
inline Status sleep_ms(uint64_t ms) { return detail::call2(Syscall::kSleep, ms); }

/// Like recv, but gives up with Status::kTimeout after `ms` milliseconds (0: only looks).
inline Status recv_timeout(uint32_t slot, Message& msg, uint64_t ms) {
  msg = Message{};
  msg.info = ms;  // travels in rsi, which a receive does not otherwise read
  return detail::ipc(Syscall::kRecvTimeout, slot, msg);
}

/// The CPU this thread runs on (threads never move between CPUs).
inline uint32_t cpu_id() {
  uint64_t id = 0;
  detail::call2_out(Syscall::kCpuId, 0, 0, &id);
  return static_cast<uint32_t>(id);
}

/// How many CPUs the kernel runs on.
inline uint32_t cpu_count() {
  uint64_t rax = static_cast<uint64_t>(Syscall::kCpuId), rdi = 0, rsi = 0;
  asm volatile("syscall" : "+a"(rax), "+D"(rdi), "+S"(rsi) : : "rcx", "r11", "memory");
  return static_cast<uint32_t>(rsi);
}

/// Nanoseconds since boot, the kernel's clock (the same on every CPU).
inline uint64_t clock_ns() {
  uint64_t ns = 0;
  detail::call2_out(Syscall::kClock, 0, 0, &ns);
  return ns;
}

/// Ends the calling thread; the component's last thread ends the component with code 0.
[[noreturn]] inline void thread_exit() {
  detail::call2(Syscall::kThreadExit);
  __builtin_unreachable();
}

/// Starts a thread of this component running fn(arg) on the stack [stack, stack + size);
/// it ends when fn returns. Its id (1, 2, ...) goes to *id. Fails with kQuotaExceeded
/// beyond the `threads` the description grants.
Status thread_create(void (*fn)(void*), void* arg, void* stack, size_t size, uint32_t* id = nullptr);

}  // namespace tessera::sys
