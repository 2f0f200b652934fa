// Component entry: rdi = heap base, rsi = heap size, rdx = component index (tessera/abi.h).
// The kernel starts us with a 16-byte aligned stack; the call keeps the ABI's alignment.
  .section .text._start, "ax"
  .global _start
  .type _start, @function
_start:
  xorl %ebp, %ebp
  call tessera_runtime_start
  ud2

  .section .note.GNU-stack, "", @progbits
