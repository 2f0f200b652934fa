// vault: a server that tells its clients apart by badge, keeps the memory cap a client sends
// it, maps and reads it, and reports what became of it after the client revoked it.
#include "component.h"

namespace ifc = tessera::interfaces::vault;
using tessera::Message;
using tessera::Status;

int main() {
  const uint32_t keep = vault::caps::kFirstFree;  // where a received cap lands
  tessera::sys::set_recv_slot(0, keep);
  Message msg;
  Status s = tessera::sys::recv(vault::caps::kEndpoint, msg);
  for (;;) {
    if (s != Status::kOk) {
      s = tessera::sys::recv(vault::caps::kEndpoint, msg);
      continue;
    }
    const uint32_t label = tessera::info_label(msg.info);
    const uint64_t badge = msg.badge;
    const uint32_t words = tessera::info_count(msg.info);
    const uint32_t caps = tessera::info_caps(msg.info);
    if (label == ifc::kLabelWho) {
      msg.mr[0] = badge == vault::clients::kAlice ? 1 : badge == vault::clients::kBob ? 2 : 0;
      msg.info = tessera::make_info(tessera::kReplyOk, 1);
    } else if (label == ifc::kLabelStore) {
      uint64_t first = 0;
      if (caps == 1 && msg.caps[0] == keep) {
        const Status m = tessera::sys::region_map(keep, tessera::layout::kMapBase);
        if (m == Status::kOk) first = *reinterpret_cast<volatile uint64_t*>(tessera::layout::kMapBase);
        tessera::log("vault: got a memory cap in slot %u, mapped: %u\n", keep, static_cast<unsigned>(m));
      }
      msg.mr[0] = first;
      msg.info = tessera::make_info(tessera::kReplyOk, 1);
    } else if (label == ifc::kLabelCheck) {
      tessera::sys::CapInfo info;
      msg.mr[0] = static_cast<uint64_t>(tessera::sys::cap_info(keep, info));
      // Revoked: the mapping went with it (the address can be backed afresh), and deleting
      // the slot makes room for the next cap.
      if (msg.mr[0] == static_cast<uint64_t>(Status::kRevoked)) {
        msg.mr[1] = static_cast<uint64_t>(tessera::sys::map(tessera::layout::kMapBase, 1));
        tessera::sys::unmap(tessera::layout::kMapBase, 1);
        tessera::sys::cap_delete(keep);
      }
      msg.info = tessera::make_info(tessera::kReplyOk, 2);
    } else if (label == ifc::kLabelLongEcho) {
      for (uint32_t i = 0; i < words; ++i) msg.mr[i] += 1;
      msg.info = tessera::make_info(tessera::kReplyOk, words);
    } else {
      msg.info = tessera::make_info(tessera::kReplyProtocolError + static_cast<uint32_t>(Status::kUnknownMethod), 0);
    }
    s = tessera::sys::reply_recv(vault::caps::kEndpoint, msg);
  }
}
