// The system calls of a supervisor's component caps: start, stop and restart the component
// a cap names. Each decodes the cap (type kComponent, right kSend) and then acts.
#include "kernel/component.h"
#include "kernel/ipc.h"
#include "kernel/kernel_state.h"
#include "kernel/scheduler.h"
#include "kernel/supervision.h"
#include "kernel/syscalls.h"

namespace kernel {
namespace {

/// The component behind the component cap in `slot` of self's table. The boot spec gives
/// such caps only for supervised components, and never to the component itself; but a cap
/// passed on in a message can name its receiver. Its own component is kInvalidArgument: a
/// stop would return to the dead caller, a restart wait for ever for the caller to go.
Result<Component*> controlled(const Thread& self, uint64_t slot) {
  Cap* cap = TRY(self.component->caps.lookup(slot, tessera::CapType::kComponent, tessera::rights::kSend));
  auto* c = static_cast<Component*>(cap->object);
  if (c == self.component) return Status::kInvalidArgument;
  return c;
}

/// The start's answer: self goes on, or the new instance's first thread runs instead when
/// it outranks self on this CPU.
Thread* answer_start(Cpu& cpu, Thread* self, const Result<Thread*>& started, const Component& c) {
  write_results(*self->frame, started.ok() ? Status::kOk : started.status(), WordResult{c.sup.generation});
  return started.ok() ? wake(cpu, self, started.value()) : self;
}

}  // namespace

Thread* sys_component_start(Cpu& cpu, Thread* self, SlotArgs args) {
  auto c = controlled(*self, args.slot);
  if (!c.ok()) return refuse(self, c.status());
  if (!c.value()->sup.loaded) return refuse(self, Status::kPeerDied);  // its boot failed
  if (!c.value()->stopped) return refuse(self, Status::kNotStopped);
  WorkBudget work;
  return answer_start(cpu, self, component_start(cpu, c.value(), work), *c.value());
}

Thread* sys_component_stop(Cpu& cpu, Thread* self, SlotArgs args) {
  auto c = controlled(*self, args.slot);
  if (!c.ok()) return refuse(self, c.status());
  component_stop(cpu, c.value());
  write_results(*self->frame, Status::kOk, WordResult{c.value()->sup.generation});
  return self;
}

Thread* sys_component_restart(Cpu& cpu, Thread* self, SlotArgs args) {
  auto c = controlled(*self, args.slot);
  if (!c.ok()) return refuse(self, c.status());
  if (!c.value()->sup.loaded) return refuse(self, Status::kPeerDied);  // its boot failed
  Component& target = *c.value();
  if (!target.stopped) {
    stop_component(cpu, &target, 0, Status::kPeerRestarted, state().endpoint_pool(), false);
  } else {
    // Stopped for good until now: from here its callers learn that it is coming back.
    for (Endpoint& ep : state().endpoint_pool())
      if (ep.owner == &target && ep.down) endpoint_down(cpu, &ep, Status::kPeerRestarted);
  }
  WorkBudget work;
  return answer_start(cpu, self, component_start(cpu, &target, work), target);
}

}  // namespace kernel
