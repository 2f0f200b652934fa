// cowrace: two threads of one supervised component on two CPUs, over pages that start as
// copy-on-write views of the zero page. Both read every page first, so both CPUs' TLBs hold
// the read-only translation; then one thread writes a page (its first write: the kernel
// gives the page its own copy) and the other must see the value, through its own TLB. A
// kernel that did not flush the other CPU's stale translation would leave the reader
// looking at the zero page forever.
#include "component.h"

namespace {

constexpr unsigned kPages = 32;
constexpr uint64_t kSpins = 20'000'000;

// bss: zero pages until written, and never written before the race.
alignas(4096) volatile uint64_t g_pages[kPages][512];
// The threads' handshake lives in initialised data, whose page main() copies (writes) first.
volatile uint32_t g_partner_touched = 0, g_go = 0, g_partner_done = 0, g_failures = 0, g_partner_cpu = 0;

alignas(16) uint8_t g_stack[16384];

uint64_t touch_all() {
  uint64_t sum = 0;
  for (unsigned i = 0; i < kPages; ++i) sum += g_pages[i][0] + g_pages[i][1];
  return sum;
}

/// Waits until word `w` of page `i` holds `value`; false if it never does.
bool see(unsigned i, unsigned w, uint64_t value) {
  for (uint64_t spin = 0; spin < kSpins; ++spin)
    if (g_pages[i][w] == value) return true;
  return false;
}

void wait_for(volatile uint32_t& flag) {
  while (__atomic_load_n(&flag, __ATOMIC_SEQ_CST) == 0) {
  }
}

/// The second thread: reads every page, then waits for each of main's writes to word 0 and
/// answers by writing word 1.
void partner(void*) {
  g_partner_cpu = tessera::sys::cpu_id();
  const uint64_t sum = touch_all();
  __atomic_store_n(&g_partner_touched, sum == 0 ? 1u : 2u, __ATOMIC_SEQ_CST);
  wait_for(g_go);
  for (unsigned i = 0; i < kPages; ++i) {
    if (!see(i, 0, i + 1)) __atomic_fetch_add(&g_failures, 1u, __ATOMIC_SEQ_CST);
    g_pages[i][1] = i + 100;
  }
  __atomic_store_n(&g_partner_done, 1u, __ATOMIC_SEQ_CST);
  tessera::sys::thread_exit();
}

}  // namespace

int main() {
  g_go = 0;  // the handshake's page is copied now, not during the race
  if (tessera::sys::thread_create(partner, nullptr, g_stack, sizeof g_stack) != tessera::Status::kOk) {
    tessera::log("cowrace: no second thread: FAILED\n");
    return 1;
  }
  const uint64_t before = touch_all();  // this CPU's TLB: every page read-only, pristine
  wait_for(g_partner_touched);          // and the partner's
  __atomic_store_n(&g_go, 1u, __ATOMIC_SEQ_CST);
  unsigned seen_back = 0;
  for (unsigned i = 0; i < kPages; ++i) {
    g_pages[i][0] = i + 1;  // the page's first write
    if (see(i, 1, i + 100)) ++seen_back;
  }
  wait_for(g_partner_done);
  // On one CPU the test would show nothing: a thread switch reloads the page tables.
  const uint32_t cpu = tessera::sys::cpu_id();
  tessera::log("cowrace: the threads run on cpus %u and %u: %s\n", cpu, g_partner_cpu,
               cpu != g_partner_cpu ? "ok" : "FAILED");
  const bool ok = cpu != g_partner_cpu && before == 0 && g_partner_touched == 1 && g_failures == 0 &&
                  seen_back == kPages;
  tessera::log("cowrace: %u of %u first writes seen by the other thread, %u answers seen back: %s\n",
               kPages - g_failures, kPages, seen_back, ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
