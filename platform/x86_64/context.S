// Thread switch on the kernel stack: platform::switch_context and platform::start_first.
// The address space (CR3), the user FS base and the kernel stack for entries from ring 3
// are loaded only when they change.
// A switched-out thread's stack holds, from its saved rsp up: r15 r14 r13 r12 rbx rbp, then
// the address to return to (see prepare_user_thread in thread.cpp).

#define PERCPU_KERNEL_STACK_TOP 8
#define PERCPU_CURRENT_ROOT 32
#define PERCPU_TSS 40
#define TSS_RSP0 4
#define CONTEXT_KERNEL_RSP 0
#define PERCPU_USER_FS_BASE 56
#define CONTEXT_KERNEL_STACK_TOP 8
#define CONTEXT_USER_FS_BASE 16
#define MSR_FS_BASE 0xc0000100

  .section .text
  .code64

// void platform::switch_context(Context& from, Context& to, const AddressSpace& to_space)
//   rdi = &from, rsi = &to, rdx = &to_space
  .global _ZN8platform14switch_contextERNS_7ContextES1_RKNS_12AddressSpaceE
  .balign 16
_ZN8platform14switch_contextERNS_7ContextES1_RKNS_12AddressSpaceE:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, CONTEXT_KERNEL_RSP(%rdi)
.Lresume:
  // Load CR3 only for a different address space: the write flushes the TLB's user entries.
  // Root 0 (the idle thread) keeps the current one.
  movq (%rdx), %rax
  testq %rax, %rax
  jz 1f
  cmpq %gs:PERCPU_CURRENT_ROOT, %rax
  je 1f
  movq %rax, %gs:PERCPU_CURRENT_ROOT
  movq %rax, %cr3
1:
  // The FS base of ring 3 is the thread's IPC buffer. Thread n of every component has its
  // buffer at the same address, and the idle thread carries thread 0's (the kernel itself
  // never uses FS), so most switches write nothing.
  movq CONTEXT_USER_FS_BASE(%rsi), %rax
  cmpq %gs:PERCPU_USER_FS_BASE, %rax
  je 2f
  movq %rax, %gs:PERCPU_USER_FS_BASE
  movq %rax, %rdx  // nothing below needs to_space any more
  shrq $32, %rdx
  movl $MSR_FS_BASE, %ecx
  wrmsr
2:
  // Entries from ring 3 of the next thread land on its stack: syscall via the per-CPU slot,
  // exceptions and interrupts via TSS.rsp0 [Intel SDM vol3 §6.14.2].
  movq CONTEXT_KERNEL_STACK_TOP(%rsi), %rax
  movq %rax, %gs:PERCPU_KERNEL_STACK_TOP
  movq %gs:PERCPU_TSS, %rcx
  movq %rax, TSS_RSP0(%rcx)
  movq CONTEXT_KERNEL_RSP(%rsi), %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret

// [[noreturn]] void platform::start_first(Context& to, const AddressSpace& to_space)
//   rdi = &to, rsi = &to_space
  .global _ZN8platform11start_firstERNS_7ContextERKNS_12AddressSpaceE
  .balign 16
_ZN8platform11start_firstERNS_7ContextERKNS_12AddressSpaceE:
  movq %rsi, %rdx
  movq %rdi, %rsi
  jmp .Lresume

  .section .note.GNU-stack, "", @progbits
