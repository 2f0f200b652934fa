// bench_server: answers every call at once with value + 1, through the bare IPC system calls,
// so the bench measures the kernel's call/reply path and not a dispatcher.
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  tessera::Message msg;
  tessera::Status s = tessera::sys::recv(self::caps::kEndpoint, msg);
  while (s == tessera::Status::kOk) {
    msg.info = tessera::make_info(tessera::kReplyOk, 1);
    msg.mr[0] += 1;
    s = tessera::sys::reply_recv(self::caps::kEndpoint, msg);
  }
  return 1;
}
