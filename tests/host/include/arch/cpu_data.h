// The host tests' per-CPU pointer: one variable (fake_platform.cpp), set by each test.
#pragma once

namespace platform {

extern void* host_cpu_data;

/// Returns the per-CPU pointer the kernel stored with set_cpu_data.
inline void* cpu_data() { return host_cpu_data; }
void set_cpu_data(void* data);

}  // namespace platform
