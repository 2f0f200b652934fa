// System call entry and exit (syscall/sysret). The entry turns the user registers into a
// kernel::SyscallFrame on top of the thread's kernel stack (see include/arch/syscall_frame.h; the
// push order below is that layout read backwards), tries the IPC fastpath
// (kernel/fastpath.cpp) and otherwise calls syscall_dispatch(frame), the general path. The
// fastpath's three exits (the caller goes on; another thread resumes from its frame; another
// thread receives the caller's message) load only what the fastpath may have changed.
// Per-CPU offsets: see PerCpu in cpu_local.h.

#define PERCPU_KERNEL_STACK_TOP 8
#define PERCPU_USER_RSP 16
#define FRAME_RIP 104
// RFLAGS bits user code may keep across the kernel: CF PF AF ZF SF TF DF OF AC ID.
// Everything else (IOPL above all, which sysret would load [Intel SDM vol2 SYSRET]) is dropped.
#define USER_FLAGS_MASK 0x240dd5
#define USER_FLAGS_SET 0x202 // IF and the always-one bit

// Switches to the thread's kernel stack and pushes the frame.
.macro SAVE_FRAME
  swapgs
  movq %rsp, %gs:PERCPU_USER_RSP
  movq %gs:PERCPU_KERNEL_STACK_TOP, %rsp
  pushq %gs:PERCPU_USER_RSP  // rsp
  pushq %r11                 // rflags
  pushq %rcx                 // rip
  pushq %r15                 // preserved[3]
  pushq %r14                 // preserved[2]
  pushq %rbp                 // preserved[1]
  pushq %rbx                 // preserved[0]
  pushq %r13                 // mr[5]
  pushq %r12                 // mr[4]
  pushq %r9                  // mr[3]
  pushq %r8                  // mr[2]
  pushq %r10                 // mr[1]
  pushq %rdx                 // mr[0]
  pushq %rsi                 // a1
  pushq %rdi                 // a0
  pushq %rax                 // op
  // 16 words below a 16-byte aligned top: rsp is 16-byte aligned for the calls.
.endm

// The user's rflags in r11 as sysret may load them.
.macro USER_FLAGS
  andq $USER_FLAGS_MASK, %r11
  orq $USER_FLAGS_SET, %r11
.endm

// Pops the frame's first seven words: the registers a system call's results and a message's
// first words travel in (op, a0, a1, mr0-mr3).
.macro POP_RESULTS
  popq %rax
  popq %rdi
  popq %rsi
  popq %rdx
  popq %r10
  popq %r8
  popq %r9
.endm

// Pops the frame's preserved registers and where ring 3 resumes (rip in rcx, rflags in r11),
// leaving rsp at its user_sp word.
.macro POP_PRESERVED
  popq %rbx
  popq %rbp
  popq %r14
  popq %r15
  popq %rcx
  popq %r11
.endm

// Loads every register but rsp from the frame at rsp, leaving rsp at its user_sp word.
.macro RESTORE_FRAME
  POP_RESULTS
  popq %r12
  popq %r13
  POP_PRESERVED
.endm

// The fastpath's way out, with rsp at the user_sp word of a frame and r11 the user's rflags:
// lets go of the kernel lock the fastpath kept (kernel/lock.h, kernel_lock_serving) as the
// last step before swapgs, after the last read of any frame, touching no register.
.macro FAST_SYSRET
  USER_FLAGS
  popq %rsp
  incl kernel_lock_serving(%rip)
  swapgs
  sysretq
.endm

  .section .text
  .code64
  .global syscall_entry
  .balign 16
syscall_entry:
  // The CPU put the user rip in rcx and rflags in r11, and cleared IF, DF, TF, AC through
  // FMASK. rsp is still the user's: nothing may touch the stack before it is switched.
  // Invariant: the rip of every frame a system call entry saved passed this check, so the
  // fastpath's exit, which only ever resumes such frames, need not repeat it. The syscall was at a user address, below 2^47, so rcx is at most
  // 2^47 + 1 and bit 47 alone tells whether it is canonical. sysret to a non-canonical rcx
  // would fault in ring 0 on the user's stack on Intel CPUs: such a call stops its thread
  // as a #GP instead.
  btq $47, %rcx
  jc .Lbad_entry
  // kNull (0, the whole register) touches nothing: no stack, no lock, no state.
  testq %rax, %rax
  jz .Lnull
  SAVE_FRAME
  // The fastpath returns 0 or a frame, perhaps tagged with kFastExitMessage (bit 0; see
  // kernel/platform.h); the lock is held whatever it returns. rbx, rbp and r12-r15 come back from the call as they went in:
  // still the user's (the C++ ABI keeps them).
  call syscall_fastpath
  cmpq %rax, %rsp
  je .Lfast_same
  btrq $0, %rax              // kFastExitMessage
  jc .Lfast_message
  testq %rax, %rax
  jz .Lgeneral
  // Another thread, all of its registers from its frame.
  movq %rax, %rsp
  RESTORE_FRAME
  FAST_SYSRET

.Lfast_same:
  // The caller goes on: the fastpath wrote at most rax, rdi, rsi, rdx and r10 of its frame.
  POP_RESULTS
  addq $48, %rsp             // r12, r13, rbx, rbp, r14, r15: still in their registers
  popq %rcx
  popq %r11
  FAST_SYSRET

.Lfast_message:
  // The thread in rax receives the caller's message: kOk, the info word and mr0-mr3 from the
  // caller's frame, mr4 and mr5 (r12, r13) still in their registers; the badge and the rest
  // from its own frame. Every read of the caller's frame comes before the lock is let go.
  movq 8(%rax), %rdi
  movq 16(%rsp), %rsi
  movq 24(%rsp), %rdx
  movq 32(%rsp), %r10
  movq 40(%rsp), %r8
  movq 48(%rsp), %r9
  leaq 72(%rax), %rsp        // its preserved registers, rip, rflags and rsp
  xorl %eax, %eax            // kOk
  POP_PRESERVED
  FAST_SYSRET

.Lgeneral:
  movq %rsp, %rdi
  call syscall_dispatch
  jmp syscall_return_to_user

.Lbad_entry:
  SAVE_FRAME
  movq %rsp, %rdi
  call syscall_bad_return    // never returns
  ud2

.Lnull:
  USER_FLAGS
  sysretq  // rax = 0 = kOk

// A new user thread's first switch lands here (see prepare_user_thread), and so does any
// thread resumed from its frame alone: the kernel lets go of what the switching CPU held,
// then the thread leaves like any system call.
  .global thread_start_user
thread_start_user:
  call thread_first_run

  // The exit path: rsp points at the SyscallFrame of the thread to resume.
  .global syscall_return_to_user
syscall_return_to_user:
  // A frame the kernel built (a new thread's) may hold any rip: refuse anything that is not
  // a lower-half address before restoring registers.
  movq FRAME_RIP(%rsp), %rcx
  movq %rcx, %r11
  shrq $47, %r11
  jnz .Lbad_rip
.Lrestore:
  RESTORE_FRAME
  USER_FLAGS
  popq %rsp
  // From here to sysret the stack is the user's; nothing but NMI and #MC (on their own IST
  // stacks) can interrupt, because IF is clear.
  swapgs
  sysretq

.Lbad_rip:
  movq %rsp, %rdi
  call syscall_bad_return    // never returns
  ud2

// [[noreturn]] void platform::idle_halt(): the idle thread's loop, which holds nothing in
// registers. sti takes effect after the next instruction, so an interrupt already pending is
// taken once hlt starts, and ends it: no wake-up slips in between [Intel SDM vol2 STI]. An
// interrupt is only taken at the hlt, which it leaves for idle_halt_woken [Intel SDM vol2 HLT],
// or at idle_halt_woken itself, after an interrupt there returned with iretq.
  .global _ZN8platform9idle_haltEv
  .balign 16
_ZN8platform9idle_haltEv:
  sti
  hlt
idle_halt_woken:
  cli
  jmp _ZN8platform9idle_haltEv

// The reschedule interrupt (apic.h: kRescheduleVector). Taken in the idle thread's halt, it
// needs no registers saved (idle_halt holds none) and may leave the idle thread for good:
// kernel::idle_wake switches to a ready thread directly and this leaves through its frame as
// the fastpath's exit does, letting go of the lock last; or it returns 0 and the halt goes on.
// Anywhere else it takes the general interrupt path. Ring 3 too, whatever its rip: a jump to
// idle_halt_woken faults on the fetch, but an interrupt pending at that moment is delivered
// first, with that rip saved [Intel SDM vol3 §6.9, priority among events] and the user's GS
// base, flags and registers in place.
  .global reschedule_stub
  .balign 16
reschedule_stub:
  testb $3, 8(%rsp)              // the interrupted CS: from ring 3?
  jnz interrupt_stub_0x41
  cmpq $idle_halt_woken, (%rsp)  // the interrupted rip
  jne interrupt_stub_0x41
  // The CPU aligned rsp to 16 before pushing its five words [Intel SDM vol3 §6.14.2].
  subq $8, %rsp
  call reschedule_in_idle
  addq $8, %rsp
  testq %rax, %rax
  jz .Lidle_goes_on
  movq %rax, %rsp
  RESTORE_FRAME
  FAST_SYSRET
.Lidle_goes_on:
  iretq

  .section .note.GNU-stack, "", @progbits
