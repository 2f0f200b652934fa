// The narrow interface through which portable kernel logic (kernel/) reaches the hardware.
// platform/x86_64/ implements it; host tests link a fake. Nothing here names a register.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "arch/context.h"   // the platform's, or the host tests' own
#include "arch/cpu_data.h"  // likewise

namespace platform {

/// Page mapping permissions (always present; user pages only below layout::kUserTop).
struct MapFlags {
  bool user = true;
  bool write = false;
  bool exec = false;
};

/// One 4-level address space. The kernel half is shared by every address space.
struct AddressSpace {
  uint64_t root = 0;  ///< physical address of the PML4
};

// ---- console and power -----------------------------------------------------------------
/// The kernel's own log (COM1). Pieces are put together into whole lines per CPU; a line is
/// buffered, never waited for, and dropped (then counted in the log) when the buffer is full.
void console_write(const char* text, size_t length);
/// A component's text, as whole lines (a final newline is added when missing). Waits for
/// room in the buffer: never call it with the kernel lock held.
void console_write_lines(const char* text, size_t length);
/// Writes buffered lines to the serial port unless another CPU is doing so. Call it without
/// the kernel lock: it waits for the UART.
void console_flush();
[[noreturn]] void shutdown(uint32_t status);  ///< isa-debug-exit, then halt forever
[[noreturn]] void halt_forever();

// ---- physical memory ---------------------------------------------------------------------
/// A zeroed 4 KiB frame, or 0 when memory is exhausted. Boot-time only.
uint64_t alloc_frame();
/// Contiguous frames from `phys` on.
struct FrameRun {
  uint64_t phys = 0;
  size_t count = 0;
};
/// Up to `most` contiguous frames as RAM holds them (not zeroed), as many as the lowest free
/// memory has in one piece; count 0 when memory is exhausted. For a caller that zeroes or
/// overwrites every frame before anything reads it. Boot-time only.
FrameRun alloc_frames_unzeroed(size_t most);
/// The kernel's virtual address of a physical address (direct map).
void* phys_to_virt(uint64_t phys);

// ---- address spaces --------------------------------------------------------------------
/// A fresh address space whose kernel half is the kernel's; false when out of frames.
bool create_address_space(AddressSpace& as);
/// Maps one 4 KiB page; false when out of frames for page tables or vaddr is not user.
/// Page tables come from the boot frame allocator (boot only).
bool map_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags);
/// Where map_page at run time takes frames for page tables: alloc(context) returns a zeroed
/// frame, or 0.
struct FrameSource {
  uint64_t (*alloc)(void* context) = nullptr;
  void* context = nullptr;
};
/// Maps one 4 KiB page with page tables from `tables`; false when it has none left.
bool map_page(AddressSpace& as, uint64_t vaddr, uint64_t paddr, MapFlags flags, FrameSource tables);
/// How many page tables mapping every page of [vaddr, vaddr + pages * 4 KiB) would create.
uint64_t missing_tables(const AddressSpace& as, uint64_t vaddr, uint64_t pages);
/// Removes the mapping of the page at vaddr and returns the physical page (0: none was
/// mapped). The TLBs still hold it until flush_tlb(as).
uint64_t unmap_page(AddressSpace& as, uint64_t vaddr);
/// The physical address mapped at vaddr with at least `flags` permissions, or 0.
uint64_t translate(const AddressSpace& as, uint64_t vaddr, MapFlags flags);
/// The first page-aligned address in [from, end) at which a page is mapped, or `end` when
/// none is; skips whole missing tables at a time. `from` and `end` are page-aligned user
/// addresses.
uint64_t next_mapped(const AddressSpace& as, uint64_t from, uint64_t end);

// ---- threads ------------------------------------------------------------------------------
/// Saved state of a thread that is not running (arch/context.h): opaque to kernel/ but for
/// kernel_stack_top, where the thread's SyscallFrame ends.

/// Where a new user thread starts: its first instruction, stack pointer, the three
/// arguments it finds in its first three argument registers, and its thread-pointer base
/// (the address of its IPC buffer).
struct UserEntry {
  uint64_t ip = 0;
  uint64_t sp = 0;
  uint64_t arg0 = 0, arg1 = 0, arg2 = 0;
  uint64_t thread_pointer = 0;
};

/// Contiguous zeroed frames (boot only), 0 when exhausted.
uint64_t alloc_frames(size_t count);
/// Frames alloc_frame(s) handed out so far (the kernel's tally of boot memory reads it).
uint64_t frames_allocated();

/// Sets up a new thread so that switching to it enters ring 3 as `entry` says, with every
/// other user register 0, null data segments and no state left by an earlier thread of the
/// slot. `kernel_stack_top` is the (16-byte aligned) top of its kernel stack.
void prepare_user_thread(Context& ctx, uint64_t kernel_stack_top, const UserEntry& entry);

/// Saves the running thread into `from` and resumes `to`, loading `to_space` first when it
/// differs from the current address space. Returns when something switches back to `from`.
void switch_context(Context& from, Context& to, const AddressSpace& to_space);

/// Like switch_context, for a running thread that has nothing left to do in the kernel but
/// return to ring 3 through its SyscallFrame (the end of a system call): nothing of its
/// kernel stack is kept, and resuming it lets go of the kernel lock (thread_first_run) and
/// leaves through the frame. On the target it does not return; the host fake does.
void switch_context_away(Context& from, Context& to, const AddressSpace& to_space);

/// Starts the first thread on this CPU; the boot stack is abandoned.
[[noreturn]] void start_first(Context& to, const AddressSpace& to_space);

/// A user thread is about to drop to ring 3 from thread_first_run (for the first time, or
/// resumed from its frame), with the kernel lock let go. The platform notes the first such moment of the boot, the end
/// of the boot figures it logs; every later call costs a load and a branch.
void user_thread_starting();

/// I/O port permissions for ring 3 on this CPU (TSS I/O bitmap): allow or deny [base, base+count).
void set_io_ports(uint16_t base, uint16_t count, bool allow);

// cpu_data() and set_cpu_data(): the per-CPU pointer, in arch/cpu_data.h (included above).

// ---- CPUs, time and interrupts ------------------------------------------------------------
/// CPUs running the kernel, numbered 0 (the bootstrap processor) to cpu_count() - 1.
unsigned cpu_count();
unsigned cpu_index();
/// Nanoseconds since boot (the same clock on every CPU).
uint64_t now_ns();
/// The CPU's free-running cycle counter (x86: the TSC; under QEMU's -icount, guest
/// instructions): what boot's cost accounting counts in.
uint64_t cycle_count();
/// Interrupts `cpu`, which then calls kernel::reschedule_interrupt.
void send_reschedule(unsigned cpu);
/// Lets the other CPUs enter kernel::secondary_main, and starts this CPU's tick.
void release_secondary_cpus();
/// The idle thread's loop: halts with interrupts on, forever, holding nothing in registers.
/// Interrupts are handled and return to it, but the reschedule interrupt calls
/// kernel::idle_wake instead, which may leave the loop for a ready thread for good.
[[noreturn]] void idle_halt();
/// Sets up a kernel thread: the first switch to it calls entry() on the stack below
/// `stack_top`, in ring 0 with interrupts off. entry never returns. A kernel thread that was
/// switched away from directly (direct_switch, from kernel::idle_wake) keeps nothing and starts
/// at entry() again when it is next switched to.
void prepare_kernel_thread(Context& ctx, uint64_t stack_top, void (*entry)());

/// After mappings of `as` changed: no CPU keeps a stale translation. Returns when every CPU
/// has flushed. Called with the kernel lock held; the others flush from an interrupt or from
/// poll_remote_requests while they wait for the lock.
void flush_tlb(const AddressSpace& as);
/// Carries out requests other CPUs made of this one (TLB flushes); safe without the lock.
void poll_remote_requests();

// ---- device interrupts ------------------------------------------------------------------
/// Routes interrupt line `line` (an ISA IRQ, with the firmware's overrides applied, or a
/// global system interrupt) to `cpu`, masked; its interrupts call kernel::irq_interrupt(index).
/// False when no I/O APIC has the line or index is beyond the vectors for devices.
bool route_irq(uint32_t line, unsigned index, unsigned cpu);
/// Masks or unmasks a routed line.
void mask_irq(uint32_t line, bool masked);

}  // namespace platform

// ---- calls from the platform into the portable kernel -------------------------------------
namespace kernel {

/// Where a multiboot2 boot module lies in physical memory.
struct BootModule {
  uint64_t phys_start = 0;
  uint64_t phys_end = 0;  ///< exclusive
};

/// The platform has set up the CPU, serial, paging with a direct map, the frame allocator
/// and system call entry; `image` is the boot module holding system.img.
[[noreturn]] void main(const BootModule& image);

/// An application processor, once release_secondary_cpus was called: runs threads.
[[noreturn]] void secondary_main();
/// The scheduler tick on this CPU (interrupts off, from ring 3 or from the idle thread).
void timer_interrupt();
/// Another CPU made a thread of this CPU ready (see platform::send_reschedule).
void reschedule_interrupt();
/// The same interrupt taken in the idle thread's halt (platform::idle_halt), which keeps
/// nothing; the platform has acknowledged it. Returns the address of the SyscallFrame of a
/// thread to resume from its frame, switched to directly, with the kernel lock held: the
/// platform leaves through it as the fastpath's exit does, letting go of the lock last. Or 0
/// when the idle thread halts again, the lock let go.
extern "C" uintptr_t idle_wake();
/// Device interrupt of the line routed with index `index` (platform::route_irq); the
/// platform has already acknowledged it at the local APIC.
void irq_interrupt(unsigned index);
/// A new thread's first instructions run this before they drop to ring 3.
extern "C" void thread_first_run();

struct SyscallFrame;
/// Called by the syscall entry stub first, with the calling thread's registers saved in its
/// frame: takes the kernel lock and tries the IPC fastpath. Returns 0 for the general path,
/// else the address of the frame of the thread to resume in ring 3, with kFastExitMessage set
/// when that thread receives the caller's message on the way out: kOk, the badge its own frame
/// holds (its a0 word), and the info word and message registers the caller left in its frame.
/// The lock is still held when it returns: the stub lets go of it on its way out to ring 3,
/// once it has read the last word of a frame, or calls syscall_dispatch with it.
/// A call or reply_recv whose message goes beyond the registers or whose peer lives on another
/// CPU is the second try's (syscall_fastpath_second_try, which syscall_fastpath tail-calls); it
/// does not return when the CPU goes to its idle thread, which lets go of the lock.
inline constexpr uintptr_t kFastExitMessage = 1;
extern "C" uintptr_t syscall_fastpath();
extern "C" uintptr_t syscall_fastpath_second_try();
/// The general path of every system call the fastpath passed on (`frame` is the caller's
/// saved registers, the kernel lock held); returns to the user thread whose frame is on top
/// of the kernel stack when it returns.
extern "C" void syscall_dispatch(SyscallFrame* frame);

/// A CPU exception in ring 3, in the platform's terms.
struct UserFault {
  uint64_t vector = 0;      ///< the platform's number for the exception
  uint64_t error_code = 0;  ///< what the CPU said about it, 0 when nothing
  uint64_t ip = 0;          ///< the instruction that faulted
  uint64_t address = 0;     ///< the data address a page fault was about, else 0
  /// The same in the platform's own words and register names, for the kernel's one-line
  /// report (platform/x86_64/exceptions.cpp says what it holds there).
  char description[112] = {};
};

/// The platform has already printed the fault with the thread's registers; the kernel stops
/// the current component and never returns.
[[noreturn]] void user_fault(const UserFault& fault);
/// A ring-3 write to a present, read-only user page at `address`: true when the kernel made
/// the page writable (a first write to a copy-on-write page) and the thread should retry the
/// instruction; false when it is a fault of the thread (then user_fault follows).
bool user_write_fault(uint64_t address);

}  // namespace kernel
