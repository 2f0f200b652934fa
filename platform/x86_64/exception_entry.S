// Entry stubs for CPU exceptions (vectors 0-31) and a catch-all for stray interrupts.
// Each stub makes the stack hold an InterruptFrame (see exceptions.h) and calls
// exception_dispatch. From ring 3 the stub swaps GS in so C++ finds its per-CPU block.

  .section .text
  .code64

// Vectors whose exceptions push an error code [Intel SDM vol3 §6.15]; the others get a 0.
.macro EXCEPTION_STUB vector
  .balign 16
exception_stub_\vector:
  .if (\vector == 8) || (\vector >= 10 && \vector <= 14) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
  .else
  pushq $0
  .endif
  pushq $\vector
  jmp exception_common
.endm

.altmacro
.macro EXCEPTION_STUBS first, last
  EXCEPTION_STUB %first
  .if \last-\first
  EXCEPTION_STUBS %(\first+1), \last
  .endif
.endm

EXCEPTION_STUBS 0, 31

// The APIC interrupts the platform handles (see apic.h); they share the exception path.
.macro INTERRUPT_STUB vector
  .balign 16
  .global interrupt_stub_\vector
interrupt_stub_\vector:
  pushq $0
  pushq $\vector
  jmp exception_common
.endm
INTERRUPT_STUB 0x40
INTERRUPT_STUB 0x41
INTERRUPT_STUB 0x42

// Device lines (irq.h: kDeviceVectorBase, kDeviceVectorCount); named in decimal.
.macro DEVICE_STUBS first, last
  INTERRUPT_STUB %first
  .if \last-\first
  DEVICE_STUBS %(\first+1), \last
  .endif
.endm
DEVICE_STUBS 0x50, 0x6f

exception_common:
  // Stack: vector, error code, then the CPU's rip, cs, rflags, rsp, ss.
  // Interrupt and exception entry keep the interrupted code's AC and DF, which ring 3 sets
  // at will (popf). AC would turn SMAP off for the kernel: start from clean flags (IF is
  // already clear). This works with or without SMAP, unlike clac.
  pushq $2
  popfq
  testb $3, 24(%rsp)
  jz 1f
  swapgs
1:
  pushq %rax
  pushq %rbx
  pushq %rcx
  pushq %rdx
  pushq %rsi
  pushq %rdi
  pushq %rbp
  pushq %r8
  pushq %r9
  pushq %r10
  pushq %r11
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  // 15 registers + vector + error code + 5 CPU words = 22 words: rsp stays 16-byte aligned.
  movq %rsp, %rdi
  call exception_dispatch
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %r11
  popq %r10
  popq %r9
  popq %r8
  popq %rbp
  popq %rdi
  popq %rsi
  popq %rdx
  popq %rcx
  popq %rbx
  popq %rax
  testb $3, 24(%rsp)
  jz 2f
  swapgs
2:
  addq $16, %rsp
  iretq

// Every vector nobody owns: stray_interrupt (smp.cpp) acknowledges it if the local APIC
// has it in service. kStrayVector (apic.h) stands in for the vector.
  INTERRUPT_STUB 0x100

// The APIC's spurious vector: return without an EOI, which it must not get.
  .balign 16
  .global ignore_interrupt
ignore_interrupt:
  iretq

  .section .rodata
  .balign 8
  .global exception_stubs
exception_stubs:
.macro STUB_ADDRESS vector
  .quad exception_stub_\vector
.endm
.macro STUB_ADDRESSES first, last
  STUB_ADDRESS %first
  .if \last-\first
  STUB_ADDRESSES %(\first+1), \last
  .endif
.endm
STUB_ADDRESSES 0, 31

  .global device_stubs
device_stubs:
.macro DEVICE_ADDRESS vector
  .quad interrupt_stub_\vector
.endm
.macro DEVICE_ADDRESSES first, last
  DEVICE_ADDRESS %first
  .if \last-\first
  DEVICE_ADDRESSES %(\first+1), \last
  .endif
.endm
DEVICE_ADDRESSES 0x50, 0x6f

  .section .note.GNU-stack, "", @progbits
