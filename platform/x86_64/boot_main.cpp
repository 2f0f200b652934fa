// The platform's C++ boot sequence on the bootstrap processor, from boot.S to kernel::main.
#include "kernel/log.h"
#include "kernel/platform.h"
#include "platform/x86_64/cpu_init.h"
#include "platform/x86_64/frame_allocator.h"
#include "platform/x86_64/layout.h"
#include "platform/x86_64/multiboot2.h"
#include "platform/x86_64/paging.h"
#include "platform/x86_64/serial.h"
#include "platform/x86_64/smp.h"

extern "C" {
using InitFunction = void (*)();
extern const InitFunction init_array_start[];
extern const InitFunction init_array_end[];
}

namespace platform::x86 {
namespace {

// Kept for the whole run: module command lines point into the boot information.
kernel::mb2::BootInfo g_boot_info;

const char* memory_type_name(kernel::mb2::MemoryType type) {
  using kernel::mb2::MemoryType;
  switch (type) {
    case MemoryType::kAvailable:
      return "available";
    case MemoryType::kReserved:
      return "reserved";
    case MemoryType::kAcpiReclaimable:
      return "ACPI reclaimable";
    case MemoryType::kAcpiNvs:
      return "ACPI NVS";
    case MemoryType::kBad:
      return "bad";
  }
  return "other";
}

void parse_boot_info(uint64_t info_phys) {
  // Only the first GiB is mapped this early; GRUB puts the information low anyway.
  if (info_phys == 0 || info_phys + 8 > kEarlyMapLimit) kernel::panic("boot information not reachable");
  const void* info = phys_to_virt(info_phys);
  const uint32_t size = kernel::mb2::declared_size(info, 8);
  if (info_phys + size > kEarlyMapLimit) kernel::panic("boot information not reachable");
  const auto status = kernel::mb2::parse(info, size, g_boot_info);
  if (status != kernel::mb2::ParseStatus::kOk) {
    kernel::panic("bad boot information (multiboot2 parse error %u)", static_cast<uint32_t>(status));
  }
}

void log_memory_map() {
  for (size_t i = 0; i < g_boot_info.memory_count; ++i) {
    const auto& region = g_boot_info.memory[i];
    kernel::log("  0x%016lx - 0x%016lx %s\n", region.base, region.base + region.length, memory_type_name(region.type));
  }
}

kernel::BootModule find_system_module() {
  const auto* module = kernel::mb2::find_module(g_boot_info, "system");
  if (module == nullptr && g_boot_info.module_count > 0) module = &g_boot_info.modules[0];
  for (size_t i = 0; i < g_boot_info.module_count; ++i) {
    const auto& m = g_boot_info.modules[i];
    kernel::log("module 0x%016lx - 0x%016lx '", m.start, m.end);
    console_write(m.cmdline, m.cmdline_length);
    kernel::log(m.start == module->start ? "' (system image)\n" : "'\n");
  }
  if (module == nullptr) {
    kernel::log("no boot module: the kernel gets an empty image\n");
    return {};
  }
  return {module->start, module->end};
}

}  // namespace
}  // namespace platform::x86

extern "C" [[noreturn]] void platform_boot(uint64_t info_phys) {
  using namespace platform::x86;
  serial_init();
  kernel::log("\nTessera: x86_64 platform starting\n");
  idt_init();
  cpu_init(0, kernel_root());
  pic_mask_all();

  parse_boot_info(info_phys);
  kernel::log("memory map:\n");
  log_memory_map();
  const uint64_t ram_top = frame_allocator_init(g_boot_info, info_phys);
  paging_init(ram_top);
  kernel::log("memory: RAM top 0x%016lx, %lu free frames (%lu MiB), direct map at 0x%016lx\n", ram_top,
              free_frame_count(), free_frame_count() * kPageSize >> 20, kDirectMapBase);

  smp_init(g_boot_info);
  const kernel::BootModule image = find_system_module();
  for (const InitFunction* init = init_array_start; init != init_array_end; ++init) (*init)();
  kernel::main(image);
}
