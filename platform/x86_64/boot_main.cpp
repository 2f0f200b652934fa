// The platform's C++ boot sequence on the bootstrap processor, from boot.S to kernel::main.
#include "platform/x86_64/multiboot2.h"
#include "kernel/platform.h"
#include "platform/x86_64/cpu_init.h"
#include "platform/x86_64/frame_allocator.h"
#include "platform/x86_64/layout.h"
#include "platform/x86_64/log.h"
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
    case MemoryType::kAvailable: return "available";
    case MemoryType::kReserved: return "reserved";
    case MemoryType::kAcpiReclaimable: return "ACPI reclaimable";
    case MemoryType::kAcpiNvs: return "ACPI NVS";
    case MemoryType::kBad: return "bad";
  }
  return "other";
}

void parse_boot_info(uint64_t info_phys) {
  // Only the first GiB is mapped this early; GRUB puts the information low anyway.
  if (info_phys == 0 || info_phys + 8 > kEarlyMapLimit) panic("boot information not reachable");
  const void* info = phys_to_virt(info_phys);
  const uint32_t size = kernel::mb2::declared_size(info, 8);
  if (info_phys + size > kEarlyMapLimit) panic("boot information not reachable");
  const auto status = kernel::mb2::parse(info, size, g_boot_info);
  if (status != kernel::mb2::ParseStatus::kOk) {
    log("multiboot2: parse error ");
    log_dec(static_cast<uint32_t>(status));
    panic("bad boot information");
  }
}

void log_memory_map() {
  for (size_t i = 0; i < g_boot_info.memory_count; ++i) {
    const auto& region = g_boot_info.memory[i];
    log("  ");
    log_hex(region.base);
    log(" - ");
    log_hex(region.base + region.length);
    log(" ");
    log(memory_type_name(region.type));
    log("\n");
  }
}

kernel::BootModule find_system_module() {
  const auto* module = kernel::mb2::find_module(g_boot_info, "system");
  if (module == nullptr && g_boot_info.module_count > 0) module = &g_boot_info.modules[0];
  for (size_t i = 0; i < g_boot_info.module_count; ++i) {
    const auto& m = g_boot_info.modules[i];
    log("module ");
    log_hex(m.start);
    log(" - ");
    log_hex(m.end);
    log(" '");
    console_write(m.cmdline, m.cmdline_length);
    log(m.start == module->start ? "' (system image)\n" : "'\n");
  }
  if (module == nullptr) {
    log("no boot module: the kernel gets an empty image\n");
    return {};
  }
  return {module->start, module->end};
}

}  // namespace
}  // namespace platform::x86

extern "C" [[noreturn]] void platform_boot(uint64_t info_phys) {
  using namespace platform::x86;
  serial_init();
  log("\nTessera: x86_64 platform starting\n");
  idt_init();
  cpu_init(0, kernel_root());
  pic_mask_all();

  parse_boot_info(info_phys);
  log("memory map:\n");
  log_memory_map();
  const uint64_t ram_top = frame_allocator_init(g_boot_info, info_phys);
  paging_init(ram_top);
  log("memory: RAM top ");
  log_hex(ram_top);
  log(", ");
  log_dec(free_frame_count());
  log(" free frames (");
  log_dec(free_frame_count() * kPageSize >> 20);
  log(" MiB), direct map at ");
  log_hex(kDirectMapBase);
  log("\n");

  smp_init(g_boot_info);
  const kernel::BootModule image = find_system_module();
  for (const InitFunction* init = init_array_start; init != init_array_end; ++init) (*init)();
  kernel::main(image);
}
