// Real-mode start-up code for application processors. smp.cpp copies the bytes between
// ap_trampoline_start and ap_trampoline_end to kTrampolinePhys (a start-up IPI makes the AP
// begin there in real mode at CS:IP = page:0 [Intel SDM vol3 §9.4.4.1]) and fills in the
// parameter block at its end. The code then enters long mode the same way boot.S does, on the
// kernel's page tables (which identity-map the trampoline page meanwhile), and jumps to
// ap_entry(index) in the higher half on the stack it was given.

#define TRAMPOLINE_PHYS 0x8000
#define AT(symbol) ((symbol) - ap_trampoline_start + TRAMPOLINE_PHYS)

  .section .rodata
  .balign 16
  .global ap_trampoline_start
ap_trampoline_start:
  .code16
  cli
  cld
  xorw %ax, %ax
  movw %ax, %ds
  lgdtl AT(tramp_gdt_pointer)
  movl %cr0, %eax
  orl $1, %eax // PE
  movl %eax, %cr0
  ljmpl $0x08, $AT(tramp_protected)

  .code32
tramp_protected:
  movw $0x10, %ax
  movw %ax, %ds
  movw %ax, %es
  movw %ax, %ss
  movl %cr4, %eax
  orl $(1 << 5), %eax // PAE
  movl %eax, %cr4
  movl AT(tramp_cr3), %eax
  movl %eax, %cr3
  movl $0xc0000080, %ecx // EFER: SCE, LME, NXE
  rdmsr
  orl $((1 << 0) | (1 << 8) | (1 << 11)), %eax
  wrmsr
  movl %cr0, %eax
  orl $((1 << 31) | (1 << 16)), %eax // PG, WP
  movl %eax, %cr0
  ljmp $0x18, $AT(tramp_long)

  .code64
tramp_long:
  movq AT(tramp_stack), %rsp
  movq AT(tramp_index), %rdi
  xorl %ebp, %ebp
  jmpq *AT(tramp_entry)

  .balign 8
tramp_gdt:
  .quad 0
  .quad 0x00cf9a000000ffff // 32-bit code
  .quad 0x00cf92000000ffff // data
  .quad 0x00af9a000000ffff // 64-bit code
tramp_gdt_pointer:
  .short tramp_gdt_pointer - tramp_gdt - 1
  .long AT(tramp_gdt)

  // Parameters, written by smp.cpp (see TrampolineParams there).
  .balign 8
  .global ap_trampoline_params
ap_trampoline_params:
tramp_cr3:
  .quad 0
tramp_stack:
  .quad 0
tramp_entry:
  .quad 0
tramp_index:
  .quad 0
  .global ap_trampoline_end
ap_trampoline_end:

  .section .note.GNU-stack, "", @progbits
