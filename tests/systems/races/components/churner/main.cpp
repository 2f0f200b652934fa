// churner: three threads create threads that end at once, thousands of times, against the
// component's quota of 8: every creation succeeds or is refused with kQuotaExceeded, and a
// slot freed by an exit is taken again.
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
  }
  __atomic_fetch_add(&g_finished, 1, __ATOMIC_RELEASE);
}

}  // namespace

int main() {
  for (unsigned i = 0; i < kCreators; ++i)
    (void)tessera::sys::thread_create(creator, nullptr, g_creator_stacks[i], sizeof g_creator_stacks[i]);
  while (__atomic_load_n(&g_finished, __ATOMIC_ACQUIRE) < kCreators) tessera::sys::sleep_ms(5);
  const bool ok = g_unexpected == 0 && g_created + g_refused == kCreators * kAttempts && g_created >= kAttempts / 4;
  tessera::log("churner: %lu threads created and ended, %lu refused for the quota, %lu unexpected statuses\n",
               g_created, g_refused, g_unexpected);
  auto report = churner::report_client();
  (void)report.done(2, ok, g_created);
  return 0;
}
