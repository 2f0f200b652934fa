// A component's threads: starting one, and stopping them all with the component (its IPC
// partners and its endpoints).
#include "kernel/component.h"

#include "kernel/cpu.h"
#include "kernel/endpoint.h"
#include "kernel/ipc.h"
#include "kernel/kernel_stack.h"
#include "kernel/lock.h"
#include "kernel/log.h"
#include "kernel/scheduler.h"

namespace kernel {

// The exit switched away from the kernel stack before the lock was let go, so nothing uses
// the slot's stack or its buffer.
void reset_thread_slot(Thread& t) {
  const platform::Context boot_context = t.context;
  tessera::IpcBuffer* buffer = t.ipc_buffer;
  t = Thread{};
  t.context = boot_context;
  t.ipc_buffer = buffer;
  // Nothing of the exited thread's messages may reach the new one, least of all receive
  // slots it never chose.
  __builtin_memset(buffer->words, 0, sizeof(buffer->words));
  for (uint32_t i = 0; i < tessera::kMaxMessageCaps; ++i) buffer->send_caps[i] = buffer->recv_slots[i] = 0;
}

platform::UserEntry first_thread_entry(const Component& c) {
  return platform::UserEntry{c.sup.entry,
                             tessera::layout::kStackTop,
                             tessera::layout::kHeapBase,
                             uint64_t{c.sup.boot->heap_pages} * tessera::layout::kPageSize,
                             c.index,
                             ipc_buffer_address(0)};
}

void stop_component(Cpu& cpu, Component* c, uint32_t shutdown_status, Status peer_status, Pool<Endpoint> endpoints,
                    bool ended) {
  assert_locked(cpu);  // it takes threads off other CPUs' queues
  if (c->stopped) return;
  c->stopped = true;
  for (uint32_t i = 0; i < c->thread_count; ++i) {
    Thread* t = &c->threads[i];
    if (t->state == ThreadState::kDead) continue;
    Cpu& home = t->cpu != nullptr ? *t->cpu : cpu;
    if (home.ready.contains(t)) home.ready.remove(t);
    if (t->cpu != nullptr) unplace(*t);  // placement counts only threads that can run
    ipc_detach(cpu, t, peer_status);
    // Running on another CPU: that CPU switches away when it sees the thread dead.
    if (&home != &cpu && home.current == t) platform::send_reschedule(home.index);
  }
  for (Endpoint& ep : endpoints)
    if (ep.owner == c) endpoint_down(cpu, &ep, peer_status);
  drop_pending_restarts(cpu, *c);
  if (cpu.io_owner == c) switch_io_ports(cpu, nullptr);
  if (ended && (c->flags & tessera::spec::kFlagShutdownOnExit) != 0) {
    log("kernel: %s ended the system with status %u\n", c->name, shutdown_status);
    log_kernel_stack_use();
    platform::shutdown(shutdown_status);
  }
}

Thread* thread_create(Component& c, uint8_t priority, uint32_t id, const platform::UserEntry& entry, Pool<Cpu> cpus) {
  Thread* t = &c.threads[id];
  // Invariant: a slot is taken fresh or after its thread exited, never from a live thread.
  if (id != c.thread_count && t->state != ThreadState::kDead) panic("thread_create: slot %u of %s is live", id, c.name);
  if (id == c.thread_count) {
    ++c.thread_count;
  } else {
    reset_thread_slot(*t);
  }
  ++c.live_threads;
  t->component = &c;
  t->priority = priority;
  t->cpu = &place_new_thread(cpus, c.affinity, priority);
  t->state = ThreadState::kReady;
  const uint64_t top = t->context.kernel_stack_top;
  t->frame = reinterpret_cast<SyscallFrame*>(top - sizeof(SyscallFrame));
  platform::prepare_user_thread(t->context, top, entry);
  return t;
}

}  // namespace kernel
