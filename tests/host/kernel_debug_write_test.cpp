// debug_write through the real system call dispatcher: the text reaches the console only
// after the kernel lock is let go, so a component writing to a slow UART holds up no CPU.
#include <doctest/doctest.h>

#include <cstring>

#include "kernel/component.h"
#include "kernel/cpu.h"
#include "kernel/lock.h"
#include "kernel/thread.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::Status;

TEST_CASE("debug_write: the text is written out after the kernel lock is let go, never under it") {
  static Cpu cpu;  // large (its debug buffer): not on the stack
  Component c;
  Thread t;
  SyscallFrame f{};
  REQUIRE(platform::create_address_space(c.space));
  const uint64_t text_page = 0x400000;
  const uint64_t frame = platform::alloc_frame();
  REQUIRE(platform::map_page(c.space, text_page, frame, platform::MapFlags{true, false, false}));
  std::memcpy(platform::phys_to_virt(frame), "hello from ring 3\n", 18);
  t.component = &c;
  t.cpu = &cpu;
  t.frame = &f;
  cpu.current = &t;
  void* before = platform::cpu_data();
  platform::set_cpu_data(&cpu);
  fake::platform().console.clear();
  fake::platform().console_writes_locked.clear();

  f.op = static_cast<uint64_t>(tessera::Syscall::kDebugWrite);
  f.a0 = text_page;
  f.a1 = 18;
  host::system_call(&f);
  CHECK(f.op == static_cast<uint64_t>(Status::kOk));
  CHECK(fake::platform().console == "hello from ring 3\n");
  REQUIRE(!fake::platform().console_writes_locked.empty());
  for (bool locked : fake::platform().console_writes_locked) CHECK_FALSE(locked);
  CHECK_FALSE(kernel_lock().held());
  CHECK(cpu.debug_length == 0);

  // A refused write leaves nothing behind for the next call to print.
  fake::platform().console.clear();
  f.op = static_cast<uint64_t>(tessera::Syscall::kDebugWrite);
  f.a0 = text_page + 4096 - 4;  // straddles into the unmapped page after it
  f.a1 = 18;
  host::system_call(&f);
  CHECK(f.op == static_cast<uint64_t>(Status::kBadAddress));
  CHECK(fake::platform().console.empty());
  CHECK(cpu.debug_length == 0);
  platform::set_cpu_data(before);
}
