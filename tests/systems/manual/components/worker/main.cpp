// worker: counts its run in the shared page, says where it will fault, and faults there:
// its first run with an undefined instruction (#UD, vector 6), its second by writing to its
// own text, which copy-on-write must not make writable (#PF, vector 14).
#include "component.h"
#include "runs.h"

extern "C" void worker_fault_here();
asm(R"(
  .text
  .globl worker_fault_here
worker_fault_here:
  ud2
)");

int main() {
  auto* runs = reinterpret_cast<volatile Runs*>(worker::memory::kRunsBase);
  runs->count = runs->count + 1;
  runs->fault_ip = reinterpret_cast<uint64_t>(&worker_fault_here);
  tessera::log("worker: run %lu, faulting at 0x%lx\n", runs->count, runs->fault_ip);
  if (runs->count == 1) worker_fault_here();
  *reinterpret_cast<volatile uint8_t*>(&worker_fault_here) = 0x90;  // text is never copied
  tessera::log("worker: wrote to my text: FAILED\n");
  return 0;
}
