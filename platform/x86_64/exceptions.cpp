// What happens on a CPU exception: print it; a kernel bug panics, a user fault goes to the
// kernel's user_fault, which stops the thread and never comes back here.
#include "platform/x86_64/exceptions.h"
#include "arch/syscall_frame.h"
#include "kernel/kernel_stack.h"
#include "kernel/log.h"
#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/cpu_local.h"
#include "platform/x86_64/smp.h"
#include "tessera/format.h"

namespace platform::x86 {
namespace {

// [Intel SDM vol3 §6.3.1, table 6-1]
const char* const kVectorNames[32] = {"#DE divide error",
                                      "#DB debug",
                                      "NMI",
                                      "#BP breakpoint",
                                      "#OF overflow",
                                      "#BR bound range",
                                      "#UD invalid opcode",
                                      "#NM device not available",
                                      "#DF double fault",
                                      "coprocessor segment overrun",
                                      "#TS invalid TSS",
                                      "#NP segment not present",
                                      "#SS stack fault",
                                      "#GP general protection",
                                      "#PF page fault",
                                      "reserved 15",
                                      "#MF x87 error",
                                      "#AC alignment check",
                                      "#MC machine check",
                                      "#XM SIMD error",
                                      "#VE virtualization",
                                      "#CP control protection",
                                      "reserved 22",
                                      "reserved 23",
                                      "reserved 24",
                                      "reserved 25",
                                      "reserved 26",
                                      "reserved 27",
                                      "reserved 28",
                                      "#HV hypervisor injection",
                                      "#VC VMM communication",
                                      "#SX security"};

}  // namespace

[[noreturn]] void report_user_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2) {
  kernel::UserFault fault{vector, error_code, rip, vector == 14 ? cr2 : 0, {}};
  tessera::format_to(fault.description, sizeof fault.description, "vector %lu, error 0x%lx, rip 0x%lx, cr2 0x%lx",
                     vector, error_code, rip, cr2);
  kernel::user_fault(fault);
}

void print_frame(const InterruptFrame& f, uint64_t cr2) {
  kernel::log("  rip=0x%016lx cs=0x%016lx rflags=0x%016lx\n", f.rip, f.cs, f.rflags);
  kernel::log("  rsp=0x%016lx ss=0x%016lx cr2=0x%016lx\n", f.rsp, f.ss, cr2);
  kernel::log("  rax=0x%016lx rbx=0x%016lx rcx=0x%016lx\n", f.rax, f.rbx, f.rcx);
  kernel::log("  rdx=0x%016lx rsi=0x%016lx rdi=0x%016lx\n", f.rdx, f.rsi, f.rdi);
  kernel::log("  rbp=0x%016lx r8 =0x%016lx r9 =0x%016lx\n", f.rbp, f.r8, f.r9);
  kernel::log("  r10=0x%016lx r11=0x%016lx r12=0x%016lx\n", f.r10, f.r11, f.r12);
  kernel::log("  r13=0x%016lx r14=0x%016lx r15=0x%016lx\n", f.r13, f.r14, f.r15);
}

/// An exception in ring 0: a kernel bug, reported and never returned from. First, whether
/// the stack it ran on overflowed (the fault is then likely its consequence, and the report
/// must say so); the report itself runs on whatever stack is left. Out of line, so that
/// build-tools/stack_depth.py can count it as what a kernel fault adds to any depth.
[[noreturn, gnu::noinline]] void kernel_exception(const InterruptFrame& f, uint64_t cr2) {
  const uint64_t top = this_cpu().kernel_stack_top;  // 0 while the CPU still runs on its boot stack
  if (top != 0 && !kernel::stack_end_intact(top))
    kernel::panic("kernel stack overflow: exception %lu at rip 0x%lx, rsp 0x%lx, below the stack's end 0x%lx", f.vector,
                  f.rip, f.rsp, top - kernel::kKernelStackBytes);
  kernel::log("\nKERNEL exception %lu (%s) error=0x%016lx\n", f.vector, kVectorNames[f.vector], f.error_code);
  print_frame(f, cr2);
  kernel::panic("exception in the kernel");
}

}  // namespace platform::x86

using platform::x86::InterruptFrame;

extern "C" void exception_dispatch(InterruptFrame* frame) {
  using namespace platform::x86;
  // Invariant: kernel code never runs with AC (SMAP off) or DF set, whatever ring 3 left.
  if ((read_rflags() & (kFlagAc | kFlagDf)) != 0) kernel::panic("kernel entered with AC or DF set");
  if (frame->vector >= 32) return interrupt_dispatch(frame->vector);
  const uint64_t cr2 = read_cr2();  // first, before anything else could fault
  const bool from_user = (frame->cs & 3) == 3;
  // A user write to a present page [Intel SDM vol3 §4.7: error bits P, W/R, U/S]: a first
  // write to a copy-on-write page, which the kernel resolves and the thread retries.
  constexpr uint64_t kPresentWriteUser = 0b111;
  if (from_user && frame->vector == 14 && (frame->error_code & kPresentWriteUser) == kPresentWriteUser &&
      kernel::user_write_fault(cr2))
    return;
  if (!from_user) kernel_exception(*frame, cr2);
  kernel::log("\nuser exception %lu (%s) error=0x%016lx\n", frame->vector, kVectorNames[frame->vector],
              frame->error_code);
  print_frame(*frame, cr2);
  // NMI and machine check report the machine, not the thread that happened to run.
  if (frame->vector == 2 || frame->vector == 18) kernel::panic("NMI or machine check");
  report_user_fault(frame->vector, frame->error_code, frame->rip, cr2);
}

// The syscall exit path found a return address that sysret would fault on in ring 0 (not a
// canonical user address). Treat it as a #GP of the user thread.
extern "C" [[noreturn]] void syscall_bad_return(kernel::SyscallFrame* frame) {
  using namespace platform::x86;
  kernel::log("\nuser exception 13 (#GP general protection): sysret to non-user rip 0x%016lx\n", frame->user_ip);
  report_user_fault(13, 0, frame->user_ip, 0);
}
