// System call wrappers for components: the register ABI of tessera/abi.h in inline asm.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <new>
#include <type_traits>

#include "tessera/abi.h"
#include "tessera/message.h"

namespace tessera {

namespace sys {
void make_message();
}

/// The type of a thread's own Message in its IPC buffer, sys::message(); only the runtime makes
/// one. The system calls given one copy nothing to or from the buffer, since it is the buffer.
class ThreadMessage : public Message {
  ThreadMessage() = default;
  friend void sys::make_message();
};
static_assert(sizeof(ThreadMessage) == sizeof(Message));

}  // namespace tessera

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

/// A system call with up to four arguments (rdi, rsi, rdx, r10); the kernel's result words
/// in rdi, rsi and rdx go to out[0..2].
inline Status call4(Syscall number, uint64_t a0, uint64_t a1, uint64_t a2 = 0, uint64_t a3 = 0,
                    uint64_t* out = nullptr) {
  register uint64_t rax asm("rax") = static_cast<uint64_t>(number);
  register uint64_t rdi asm("rdi") = a0;
  register uint64_t rsi asm("rsi") = a1;
  register uint64_t rdx asm("rdx") = a2;
  register uint64_t r10 asm("r10") = a3;
  asm volatile("syscall" : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10) : : "rcx", "r11", "memory");
  if (out != nullptr) {
    out[0] = rdi;
    out[1] = rsi;
    out[2] = rdx;
  }
  return static_cast<Status>(rax);
}

/// The calling thread's IPC buffer: its FS base, whose first word is its own address.
inline IpcBuffer* ipc_buffer() {
  IpcBuffer* buffer;
  asm("movq %%fs:0, %0" : "=r"(buffer));
  return buffer;
}

/// Before a system call that sends `m`: words beyond the registers and caps to the buffer.
inline void stage_out(const Message& m) {
  if ((m.info >> 32) <= kMessageRegisters) return;
  IpcBuffer* b = ipc_buffer();
  const uint32_t words = info_count(m.info) < kMaxMessageWords ? info_count(m.info) : kMaxMessageWords;
#pragma GCC unroll 8
  for (uint32_t i = kMessageRegisters; i < words; ++i) b->words[i] = m.mr[i];
  for (uint32_t i = 0; i < info_caps(m.info) && i < kMaxMessageCaps; ++i) b->send_caps[i] = m.caps[i];
}

/// After a system call that received into `m`: the slots the caps arrived in, from the buffer,
/// and (`words`) the words beyond the registers.
inline void stage_in(Message& m, bool words) {
  if ((m.info >> 32) <= kMessageRegisters) return;
  const IpcBuffer* b = ipc_buffer();
  if (words) {
    const uint32_t n = info_count(m.info) < kMaxMessageWords ? info_count(m.info) : kMaxMessageWords;
#pragma GCC unroll 8
    for (uint32_t i = kMessageRegisters; i < n; ++i) m.mr[i] = b->words[i];
  }
  for (uint32_t i = 0; i < info_caps(m.info) && i < kMaxMessageCaps; ++i) m.caps[i] = b->recv_slots[i];
}

/// An IPC system call: slot in rdi, the message in rsi and MR0..MR5; the received message
/// (if any) comes back in the same registers and the badge in rdi. `sends` is false for the
/// receives, whose rsi is no info word. A ThreadMessage is staged by no copy: its words and
/// send caps are in the buffer already, and received words arrive in place.
template <class M>
inline Status ipc(Syscall number, uint64_t slot, M& m, bool sends = true) {
  static_assert(std::is_same_v<M, Message> || std::is_same_v<M, ThreadMessage>);
  constexpr bool kInPlace = std::is_same_v<M, ThreadMessage>;
  if (sends && !kInPlace) stage_out(m);
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
               : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13)
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
  const auto status = static_cast<Status>(rax);
  if (status == Status::kOk) stage_in(m, !kInPlace);
  return status;
}

}  // namespace detail

/// The calling thread's own Message, kept in its IPC buffer from its info word on (the runtime
/// makes it when the thread starts). A long message sent from it or received into it costs the
/// runtime no copy: its words past the registers and its caps are where the kernel takes them
/// from and puts them. Generated clients and serve() use it. Each thread has one, so a message
/// held in it is gone once the thread makes another IPC call with it.
inline ThreadMessage& message() { return *std::launder(reinterpret_cast<ThreadMessage*>(&detail::ipc_buffer()->info)); }

/// Makes the calling thread's message(); the runtime calls it when a thread starts.
inline void make_message() {
  ::new (reinterpret_cast<char*>(detail::ipc_buffer()) + offsetof(IpcBuffer, info)) ThreadMessage;
}

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
template <class M>
inline Status send(uint32_t slot, M& msg) {
  return detail::ipc(Syscall::kSend, slot, msg);
}

/// Waits for a message on the endpoint in `slot`; msg receives it and the sender's badge.
template <class M>
inline Status recv(uint32_t slot, M& msg) {
  msg.reset();
  return detail::ipc(Syscall::kRecv, slot, msg, false);
}

/// Sends msg through `slot` and waits for the reply, which replaces it.
template <class M>
inline Status call(uint32_t slot, M& msg) {
  return detail::ipc(Syscall::kCall, slot, msg);
}

/// Replies with msg to the last caller (if any), then waits on `slot` for the next request.
template <class M>
inline Status reply_recv(uint32_t slot, M& msg) {
  return detail::ipc(Syscall::kReplyRecv, slot, msg);
}

/// Replies with msg to the last caller.
template <class M>
inline Status reply(M& msg) {
  return detail::ipc(Syscall::kReply, 0, msg);
}

/// Blocks for at least `ms` milliseconds (0: lets equal-priority threads run first).
inline Status sleep_ms(uint64_t ms) { return detail::call2(Syscall::kSleep, ms); }

/// Like recv, but gives up with Status::kTimeout after `ms` milliseconds (0: only looks).
template <class M>
inline Status recv_timeout(uint32_t slot, M& msg, uint64_t ms) {
  msg.reset();
  msg.info = ms;  // travels in rsi, which a receive does not otherwise read
  return detail::ipc(Syscall::kRecvTimeout, slot, msg, false);
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

// ---- caps ------------------------------------------------------------------------------------

/// Where the caps of the next message this thread receives (or a call's reply) go: slot
/// `slot` for the `index`-th cap (0 = take no cap there). The buffer keeps it until changed.
inline void set_recv_slot(unsigned index, uint32_t slot) { detail::ipc_buffer()->recv_slots[index] = slot; }

/// Points the caps of the next received message at the first `count` empty slots among
/// [first, first + n) (servers of interfaces that take caps call this before each receive);
/// fewer when fewer are empty.
inline void receive_into_free(uint32_t first, uint32_t n, unsigned count) {
  unsigned placed = 0;
  for (uint32_t slot = first; slot < first + n && placed < count; ++slot) {
    uint64_t out[3] = {};
    if (detail::call4(Syscall::kCapInfo, slot, 0, 0, 0, out) == Status::kEmptySlot) set_recv_slot(placed++, slot);
  }
  for (unsigned i = placed; i < kMaxMessageCaps; ++i) set_recv_slot(i, 0);
}

/// A copy of the cap in `src` in the empty slot `dst`, with its rights and badge; revoking
/// `src` revokes the copy.
inline Status cap_copy(uint32_t src, uint32_t dst) { return detail::call4(Syscall::kCapCopy, src, dst); }

/// Like cap_copy, with only `rights` (a subset of src's) and `badge` (0 keeps src's badge;
/// a badged cap cannot get another).
inline Status cap_mint(uint32_t src, uint32_t dst, uint16_t rights, uint64_t badge = 0) {
  return detail::call4(Syscall::kCapMint, src, dst, rights, badge);
}

/// Moves the cap in `src` to the empty slot `dst`.
inline Status cap_move(uint32_t src, uint32_t dst) { return detail::call4(Syscall::kCapMove, src, dst); }

// The kernel does at most kWorkPerCall units of a long operation per system call (it holds
// the kernel lock meanwhile) and answers kIncomplete when more is left; the wrappers below
// repeat the call until it is done, so callers see one operation.

/// Empties `slot` (a revoked one too).
inline Status cap_delete(uint32_t slot) {
  Status s;
  do s = detail::call4(Syscall::kCapDelete, slot, 0);
  while (s == Status::kIncomplete);
  return s;
}

/// Revokes every cap derived from the one in `slot`, in every component; `count` (if given)
/// receives how many were revoked.
inline Status cap_revoke(uint32_t slot, uint64_t* count = nullptr) {
  uint64_t total = 0;
  Status s;
  do {
    uint64_t out[3] = {};
    s = detail::call4(Syscall::kCapRevoke, slot, 0, 0, 0, out);
    total += out[0];
  } while (s == Status::kIncomplete);
  if (count != nullptr) *count = total;
  return s;
}

/// What a slot holds.
struct CapInfo {
  CapType type = CapType::kNull;
  uint16_t rights = 0;
  uint64_t badge = 0;
  /// Restarts of the component the object belongs to: an endpoint's server, a component cap's
  /// component (0 for other objects). A changed generation means "a new instance".
  uint64_t generation = 0;
};
inline Status cap_info(uint32_t slot, CapInfo& info) {
  register uint64_t rax asm("rax") = static_cast<uint64_t>(Syscall::kCapInfo);
  register uint64_t rdi asm("rdi") = slot;
  register uint64_t rsi asm("rsi") = 0;
  register uint64_t rdx asm("rdx") = 0;
  register uint64_t r10 asm("r10") = 0;
  asm volatile("syscall" : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10) : : "rcx", "r11", "memory");
  const auto s = static_cast<Status>(rax);
  if (s == Status::kOk) info = CapInfo{static_cast<CapType>(rdi), static_cast<uint16_t>(rsi), rdx, r10};
  return s;
}

/// The generation of the server behind the endpoint cap in `slot` (how often it was
/// restarted), or 0 when the slot holds no such cap.
inline uint64_t generation(uint32_t slot) {
  CapInfo info;
  return cap_info(slot, info) == Status::kOk ? info.generation : 0;
}

// ---- supervision: the component caps a supervisor holds ------------------------------------

namespace detail {
/// A component control call, repeated while the kernel answers kIncomplete; *generation
/// (if given) receives the component's generation afterwards, when the call succeeded.
inline Status control(Syscall number, uint32_t slot, uint64_t* generation) {
  Status s;
  uint64_t out[3] = {};
  do s = call4(number, slot, 0, 0, 0, out);
  while (s == Status::kIncomplete);
  if (generation != nullptr && s == Status::kOk) *generation = out[0];
  return s;
}
}  // namespace detail

/// Runs the stopped (or `start: manual`) component of the component cap in `slot` afresh
/// from its boot image. kNotStopped when it runs.
inline Status component_start(uint32_t slot, uint64_t* generation = nullptr) {
  return detail::control(Syscall::kComponentStart, slot, generation);
}
/// Stops it until it is started again; its clients get kPeerDied. No fault report follows.
inline Status component_stop(uint32_t slot, uint64_t* generation = nullptr) {
  return detail::control(Syscall::kComponentStop, slot, generation);
}
/// Stops it if it runs (its clients get kPeerRestarted) and starts it afresh.
inline Status component_restart(uint32_t slot, uint64_t* generation = nullptr) {
  return detail::control(Syscall::kComponentRestart, slot, generation);
}

// ---- notifications and interrupts ----------------------------------------------------------

/// Sets `bits` (or'ed with the cap's badge) in the notification in `slot`.
inline Status signal(uint32_t slot, uint64_t bits = 0) { return detail::call4(Syscall::kSignal, slot, bits); }

/// Waits until a bit of the notification in `slot` is set; takes and clears them into *bits.
inline Status wait(uint32_t slot, uint64_t* bits) {
  uint64_t out[3] = {};
  const Status s = detail::call4(Syscall::kWait, slot, 0, 0, 0, out);
  *bits = out[0];
  return s;
}

/// Takes and clears the bits without waiting; kWouldBlock when none was set.
inline Status poll(uint32_t slot, uint64_t* bits) {
  uint64_t out[3] = {};
  const Status s = detail::call4(Syscall::kPoll, slot, 0, 0, 0, out);
  *bits = out[0];
  return s;
}

/// The interrupt of the line in `slot` was handled: the line may interrupt again.
inline Status irq_ack(uint32_t slot) { return detail::call4(Syscall::kIrqAck, slot, 0); }

// ---- memory --------------------------------------------------------------------------------

/// Gives pages backed by map() back to the quota. A range with a page map() did not back
/// gives kNotMapped; the pages before the kWorkPerCall-page step that found it are given back.
inline Status unmap(uint64_t addr, uint64_t pages) {
  for (;;) {
    uint64_t out[3] = {};
    const Status s = detail::call4(Syscall::kUnmap, addr, pages, 0, 0, out);
    if (s != Status::kIncomplete) return s;
    addr += out[0] * layout::kPageSize;
    pages -= out[0];
  }
}

/// Backs `pages` pages at `addr` (in the map window, layout::kMapBase) with zeroed memory
/// from the component's map_quota; `flags` are map_flags. kOutOfMemory beyond the quota.
/// All or nothing: when a later step fails, the pages the earlier ones mapped are given back.
inline Status map(uint64_t addr, uint64_t pages, uint64_t flags = map_flags::kWrite) {
  uint64_t done = 0;
  for (;;) {
    uint64_t out[3] = {};
    const Status s = detail::call4(Syscall::kMap, addr + done * layout::kPageSize, pages - done, flags, 0, out);
    if (s == Status::kIncomplete) {
      done += out[0];
      continue;
    }
    if (s != Status::kOk && done > 0) unmap(addr, done);
    return s;
  }
}

/// Removes the mapping region_map made through the cap in `slot`.
inline Status region_unmap(uint32_t slot) {
  Status s;
  do s = detail::call4(Syscall::kRegionUnmap, slot, 0);
  while (s == Status::kIncomplete);
  return s;
}

/// Maps the shared region of the memory cap in `slot` at `addr` (in the map window), with
/// the cap's rights. All or nothing, like map().
inline Status region_map(uint32_t slot, uint64_t addr) {
  bool started = false;
  for (;;) {
    const Status s = detail::call4(Syscall::kRegionMap, slot, addr);
    if (s == Status::kIncomplete) {
      started = true;
      continue;
    }
    if (s != Status::kOk && started) region_unmap(slot);
    return s;
  }
}

}  // namespace tessera::sys
