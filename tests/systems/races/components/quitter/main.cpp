// quitter: one thread calls the slow server; the other ends the component while that call
// is in the middle of being served.
#include "component.h"

namespace {

void caller(void*) {
  auto slow = quitter::slow_client();
  (void)slow.work(50);
  tessera::log("quitter: FAILED, the call came back although the component exited\n");
}

alignas(16) char g_stack[8192];

}  // namespace

int main() {
  tessera::sys::thread_create(caller, nullptr, g_stack, sizeof g_stack);
  tessera::sys::sleep_ms(10);
  tessera::log("quitter: exiting while my other thread waits for slowpoke\n");
  return 0;
}
