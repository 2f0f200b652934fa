// The kernel-stack checks: the magic word at each stack's end, and the high-water report.
#include "kernel/kernel_stack.h"

#include "kernel/kernel_state.h"
#include "kernel/log.h"

namespace kernel {
namespace {

const char* owner_name(const Thread& t) { return t.component != nullptr ? t.component->name : "the idle thread"; }

}  // namespace

void check_kernel_stack(const Cpu& cpu) {
  const Thread* t = cpu.current;
  if (t == nullptr || t->context.kernel_stack_top == 0) return;
  if (!stack_end_intact(t->context.kernel_stack_top))
    panic("kernel stack overflow: a thread of %s on cpu %u ran past the %lu bytes of its kernel stack", owner_name(*t),
          cpu.index, kKernelStackBytes);
}

void log_kernel_stack_use() {
  const KernelState& k = state();
  size_t deepest = 0;
  const char* where = "nothing";
  auto look = [&](const Thread& t, const char* name) {
    const uint64_t top = t.context.kernel_stack_top;
    if (top == 0) return;
    if (!stack_end_intact(top)) panic("kernel stack overflow: a thread of %s ran past its kernel stack", name);
    const size_t used = stack_high_water(top);
    if (used > deepest) {
      deepest = used;
      where = name;
    }
  };
  for (uint32_t i = 0; i < k.component_count; ++i) {
    const Component& c = k.components[i];
    for (uint32_t j = 0; j < c.thread_quota && c.threads != nullptr; ++j) look(c.threads[j], c.name);
  }
  for (uint32_t i = 0; i < k.cpu_count; ++i)
    if (k.cpus[i].idle != nullptr) look(*k.cpus[i].idle, "the idle thread");
  log("kernel: deepest kernel stack: %lu of %lu bytes (%s)\n", deepest, kKernelStackBytes, where);
}

}  // namespace kernel
