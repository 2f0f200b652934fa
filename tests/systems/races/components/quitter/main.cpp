// quitter: one thread calls the slow server; the other ends the component while that call
// is in the middle of being served.
#include "component.h"

namespace {

bool g_calling = false;

void caller(void*) {
  auto slow = quitter::slow_client();
  __atomic_store_n(&g_calling, true, __ATOMIC_RELEASE);
  (void)slow.work(200);
  tessera::log("quitter: FAILED, the call came back although the component exited\n");
}

alignas(16) char g_stack[8192];

}  // namespace

int main() {
  tessera::sys::thread_create(caller, nullptr, g_stack, sizeof g_stack);
  // Exit once the call is surely under way: the caller is about to make it, and even if its
  // CPU gives its equals their slices first it is in the server well within 40 ms, while the
  // server takes 200 ms to answer.
  while (!__atomic_load_n(&g_calling, __ATOMIC_ACQUIRE)) tessera::sys::sleep_ms(1);
  tessera::sys::sleep_ms(40);
  tessera::log("quitter: exiting while my other thread waits for slowpoke\n");
  return 0;
}
