// unmapper: one thread reads a page of the map window for ever; another, once the reader is
// going, unmaps it. The kernel must take the page away on every CPU (TLB shootdown), so the
// reader faults and the component stops; until then the main thread answers `alive`.
#include "component.h"

namespace ifc = tessera::interfaces::alive;

namespace {

volatile bool g_reading = false;
volatile uint64_t g_sum = 0;

void reader(void*) {
  auto* page = reinterpret_cast<volatile uint64_t*>(tessera::layout::kMapBase);
  for (;;) {
    g_sum = g_sum + *page;
    g_reading = true;
  }
}

alignas(16) char g_stack[8192];

struct Alive {
  tessera::Outcome<void, ifc::Error> ping() { return {}; }
};

}  // namespace

int main() {
  if (tessera::sys::map(tessera::layout::kMapBase, 1) != tessera::Status::kOk) {
    tessera::log("unmapper: FAILED to map a page\n");
    return 1;
  }
  *reinterpret_cast<volatile uint64_t*>(tessera::layout::kMapBase) = 7;
  tessera::sys::thread_create(reader, nullptr, g_stack, sizeof g_stack);
  while (!g_reading) tessera::sys::sleep_ms(1);
  tessera::sys::sleep_ms(5);
  tessera::log("unmapper: unmapping the page my reader reads\n");
  if (tessera::sys::unmap(tessera::layout::kMapBase, 1) != tessera::Status::kOk)
    tessera::log("unmapper: FAILED to unmap\n");
  Alive impl;
  unmapper::serve(impl);
}
