// What happens on a CPU exception: print it; a kernel bug panics, a user fault goes to the
// kernel's user_fault, which stops the thread and never comes back here.
#include "kernel/platform.h"
#include "arch/syscall_frame.h"
#include "tessera/format.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/exceptions.h"
#include "platform/x86_64/log.h"
#include "platform/x86_64/smp.h"

namespace platform::x86 {
namespace {

// [Intel SDM vol3 §6.3.1, table 6-1]
const char* const kVectorNames[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
    "reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
    "reserved 27", "reserved 28", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security"};

void field(const char* name, uint64_t value) {
  log(name);
  log_hex(value);
}

}  // namespace

[[noreturn]] void report_user_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2) {
  kernel::UserFault fault{vector, error_code, rip, vector == 14 ? cr2 : 0, {}};
  tessera::format_to(fault.description, sizeof fault.description, "vector %lu, error 0x%lx, rip 0x%lx, cr2 0x%lx",
                     vector, error_code, rip, cr2);
  kernel::user_fault(fault);
}

void print_frame(const InterruptFrame& f, uint64_t cr2) {
  field("  rip=", f.rip);
  field(" cs=", f.cs);
  field(" rflags=", f.rflags);
  field("\n  rsp=", f.rsp);
  field(" ss=", f.ss);
  field(" cr2=", cr2);
  field("\n  rax=", f.rax);
  field(" rbx=", f.rbx);
  field(" rcx=", f.rcx);
  field("\n  rdx=", f.rdx);
  field(" rsi=", f.rsi);
  field(" rdi=", f.rdi);
  field("\n  rbp=", f.rbp);
  field(" r8 =", f.r8);
  field(" r9 =", f.r9);
  field("\n  r10=", f.r10);
  field(" r11=", f.r11);
  field(" r12=", f.r12);
  field("\n  r13=", f.r13);
  field(" r14=", f.r14);
  field(" r15=", f.r15);
  log("\n");
}

}  // namespace platform::x86

using platform::x86::InterruptFrame;

extern "C" void exception_dispatch(InterruptFrame* frame) {
  using namespace platform::x86;
  // Invariant: kernel code never runs with AC (SMAP off) or DF set, whatever ring 3 left.
  if ((read_rflags() & (kFlagAc | kFlagDf)) != 0) panic("kernel entered with AC or DF set");
  if (frame->vector >= 32) return interrupt_dispatch(frame->vector);
  const uint64_t cr2 = read_cr2();  // first, before anything else could fault
  const bool from_user = (frame->cs & 3) == 3;
  log(from_user ? "\nuser exception " : "\nKERNEL exception ");
  log_dec(frame->vector);
  log(" (");
  log(frame->vector < 32 ? kVectorNames[frame->vector] : "?");
  log(") error=");
  log_hex(frame->error_code);
  log("\n");
  print_frame(*frame, cr2);
  if (!from_user) panic("exception in the kernel");
  // NMI and machine check report the machine, not the thread that happened to run.
  if (frame->vector == 2 || frame->vector == 18) panic("NMI or machine check");
  report_user_fault(frame->vector, frame->error_code, frame->rip, cr2);
}

// The syscall exit path found a return address that sysret would fault on in ring 0 (not a
// canonical user address). Treat it as a #GP of the user thread.
extern "C" [[noreturn]] void syscall_bad_return(kernel::SyscallFrame* frame) {
  using namespace platform::x86;
  log("\nuser exception 13 (#GP general protection): sysret to non-user rip ");
  log_hex(frame->user_ip);
  log("\n");
  report_user_fault(13, 0, frame->user_ip, 0);
}
