// The host tests' fastpath switch (fake_platform.cpp): recorded like switch_context, and
// refused while a test asks for it (fake::Platform::direct_switch_refused), which stands for
// threads whose segment state differs. A context resumes from its frame while its flag says so.
#pragma once

#include "kernel/platform.h"

namespace platform {

bool direct_switch_possible(Context& from, const Context& to);
inline bool resumes_from_frame(const Context& ctx) { return ctx.resumes_from_frame; }
void direct_switch(Context& from, const Context& to, const AddressSpace& to_space);
/// Recorded like direct_switch; lets go of the kernel lock and throws fake::Idle.
[[noreturn]] void direct_switch_to_idle(Context& from, const Context& idle);

}  // namespace platform
