// worker: counts its run in the shared page, says where it will fault, and faults there
// with an undefined instruction (#UD, vector 6).
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
  worker_fault_here();
  return 0;
}
