// churner: three threads create threads that end at once, 2000 each, against the
// component's quota of 8: every attempt succeeds or is refused with kQuotaExceeded (then it
// is made again), and a slot freed by an exit is taken again.
#include "component.h"

using tessera::Status;
using tessera::Syscall;

namespace {

constexpr unsigned kCreators = 3;
constexpr unsigned kAttempts = 2000;  // per creator
constexpr unsigned kStacks = 6;       // more than the quota leaves free

uint64_t g_created = 0, g_refused = 0, g_unexpected = 0;
unsigned g_finished = 0;
bool g_stack_busy[kStacks];
alignas(16) char g_stacks[kStacks][4096];
alignas(16) char g_creator_stacks[kCreators][8192];

/// A created thread: frees its stack and ends, without touching the stack in between (the
/// next thread may already run on it).
[[noreturn]] void brief(void* arg) {
  __atomic_store_n(&g_stack_busy[reinterpret_cast<uint64_t>(arg)], false, __ATOMIC_RELEASE);
  asm volatile("syscall" : : "a"(static_cast<uint64_t>(Syscall::kThreadExit)) : "rcx", "r11", "memory");
  __builtin_unreachable();
}

void creator(void*) {
  for (unsigned i = 0; i < kAttempts; ++i) {
    unsigned stack = kStacks;
    for (unsigned s = 0; s < kStacks && stack == kStacks; ++s)
      if (!__atomic_exchange_n(&g_stack_busy[s], true, __ATOMIC_ACQUIRE)) stack = s;
    if (stack == kStacks) {
      tessera::sys::yield();
      --i;
      continue;
    }
    const Status s = tessera::sys::thread_create(brief, reinterpret_cast<void*>(uint64_t{stack}), g_stacks[stack],
                                                 sizeof g_stacks[stack]);
    if (s == Status::kOk) {
      __atomic_fetch_add(&g_created, 1, __ATOMIC_RELAXED);
      continue;
    }
    __atomic_store_n(&g_stack_busy[stack], false, __ATOMIC_RELEASE);
    __atomic_fetch_add(s == Status::kQuotaExceeded ? &g_refused : &g_unexpected, 1, __ATOMIC_RELAXED);
    if (s == Status::kQuotaExceeded) {  // let the threads that hold the quota end, then try again
      tessera::sys::yield();
      --i;
    }
  }
  __atomic_fetch_add(&g_finished, 1, __ATOMIC_RELEASE);
}

}  // namespace

int main() {
  // The first creators may fill the quota before the last one exists: try until it does.
  for (unsigned i = 0; i < kCreators; ++i)
    while (tessera::sys::thread_create(creator, nullptr, g_creator_stacks[i], sizeof g_creator_stacks[i]) !=
           Status::kOk)
      tessera::sys::yield();
  uint64_t last = 0, still = 0;
  while (__atomic_load_n(&g_finished, __ATOMIC_ACQUIRE) < kCreators) {
    tessera::sys::sleep_ms(5);
    const uint64_t now = __atomic_load_n(&g_created, __ATOMIC_RELAXED) + __atomic_load_n(&g_refused, __ATOMIC_RELAXED);
    if (now != last) {
      last = now, still = 0;
    } else if (++still == 400) {  // two seconds without a creation or a refusal: say where it stands
      unsigned busy = 0;
      for (unsigned i = 0; i < kStacks; ++i)
        busy |= (__atomic_load_n(&g_stack_busy[i], __ATOMIC_RELAXED) ? 1u : 0u) << i;
      tessera::log("churner: stuck: %lu created, %lu refused, %u finished, stacks busy 0x%x\n", g_created, g_refused,
                   __atomic_load_n(&g_finished, __ATOMIC_RELAXED), busy);
    }
  }
  const bool ok = g_unexpected == 0 && g_created == uint64_t{kCreators} * kAttempts;
  tessera::log("churner: %lu threads created and ended, %lu refused for the quota, %lu unexpected statuses\n",
               g_created, g_refused, g_unexpected);
  auto report = churner::report_client();
  (void)report.done(2, ok, g_created);
  return 0;
}
