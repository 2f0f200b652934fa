// victim: answers a six-word call with each word inverted, on CPU 1, while its supervisor
// (boss, on CPU 2) restarts and stops it; its client on CPU 1 reaches it through the fastpath.
// It checks that it always runs on its own CPU (threads never move, and no fastpath may
// switch to it from another CPU).
#include "component.h"

int main() {
  tessera::Message msg;
  tessera::Status s = tessera::sys::recv(victim::caps::kEndpoint, msg);
  for (;;) {
    if (s != tessera::Status::kOk) {
      s = tessera::sys::recv(victim::caps::kEndpoint, msg);
      continue;
    }
    if (tessera::sys::cpu_id() != static_cast<uint32_t>(victim::kCpu))
      tessera::log("victim: a request reached me on CPU %u: FAILED\n", tessera::sys::cpu_id());
    msg.info = tessera::make_info(tessera::info_label(msg.info), 6);
    for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) msg.mr[i] = ~msg.mr[i];
    s = tessera::sys::reply_recv(victim::caps::kEndpoint, msg);
  }
}
