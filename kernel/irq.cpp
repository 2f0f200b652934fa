// Interrupt delivery to drivers: mask, signal, acknowledge.
#include "kernel/irq.h"

#include "kernel/component.h"

namespace kernel {

void irq_raised(Cpu& cpu, Irq& irq) {
  platform::mask_irq(irq.line, true);
  irq.masked = true;
  ++irq.count;
  if (irq.driver == nullptr || irq.driver->stopped) return;
  notification_signal_async(cpu, irq.notification, irq.bits);
}

void irq_unmask(Irq& irq) {
  irq.masked = false;
  platform::mask_irq(irq.line, false);
}

}  // namespace kernel
