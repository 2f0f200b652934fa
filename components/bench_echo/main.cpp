// bench_echo: answers every call at once with the words it got, the first plus one, through its
// thread's sys::message() (the words past the registers stay in the IPC buffer both ways), so
// the bench measures the cost of long messages and not a dispatcher.
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  tessera::ThreadMessage& msg = tessera::sys::message();
  tessera::Status s = tessera::sys::recv(self::caps::kEndpoint, msg);
  while (s == tessera::Status::kOk) {
    msg.info = tessera::make_info(tessera::kReplyOk, tessera::info_count(msg.info));
    msg.mr[0] += 1;
    s = tessera::sys::reply_recv(self::caps::kEndpoint, msg);
  }
  return 1;
}
