// dropper: takes one call (through the fastpath: it waits on CPU 0 above every ready thread)
// and faults holding it, with other values in every register. The caller must get
// kPeerDied and its own message registers back, not these and not nothing.
#include "component.h"

int main() {
  tessera::Message msg;
  if (tessera::sys::recv(dropper::caps::kEndpoint, msg) != tessera::Status::kOk)
    tessera::log("dropper: the receive failed: FAILED\n");
  asm volatile(
      "movq $-1, %%rax\n"
      "movq $-2, %%rdi\n"
      "movq $-3, %%rsi\n"
      "movq $-4, %%rdx\n"
      "movq $-5, %%r10\n"
      "movq $-6, %%r8\n"
      "movq $-7, %%r9\n"
      "movq $-8, %%r12\n"
      "movq $-9, %%r13\n"
      "ud2" ::
          : "rax", "rdi", "rsi", "rdx", "r10", "r8", "r9", "r12", "r13");
  tessera::log("dropper: ud2 did not stop me: FAILED\n");
  return 1;
}
