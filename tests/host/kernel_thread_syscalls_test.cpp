// thread_create, thread_exit and exit through the real dispatcher: where a new thread starts,
// how an exited thread's slot is reused, and what is left of a component that exits.
#include <doctest/doctest.h>

#include <cstring>
#include <memory>

#include "kernel/component.h"
#include "kernel/kernel_state.h"
#include "kernel/lock.h"
#include "kernel/syscalls.h"
#include "tests/host/fake_platform.h"
#include "tests/host/syscall_call.h"

using namespace kernel;
using tessera::Status;
using tessera::Syscall;

namespace {

constexpr uint32_t kQuota = 2;
constexpr uint64_t kEntry = 0x401000;
constexpr uint64_t kStack = 0x7000'0000'0123;  // not aligned: the kernel aligns it

/// One component with a quota of two threads on one CPU, each slot with a kernel stack (a
/// frame on top, as boot gives it) and an IPC buffer; thread 0 runs.
struct World {
  Cpu cpu;
  Component c;
  Thread threads[kQuota];
  Cap slots[4];
  std::unique_ptr<uint64_t[]> stacks[kQuota];
  std::unique_ptr<tessera::IpcBuffer> buffers[kQuota];

  World() {
    c.caps = CapTable(slots, 4, &c);
    c.threads = threads;
    c.thread_quota = kQuota;
    c.thread_count = c.live_threads = 1;
    c.priority = 90;
    for (uint32_t i = 0; i < kQuota; ++i) {
      stacks[i] = std::make_unique<uint64_t[]>(512);
      threads[i].context.kernel_stack_top = reinterpret_cast<uint64_t>(stacks[i].get() + 512);
      buffers[i] = std::make_unique<tessera::IpcBuffer>();
      std::memset(buffers[i].get(), 0, sizeof(tessera::IpcBuffer));
      threads[i].ipc_buffer = buffers[i].get();
    }
    Thread& first = threads[0];
    first.component = &c;
    first.cpu = &cpu;
    first.priority = c.priority;
    first.frame = reinterpret_cast<SyscallFrame*>(first.context.kernel_stack_top - sizeof(SyscallFrame));
    cpu.current = &first;
    cpu.placed.add(first.priority);
    // thread_create places new threads among the kernel's CPUs.
    state().cpus = &cpu;
    state().cpu_count = 1;
    fake::platform().user_threads.clear();
  }
  ~World() {
    state().cpus = nullptr;
    state().cpu_count = 0;
  }

  /// Thread t makes system call `number`; returns who runs next.
  Thread* call(Thread& t, Syscall number, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0) {
    kernel_lock().acquire(&cpu);  // what syscall_dispatch's entry does around the dispatch
    Thread* next = host::make_call(cpu, t, number, a0, a1, a2, a3);
    kernel_lock().release();
    return next;
  }
};

}  // namespace

TEST_CASE("thread_create: the new thread starts at its entry with its arguments, id and IPC buffer") {
  World w;
  Thread& self = w.threads[0];
  // Same priority: the new thread is queued, the creator goes on.
  CHECK(w.call(self, Syscall::kThreadCreate, kEntry, kStack, 11, 22) == &self);
  CHECK(self.frame->op == static_cast<uint64_t>(Status::kOk));
  CHECK(self.frame->a0 == 1);
  Thread& t = w.threads[1];
  CHECK(t.component == &w.c);
  CHECK(t.priority == 90);
  CHECK(t.cpu == &w.cpu);
  CHECK(t.state == ThreadState::kReady);
  CHECK(w.cpu.ready.contains(&t));
  CHECK(reinterpret_cast<uint64_t>(t.frame) == t.context.kernel_stack_top - sizeof(SyscallFrame));
  CHECK(w.c.thread_count == 2);
  CHECK(w.c.live_threads == 2);
  CHECK(w.cpu.placed.total() == 2);
  REQUIRE(fake::platform().user_threads.size() == 1);
  const auto& [context, entry] = fake::platform().user_threads[0];
  CHECK(context == &t.context);
  CHECK(entry.ip == kEntry);
  CHECK(entry.sp == (kStack & ~uint64_t{15}) - 8);  // as if called: sp + 8 is 16-byte aligned
  CHECK(entry.arg0 == 11);
  CHECK(entry.arg1 == 1);  // its id
  CHECK(entry.arg2 == 22);
  CHECK(entry.thread_pointer == ipc_buffer_address(1));

  // The quota is full now: refused, and nothing changes.
  CHECK(w.call(self, Syscall::kThreadCreate, kEntry, kStack, 0, 0) == &self);
  CHECK(self.frame->op == static_cast<uint64_t>(Status::kQuotaExceeded));
  CHECK(w.c.live_threads == 2);
  CHECK(fake::platform().user_threads.size() == 1);
}

TEST_CASE("thread_exit frees the slot for the next thread_create, which starts clean") {
  World w;
  Thread& self = w.threads[0];
  w.call(self, Syscall::kThreadCreate, kEntry, kStack, 0, 0);
  Thread& t = w.threads[1];
  REQUIRE(w.cpu.ready.pop_highest() == &t);
  // The thread leaves words and a receive slot behind in its IPC buffer, then exits.
  t.ipc_buffer->words[7] = 0xdead;
  t.ipc_buffer->recv_slots[0] = 3;
  w.cpu.ready.enqueue(&self);
  CHECK(w.call(t, Syscall::kThreadExit) == &self);  // the next ready thread runs
  CHECK(t.state == ThreadState::kDead);
  CHECK(w.c.live_threads == 1);
  CHECK_FALSE(w.c.stopped);
  CHECK(w.cpu.placed.total() == 1);

  // The slot comes back with its kernel stack and IPC buffer, and nothing else of the old thread.
  const uint64_t stack_top = t.context.kernel_stack_top;
  CHECK(w.call(self, Syscall::kThreadCreate, kEntry + 16, kStack, 5, 6) == &self);
  CHECK(self.frame->op == static_cast<uint64_t>(Status::kOk));
  CHECK(self.frame->a0 == 1);
  CHECK(w.c.thread_count == 2);  // no fresh slot was taken
  CHECK(t.state == ThreadState::kReady);
  CHECK(t.context.kernel_stack_top == stack_top);
  CHECK(t.ipc_buffer == w.buffers[1].get());
  CHECK(t.ipc_buffer->words[7] == 0);
  CHECK(t.ipc_buffer->recv_slots[0] == 0);
  CHECK(fake::platform().user_threads.back().second.ip == kEntry + 16);
}

TEST_CASE("the last thread_exit, or exit, ends the component; a dead thread is never run again") {
  World w;
  Thread& self = w.threads[0];
  SUBCASE("thread_exit of the only thread") { CHECK(w.call(self, Syscall::kThreadExit) == nullptr); }
  SUBCASE("exit") { CHECK(w.call(self, Syscall::kExit, 3) == nullptr); }
  CHECK(w.c.stopped);
  CHECK(self.state == ThreadState::kDead);
  CHECK(w.cpu.placed.total() == 0);
  CHECK(w.cpu.ready.empty());
}
