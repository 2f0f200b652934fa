// The parts of a message beyond the registers: words in the IPC buffer, and caps.
#pragma once

#include <stdint.h>

#include "kernel/result.h"
#include "kernel/thread.h"

namespace kernel {

/// Decode step for a message `self` is about to send (info word `info`): at most
/// kMaxMessageWords words and kMaxMessageCaps caps; caps only when `may_grant` (the
/// endpoint cap, or the caller of a reply, has the grant right), and each cap named in the
/// IPC buffer exists and has the grant right itself. Errors: kInvalidArgument, kNoRights,
/// and the lookup errors of the named slots.
Status check_message(const Thread* self, uint64_t info, bool may_grant);

/// Copies the buffer words of from's message to `to`'s IPC buffer and places its caps in
/// the receive slots `to` named, as caps derived from the sender's. A cap whose slot no
/// longer holds a transferable cap, or for which `to` named no empty slot, ends the
/// transfer: to's info word says how many caps arrived.
void transfer_extra(const Thread* from, Thread* to);

}  // namespace kernel
