// New threads: the initial kernel stack that makes a user thread's first switch drop to
// ring 3, and a kernel thread's first switch call its entry.
#include "arch/syscall_frame.h"
#include "kernel/platform.h"

extern "C" void thread_start_user();

namespace platform {
namespace {

// What switch_context pops before its `ret` (see context.S), lowest address first.
struct SwitchFrame {
  uint64_t r15, r14, r13, r12, rbx, rbp;
  uint64_t return_address;
};

static_assert(offsetof(Context, kernel_rsp) == 0, "context.S reads it at 0");
static_assert(offsetof(Context, kernel_stack_top) == 8, "context.S reads it at 8");
static_assert(offsetof(Context, user_fs_base) == 16, "context.S reads it at 16");
static_assert(offsetof(Context, user_selectors) == 24, "context.S reads them at 24");
static_assert(offsetof(Context, kernel_entry) == 32, "context.S reads it at 32");
static_assert(sizeof(kernel::SyscallFrame) == 128, "context.S: FRAME_SIZE");

}  // namespace

void prepare_user_thread(Context& ctx, uint64_t kernel_stack_top, const UserEntry& entry) {
  // The new thread looks like one that made a system call and was switched out inside
  // syscall_dispatch: resuming it runs thread_first_run and the syscall exit path, which
  // checks the rip (entry.ip comes from an ELF or a thread_create), restores this frame and
  // sysrets. Not a thread the fastpath may resume from its frame (resumes_from_frame), since
  // the fastpath's exit skips that check. Every register not named here is zero.
  auto* frame = reinterpret_cast<kernel::SyscallFrame*>(kernel_stack_top) - 1;
  *frame = kernel::SyscallFrame{};
  frame->a0 = entry.arg0;     // rdi
  frame->a1 = entry.arg1;     // rsi
  frame->mr[0] = entry.arg2;  // rdx
  frame->user_ip = entry.ip;
  frame->user_flags = 0x202;  // IF set: user mode is interruptible
  frame->user_sp = entry.sp;

  auto* switch_frame = reinterpret_cast<SwitchFrame*>(frame) - 1;
  *switch_frame = SwitchFrame{};
  switch_frame->return_address = reinterpret_cast<uint64_t>(&thread_start_user);

  ctx.kernel_rsp = reinterpret_cast<uint64_t>(switch_frame);
  ctx.kernel_stack_top = kernel_stack_top;
  ctx.user_fs_base = entry.thread_pointer;
  for (uint16_t& selector : ctx.user_selectors) selector = 0;
}

void prepare_kernel_thread(Context& ctx, uint64_t stack_top, void (*entry)()) {
  // A zero return address above the switch frame: entry starts with the stack aligned as
  // if it had been called, and a return from it would fault at once.
  auto* top = reinterpret_cast<uint64_t*>(stack_top & ~uint64_t{15}) - 1;
  *top = 0;
  auto* switch_frame = reinterpret_cast<SwitchFrame*>(top) - 1;
  *switch_frame = SwitchFrame{};
  switch_frame->return_address = reinterpret_cast<uint64_t>(entry);
  ctx.kernel_rsp = reinterpret_cast<uint64_t>(switch_frame);
  ctx.kernel_stack_top = stack_top;
  ctx.kernel_entry = reinterpret_cast<uint64_t>(entry);  // context.S starts it here again (kernel_rsp 0)
}

}  // namespace platform
