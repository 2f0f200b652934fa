// Bring-up of one CPU and of the legacy interrupt controllers.
#pragma once

#include <stdint.h>

#include "platform/x86_64/exceptions.h"

namespace platform::x86 {

/// GDT, TSS, GS base, IDT, CR4 protections and syscall MSRs of the calling CPU.
/// idt_init() must have run once before.
void cpu_init(uint32_t index, uint64_t kernel_root);

/// Masks both 8259 PICs after moving their vectors to 0x20-0x2f.
void pic_mask_all();

}  // namespace platform::x86
