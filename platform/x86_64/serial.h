// COM1 set-up; output goes through platform::console_write.
#pragma once

namespace platform::x86 {

/// Programs COM1 for 115200 8N1 without interrupts.
void serial_init();

}  // namespace platform::x86
