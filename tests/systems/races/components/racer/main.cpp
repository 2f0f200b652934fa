// racer: three threads on different CPUs race over one slot. One calls the echo server
// through it; one copies the server's cap into it, moves it away and back and deletes it;
// one revokes every copy. Each call must give one of the statuses that state allows (never
// a fault, never a wrong answer), and at the end the table is as it began.
#include "component.h"

using tessera::Status;
namespace caps = racer::caps;

namespace {

constexpr uint32_t kSlot = caps::kFirstFree;       // the one they race over
constexpr uint32_t kAside = caps::kFirstFree + 1;  // where the mover parks it
constexpr uint64_t kRounds = 20000;

uint64_t g_unexpected = 0;  // statuses no state of the race allows
uint64_t g_answered = 0;    // calls answered, with the right value
unsigned g_finished = 0;

void unexpected(const char* what, Status s) {
  if (__atomic_fetch_add(&g_unexpected, 1, __ATOMIC_RELAXED) < 5)
    tessera::log("racer: %s gave status %u: FAILED\n", what, static_cast<unsigned>(s));
}

void caller(void*) {
  for (uint64_t i = 0; i < kRounds; ++i) {
    tessera::Message msg;
    msg.info = tessera::make_info(tessera::interfaces::echo::kLabelEcho, 1);
    msg.mr[0] = i;
    const Status s = tessera::sys::call(kSlot, msg);
    if (s == Status::kOk) {
      if (msg.mr[0] == i)
        __atomic_fetch_add(&g_answered, 1, __ATOMIC_RELAXED);
      else
        unexpected("a call answered wrongly", s);
    } else if (s != Status::kEmptySlot && s != Status::kRevoked) {
      unexpected("call", s);
    }
  }
  __atomic_fetch_add(&g_finished, 1, __ATOMIC_RELEASE);
}

void mover(void*) {
  for (uint64_t i = 0; i < kRounds; ++i) {
    Status s = tessera::sys::cap_copy(caps::kEcho, kSlot);
    if (s != Status::kOk && s != Status::kSlotOccupied) unexpected("cap_copy", s);
    // A revoked cap cannot be moved (kRevoked), only deleted.
    s = tessera::sys::cap_move(kSlot, kAside);
    if (s != Status::kOk && s != Status::kEmptySlot && s != Status::kRevoked) unexpected("cap_move away", s);
    s = tessera::sys::cap_move(kAside, kSlot);
    if (s != Status::kOk && s != Status::kEmptySlot && s != Status::kSlotOccupied && s != Status::kRevoked)
      unexpected("cap_move back", s);
    if (s != Status::kOk && s != Status::kEmptySlot) {  // it stayed aside (revoked, or the slot was refilled)
      const Status d = tessera::sys::cap_delete(kAside);
      if (d != Status::kOk) unexpected("cap_delete aside", d);
    }
    if (i % 3 == 0 || s == Status::kRevoked) {
      s = tessera::sys::cap_delete(kSlot);
      if (s != Status::kOk && s != Status::kEmptySlot) unexpected("cap_delete", s);
    }
  }
  __atomic_fetch_add(&g_finished, 1, __ATOMIC_RELEASE);
}

void revoker(void*) {
  for (uint64_t i = 0; i < kRounds / 4; ++i) {
    const Status s = tessera::sys::cap_revoke(caps::kEcho);
    if (s != Status::kOk) unexpected("cap_revoke", s);
  }
  __atomic_fetch_add(&g_finished, 1, __ATOMIC_RELEASE);
}

alignas(16) char g_stacks[3][16384];

}  // namespace

int main() {
  void (*threads[3])(void*) = {caller, mover, revoker};
  for (unsigned i = 0; i < 3; ++i)
    if (tessera::sys::thread_create(threads[i], nullptr, g_stacks[i], sizeof g_stacks[i]) != Status::kOk)
      unexpected("thread_create", Status::kOk);
  while (__atomic_load_n(&g_finished, __ATOMIC_ACQUIRE) < 3) tessera::sys::sleep_ms(5);
  // Back to the start: both slots empty, the original cap intact and answering.
  (void)tessera::sys::cap_delete(kSlot);
  (void)tessera::sys::cap_delete(kAside);
  tessera::sys::CapInfo info{};
  const bool intact = tessera::sys::cap_info(caps::kEcho, info) == Status::kOk &&
                      tessera::sys::cap_info(kSlot, info) == Status::kEmptySlot &&
                      tessera::sys::cap_info(kAside, info) == Status::kEmptySlot;
  auto echo = racer::echo_client();
  auto last = echo.echo(42);
  const bool ok = g_unexpected == 0 && intact && last.ok() && last.value() == 42;
  tessera::log("racer: %lu of %lu calls answered through the contested slot, %lu unexpected statuses\n", g_answered,
               kRounds, g_unexpected);
  auto report = racer::report_client();
  (void)report.done(1, ok, g_answered);
  return 0;
}
