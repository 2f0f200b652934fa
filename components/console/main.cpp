// console: the only component granted COM1; prints what the others send through its interface.
#include "component.h"
#include "uart.h"

namespace ifc = tessera::interfaces::console;

namespace {

constexpr uint16_t kCom1 = 0x3f8;

struct Console {
  console_driver::Uart uart{kCom1};

  tessera::Outcome<void, ifc::Error> write(const tessera::Bytes<40>& text) {
    for (uint32_t i = 0; i < text.size; ++i) {
      char c = static_cast<char>(text.data[i]);
      if (c == '\n') uart.put('\r');
      uart.put(c);
    }
    return {};
  }
};

}  // namespace

int main() {
  Console impl;
  impl.uart.init();
  console::serve(impl);
}
