// attacker: one source for many components, each named after the one thing it tries. Every
// attempt must end with the kernel stopping the component and reporting the vector; the
// line after an attempt is never reached unless the kernel let the attempt through.
#include "component.h"

namespace self = TESSERA_COMPONENT;

namespace {

// Kept out of line so that its address is in the text segment.
__attribute__((noinline, used)) void code_marker() { asm volatile(""); }

uint8_t g_data_code[16] = {0xc3};  // `ret`, in a non-executable data page

template <class T>
T hide(T value) {  // keeps the optimiser from proving anything about an address
  asm volatile("" : "+r"(value));
  return value;
}

__attribute__((noinline)) uint64_t recurse(uint64_t depth) {
  volatile uint8_t frame[512];
  frame[0] = static_cast<uint8_t>(depth);
  // Unbounded on purpose: it ends in the unmapped page below the stack.
  return (hide(depth) != ~uint64_t{0} ? recurse(depth + 1) : 0) + frame[0];
}

bool named(const char* name) {
  const char* mine = self::kName;
  while (*name != 0 && *name == *mine) ++name, ++mine;
  return *name == 0 && *mine == 0;
}

alignas(16) uint8_t g_thread_stack[4096];

/// A second thread whose first instruction is at an address nothing is mapped at (the map
/// window of a component without map_quota): the kernel must take the address, and the new
/// thread fault there. The first thread waits, giving it the CPU.
void start_unmapped_thread() {
  register uint64_t rax asm("rax") = static_cast<uint64_t>(tessera::Syscall::kThreadCreate);
  register uint64_t rdi asm("rdi") = tessera::layout::kMapBase;
  register uint64_t rsi asm("rsi") = reinterpret_cast<uint64_t>(g_thread_stack) + sizeof g_thread_stack;
  asm volatile("syscall" : "+r"(rax), "+r"(rdi), "+r"(rsi) : : "rcx", "r11", "rdx", "r10", "memory");
  if (static_cast<tessera::Status>(rax) != tessera::Status::kOk) {
    tessera::log("%s: FAILED, thread_create gave status %lu\n", self::kName, rax);
    return;
  }
  tessera::sys::sleep_ms(100);  // the new thread runs now, and faults
}

void attack() {
  if (named("null_read")) (void)*hide(reinterpret_cast<volatile uint64_t*>(0));
  if (named("text_write")) *hide(reinterpret_cast<volatile uint8_t*>(&code_marker)) = 0xcc;
  if (named("exec_data")) hide(reinterpret_cast<void (*)()>(g_data_code))();
  if (named("exec_stack")) {
    uint8_t code[16] = {0xc3};
    hide(reinterpret_cast<void (*)()>(code))();
  }
  if (named("recursion")) (void)recurse(0);
  if (named("ud2")) asm volatile("ud2");
  if (named("divide")) {
    uint64_t zero = hide(uint64_t{0});
    asm volatile("xor %%edx, %%edx; mov $1, %%eax; divq %0" : : "r"(zero) : "rax", "rdx");
  }
  if (named("int3")) asm volatile("int3");
  if (named("int80")) asm volatile("int $0x80");
  if (named("int_timer")) asm volatile("int $0x40");  // the kernel's own tick vector
  if (named("cli")) asm volatile("cli");
  if (named("hlt")) asm volatile("hlt");
  if (named("mov_cr3")) asm volatile("mov %0, %%cr3" : : "r"(uint64_t{0x1000}));
  if (named("wrmsr")) asm volatile("wrmsr" : : "c"(0xc0000100u), "a"(0u), "d"(0u));
  if (named("lgdt")) {
    struct [[gnu::packed]] {
      uint16_t limit;
      uint64_t base;
    } pointer{0, 0};
    asm volatile("lgdt %0" : : "m"(pointer));
  }
  if (named("port_in")) asm volatile("inb $0x60, %%al" : : : "rax");
  if (named("swapgs")) asm volatile("swapgs");
  if (named("jump_kernel")) hide(reinterpret_cast<void (*)()>(0xffffffff80100000ull))();
  if (named("jump_noncanonical")) hide(reinterpret_cast<void (*)()>(0x0000800000000000ull))();
  // The FPU and vector registers are trapped for everyone (CR0.EM and TS, no OSFXSR or
  // OSXSAVE): a value pushed here could otherwise be popped by the next component.
  if (named("x87")) asm volatile("fninit; fildll (%0)" : : "r"(&g_data_code) : "memory");
  if (named("x87_error")) {
    // An unmasked x87 error on an application processor: the legacy FERR# path once took
    // the whole emulator down.
    const uint16_t control = 0x37b;  // zero-divide unmasked
    for (;;) asm volatile("fninit; fldcw %0; fld1; fldz; fdivrp; fwait" : : "m"(control));
  }
  if (named("sse")) asm volatile("xorps %xmm0, %xmm0");
  if (named("avx")) asm volatile(".byte 0xc5, 0xfc, 0x57, 0xc0");  // vxorps %ymm0, %ymm0, %ymm0
  if (named("xgetbv")) asm volatile("xgetbv" : : "c"(0) : "rax", "rdx");
  if (named("wrfsbase")) asm volatile("wrfsbase %0" : : "r"(uint64_t{0x1234000}));
  if (named("wrgsbase")) asm volatile("wrgsbase %0" : : "r"(uint64_t{0x1234000}));
  if (named("thread_unmapped")) start_unmapped_thread();
}

}  // namespace

int main() {
  tessera::log("%s: trying\n", self::kName);
  attack();
  tessera::log("%s: FAILED, the kernel let it through\n", self::kName);
  return 0;
}
