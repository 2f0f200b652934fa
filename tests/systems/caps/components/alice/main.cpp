// alice (CPU 0): checks the capability model from the client's side and powers the system
// off with the number of failed checks.
#include "component.h"

namespace ifc = tessera::interfaces::vault;
using tessera::Message;
using tessera::Status;
namespace sys = tessera::sys;

namespace {

int failures = 0;

void expect(bool ok, const char* what) {
  tessera::log("alice: %s: %s\n", what, ok ? "ok" : "FAILED");
  if (!ok) ++failures;
}

void shared_memory_and_notifications() {
  auto* board = reinterpret_cast<volatile char*>(alice::memory::kBoardBase);
  const char text[] = "hello from alice";
  for (unsigned i = 0; i < sizeof(text); ++i) board[i] = text[i];
  expect(sys::signal(alice::caps::kReady) == Status::kOk, "signalled bob on the other CPU");
  uint64_t bits = 0;
  const Status s = sys::wait(alice::caps::kDone, &bits);
  expect(s == Status::kOk && bits == alice::signals::kDoneFromBob, "bob's signal arrived from CPU 1 with his bit");
  expect(sys::poll(alice::caps::kDone, &bits) == Status::kWouldBlock, "poll after the wait finds nothing");
  expect(sys::wait(alice::caps::kReady, &bits) == Status::kNoRights, "waiting needs the recv right");
}

void badges() {
  auto id = alice::vault_client().who();
  expect(id.ok() && id.value() == 1, "the vault tells alice's badge from bob's");
}

/// Sends 800 bytes (byte i is i * step) to the vault's long_echo; true if each came back plus one.
bool long_echo(uint32_t step) {
  tessera::Bytes<800> data;
  data.size = 800;
  for (uint32_t i = 0; i < 800; ++i) data.data[i] = static_cast<uint8_t>(i * step);
  auto echoed = alice::vault_client().long_echo(data);
  bool same = echoed.ok() && echoed.value().size == 800;
  for (uint32_t i = 0; same && i < 800; ++i) same = echoed.value().data[i] == static_cast<uint8_t>(i * step + 1);
  return same;
}

void long_messages() {
  expect(long_echo(7), "800 bytes and their echo went through the IPC buffers");
  Message msg;
  msg.info = tessera::make_info(ifc::kLabelLongEcho, tessera::kMaxMessageWords + 1);
  expect(sys::call(alice::caps::kVault, msg) == Status::kInvalidArgument,
         "more words than a message holds are refused");
}

/// What the second thread of thread_messages() saw.
struct Second {
  const tessera::ThreadMessage* message = nullptr;
  bool echoed = false;
  bool done = false;
};

void second_thread(void* arg) {
  auto* seen = static_cast<Second*>(arg);
  seen->message = &sys::message();
  seen->echoed = long_echo(3);
  __atomic_store_n(&seen->done, true, __ATOMIC_RELEASE);
}

alignas(16) char g_second_stack[16384];

/// Each thread has its own sys::message(), in its own IPC buffer: a second thread's long call
/// (through the generated client, which builds it in that thread's message) leaves every word
/// of the first thread's message as it was.
void thread_messages() {
  tessera::ThreadMessage& mine = sys::message();
  for (uint32_t i = 0; i < tessera::kMaxMessageWords; ++i) mine.mr[i] = 0xa11ce00000u + i;
  Second seen;
  if (sys::thread_create(second_thread, &seen, g_second_stack, sizeof g_second_stack) != Status::kOk) {
    expect(false, "a second thread to call the vault");
    return;
  }
  while (!__atomic_load_n(&seen.done, __ATOMIC_ACQUIRE)) sys::sleep_ms(1);
  bool kept = true;
  for (uint32_t i = 0; i < tessera::kMaxMessageWords; ++i) kept = kept && mine.mr[i] == 0xa11ce00000u + i;
  expect(seen.message != nullptr && seen.message != &mine && seen.echoed && kept,
         "a second thread's long call goes through its own message and leaves mine alone");
}

/// Requests the vault must refuse before its Impl sees them, each carrying the board cap: the
/// vault has 8 free slots, so if a refused request's cap stayed in one, the honest store in
/// transfer_and_revoke would find no slot for its cap (and be answered kBadMessage).
void refused_requests_give_their_caps_back() {
  struct Attack {
    uint32_t label, words;
    Status reply;
  };
  const Attack attacks[] = {
      {(uint32_t{ifc::kInterfaceId} << 16) | (ifc::kMethodCount + 1), 0,
       Status::kUnknownMethod},                         // past the last method
      {0x12345678, 0, Status::kUnknownMethod},          // another interface
      {ifc::kLabelStore, 1, Status::kBadMessage},       // a word too many
      {ifc::kLabelWho, 0, Status::kBadMessage},         // a cap it does not take
      {ifc::kLabelLongEcho, 101, Status::kBadMessage},  // the same, 101 words long
  };
  constexpr uint32_t kAttacks = sizeof(attacks) / sizeof(attacks[0]);
  constexpr uint32_t kRequests = 400;
  uint32_t refused = 0;
  for (uint32_t i = 0; i < kRequests; ++i) {
    const Attack& a = attacks[i % kAttacks];
    Message msg;
    msg.info = tessera::make_info(a.label, a.words, 1);
    for (uint32_t w = 0; w < a.words; ++w) msg.mr[w] = 0;
    msg.caps[0] = alice::caps::kBoard;
    const Status s = sys::call(alice::caps::kVault, msg);
    if (s == Status::kOk &&
        tessera::info_label(msg.info) == tessera::kReplyProtocolError + static_cast<uint32_t>(a.reply))
      ++refused;
  }
  tessera::log("alice: the vault refused %u of %u requests carrying a cap\n", refused, kRequests);
  expect(refused == kRequests, "every refused request was answered with its status");
}

void transfer_and_revoke() {
  auto vault = alice::vault_client();
  auto* board = reinterpret_cast<volatile uint64_t*>(alice::memory::kBoardBase);
  board[0] = 0x7e55e7a;
  const uint32_t no_grant = alice::caps::kFirstFree;
  // A copy without the grant right cannot be passed on.
  expect(sys::cap_mint(alice::caps::kBoard, no_grant, tessera::rights::kRead) == Status::kOk,
         "minted a read-only copy without grant");
  expect(vault.store(tessera::MemoryCap{no_grant}).status() == Status::kNoRights,
         "the copy without grant is refused for transfer");
  // The board cap itself may be passed on: the vault maps it and reads the first word.
  auto first = vault.store(tessera::MemoryCap{alice::caps::kBoard});
  expect(first.ok() && first.value() == 0x7e55e7a, "the vault used the memory cap it was sent");
  auto before = vault.check();
  expect(before.ok() && before.value().status == static_cast<uint32_t>(Status::kOk),
         "the vault holds the cap before the revoke");
  uint64_t revoked = 0;
  const Status s = sys::cap_revoke(alice::caps::kBoard, &revoked);
  // The vault's copy, and alice's own minted copy (none left over from the refused requests).
  expect(s == Status::kOk && revoked == 2, "revoke reached the vault's cap and the minted copy");
  auto after = vault.check();
  expect(after.ok() && after.value().status == static_cast<uint32_t>(Status::kRevoked) &&
             after.value().remap == static_cast<uint32_t>(Status::kOk),
         "the vault's cap is revoked and its mapping gone");
  expect(board[0] == 0x7e55e7a, "alice's own mapping stays");
  expect(sys::cap_copy(no_grant, no_grant + 1) == Status::kRevoked, "alice's minted copy is revoked too");
  expect(sys::cap_delete(no_grant) == Status::kOk, "a revoked slot can be deleted");
}

void misuse() {
  const uint32_t free = alice::caps::kFirstFree;
  expect(sys::cap_copy(alice::caps::kSlotCount, free) == Status::kInvalidSlot, "a slot beyond the table: kInvalidSlot");
  expect(sys::cap_copy(free, free + 1) == Status::kEmptySlot, "an empty slot: kEmptySlot");
  expect(sys::cap_copy(alice::caps::kBoard, alice::caps::kVault) == Status::kSlotOccupied,
         "an occupied destination: kSlotOccupied");
  expect(sys::signal(alice::caps::kBoard) == Status::kWrongType, "signalling a memory cap: kWrongType");
  expect(sys::cap_mint(alice::caps::kReady, free, tessera::rights::kRecv) == Status::kNoRights,
         "minting a right it lacks: kNoRights");
  expect(sys::cap_mint(alice::caps::kReady, free, tessera::rights::kSend, 2) == Status::kInvalidArgument,
         "re-badging a badged cap: kInvalidArgument");
  expect(sys::cap_move(alice::caps::kReady, free) == Status::kOk && sys::signal(free) == Status::kOk &&
             sys::cap_move(free, alice::caps::kReady) == Status::kOk,
         "a moved cap works from its new slot and moves back");
}

void map_quota() {
  // 32K of quota = 8 pages; the first mapping also pays for 3 page tables.
  const uint64_t base = tessera::layout::kMapBase;
  expect(sys::map(base, 5) == Status::kOk, "mapped 5 pages (and 3 page tables) of an 8-page quota");
  auto* page = reinterpret_cast<volatile uint64_t*>(base);
  page[0] = 42;
  expect(sys::map(base + 0x10000, 1) == Status::kOutOfMemory, "a map beyond the quota is refused");
  expect(sys::map(base, 1) == Status::kAlreadyMapped, "mapping a mapped page is refused");
  expect(
      sys::map(base + 0x20000, 1, tessera::map_flags::kWrite | tessera::map_flags::kExec) == Status::kInvalidArgument,
      "writable and executable at once is refused");
  expect(sys::map(0x1000, 1) == Status::kBadAddress, "a map outside the map window is refused");
  expect(sys::unmap(base, 5) == Status::kOk, "unmapped the 5 pages");
  expect(sys::unmap(base, 1) == Status::kNotMapped, "unmapping them again is refused");
  expect(sys::map(base + 0x3000, 5) == Status::kOk, "the quota came back: 5 pages mapped again");
  expect(reinterpret_cast<volatile uint64_t*>(base + 0x3000)[0] == 0, "a page of the quota comes back zeroed");
  expect(sys::unmap(base + 0x3000, 5) == Status::kOk, "and unmapped");
}

/// carol (CPU 1) checks long operations in bounded steps; her signal carries bit 1 if any
/// check failed.
void long_operations() {
  uint64_t bits = 0;
  const Status s = sys::wait(alice::caps::kFinished, &bits);
  expect(s == Status::kOk && bits == alice::signals::kFinishedFromCarol,
         "carol's long operations in bounded steps passed");
}

}  // namespace

int main() {
  shared_memory_and_notifications();
  badges();
  long_messages();
  thread_messages();
  refused_requests_give_their_caps_back();
  transfer_and_revoke();
  misuse();
  map_quota();
  long_operations();
  tessera::log(failures == 0 ? "alice: PASS\n" : "alice: FAIL\n");
  return failures == 0 ? 0 : 1;
}
