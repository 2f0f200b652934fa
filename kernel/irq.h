// Interrupt lines granted to user-space drivers: each interrupt masks its line and signals
// the driver's notification; the driver's kIrqAck unmasks it.
#pragma once

#include <stdint.h>

#include "kernel/cpu.h"
#include "kernel/notification.h"
#include "kernel/result.h"

namespace kernel {

struct Component;

struct Irq {
  uint32_t line = 0;  ///< as granted (ISA IRQ or GSI)
  Notification* notification = nullptr;
  uint64_t bits = 0;
  Component* driver = nullptr;
  bool masked = false;  ///< raised and not yet acknowledged
  bool routed = false;  ///< the platform routed it at boot (a driver's restart unmasks it again)
  uint32_t count = 0;   ///< interrupts delivered
};

/// The line of `irq` interrupted this CPU: mask it until the driver acknowledges, and
/// signal the driver. A stopped driver's line stays masked.
void irq_raised(Cpu& cpu, Irq& irq);

/// kIrqAck, once decoded: unmasks the line. Precondition: it is masked (it was raised since
/// the last acknowledgement; the decode refuses otherwise with kInvalidArgument).
void irq_unmask(Irq& irq);

}  // namespace kernel
