// COM1 set-up; output goes through platform::console_write.
#pragma once

namespace platform::x86 {

/// Programs COM1 for 115200 8N1 without interrupts.
void serial_init();

/// From now on the kernel's lines wait in the buffer for the next console_flush (other CPUs
/// run, and the kernel lock may be held while logging).
void console_go_asynchronous();

/// Writes out everything buffered, this CPU's unfinished line included: before power-off.
void console_drain_for_shutdown();

}  // namespace platform::x86
