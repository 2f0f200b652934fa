// fuzzer: seeded random system calls from several threads at once, with register values
// biased toward the interesting (0, small numbers, -1, kernel and non-canonical addresses,
// its own pages and slots), and random message words, caps to send and slots to receive
// into. Its partners keep the deep states coming: the poker calls its endpoint and signals
// its notification (so receivers and waiters wake), the mortal server dies part-way through
// (blocked and later callers meet a dead peer), and the healthy pair on CPU 3 must keep
// answering. At the end it prints the seed, the number of calls and a count per status.
//
// Each thread's sequence of calls follows from the seed; how the threads interleave does
// not (they run on four CPUs), so a seed reproduces the calls, not their exact timing.
#include "component.h"

extern "C" void tessera_thread_start();

namespace self = fuzzer;
using tessera::Status;
using tessera::Syscall;

#ifndef TESSERA_FUZZ_SEED
#define TESSERA_FUZZ_SEED 1
#endif
#ifndef TESSERA_FUZZ_CALLS
#define TESSERA_FUZZ_CALLS 100000
#endif

namespace {

constexpr uint64_t kSeed = TESSERA_FUZZ_SEED;
constexpr uint64_t kCalls = TESSERA_FUZZ_CALLS;
constexpr unsigned kWorkers = 6;
constexpr unsigned kSpawnStacks = 6;     // threads the fuzz itself creates, at most at once (with the
                                         // workers and main, more than the quota of 12)
constexpr unsigned kStatusBuckets = 32;  // the last one counts anything beyond the enum

// Shared by every thread; only atomics touch them.
uint64_t g_status_counts[kStatusBuckets];
uint64_t g_calls = 0;
bool g_stop = false;
/// What each worker is in the middle of (system call number, first argument), for the
/// report when the fuzz stalls.
uint64_t g_doing[kWorkers][2];
bool g_stack_busy[kSpawnStacks];
alignas(16) uint8_t g_worker_stacks[kWorkers][16384];
alignas(16) uint8_t g_spawn_stacks[kSpawnStacks][16384];
/// A page of text a debug_write may print: dots, so the log stays readable.
alignas(4096) char g_dots[8192];
alignas(4096) uint8_t g_scratch[8192];  // a readable and writable target for pointers

struct Random {
  uint64_t state;
  uint64_t next() {  // xorshift64*
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
  }
  uint64_t below(uint64_t n) { return next() % n; }
  bool chance(unsigned percent) { return below(100) < percent; }
};

uint64_t mix(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (z ^ (z >> 31)) | 1;
}

/// Slots no fuzz call may delete or move away: the fuzzer's own endpoint and notification
/// (which its threads need to get unstuck), the healthy pair's client cap (which its main
/// thread uses to check the pair) and its servers' (or the calls would soon all be to empty
/// slots). Copies of them in free slots are fair game, and so is revoking anything.
bool protected_slot(uint64_t slot) {
  return slot == self::caps::kEndpoint || slot == self::caps::kKick || slot == self::caps::kPong ||
         slot == self::caps::kEcho || slot == self::caps::kMortal;
}

uint64_t slot_value(Random& r) {
  switch (r.below(8)) {
    case 0:
      return 0;
    case 1:
      return self::caps::kSlotCount + r.below(4);  // just beyond the table
    case 2:
      return r.next();  // anything
    case 3:
      return ~uint64_t{0};
    default:
      return 1 + r.below(self::caps::kSlotCount - 1);  // one of its own
  }
}

uint64_t address_value(Random& r) {
  const uint64_t page = tessera::layout::kPageSize;
  switch (r.below(14)) {
    case 0:
      return 0;
    case 1:
      return 0xffffffff80000000ull + r.below(1 << 20);  // the kernel image
    case 2:
      return 0xffff800000000000ull + r.next() % (1ull << 40);  // the direct map
    case 3:
      return 0x0000800000000000ull + r.below(1 << 20);  // non-canonical
    case 4:
      return reinterpret_cast<uint64_t>(&g_scratch) + r.below(2 * page);  // its data
    case 5:
      return reinterpret_cast<uint64_t>(&g_scratch) + 2 * page - r.below(64);  // straddles out
    case 6:
      return reinterpret_cast<uint64_t>(&tessera_thread_start);  // its text (read-only)
    case 7:
      return tessera::layout::kMapBase + r.below(64) * page + (r.chance(20) ? r.below(page) : 0);
    case 8:
      return tessera::layout::kIpcBufferBase + r.below(16) * page;
    case 9:
      return tessera::layout::kStackTop - r.below(4) * page;
    case 10:
      return self::memory::kSharedBase + r.below(4) * page;
    case 11:
      return tessera::layout::kUserTop - r.below(3) * page;
    case 12:
      return r.below(1 << 16);
    default:
      return r.next();
  }
}

uint64_t length_value(Random& r) {
  const uint64_t choices[] = {0, 1, 7, 8, 4095, 4096, 4097, 8192, 1ull << 63, ~uint64_t{0}, 1ull << 32};
  if (r.chance(70)) return choices[r.below(sizeof choices / sizeof choices[0])];
  return r.below(1 << 20);
}

uint64_t small_value(Random& r) {
  const uint64_t choices[] = {0,
                              1,
                              2,
                              3,
                              4,
                              5,
                              6,
                              7,
                              8,
                              16,
                              63,
                              64,
                              127,
                              128,
                              129,
                              255,
                              256,
                              4096,
                              ~uint64_t{0},
                              ~uint64_t{0} >> 1,
                              1ull << 63,
                              1ull << 32};
  if (r.chance(80)) return choices[r.below(sizeof choices / sizeof choices[0])];
  return r.next();
}

/// A message info word: label, word count, cap count, mostly plausible, sometimes not. A
/// third are well-formed requests of the interfaces it uses, so servers really answer.
uint64_t info_value(Random& r) {
  if (r.chance(10)) return r.next();
  if (r.chance(35)) {
    const uint32_t labels[] = {tessera::interfaces::echo::kLabelEcho, tessera::interfaces::mortal::kLabelEcho,
                               tessera::interfaces::pong::kLabelPing, tessera::interfaces::pong::kLabelAnswered};
    const uint32_t label = labels[r.below(4)];
    return tessera::make_info(label, label == tessera::interfaces::pong::kLabelAnswered ? 0 : 1);
  }
  const uint32_t words = static_cast<uint32_t>(r.chance(80) ? r.below(8) : r.below(200));
  const uint32_t caps = static_cast<uint32_t>(r.chance(70) ? 0 : r.below(8));
  const uint32_t label = static_cast<uint32_t>(r.chance(50) ? r.below(8) : r.next());
  return tessera::make_info(label, words, caps);
}

uint64_t any_value(Random& r) {
  switch (r.below(5)) {
    case 0:
      return slot_value(r);
    case 1:
      return address_value(r);
    case 2:
      return length_value(r);
    case 3:
      return small_value(r);
    default:
      return r.next();
  }
}

/// Fills this thread's IPC buffer with what a message could carry: words, caps to send
/// (its own slots, mostly), and slots to receive caps into.
void scramble_ipc_buffer(Random& r) {
  tessera::IpcBuffer* buffer;
  asm volatile("movq %%fs:0, %0" : "=r"(buffer));  // this thread's own buffer
  for (unsigned i = 0; i < 4; ++i) buffer->words[r.below(tessera::kMaxMessageWords)] = any_value(r);
  for (unsigned i = 0; i < tessera::kMaxMessageCaps; ++i) {
    buffer->send_caps[i] = static_cast<uint32_t>(r.chance(80) ? slot_value(r) : r.next());
    buffer->recv_slots[i] = static_cast<uint32_t>(
        r.chance(50) ? self::caps::kFirstFree + r.below(self::caps::kFreeCount) : slot_value(r));
  }
}

void spawned(void* arg);

/// One fuzz call; returns its status. `doing` (if any) records the call while it runs.
uint64_t fuzz_call(Random& r, bool may_exit_thread, uint64_t* doing = nullptr) {
  uint64_t number = r.chance(90) ? r.below(static_cast<uint64_t>(Syscall::kCount) + 2)
                                 : (r.chance(50) ? r.below(64) + 29 : r.next());
  uint64_t a[8];
  for (uint64_t& v : a) v = any_value(r);
  switch (static_cast<Syscall>(number)) {
    case Syscall::kExit:
      number = static_cast<uint64_t>(Syscall::kYield);  // would end the fuzz itself
      break;
    case Syscall::kThreadExit:
      if (!may_exit_thread) number = static_cast<uint64_t>(Syscall::kNull);
      break;
    case Syscall::kDebugWrite:
      // What it may print is dots (the log stays text, and no line of the fuzzer's own
      // strings can turn up in it); every other pointer is one the kernel must refuse.
      if (r.chance(60)) {
        a[0] = reinterpret_cast<uint64_t>(&g_dots) + r.below(sizeof g_dots);
      } else {
        const uint64_t refused[] = {0,
                                    0xffffffff80000000ull,
                                    0xffff800000001000ull,
                                    0x0000800000000000ull,
                                    tessera::layout::kUserTop - tessera::layout::kPageSize,
                                    ~uint64_t{0}};
        a[0] = refused[r.below(sizeof refused / sizeof refused[0])] + (r.chance(50) ? r.below(4096) : 0);
      }
      a[1] = r.chance(80) ? r.below(16) : length_value(r);
      break;
    case Syscall::kSend:
    case Syscall::kCall:
    case Syscall::kReplyRecv:
    case Syscall::kReply:
    case Syscall::kRecv: {
      // Mostly an endpoint it holds, so that messages really travel.
      const uint64_t endpoints[] = {self::caps::kEndpoint, self::caps::kEcho, self::caps::kMortal, self::caps::kPong};
      a[0] = r.chance(60) ? endpoints[r.below(4)] : (r.chance(70) ? slot_value(r) : any_value(r));
      a[1] = info_value(r);
      // Half the requests to a server are ones it understands.
      if (r.chance(50) && a[0] == self::caps::kMortal)
        a[1] = tessera::make_info(tessera::interfaces::mortal::kLabelEcho, 1);
      if (r.chance(50) && a[0] == self::caps::kEcho)
        a[1] = tessera::make_info(tessera::interfaces::echo::kLabelEcho, 1);
      scramble_ipc_buffer(r);
      break;
    }
    case Syscall::kSleep:
      a[0] = r.chance(90) ? r.below(3) : small_value(r);  // beyond the limit: refused
      if (a[0] > 3 && a[0] <= (1ull << 40)) a[0] = 3;     // never a long sleep
      break;
    case Syscall::kRecvTimeout:
      a[0] = slot_value(r);
      a[1] = r.chance(90) ? r.below(3) : small_value(r);
      if (a[1] > 3 && a[1] <= (1ull << 40)) a[1] = 3;
      scramble_ipc_buffer(r);
      break;
    case Syscall::kThreadCreate: {
      // An entry or stack the kernel accepts must be real, or the new thread would fault
      // and take the fuzzer with it; the others must be ones it refuses.
      if (r.chance(70)) {
        unsigned stack = kSpawnStacks;
        for (unsigned i = 0; i < kSpawnStacks; ++i)
          if (!__atomic_exchange_n(&g_stack_busy[i], true, __ATOMIC_ACQUIRE)) {
            stack = i;
            break;
          }
        if (stack == kSpawnStacks) {
          number = static_cast<uint64_t>(Syscall::kNull);
          break;
        }
        a[0] = reinterpret_cast<uint64_t>(&tessera_thread_start);
        a[1] = reinterpret_cast<uint64_t>(g_spawn_stacks[stack] + sizeof g_spawn_stacks[stack]);
        a[2] = (r.next() << 8) | stack;  // its argument: seed and stack
        a[3] = reinterpret_cast<uint64_t>(&spawned);
        register uint64_t rax asm("rax") = number;
        register uint64_t rdi asm("rdi") = a[0];
        register uint64_t rsi asm("rsi") = a[1];
        register uint64_t rdx asm("rdx") = a[2];
        register uint64_t r10 asm("r10") = a[3];
        asm volatile("syscall"
                     : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10)
                     :
                     : "rcx", "r11", "r8", "r9", "r12", "r13", "memory");
        if (static_cast<Status>(rax) != Status::kOk) __atomic_store_n(&g_stack_busy[stack], false, __ATOMIC_RELEASE);
        return rax;
      }
      a[0] = r.chance(50) ? tessera::layout::kUserTop + r.below(1 << 20) : 0xffffffff80000000ull;
      break;
    }
    case Syscall::kCapDelete:
    case Syscall::kCapMove:
      if (protected_slot(a[0])) a[0] = self::caps::kFirstFree + r.below(self::caps::kFreeCount);
      break;
    case Syscall::kMap:
    case Syscall::kUnmap:
      a[0] = r.chance(80) ? tessera::layout::kMapBase + r.below(80) * tessera::layout::kPageSize : address_value(r);
      a[1] = r.chance(80) ? r.below(20) : length_value(r);
      a[2] = r.below(4);
      break;
    case Syscall::kRegionMap:
      a[0] = r.chance(60) ? self::caps::kShared : slot_value(r);
      break;
    default:
      break;
  }
  if (doing != nullptr) {
    __atomic_store_n(&doing[1], a[0], __ATOMIC_RELAXED);
    __atomic_store_n(&doing[0], number + 1, __ATOMIC_RELAXED);
  }
  register uint64_t rax asm("rax") = number;
  register uint64_t rdi asm("rdi") = a[0];
  register uint64_t rsi asm("rsi") = a[1];
  register uint64_t rdx asm("rdx") = a[2];
  register uint64_t r10 asm("r10") = a[3];
  register uint64_t r8 asm("r8") = a[4];
  register uint64_t r9 asm("r9") = a[5];
  register uint64_t r12 asm("r12") = a[6];
  register uint64_t r13 asm("r13") = a[7];
  asm volatile("syscall"
               : "+r"(rax), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8), "+r"(r9), "+r"(r12), "+r"(r13)
               :
               : "rcx", "r11", "memory");
  if (doing != nullptr) __atomic_store_n(&doing[0], 0, __ATOMIC_RELAXED);
  return rax;
}

void count(uint64_t status) {
  __atomic_fetch_add(&g_status_counts[status < kStatusBuckets - 1 ? status : kStatusBuckets - 1], 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&g_calls, 1, __ATOMIC_RELAXED);
}

/// A thread the fuzz created: a few dozen calls (it may end itself with one), then it ends.
void spawned(void* arg) {
  const uint64_t value = reinterpret_cast<uint64_t>(arg);
  Random r{mix(kSeed, value)};
  const unsigned calls = static_cast<unsigned>(r.below(50));
  for (unsigned i = 0; i < calls && !__atomic_load_n(&g_stop, __ATOMIC_RELAXED); ++i) {
    // Its stack is marked free only on the way out below; a thread_exit here keeps it busy.
    if (r.chance(3)) break;
    count(fuzz_call(r, false));
  }
  __atomic_store_n(&g_stack_busy[value & 0xff], false, __ATOMIC_RELEASE);
  // Nothing may touch this stack from here on: the next thread may already run on it.
  asm volatile("syscall" : : "a"(static_cast<uint64_t>(Syscall::kThreadExit)) : "rcx", "r11", "memory");
  __builtin_unreachable();
}

void worker(void* arg) {
  const uint64_t index = reinterpret_cast<uint64_t>(arg);
  Random r{mix(kSeed, 1000 + index)};
  while (!__atomic_load_n(&g_stop, __ATOMIC_RELAXED)) count(fuzz_call(r, false, g_doing[index]));
}

const char* status_name(unsigned s) {
  static const char* const kNames[] = {"ok",           "invalid_syscall", "invalid_slot",    "empty_slot",
                                       "wrong_type",   "no_rights",       "no_reply_target", "invalid_argument",
                                       "bad_address",  "out_of_memory",   "peer_died",       "unknown_method",
                                       "bad_message",  "revoked",         "slot_occupied",   "timeout",
                                       "would_block",  "quota_exceeded",  "already_mapped",  "not_mapped",
                                       "call_dropped", "incomplete"};
  return s < sizeof kNames / sizeof kNames[0] ? kNames[s] : "other";
}

}  // namespace

int main() {
  for (char& c : g_dots) c = '.';
  tessera::log("fuzz: seed %lu, %lu calls, %u worker threads\n", kSeed, kCalls, kWorkers);
  auto pong = self::pong_client();
  const uint64_t t0 = tessera::sys::clock_ns();
  uint64_t last = 0, stalls = 0, pair_before = 0;
  for (uint64_t tick = 0;; ++tick) {
    // Keep kWorkers workers running: the quota is shared with the fuzz's own threads, so a
    // creation may be refused for a while. (Workers never end on their own.)
    static unsigned started = 0;
    while (started < kWorkers &&
           tessera::sys::thread_create(worker, reinterpret_cast<void*>(uint64_t{started}), g_worker_stacks[started],
                                       sizeof g_worker_stacks[started]) == Status::kOk)
      ++started;
    const uint64_t calls = __atomic_load_n(&g_calls, __ATOMIC_RELAXED);
    if (calls >= kCalls) break;
    if (tick == 100) {
      auto answered = pong.answered();
      pair_before = answered.ok() ? answered.value() : 0;
    }
    if (tick % 1000 == 999) {
      tessera::log("fuzz: %lu calls so far\n", calls);
      for (unsigned w = 0; w < kWorkers; ++w) {
        const uint64_t doing = __atomic_load_n(&g_doing[w][0], __ATOMIC_RELAXED);
        if (doing != 0)
          tessera::log("fuzz: worker %u is in system call %lu (first argument 0x%lx)\n", w, doing - 1,
                       __atomic_load_n(&g_doing[w][1], __ATOMIC_RELAXED));
      }
    }
    // Threads blocked in a call to the fuzzer's own endpoint wait for a receiver: if none
    // moved for a while, be one (and answer), so the fuzz cannot stall on itself.
    if (calls == last && ++stalls >= 10) {
      tessera::Message msg;
      if (tessera::sys::recv_timeout(self::caps::kEndpoint, msg, 1) == Status::kOk) {
        msg.info = 0;
        (void)tessera::sys::reply(msg);
      }
      stalls = 0;
    } else if (calls != last) {
      stalls = 0;
    }
    last = calls;
    tessera::sys::sleep_ms(10);
  }
  __atomic_store_n(&g_stop, true, __ATOMIC_RELAXED);
  const uint64_t ms = (tessera::sys::clock_ns() - t0) / 1'000'000;
  tessera::log("fuzz: seed %lu: %lu calls in %lu ms\n", kSeed, __atomic_load_n(&g_calls, __ATOMIC_RELAXED), ms);
  for (unsigned s = 0; s < kStatusBuckets; ++s) {
    const uint64_t n = __atomic_load_n(&g_status_counts[s], __ATOMIC_RELAXED);
    if (n != 0) tessera::log("fuzz: status %u (%s): %lu\n", s, status_name(s), n);
  }
  // The healthy pair on CPU 3 answered all along, and still does.
  auto first = pong.answered();
  tessera::sys::sleep_ms(50);
  auto later = pong.answered();
  const bool pair_ok = first.ok() && later.ok() && later.value() > first.value() && first.value() > pair_before;
  tessera::log("fuzz: the healthy pair answered %lu calls and is still answering: %s\n", later.ok() ? later.value() : 0,
               pair_ok ? "ok" : "FAILED");
  tessera::log(pair_ok ? "fuzz: PASS\n" : "fuzz: FAIL\n");
  return pair_ok ? 0 : 1;
}
