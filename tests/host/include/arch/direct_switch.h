// The host tests' fastpath switch (fake_platform.cpp): recorded like switch_context, and
// refused while a test asks for it (fake::Platform::direct_switch_refused), which stands for
// threads whose segment state differs.
#pragma once

#include "kernel/platform.h"

namespace platform {

bool direct_switch_possible(Context& from, const Context& to);
void direct_switch(Context& from, const Context& to, const AddressSpace& to_space);

}  // namespace platform
