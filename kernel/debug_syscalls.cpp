// debug_write: a component's text for the serial log.
#include "kernel/component.h"
#include "kernel/syscalls.h"
#include "kernel/user_memory.h"

namespace kernel {
namespace {

Result<UserRange> decode_debug_write(DebugWriteArgs args) {
  if (args.length > tessera::kMaxDebugWrite) return Status::kInvalidArgument;
  return UserRange::make(args.address, static_cast<size_t>(args.length));
}

}  // namespace

/// Copies the text into this CPU's debug buffer; leave_kernel writes it out once the lock is
/// let go, so a component's output never holds up another CPU. The copy is the decode's
/// last step: an unmapped page refuses the call and leaves nothing to print.
Thread* sys_debug_write(Cpu& cpu, Thread* self, DebugWriteArgs args) {
  auto range = decode_debug_write(args);
  if (!range.ok()) return refuse(self, range.status());
  if (Status s = copy_from_user(self->component->space, cpu.debug_text, range.value()); s != Status::kOk)
    return refuse(self, s);
  cpu.debug_length = static_cast<uint32_t>(range.value().length());
  return succeed(self);
}

}  // namespace kernel
