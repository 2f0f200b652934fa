// bench_cap_sink: takes the one cap each call carries into the first free slot, deletes it and
// answers without a cap (kBadMessage when none arrived), through the bare IPC system calls.
// The delete is what keeps the slot free for the next call's cap: without it the kernel would
// find the receive slot occupied and move nothing.
#include "component.h"

namespace self = TESSERA_COMPONENT;

int main() {
  constexpr uint32_t kSlot = self::caps::kFirstFree;
  tessera::sys::set_recv_slot(0, kSlot);  // the IPC buffer keeps it for every receive
  static tessera::Message msg;
  tessera::Status s = tessera::sys::recv(self::caps::kEndpoint, msg);
  constexpr uint32_t kRefused = tessera::kReplyProtocolError + static_cast<uint32_t>(tessera::Status::kBadMessage);
  while (s == tessera::Status::kOk) {
    const bool arrived = tessera::info_caps(msg.info) == 1 && tessera::sys::cap_delete(kSlot) == tessera::Status::kOk;
    msg.info = tessera::make_info(arrived ? tessera::kReplyOk : kRefused, 0);
    s = tessera::sys::reply_recv(self::caps::kEndpoint, msg);
  }
  return 1;
}
