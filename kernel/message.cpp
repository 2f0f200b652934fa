// Long messages and cap transfer: what a message carries besides its registers.
#include "kernel/message.h"

#include "arch/copy.h"  // the platform's, or the host tests' own
#include "kernel/component.h"
#include "kernel/syscall_args.h"

namespace kernel {

using tessera::kMaxMessageCaps;
using tessera::kMaxMessageWords;
using tessera::kMessageRegisters;

Status check_message(const Thread* self, uint64_t info, bool may_grant) {
  const uint32_t words = tessera::info_count(info);
  const uint32_t caps = tessera::info_caps(info);
  if (words > kMaxMessageWords || caps > kMaxMessageCaps) return Status::kInvalidArgument;
  if (caps == 0) return Status::kOk;
  if (!may_grant) return Status::kNoRights;
  for (uint32_t i = 0; i < caps; ++i) {
    Cap* cap = TRY(self->component->caps.lookup_any(self->ipc_buffer->send_caps[i]));
    if ((cap->rights & tessera::rights::kGrant) == 0) return Status::kNoRights;
  }
  return Status::kOk;
}

void transfer_extra(const Thread* from, Thread* to) {
  const uint64_t info = message_info(*from->frame);
  const tessera::IpcBuffer* src = from->ipc_buffer;
  tessera::IpcBuffer* dst = to->ipc_buffer;
  uint32_t words = tessera::info_count(info);
  if (words > kMaxMessageWords) words = kMaxMessageWords;
  if (words > kMessageRegisters)
    platform::copy_words(&dst->words[kMessageRegisters], &src->words[kMessageRegisters], words - kMessageRegisters);

  uint32_t wanted = tessera::info_caps(info);
  if (wanted > kMaxMessageCaps) wanted = kMaxMessageCaps;
  uint32_t delivered = 0;
  for (; delivered < wanted; ++delivered) {
    // The sender was checked when it sent; it may have changed its table since (another
    // of its threads), so the slot is looked at again.
    auto cap = from->component->caps.lookup_any(src->send_caps[delivered]);
    if (!cap.ok() || (cap.value()->rights & tessera::rights::kGrant) == 0) break;
    const uint32_t slot = dst->recv_slots[delivered];
    if (slot == 0) break;
    auto place = to->component->caps.empty_slot(slot);
    if (!place.ok()) break;
    Cap* c = cap.value();
    to->component->caps.derive(*c, *place.value(), c->rights, c->badge);
  }
  set_message_info(*to->frame, tessera::make_info(tessera::info_label(info), words, delivered));
}

}  // namespace kernel
