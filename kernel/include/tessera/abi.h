// The kernel's user-visible ABI: status codes, system call numbers, cap types and rights,
// message registers, and the fixed user address layout. Shared by the kernel, the user
// runtime and generated code; freestanding and host-compilable.
#pragma once

#include <stdint.h>

namespace tessera {

/// Every system call returns one of these in rax. ABI-stable: never renumber.
enum class Status : uint32_t {
  kOk = 0,
  kInvalidSyscall = 1,   ///< unknown system call number
  kInvalidSlot = 2,      ///< cap slot beyond the component's cap table (or 0 as a destination)
  kEmptySlot = 3,        ///< the slot holds no capability
  kWrongType = 4,        ///< the slot holds a capability of another object type
  kNoRights = 5,         ///< the capability lacks a right the operation needs
  kNoReplyTarget = 6,    ///< reply with no caller waiting for one
  kInvalidArgument = 7,  ///< a plain argument is out of range
  kBadAddress = 8,       ///< a user pointer is not mapped or not accessible
  kOutOfMemory = 9,      ///< the component's quota is exhausted
  kPeerDied = 10,        ///< the other side of an IPC stopped before answering
  kUnknownMethod = 11,   ///< a server got a label it does not implement
  kBadMessage = 12,      ///< a message could not be decoded
  kRevoked = 13,         ///< the capability was revoked
  kSlotOccupied = 14,    ///< the destination slot is not empty
  kTimeout = 15,         ///< a blocking operation timed out
  kWouldBlock = 16,      ///< a non-blocking operation found nothing to do
  kQuotaExceeded = 17,   ///< the component already has as many threads as it may
  kAlreadyMapped = 18,   ///< a page of the range is mapped already (or the cap's region is)
  kNotMapped = 19,       ///< a page of the range is not mapped (or the cap's region is not)
  kCallDropped = 20,     ///< the server received another message without answering this call
  kIncomplete = 21,      ///< the call did its share of a long operation (kWorkPerCall); repeat
                         ///< it to go on (the runtime's wrappers do)
};

/// The most units of work one system call does under the kernel lock: a unit is a page
/// mapped or unmapped, or a step in the derivation tree (a cap marked revoked, a child handed
/// to another parent, a cap unlinked). A call with more to do does this much, and one TLB
/// flush at most, and returns kIncomplete (see docs/abi.md).
inline constexpr uint32_t kWorkPerCall = 64;

/// System call numbers, passed in rax.
enum class Syscall : uint64_t {
  kNull = 0,        ///< does nothing; the floor of a system call's cost
  kDebugWrite = 1,  ///< rdi = user pointer, rsi = length: write to the kernel's serial log
  kYield = 2,       ///< give up the rest of this turn to threads of the same priority
  kExit = 3,        ///< rdi = exit code; stops the calling component
  kSend = 4,        ///< rdi = slot, rsi = info, MRs: blocking send, no reply expected
  kRecv = 5,        ///< rdi = slot: wait for a message; returns badge, info, MRs
  kCall = 6,        ///< rdi = slot, rsi = info, MRs: send and wait for the reply
  kReplyRecv = 7,   ///< rdi = slot, rsi = info, MRs: reply to the last caller, then recv
  kReply = 8,       ///< rsi = info, MRs: reply to the last caller and return
  kSleep = 9,       ///< rdi = milliseconds: block at least that long (0: yield)
  kRecvTimeout = 10,  ///< rdi = slot, rsi = milliseconds: recv, or kTimeout when none came
  kThreadCreate = 11,  ///< rdi = entry, rsi = stack top, rdx/r10 = arguments; out rdi = id
  kThreadExit = 12,    ///< ends the calling thread (the last one ends the component, code 0)
  kCpuId = 13,         ///< out rdi = the caller's CPU (0 = bootstrap processor), rsi = CPUs up
  kClock = 14,         ///< out rdi = nanoseconds since boot
  kCapCopy = 15,       ///< rdi = source slot, rsi = empty destination slot: a derived copy
  kCapMint = 16,       ///< rdi = source, rsi = destination, rdx = rights, r10 = badge (0: keep)
  kCapMove = 17,       ///< rdi = source slot, rsi = empty destination slot
  kCapDelete = 18,     ///< rdi = slot: empties it (a revoked slot too); may be kIncomplete
  kCapRevoke = 19,     ///< rdi = slot: revokes every cap derived from it, in every component;
                       ///< out rdi = how many this call did; kIncomplete: call again
  kCapInfo = 20,       ///< rdi = slot; out rdi = type, rsi = rights, rdx = badge
  kSignal = 21,        ///< rdi = notification slot, rsi = bits to set (or'ed with the badge)
  kWait = 22,          ///< rdi = notification slot; blocks until a bit is set; out rdi = bits
  kPoll = 23,          ///< rdi = notification slot; out rdi = bits, or kWouldBlock when none
  kIrqAck = 24,        ///< rdi = IRQ slot: the driver handled the interrupt; unmask the line
  kMap = 25,           ///< rdi = address, rsi = pages, rdx = map flags: back pages from the quota;
                       ///< out rdi = pages this call mapped (kIncomplete: map the rest)
  kUnmap = 26,         ///< rdi = address, rsi = pages: give pages mapped with kMap back; out
                       ///< rdi = pages this call unmapped (kIncomplete: unmap the rest)
  kRegionMap = 27,     ///< rdi = memory region slot, rsi = address: map the region there
                       ///< (kIncomplete: repeat the same call to go on)
  kRegionUnmap = 28,   ///< rdi = memory region slot: remove the mapping that cap made
                       ///< (kIncomplete: repeat it)
  kCount,
};

/// Kernel object types a cap can name.
enum class CapType : uint16_t {
  kNull = 0,
  kEndpoint = 1,      ///< synchronous IPC
  kNotification = 2,  ///< a word of bits: signal, wait, poll
  kMemory = 3,        ///< a shared memory region declared in system.yaml
  kIrq = 4,           ///< an interrupt line granted to a driver: acknowledge it
};

/// Rights bits of a cap.
namespace rights {
inline constexpr uint16_t kSend = 1u << 0;   ///< send and call (endpoint), signal (notification)
inline constexpr uint16_t kRecv = 1u << 1;   ///< recv and reply_recv (endpoint), wait and poll
inline constexpr uint16_t kGrant = 1u << 2;  ///< the cap may be passed on in a message; an
                                             ///< endpoint cap with it may carry caps
inline constexpr uint16_t kRead = 1u << 3;   ///< memory: map readable
inline constexpr uint16_t kWrite = 1u << 4;  ///< memory: map writable
inline constexpr uint16_t kExec = 1u << 5;   ///< memory: map executable
inline constexpr uint16_t kAll = kSend | kRecv | kGrant | kRead | kWrite | kExec;
}  // namespace rights

/// Flags of the map system call.
namespace map_flags {
inline constexpr uint64_t kWrite = 1u << 0;
inline constexpr uint64_t kExec = 1u << 1;  ///< not together with kWrite (W^X)
}  // namespace map_flags

/// Message registers: the words of a message that travel in CPU registers.
/// Order of registers: rdx, r10, r8, r9, r12, r13 (see docs/abi.md).
/// The most CPUs a system may describe and the kernel runs (the generator refuses more; the
/// platform starts no more).
inline constexpr unsigned kMaxCpus = 8;

inline constexpr unsigned kMessageRegisters = 6;
/// The most bytes one kDebugWrite takes.
inline constexpr unsigned kMaxDebugWrite = 4096;
/// The most words one message holds: words beyond the registers travel in the IPC buffer.
inline constexpr unsigned kMaxMessageWords = 128;
/// The most caps one message carries.
inline constexpr unsigned kMaxMessageCaps = 4;

/// The message info word: label in bits 0..31, count of words in bits 32..39, count of
/// caps in bits 40..42. In a request the label names the method; in a reply it carries the
/// result code.
inline constexpr uint64_t make_info(uint32_t label, uint32_t count, uint32_t caps = 0) {
  return static_cast<uint64_t>(label) | (static_cast<uint64_t>(count & 0xffu) << 32) |
         (static_cast<uint64_t>(caps & 0x7u) << 40);
}
inline constexpr uint32_t info_label(uint64_t info) { return static_cast<uint32_t>(info); }
inline constexpr uint32_t info_count(uint64_t info) {
  return static_cast<uint32_t>((info >> 32) & 0xffu);
}
inline constexpr uint32_t info_caps(uint64_t info) {
  return static_cast<uint32_t>((info >> 40) & 0x7u);
}

/// A thread's IPC buffer: one page, mapped read-write into its component at
/// layout::kIpcBufferBase + thread id * page; its address is also the thread's FS base.
struct IpcBuffer {
  uint64_t self;  ///< its own user address (so user code reads it at %fs:0)
  /// Message words. words[0 .. kMessageRegisters) are unused: they travel in registers.
  uint64_t words[kMaxMessageWords];
  /// Sending: the slots of the caps the message carries (info_caps of them).
  uint32_t send_caps[kMaxMessageCaps];
  /// Receiving (also a call's reply): empty slots for incoming caps, in order; 0 = none.
  /// After a receive, the first info_caps of them hold the caps that arrived.
  uint32_t recv_slots[kMaxMessageCaps];
};
static_assert(sizeof(IpcBuffer) <= 4096);

/// Reply labels: 0 = success, 1..0xffff = the interface's error code,
/// kReplyProtocolError + Status = the server could not process the request.
inline constexpr uint32_t kReplyOk = 0;
inline constexpr uint32_t kReplyProtocolError = 0x10000;

/// Fixed user address layout (canonical lower half).
namespace layout {
inline constexpr uint64_t kImageBase = 0x0000'0000'0040'0000;  ///< components are linked here
inline constexpr uint64_t kHeapBase = 0x0000'0100'0000'0000;   ///< `memory` (the heap) is mapped here
inline constexpr uint64_t kMapBase = 0x0000'0200'0000'0000;    ///< the map window: kMap and kRegionMap
inline constexpr uint64_t kMapWindow = 1ull << 30;             ///< bytes of the map window
inline constexpr uint64_t kSharedBase = 0x0000'0300'0000'0000; ///< regions of `memory:` are mapped here
inline constexpr uint64_t kIpcBufferBase = 0x0000'7fff'f000'0000;  ///< thread n's buffer at + n pages
inline constexpr uint64_t kStackTop = 0x0000'7fff'ffe0'0000;   ///< stack grows down from here
inline constexpr uint64_t kUserTop = 0x0000'8000'0000'0000;    ///< first non-user address
inline constexpr uint64_t kPageSize = 4096;
}  // namespace layout

/// At a component's entry point: rdi = heap base, rsi = heap size in bytes,
/// rdx = component index in the boot spec. The stack is 16-byte aligned.

}  // namespace tessera
