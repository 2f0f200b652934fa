// bob (CPU 1): reads what alice left on the shared board once she signals, tells her through
// a notification, then writes to his read-only mapping of the board and is stopped for it.
#include "component.h"

using tessera::Status;

int main() {
  uint64_t bits = 0;
  Status s = tessera::sys::wait(bob::caps::kReady, &bits);
  const auto* board = reinterpret_cast<const volatile char*>(bob::memory::kBoardBase);
  char text[32] = {};
  for (unsigned i = 0; i + 1 < sizeof(text) && board[i] != '\0'; ++i) text[i] = board[i];
  tessera::log("bob: woken with bits 0x%lx (status %u); the board says '%s'\n", bits, static_cast<unsigned>(s), text);

  auto id = bob::vault_client().who();
  tessera::log("bob: vault knows me as %u (status %u)\n", id.ok() ? id.value() : 0u,
               static_cast<unsigned>(id.status()));

  tessera::sys::signal(bob::caps::kDone);
  // The board is mapped read-only here: this write faults, and only bob is stopped.
  tessera::log("bob: writing to the read-only board\n");
  *reinterpret_cast<volatile char*>(bob::memory::kBoardBase) = 'X';
  tessera::log("bob: the write went through: FAILED\n");
  return 1;
}
