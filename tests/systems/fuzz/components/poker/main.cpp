// poker: the fuzzer's partner. One thread calls the fuzzer's endpoint over and over (its
// threads receive it, answer, drop it or die under it); the other signals the fuzzer's
// notification every millisecond. Between them, fuzzer threads blocked in a receive or a
// wait always get going again. It reads the region the fuzzer shares with it as it goes.
#include "component.h"

namespace {

void kicker(void*) {
  for (;;) {
    tessera::sys::signal(poker::caps::kKick, 1);
    tessera::sys::sleep_ms(1);
  }
}

alignas(16) char g_kicker_stack[8192];

}  // namespace

int main() {
  tessera::sys::thread_create(kicker, nullptr, g_kicker_stack, sizeof g_kicker_stack);
  auto* shared = reinterpret_cast<volatile const uint64_t*>(poker::memory::kSharedBase);
  uint64_t seen = 0;
  for (uint64_t i = 0;; ++i) {
    tessera::Message msg;
    msg.info = tessera::make_info(static_cast<uint32_t>(i), 1);
    msg.mr[0] = i;
    tessera::sys::set_recv_slot(0, 0);  // nothing the fuzzer sends back lands in our table
    (void)tessera::sys::call(poker::caps::kTarget, msg);
    seen += shared[i % 1024];
  }
}
