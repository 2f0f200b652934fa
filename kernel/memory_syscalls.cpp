// The map window's system calls: map and unmap pages of the quota, map and unmap a shared
// region through its memory cap. Each pairs a decode of kernel/memory.h with its invoke.
#include "kernel/component.h"
#include "kernel/syscalls.h"

namespace kernel {
namespace {

/// The memory cap in slot `slot` of self's table.
Result<Cap*> memory_cap(const Thread& self, uint64_t slot) {
  return self.component->caps.lookup(slot, tessera::CapType::kMemory, 0);
}

}  // namespace

Thread* sys_map(Cpu&, Thread* self, MapArgs args) {
  Component& c = *self->component;
  WorkBudget work;
  auto op = decode_map(c, args.address, args.pages, args.flags, work);
  if (!op.ok()) return answer_progress(self, op.status());
  return answer_progress(self, invoke_map(c, op.value(), work));
}

Thread* sys_unmap(Cpu&, Thread* self, UnmapArgs args) {
  Component& c = *self->component;
  WorkBudget work;
  auto op = decode_unmap(c, args.address, args.pages, work);
  if (!op.ok()) return answer_progress(self, op.status());
  return answer_progress(self, invoke_unmap(c, op.value(), work));
}

Thread* sys_region_map(Cpu&, Thread* self, RegionMapArgs args) {
  Component& c = *self->component;
  auto cap = memory_cap(*self, args.slot);
  if (!cap.ok()) return refuse(self, cap.status());
  WorkBudget work;
  auto op = decode_region_map(c, *cap.value(), args.address, work);
  if (!op.ok()) return refuse(self, op.status());
  return answer(self, invoke_region_map(c, *cap.value(), op.value(), work));
}

Thread* sys_region_unmap(Cpu&, Thread* self, SlotArgs args) {
  auto cap = memory_cap(*self, args.slot);
  if (!cap.ok()) return refuse(self, cap.status());
  if (cap.value()->mapped_at == 0) return refuse(self, Status::kNotMapped);
  WorkBudget work;
  return answer(self, invoke_region_unmap(*self->component, *cap.value(), work));
}

}  // namespace kernel
