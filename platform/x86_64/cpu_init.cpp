// Per-CPU feature set-up: CR0 (no FPU for anyone), CR4 protections, the syscall MSRs, and
// masking the legacy PICs.
#include "platform/x86_64/cpu_init.h"

#include "kernel/log.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/cpu_local.h"

extern "C" void syscall_entry();

namespace platform::x86 {
namespace {

/// No thread has x87, MMX, SSE or AVX state: every such instruction faults, and the kernel
/// stops the component (#NM for x87 and WAIT, #UD for MMX, SSE, AVX and XSAVE). Components
/// are built with -mgeneral-regs-only, so none of them needs it, and a register file no
/// thread can touch is one that no thread can leak or poison for the next. Caching is on
/// (CD and NW clear: firmware leaves them set on application processors), and x87 errors,
/// should the FPU ever be enabled, are reported as #MF rather than by the legacy FERR# line.
void set_cr0() { write_cr0(kCr0Pe | kCr0Mp | kCr0Em | kCr0Ts | kCr0Et | kCr0Ne | kCr0Wp | kCr0Pg); }

void enable_protections(bool report) {
  // CPUID.(EAX=7,ECX=0): EBX bit 7 SMEP, bit 20 SMAP; ECX bit 2 UMIP [Intel SDM vol2 CPUID].
  // SMAP is safe because the kernel reaches user memory only through the direct map (kernel
  // pages), never through user addresses. UMIP keeps sgdt/sidt from leaking kernel addresses.
  // Cleared, whatever the loader left: the SSE and XSAVE enables (see set_cr0), FSGSBASE
  // (wrfsbase and wrgsbase #UD, so FS and GS bases only come from descriptors), rdpmc in
  // ring 3, protection keys and CET, none of which the kernel switches per thread; and TSD,
  // so rdtsc stays allowed (the bench reads it).
  constexpr uint64_t kCleared = kCr4Tsd | kCr4Pce | kCr4Osfxsr | kCr4Osxmmexcpt | kCr4Fsgsbase | kCr4Osxsave | kCr4Pke |
                                kCr4Cet;
  uint64_t cr4 = (read_cr4() & ~kCleared) | kCr4Pge;
  if (cpuid(0).eax >= 7) {
    const CpuidResult leaf7 = cpuid(7, 0);
    if ((leaf7.ebx & (1u << 7)) != 0) cr4 |= kCr4Smep;
    if ((leaf7.ebx & (1u << 20)) != 0) cr4 |= kCr4Smap;
    if ((leaf7.ecx & (1u << 2)) != 0) cr4 |= kCr4Umip;
  }
  write_cr4(cr4);
  if (!report) return;
  kernel::log("cpu: cr4=0x%016lx%s%s%s\n", cr4, (cr4 & kCr4Smep) ? " smep" : "", (cr4 & kCr4Smap) ? " smap" : "",
              (cr4 & kCr4Umip) ? " umip" : "");
}

void enable_syscall() {
  // EFER.SCE and NXE were set by boot.S before paging was turned on.
  wrmsr(Msr::kStar, static_cast<uint64_t>(kSysretBase) << 48 | static_cast<uint64_t>(kKernelCode) << 32);
  wrmsr(Msr::kLstar, reinterpret_cast<uint64_t>(&syscall_entry));
  // Cleared on entry: the kernel runs with interrupts off, string ops forward, no single
  // step, no alignment checks (and, with SMAP, no user access), no nested task.
  wrmsr(Msr::kFmask, kFlagIf | kFlagDf | kFlagTf | kFlagAc | kFlagNt);
}

}  // namespace

void pic_mask_all() {
  // Remap the two 8259s to vectors 0x20-0x2f (away from the exceptions) and mask every
  // line. A masked PIC can still deliver a spurious IRQ 7/15; the IDT ignores those.
  constexpr uint16_t kMasterCommand = 0x20, kMasterData = 0x21;
  constexpr uint16_t kSlaveCommand = 0xa0, kSlaveData = 0xa1;
  outb(kMasterCommand, 0x11);  // ICW1: init, ICW4 follows
  outb(kSlaveCommand, 0x11);
  outb(kMasterData, 0x20);  // ICW2: vector base
  outb(kSlaveData, 0x28);
  outb(kMasterData, 0x04);  // ICW3: slave on IRQ 2
  outb(kSlaveData, 0x02);
  outb(kMasterData, 0x01);  // ICW4: 8086 mode
  outb(kSlaveData, 0x01);
  outb(kMasterData, 0xff);  // OCW1: mask all
  outb(kSlaveData, 0xff);
}

void cpu_init(uint32_t index, uint64_t kernel_root) {
  set_cr0();
  cpu_local_init(index, kernel_root);
  idt_load();
  enable_protections(index == 0);
  enable_syscall();
}

}  // namespace platform::x86
