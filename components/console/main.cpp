// console: the only component granted COM1. Its main thread prints what the others send
// through its interface (on the kernel's console, which keeps lines whole); a second
// thread reads serial input by interrupt (IRQ 4, delivered as a notification) and tells the
// app, through another notification, when a line is in.
#include "component.h"
#include "uart.h"

namespace ifc = tessera::interfaces::console;

namespace {

constexpr uint16_t kCom1 = 0x3f8;

/// A lock for the two threads, which share one CPU: a waiter yields to the holder.
class YieldLock {
 public:
  void lock() {
    while (__atomic_exchange_n(&held_, true, __ATOMIC_ACQUIRE)) tessera::sys::yield();
  }
  void unlock() { __atomic_store_n(&held_, false, __ATOMIC_RELEASE); }

 private:
  bool held_ = false;
};

struct Console {
  console_driver::Uart uart{kCom1};
  YieldLock lock;  // guards last_line
  tessera::Bytes<40> last_line;

  // Output goes through the kernel's console, the one writer of the serial port's output, so
  // that the app's lines and every other component's and the kernel's reach it whole.
  tessera::Outcome<void, ifc::Error> write(const tessera::Bytes<120>& text) {
    tessera::sys::debug_write(reinterpret_cast<const char*>(text.data), text.size);
    return {};
  }

  tessera::Outcome<tessera::Bytes<40>, ifc::Error> last_input() {
    lock.lock();
    tessera::Bytes<40> line = last_line;
    lock.unlock();
    return line;
  }
};

Console g_console;

/// A completed line: keep it, say so on the console, and tell the app.
void line_done(const char* text, uint32_t length, uint32_t interrupts) {
  Console& c = g_console;
  c.lock.lock();
  c.last_line.size = length;
  for (uint32_t i = 0; i < length; ++i) c.last_line.data[i] = static_cast<uint8_t>(text[i]);
  c.lock.unlock();
  char shown[41];
  for (uint32_t i = 0; i < length; ++i) shown[i] = text[i];
  shown[length] = '\0';
  tessera::log("console: serial input '%s' (%u interrupts so far)\n", shown, interrupts);
  tessera::sys::signal(console::caps::kInput);
}

/// The input thread: each interrupt drains the receive FIFO. Bytes that arrive between the
/// drain and the acknowledgement raise no new edge, so the FIFO is drained once more after it.
void input_loop(void*) {
  char line[40];
  uint32_t length = 0;
  uint32_t interrupts = 0;
  auto drain = [&] {
    for (int byte = g_console.uart.get(); byte >= 0; byte = g_console.uart.get()) {
      if (byte == '\r' || byte == '\n' || length == sizeof(line)) {
        if (length > 0) line_done(line, length, interrupts);
        length = 0;
        if (byte == '\r' || byte == '\n') continue;
      }
      line[length++] = static_cast<char>(byte);
    }
  };
  g_console.uart.enable_receive_interrupt();
  tessera::log("console: listening for serial input on IRQ 4\n");
  for (;;) {
    uint64_t bits = 0;
    if (tessera::sys::wait(console::caps::kIrqs, &bits) != tessera::Status::kOk) continue;
    if ((bits & console::irqs::kLine4) == 0) continue;
    ++interrupts;
    drain();
    tessera::sys::irq_ack(console::caps::kIrq4);
    drain();
  }
}

alignas(16) char g_input_stack[8192];

}  // namespace

int main() {
  tessera::sys::thread_create(input_loop, nullptr, g_input_stack, sizeof(g_input_stack));
  console::serve(g_console);
}
