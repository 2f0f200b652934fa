// Per-CPU GDT, TSS with I/O permission bitmap, and GS base; set_io_ports and cpu_data.
#include "platform/x86_64/cpu_local.h"

#include <new>

#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/layout.h"

namespace platform::x86 {
namespace {

CpuTables g_boot_cpu;  // the bootstrap processor's, needed before there is a frame allocator
// Invariant: g_cpus[i] is set before CPU i is started and never changes afterwards.
CpuTables* g_cpus[kMaxCpus] = {&g_boot_cpu};
bool g_boot_cpu_ready = false;  // the bootstrap processor's GS block is loaded

// Flat long-mode segment descriptors [Intel SDM vol3 §3.4.5, §5.2.1]: only L, P, DPL and the
// type matter in 64-bit mode.
constexpr uint64_t kDescKernelCode = 0x00af'9a00'0000'ffff;  // L=1, P, DPL0, exec/read
constexpr uint64_t kDescKernelData = 0x00cf'9200'0000'ffff;  // P, DPL0, read/write
constexpr uint64_t kDescUserData = 0x00cf'f200'0000'ffff;    // P, DPL3, read/write
constexpr uint64_t kDescUserCode = 0x00af'fa00'0000'ffff;    // L=1, P, DPL3, exec/read

struct [[gnu::packed]] DescriptorPointer {
  uint16_t limit;
  uint64_t base;
};

// A 16-byte system descriptor for an available 64-bit TSS [Intel SDM vol3 §8.2.3].
void set_tss_descriptor(uint64_t* slot, const Tss* tss) {
  const uint64_t base = reinterpret_cast<uint64_t>(tss);
  const uint64_t limit = sizeof(Tss) - 1;  // covers the whole I/O bitmap and its 0xff byte
  slot[0] = (limit & 0xffff) | (base & 0xff'ffff) << 16 | 0x89ull << 40 | ((limit >> 16) & 0xf) << 48 |
            ((base >> 24) & 0xff) << 56;
  slot[1] = base >> 32;
}

void load_gdt(CpuTables& cpu) {
  const DescriptorPointer pointer{sizeof cpu.gdt - 1, reinterpret_cast<uint64_t>(cpu.gdt)};
  asm volatile("lgdt %0" : : "m"(pointer));
  // Reload CS with a far return, then the data segments. Loading GS zeroes its base, so this
  // must come before the GS base MSR is written.
  asm volatile(
      "pushq %[code]\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "mov %[data], %%ss\n"
      "xor %%eax, %%eax\n"
      "mov %%eax, %%ds\n"
      "mov %%eax, %%es\n"
      "mov %%eax, %%fs\n"
      "mov %%eax, %%gs\n"
      :
      : [code] "i"(kKernelCode), [data] "r"(kKernelData)
      : "rax", "memory");
  asm volatile("ltr %0" : : "r"(kTssSelector));
}

}  // namespace

bool cpu_tables_reserve(uint32_t index) {
  if (index == 0 || index >= kMaxCpus) return false;
  if (g_cpus[index] != nullptr) return true;  // kept from a start attempt that failed
  constexpr size_t kPages = (sizeof(CpuTables) + kPageSize - 1) / kPageSize;
  const uint64_t phys = alloc_frames(kPages);
  if (phys == 0) return false;
  g_cpus[index] = new (phys_to_virt(phys)) CpuTables;  // the frames come zeroed
  return true;
}

void cpu_local_init(uint32_t index, uint64_t kernel_root) {
  CpuTables& cpu = *g_cpus[index];
  Tss& tss = cpu.tss;
  tss.io_map_base = offsetof(Tss, io_bitmap);
  for (uint8_t& byte : tss.io_bitmap) byte = 0xff;  // every port denied to ring 3
  for (size_t i = 0; i < kIstStacks; ++i) tss.ist[i] = reinterpret_cast<uint64_t>(cpu.ist_stacks[i] + kIstStackSize);

  cpu.gdt[0] = 0;
  cpu.gdt[1] = kDescKernelCode;
  cpu.gdt[2] = kDescKernelData;
  cpu.gdt[3] = kDescUserData;
  cpu.gdt[4] = kDescUserCode;
  set_tss_descriptor(&cpu.gdt[5], &tss);

  PerCpu& per_cpu = cpu.per_cpu;
  per_cpu.self = &per_cpu;
  per_cpu.tss = &tss;
  per_cpu.index = index;
  per_cpu.current_root = kernel_root;

  load_gdt(cpu);
  // The kernel runs with GS = per-CPU block; user mode runs with the block parked in
  // KERNEL_GS_BASE, and swapgs exchanges them on every kernel entry and exit.
  wrmsr(Msr::kGsBase, reinterpret_cast<uint64_t>(&per_cpu));
  wrmsr(Msr::kKernelGsBase, 0);
  if (index == 0) __atomic_store_n(&g_boot_cpu_ready, true, __ATOMIC_RELEASE);
}

bool cpu_local_ready() { return __atomic_load_n(&g_boot_cpu_ready, __ATOMIC_ACQUIRE); }

}  // namespace platform::x86

namespace platform {

void set_io_ports(uint16_t base, uint16_t count, bool allow) {
  uint8_t* bitmap = x86::this_cpu().tss->io_bitmap;
  const uint32_t end = static_cast<uint32_t>(base) + count;
  for (uint32_t port = base; port < end && port < 65536; ++port) {
    const auto bit = static_cast<uint8_t>(1u << (port % 8));
    if (allow) {
      bitmap[port / 8] = static_cast<uint8_t>(bitmap[port / 8] & ~bit);
    } else {
      bitmap[port / 8] = static_cast<uint8_t>(bitmap[port / 8] | bit);
    }
  }
}

void set_cpu_data(void* data) { asm volatile("mov %0, %%gs:24" : : "r"(data) : "memory"); }

}  // namespace platform
