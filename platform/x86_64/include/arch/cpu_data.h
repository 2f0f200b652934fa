// The per-CPU pointer of the kernel (kernel::Cpu), kept in the per-CPU block GS points at:
// one load, inline, because every kernel entry starts by finding it.
#pragma once

namespace platform {

/// Returns the per-CPU pointer the kernel stored with set_cpu_data.
inline void* cpu_data() {
  void* data;
  asm volatile("mov %%gs:24, %0" : "=r"(data));  // PerCpu::kernel_data (cpu_local.h)
  return data;
}
void set_cpu_data(void* data);

}  // namespace platform
