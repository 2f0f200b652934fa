// misuse: thread_create with entries and stacks the kernel must refuse, and round after round
// of creating threads up to the quota (`threads: 4` in system.yaml), one more that must be
// refused, and letting them exit so that the next round reuses their slots.
#include "probe.h"

extern "C" void tessera_thread_start();  // the runtime's entry: fn(arg), then thread_exit

namespace probe {
namespace {

using tessera::layout::kIpcBufferBase;
using tessera::layout::kPageSize;
using tessera::layout::kUserTop;

constexpr unsigned kThreads = 4;  // `threads:` of misuse in system.yaml, main included
constexpr unsigned kChildren = kThreads - 1;
constexpr unsigned kRounds = 25;
constexpr uint64_t kStackBytes = 8192;

/// What a child found; written by the child, read by main once the child is done.
struct Child {
  uint64_t buffer;  ///< its IPC buffer (%fs:0)
  bool clean;       ///< the buffer held nothing an earlier thread of the slot left there
  bool done;
};

Child g_children[kChildren];
bool g_release = false;
alignas(16) uint8_t g_stacks[kChildren][kStackBytes];

void child(void* arg) {
  auto* me = static_cast<Child*>(arg);
  tessera::IpcBuffer* b = tessera::sys::detail::ipc_buffer();
  me->buffer = reinterpret_cast<uint64_t>(b);
  bool clean = true;
  for (uint64_t w : b->words) clean = clean && w == 0;
  for (unsigned i = 0; i < tessera::kMaxMessageCaps; ++i)
    clean = clean && b->send_caps[i] == 0 && b->recv_slots[i] == 0;
  me->clean = clean;
  // Left for the next thread of this slot, which must not find it.
  for (uint64_t& w : b->words) w = 0x5ca1ab1e;
  for (unsigned i = 0; i < tessera::kMaxMessageCaps; ++i) b->send_caps[i] = b->recv_slots[i] = self::caps::kPong;
  while (!__atomic_load_n(&g_release, __ATOMIC_ACQUIRE)) tessera::sys::yield();
  __atomic_store_n(&me->done, true, __ATOMIC_RELEASE);
}  // returns: the runtime ends the thread

Answer create(uint64_t entry, uint64_t stack_top, void* arg = nullptr) {
  return raw(Syscall::kThreadCreate,
             Regs{entry, stack_top, reinterpret_cast<uint64_t>(arg), reinterpret_cast<uint64_t>(&child)});
}

uint64_t entry() { return reinterpret_cast<uint64_t>(hide(&tessera_thread_start)); }
uint64_t stack_top(unsigned i) { return reinterpret_cast<uint64_t>(hide(g_stacks[i])) + kStackBytes; }

void bad_arguments(const char* when) {
  const uint64_t entries[] = {kKernelImage, kKernelImage + 0x100000, kDirectMap, kNonCanonical, kUserTop, kTop, kAll};
  for (uint64_t e : entries)
    expect(create(e, stack_top(0)).status, Status::kInvalidArgument, "thread_create at 0x%lx (%s)", e, when);
  const uint64_t stacks[] = {kUserTop + 1, kUserTop + 16, kKernelImage, kNonCanonical + kPageSize, kAll, 15, 8, 0};
  for (uint64_t s : stacks)
    expect(create(entry(), s).status, Status::kInvalidArgument, "thread_create with stack top 0x%lx (%s)", s, when);
}

/// Lets the children finish; false if they did not within many turns.
bool finish_round() {
  __atomic_store_n(&g_release, true, __ATOMIC_RELEASE);
  for (unsigned turns = 0; turns < 100000; ++turns) {
    bool all = true;
    for (const Child& c : g_children) all = all && __atomic_load_n(&c.done, __ATOMIC_ACQUIRE);
    if (all) {
      // Done is their last store before returning: a few more turns let them reach
      // thread_exit (each yield runs every ready thread of this priority first).
      for (int i = 0; i < 4; ++i) tessera::sys::yield();
      return true;
    }
    tessera::sys::yield();
  }
  return false;
}

}  // namespace

void check_threads() {
  bad_arguments("one thread running");
  for (unsigned round = 0; round < kRounds; ++round) {
    __atomic_store_n(&g_release, false, __ATOMIC_RELEASE);
    uint64_t ids[kChildren] = {};
    for (unsigned i = 0; i < kChildren; ++i) {
      g_children[i] = Child{};
      // An unaligned stack top in most rounds: the kernel aligns it down.
      const Answer a = create(entry(), stack_top(i) - round % 16, &g_children[i]);
      expect(a.status, Status::kOk, "round %u: thread_create %u of %u", round, i + 1, kChildren);
      ids[i] = a.out.rdi;
      bool fresh = ids[i] >= 1 && ids[i] < kThreads;
      for (unsigned j = 0; j < i; ++j) fresh = fresh && ids[j] != ids[i];
      expect_true(fresh, "round %u: thread %u got id %lu, a free one below %u", round, i + 1, ids[i], kThreads);
    }
    for (unsigned extra = 0; extra < 3; ++extra)
      expect(create(entry(), stack_top(0)).status, Status::kQuotaExceeded, "round %u: thread_create beyond the quota",
             round);
    if (round == 0) bad_arguments("at the quota");  // arguments are checked before the quota
    expect_true(finish_round(), "round %u: the threads finished", round);
    for (unsigned i = 0; i < kChildren; ++i) {
      const Child& c = g_children[i];
      expect_true(c.buffer == kIpcBufferBase + ids[i] * kPageSize,
                  "round %u: thread %lu's IPC buffer (its FS base) is at 0x%lx", round, ids[i], c.buffer);
      expect_true(c.clean, "round %u: thread %lu found its IPC buffer clean", round, ids[i]);
    }
  }
}

}  // namespace probe
