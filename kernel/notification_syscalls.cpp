// The notification system calls (signal, wait, poll) and the acknowledgement of an interrupt
// line, which reaches its driver as notification bits: decode the cap, then invoke.
#include "kernel/component.h"
#include "kernel/irq.h"
#include "kernel/notification.h"
#include "kernel/syscalls.h"

namespace kernel {
namespace {

using tessera::CapType;
namespace rights = tessera::rights;

/// A decoded signal: the notification and the bits it gets (the argument's and the badge's).
struct SignalOp {
  Notification* n;
  uint64_t bits;
};

Result<SignalOp> decode_signal(const Thread& self, SignalArgs args) {
  Cap* cap = TRY(self.component->caps.lookup(args.slot, CapType::kNotification, rights::kSend));
  const uint64_t bits = args.bits | cap->badge;
  if (bits == 0) return Status::kInvalidArgument;
  return SignalOp{static_cast<Notification*>(cap->object), bits};
}

Result<Notification*> decode_receive(const Thread& self, SlotArgs args) {
  Cap* cap = TRY(self.component->caps.lookup(args.slot, CapType::kNotification, rights::kRecv));
  return static_cast<Notification*>(cap->object);
}

/// The line must be masked: only an interrupt the kernel delivered can be acknowledged.
Result<Irq*> decode_irq_ack(const Thread& self, SlotArgs args) {
  Cap* cap = TRY(self.component->caps.lookup(args.slot, CapType::kIrq, 0));
  auto* irq = static_cast<Irq*>(cap->object);
  if (!irq->masked) return Status::kInvalidArgument;
  return irq;
}

}  // namespace

Thread* sys_signal(Cpu& cpu, Thread* self, SignalArgs args) {
  auto op = decode_signal(*self, args);
  if (!op.ok()) return refuse(self, op.status());
  write_status(*self->frame, Status::kOk);
  return notification_signal(cpu, self, op.value().n, op.value().bits);
}

Thread* sys_wait(Cpu& cpu, Thread* self, SlotArgs args) {
  auto n = decode_receive(*self, args);
  if (!n.ok()) return refuse(self, n.status());
  return notification_wait(cpu, self, n.value());
}

Thread* sys_poll(Cpu&, Thread* self, SlotArgs args) {
  auto n = decode_receive(*self, args);
  if (!n.ok()) return refuse(self, n.status());
  const uint64_t bits = notification_poll(n.value());
  write_results(*self->frame, bits != 0 ? Status::kOk : Status::kWouldBlock, WordResult{bits});
  return self;
}

Thread* sys_irq_ack(Cpu&, Thread* self, SlotArgs args) {
  auto irq = decode_irq_ack(*self, args);
  if (!irq.ok()) return refuse(self, irq.status());
  irq_unmask(*irq.value());
  return succeed(self);
}

}  // namespace kernel
