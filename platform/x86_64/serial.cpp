// COM1 serial port, 115200 8N1: the kernel console. Writers put whole lines into one buffer
// (kernel/console_buffer.h) and never wait for the UART while they hold the kernel lock;
// whichever CPU leaves the kernel next writes the buffer out (console_flush).
#include "platform/x86_64/serial.h"
#include "kernel/console_buffer.h"
#include "kernel/platform.h"
#include "platform/x86_64/cpu.h"
#include "platform/x86_64/cpu_local.h"

namespace platform::x86 {
namespace {

constexpr uint16_t kCom1 = 0x3f8;
// 16550 register offsets [PC16550D data sheet, table 2].
constexpr uint16_t kData = 0;             // DLAB=0: transmit holding; DLAB=1: divisor low
constexpr uint16_t kInterruptEnable = 1;  // DLAB=1: divisor high
constexpr uint16_t kFifoControl = 2;
constexpr uint16_t kLineControl = 3;
constexpr uint16_t kModemControl = 4;
constexpr uint16_t kLineStatus = 5;
constexpr uint8_t kTransmitEmpty = 1u << 5;

/// A test-and-set lock for the console's own data. Held only for copies, never across a
/// wait for the UART; kernel code runs with interrupts off, so no handler can re-enter it.
class SpinLock {
 public:
  void lock() {
    while (__atomic_exchange_n(&held_, true, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
  }
  bool try_lock() { return !__atomic_exchange_n(&held_, true, __ATOMIC_ACQUIRE); }
  void unlock() { __atomic_store_n(&held_, false, __ATOMIC_RELEASE); }

 private:
  bool held_ = false;
};

kernel::ConsoleBuffer g_buffer;  // guarded by g_buffer_lock
SpinLock g_buffer_lock;
SpinLock g_uart_lock;                     // held by the one CPU writing to the UART
kernel::LineAssembler g_lines[kMaxCpus];  // each touched only by its CPU
uint64_t g_dropped = 0;                   // kernel bytes lost to a full buffer; g_buffer_lock
bool g_asynchronous = false;              // set once other CPUs and threads run

void put_raw(char c) {
  while ((inb(kCom1 + kLineStatus) & kTransmitEmpty) == 0) {
    // A CPU waiting here still answers TLB shootdowns, so no other CPU waits on it (once it
    // has its per-CPU block: the first boot lines come before it).
    if (cpu_local_ready()) platform::poll_remote_requests();
    __builtin_ia32_pause();
  }
  outb(kCom1 + kData, static_cast<uint8_t>(c));
}

/// Writes out at most `budget` buffered bytes (what was there when the caller looked, so a
/// component appending all the time on another CPU cannot keep this CPU here, interrupts off,
/// for ever). Precondition: g_uart_lock held.
void drain(size_t budget = kernel::ConsoleBuffer::kCapacity) {
  char chunk[64];
  while (budget > 0) {
    g_buffer_lock.lock();
    const size_t n = g_buffer.take(chunk, budget < sizeof chunk ? budget : sizeof chunk);
    g_buffer_lock.unlock();
    if (n == 0) return;
    budget -= n;
    for (size_t i = 0; i < n; ++i) {
      if (chunk[i] == '\n') put_raw('\r');  // terminals want CR LF
      put_raw(chunk[i]);
    }
  }
}

/// Appends one of the kernel's lines, or counts it lost when the buffer is full.
void commit_kernel_line(const char* line, size_t length) {
  g_buffer_lock.lock();
  if (g_dropped != 0) {
    char note[64];
    const char prefix[] = "kernel: console dropped ";
    size_t n = 0;
    for (const char* p = prefix; *p != 0; ++p) note[n++] = *p;
    char digits[20];
    size_t d = 0;
    for (uint64_t v = g_dropped; v != 0 || d == 0; v /= 10) digits[d++] = static_cast<char>('0' + v % 10);
    while (d > 0) note[n++] = digits[--d];
    for (const char* p = " bytes\n"; *p != 0; ++p) note[n++] = *p;
    if (g_buffer.append(note, n, kernel::ConsoleBuffer::Writer::kKernel)) g_dropped = 0;
  }
  if (g_dropped != 0 || !g_buffer.append(line, length, kernel::ConsoleBuffer::Writer::kKernel)) g_dropped += length;
  g_buffer_lock.unlock();
}

unsigned line_index() { return cpu_local_ready() ? this_cpu().index : 0; }

}  // namespace

void serial_init() {
  outb(kCom1 + kInterruptEnable, 0x00);  // no interrupts: polled output only
  outb(kCom1 + kLineControl, 0x80);      // DLAB on to set the divisor
  outb(kCom1 + kData, 0x01);             // 115200 / 1
  outb(kCom1 + kInterruptEnable, 0x00);
  outb(kCom1 + kLineControl, 0x03);   // 8 data bits, no parity, 1 stop bit, DLAB off
  outb(kCom1 + kFifoControl, 0xc7);   // FIFOs on and cleared
  outb(kCom1 + kModemControl, 0x03);  // DTR, RTS; OUT2 off keeps the IRQ line quiet
}

void console_go_asynchronous() { __atomic_store_n(&g_asynchronous, true, __ATOMIC_RELEASE); }

void console_drain_for_shutdown() {
  g_lines[line_index()].finish(commit_kernel_line);
  // Whoever holds the UART may be the CPU that is stuck; a few torn characters are better
  // than losing the last words before power-off.
  if (!g_uart_lock.try_lock()) {
    for (int spins = 0; spins < 1000000 && !g_uart_lock.try_lock(); ++spins) __builtin_ia32_pause();
  }
  drain();
  g_uart_lock.unlock();
}

}  // namespace platform::x86

namespace platform {

void console_write(const char* text, size_t length) {
  x86::g_lines[x86::line_index()].feed(text, length, x86::commit_kernel_line);
  // While the kernel boots on one CPU there is nobody to wait for and nobody to drain later.
  if (!__atomic_load_n(&x86::g_asynchronous, __ATOMIC_ACQUIRE)) console_flush();
}

void console_write_lines(const char* text, size_t length) {
  using kernel::ConsoleBuffer;
  if (length == 0) return;
  for (;;) {
    x86::g_buffer_lock.lock();
    const bool done = x86::g_buffer.append(text, length, ConsoleBuffer::Writer::kComponent);
    x86::g_buffer_lock.unlock();
    if (done) break;
    // Full: make room for this text by writing out as much (so the wait is bounded by the
    // text's own size, on this CPU only), or wait for the CPU that is writing out.
    if (x86::g_uart_lock.try_lock()) {
      x86::drain(ConsoleBuffer::line_size(text, length));
      x86::g_uart_lock.unlock();
    } else {
      platform::poll_remote_requests();
      __builtin_ia32_pause();
    }
  }
  console_flush();
}

void console_flush() {
  // A lock-free look first: this runs on every way out of the kernel.
  if (x86::g_buffer.empty() || !x86::g_uart_lock.try_lock()) return;  // that CPU writes ours too
  // At most what is buffered now: what others append meanwhile goes out at their own exit or
  // at the next tick of any CPU (every millisecond), so nothing waits long and no CPU drains
  // for another's flood.
  x86::g_buffer_lock.lock();
  const size_t now = x86::g_buffer.used();
  x86::g_buffer_lock.unlock();
  x86::drain(now);
  x86::g_uart_lock.unlock();
}

}  // namespace platform
