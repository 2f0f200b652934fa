// Thread switch on the kernel stack: platform::switch_context and platform::start_first.
// A switched-out thread's stack holds, from its saved rsp up: r15 r14 r13 r12 rbx rbp, then
// the address to return to (see thread.cpp); a saved rsp of 0 says the thread is resumed
// from its SyscallFrame alone (it left the kernel through the IPC fastpath, which keeps no
// kernel stack across the switch), or, for a kernel thread (the idle thread, left by
// kernel::idle_wake), that it starts again at its entry on an empty stack.
//
// Besides the registers, a thread owns the state ring 3 can change without the kernel: the
// data segment selectors (any `mov %ax, %ds` ... `%gs`) and the FS base (a selector load
// sets it from the descriptor, 0). They are saved as the outgoing thread left them and
// loaded for the incoming one, so nothing one thread does to them reaches another. The
// user GS base needs no switch: with CR4.FSGSBASE clear, ring 3 can only load it from a
// descriptor (base 0), which is what every thread starts with (see docs/kernel.md).
// Only what differs is written, so a switch between threads that left everything as the
// kernel set it costs five reads and two compares.

#define PERCPU_KERNEL_STACK_TOP 8
#define PERCPU_CURRENT_ROOT 32
#define PERCPU_TSS 40
#define TSS_RSP0 4
#define CONTEXT_KERNEL_RSP 0
#define CONTEXT_KERNEL_STACK_TOP 8
#define CONTEXT_USER_FS_BASE 16
#define CONTEXT_USER_DS 24
#define CONTEXT_USER_ES 26
#define CONTEXT_USER_FS 28
#define CONTEXT_USER_GS 30
#define CONTEXT_KERNEL_ENTRY 32
#define MSR_FS_BASE 0xc0000100
#define FRAME_SIZE 128 // sizeof(kernel::SyscallFrame)

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
.Lsave_segments:
  // What the outgoing thread left in the segment state (the kernel itself never changes it,
  // so for the idle thread this is what the thread before it left).
  movq %rdx, %r8
  movw %ds, CONTEXT_USER_DS(%rdi)
  movw %es, CONTEXT_USER_ES(%rdi)
  movw %fs, CONTEXT_USER_FS(%rdi)
  movw %gs, CONTEXT_USER_GS(%rdi)
  movl $MSR_FS_BASE, %ecx
  rdmsr
  movl %eax, CONTEXT_USER_FS_BASE(%rdi)
  movl %edx, CONTEXT_USER_FS_BASE+4(%rdi)
  movq %r8, %rdx
.Lresume:
  // rdi = what the CPU's segment state is now, rsi = &to, rdx = &to_space.
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
  // A kernel thread leaves the segment state alone: the next user thread compares with it.
  cmpq $0, CONTEXT_KERNEL_ENTRY(%rsi)
  jne 2f
  movq CONTEXT_USER_DS(%rsi), %rax  // all four selectors at once
  cmpq CONTEXT_USER_DS(%rdi), %rax
  jne .Lload_selectors
  movq CONTEXT_USER_FS_BASE(%rsi), %rax
  cmpq CONTEXT_USER_FS_BASE(%rdi), %rax
  je 2f
.Lload_fs_base:
  movq CONTEXT_USER_FS_BASE(%rsi), %rax
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
  testq %rsp, %rsp
  jz .Lfrom_frame
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret

.Lfrom_frame:
  // kernel_rsp 0: the thread has nothing left to do in the kernel but return to ring 3 with
  // the SyscallFrame at the top of its stack (the fastpath switched away from it).
  movq CONTEXT_KERNEL_ENTRY(%rsi), %rcx
  testq %rcx, %rcx
  jnz .Lkernel_afresh
  leaq -FRAME_SIZE(%rax), %rsp  // rax = its kernel stack top
  jmp thread_start_user

.Lkernel_afresh:
  // A kernel thread that keeps nothing: its entry again, on its stack as prepare_kernel_thread
  // leaves it (a zero return address at the top). rax = its stack top, rcx = its entry.
  andq $-16, %rax
  leaq -8(%rax), %rsp
  movq $0, (%rsp)
  jmp *%rcx

// [[noreturn]] void platform::x86::start_kernel_thread_afresh(const Context& ctx)
//   rdi = &ctx of a kernel thread, whose stack the CPU need not be on.
  .global _ZN8platform3x8626start_kernel_thread_afreshERKNS_7ContextE
  .balign 16
_ZN8platform3x8626start_kernel_thread_afreshERKNS_7ContextE:
  movq CONTEXT_KERNEL_STACK_TOP(%rdi), %rax
  movq CONTEXT_KERNEL_ENTRY(%rdi), %rcx
  jmp .Lkernel_afresh

.Lload_selectors:
  // The selectors are ones ring 3 loaded (DPL 3 or null), so ring 0 may load them too.
  movw CONTEXT_USER_DS(%rsi), %ds
  movw CONTEXT_USER_ES(%rsi), %es
  movw CONTEXT_USER_FS(%rsi), %fs
  // Loading GS writes the base of the GS in use, which in the kernel is the per-CPU block:
  // make the user's base (parked in KERNEL_GS_BASE) the one in use around the load. An NMI
  // in between would find the user's GS; NMIs only ever panic.
  swapgs
  movw CONTEXT_USER_GS(%rsi), %gs
  swapgs
  jmp .Lload_fs_base  // loading FS set its base from the descriptor: write the thread's

// void platform::switch_context_away(Context& from, Context& to, const AddressSpace& to_space)
//   rdi = &from, rsi = &to, rdx = &to_space. Never returns: `from` is resumed from its frame.
  .global _ZN8platform19switch_context_awayERNS_7ContextES1_RKNS_12AddressSpaceE
  .balign 16
_ZN8platform19switch_context_awayERNS_7ContextES1_RKNS_12AddressSpaceE:
  movq $0, CONTEXT_KERNEL_RSP(%rdi)
  jmp .Lsave_segments

// [[noreturn]] void platform::start_first(Context& to, const AddressSpace& to_space)
//   rdi = &to, rsi = &to_space
  .global _ZN8platform11start_firstERNS_7ContextERKNS_12AddressSpaceE
  .balign 16
_ZN8platform11start_firstERNS_7ContextERKNS_12AddressSpaceE:
  movq %rsi, %rdx
  movq %rdi, %rsi
  // Nothing is known of this CPU's FS base: compare with one no thread has, so it is written.
  leaq boot_segment_state(%rip), %rdi
  jmp .Lresume

  .section .rodata
  .balign 8
// A Context as cpu_local_init leaves the CPU: null selectors, FS base unknown.
boot_segment_state:
  .quad 0, 0        // kernel_rsp, kernel_stack_top (unused)
  .quad -1          // user_fs_base: no thread's
  .word 0, 0, 0, 0  // ds, es, fs, gs
  .quad 0           // kernel_entry

  .section .note.GNU-stack, "", @progbits
