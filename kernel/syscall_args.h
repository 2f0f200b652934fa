// Typed arguments and results of the system calls, read from and written to a thread's saved
// user registers by their role in the ABI. Which register carries which role is the
// platform's business (arch/syscall_frame.h); host tests bring a frame of their own.
#pragma once

#include <stdint.h>

#include "arch/syscall_frame.h"  // the platform's, or the host tests' own
#include "tessera/abi.h"

namespace kernel {

using tessera::Status;
using tessera::Syscall;

// ---- arguments: a system call's arguments are its first argument words, in order ---------

/// kSend, kCall, kReplyRecv: the endpoint cap and the message's info word (its words follow
/// in the message registers and the IPC buffer).
struct MessageArgs {
  uint64_t slot;
  uint64_t info;
};
/// kReply: no cap, only the message.
struct ReplyArgs {
  uint64_t unused;
  uint64_t info;
};
/// kRecv, kWait, kPoll, kIrqAck, kCapDelete, kCapRevoke, kCapInfo, kRegionUnmap, and the
/// component control calls (kComponentStart, kComponentStop, kComponentRestart).
struct SlotArgs {
  uint64_t slot;
};
struct RecvTimeoutArgs {
  uint64_t slot;
  uint64_t ms;
};
struct SleepArgs {
  uint64_t ms;
};
struct ExitArgs {
  uint64_t code;
};
struct DebugWriteArgs {
  uint64_t address;
  uint64_t length;
};
struct ThreadCreateArgs {
  uint64_t entry;
  uint64_t stack_top;
  uint64_t arg0;
  uint64_t arg1;
};
/// kCapCopy, kCapMove.
struct CapPairArgs {
  uint64_t src;
  uint64_t dst;
};
struct CapMintArgs {
  uint64_t src;
  uint64_t dst;
  uint64_t rights;
  uint64_t badge;  ///< 0: keep the source's
};
struct SignalArgs {
  uint64_t slot;
  uint64_t bits;
};
struct MapArgs {
  uint64_t address;
  uint64_t pages;
  uint64_t flags;  ///< tessera::map_flags
};
struct UnmapArgs {
  uint64_t address;
  uint64_t pages;
};
struct RegionMapArgs {
  uint64_t slot;
  uint64_t address;
};

// Routing compares the whole register: 2^32 + 6 must not be taken for a call.
static_assert(sizeof(Syscall) == sizeof(uint64_t));
inline Syscall syscall_number(const SyscallFrame& f) { return static_cast<Syscall>(f.op); }

/// The argument words of the frame laid over `Args`, a struct of at most four words.
template <class Args>
[[gnu::always_inline]] inline Args read_args(const SyscallFrame& f) {
  static_assert(sizeof(Args) % sizeof(uint64_t) == 0 && sizeof(Args) <= 4 * sizeof(uint64_t));
  const uint64_t words[4] = {f.a0, f.a1, f.mr[0], f.mr[1]};
  Args args;
  __builtin_memcpy(&args, words, sizeof args);
  return args;
}

// ---- results: the Status, then up to four result words, in order -----------------------

/// kCpuId.
struct CpuIdResult {
  uint64_t cpu;
  uint64_t cpus;
};
/// kCapInfo.
struct CapInfoResult {
  uint64_t type;
  uint64_t rights;
  uint64_t badge;
  uint64_t generation;  ///< restarts of the component the object belongs to
};
/// kThreadCreate: the new thread's id; kClock: nanoseconds; kPoll, kWait: the bits; a bounded
/// operation (kMap, kUnmap, kCapRevoke): how much of its job this call did.
struct WordResult {
  uint64_t value;
};

inline void write_status(SyscallFrame& f, Status s) { f.op = static_cast<uint64_t>(s); }

/// The status and the words of `r` (a struct of one to four words), in order; the frame's
/// other words keep what they hold.
template <class Result>
[[gnu::always_inline]] inline void write_results(SyscallFrame& f, Status s, const Result& r) {
  static_assert(sizeof(Result) % sizeof(uint64_t) == 0 && sizeof(Result) <= 4 * sizeof(uint64_t));
  constexpr unsigned kWords = sizeof(Result) / sizeof(uint64_t);
  uint64_t words[kWords];
  __builtin_memcpy(words, &r, sizeof r);
  write_status(f, s);
  f.a0 = words[0];
  if constexpr (kWords > 1) f.a1 = words[1];
  if constexpr (kWords > 2) f.mr[0] = words[2];
  if constexpr (kWords > 3) f.mr[1] = words[3];
}

// ---- messages: what IPC moves from one frame to another --------------------------------

inline uint64_t message_info(const SyscallFrame& f) { return f.a1; }

/// Words beyond the registers, caps, or bits above the counts: the message takes the slow
/// path (checked, and its info word rebuilt for the receiver). One compare: bits 32 and up of
/// a register-only message without caps are its word count, at most kMessageRegisters.
inline bool message_beyond_registers(uint64_t info) { return (info >> 32) > tessera::kMessageRegisters; }

/// Hands the message in `from` to `to`, which sees kOk, the badge and the message.
[[gnu::always_inline]] inline void deliver_message(const SyscallFrame& from, SyscallFrame& to, uint64_t badge) {
  to.op = static_cast<uint64_t>(Status::kOk);
  to.a0 = badge;
  to.a1 = from.a1;
  // Unrolled: a loop costs more instructions than the six words it moves.
  static_assert(tessera::kMessageRegisters == 6);
  to.mr[0] = from.mr[0];
  to.mr[1] = from.mr[1];
  to.mr[2] = from.mr[2];
  to.mr[3] = from.mr[3];
  to.mr[4] = from.mr[4];
  to.mr[5] = from.mr[5];
}

/// What the fastpath writes into the receiver's frame of deliver_message: the badge. Its exit
/// loads the rest (kOk, the info word, the message registers) from the sender's.
inline void deliver_badge(SyscallFrame& to, uint64_t badge) { to.a0 = badge; }

/// The info word the receiver sees when fewer caps arrived than were sent.
inline void set_message_info(SyscallFrame& f, uint64_t info) { f.a1 = info; }

}  // namespace kernel
