// misuse: thousands of rounds of cap_copy, cap_mint, cap_move, cap_delete and cap_revoke on
// the free slots and the component's own endpoint, each with the status it must get, and
// the table exactly as it was when misuse started once they are over.
#include "probe.h"

namespace probe {
namespace {

namespace caps = self::caps;
namespace rights = tessera::rights;

constexpr unsigned kRounds = 2000;
static_assert(caps::kFreeCount >= 7, "the rounds use seven free slots");

struct Slot {
  Status status;
  uint64_t type, rights, badge;
  bool operator==(const Slot& o) const {
    return status == o.status && type == o.type && rights == o.rights && badge == o.badge;
  }
};

Slot info(uint64_t slot) {
  const Answer a = raw(Syscall::kCapInfo, Regs{slot});
  return Slot{a.status, a.out.rdi, a.out.rsi, a.out.rdx};
}

Status copy(uint64_t src, uint64_t dst) { return call(Syscall::kCapCopy, src, dst); }
Status mint(uint64_t src, uint64_t dst, uint64_t r, uint64_t badge = 0) {
  return call(Syscall::kCapMint, src, dst, r, badge);
}
Status move(uint64_t src, uint64_t dst) { return call(Syscall::kCapMove, src, dst); }
Status remove(uint64_t slot) { return call(Syscall::kCapDelete, slot); }

/// What cap_info said of each slot (and of the first beyond the table) when misuse started.
Slot g_start[caps::kSlotCount + 1];

/// Revokes what derives from `slot`, expecting `status` and (when kOk) `count` revoked.
void revoke(uint64_t slot, Status status, uint64_t count, unsigned round, const char* what) {
  const Answer a = raw(Syscall::kCapRevoke, Regs{slot});
  expect(a.status, status, "round %u: revoke %s", round, what);
  if (status == Status::kOk)
    expect_true(a.out.rdi == count, "round %u: revoke %s revoked %lu, expected %lu", round, what, a.out.rdi, count);
}

void one_round(unsigned r) {
  // Seven distinct free slots, a different seven each round.
  uint32_t f[7];
  for (unsigned k = 0; k < 7; ++k) f[k] = caps::kFirstFree + (r + k) % caps::kFreeCount;
  const uint32_t a = f[0], b = f[1], c = f[2], d = f[3], e = f[4], g = f[5];
  const uint32_t ep = caps::kEndpoint;
  const uint64_t badge = r + 1;

  // Copies and mints of my endpoint (recv only, no badge).
  expect(copy(ep, a), Status::kOk, "round %u: copy my endpoint", r);
  expect(copy(ep, a), Status::kSlotOccupied, "round %u: copy into the same slot", r);
  expect(copy(a, a), Status::kSlotOccupied, "round %u: copy onto itself", r);
  expect(copy(b, c), Status::kEmptySlot, "round %u: copy from an empty slot", r);
  expect(mint(a, b, rights::kRecv, badge), Status::kOk, "round %u: mint with a badge", r);
  const Slot minted = info(b);
  expect(minted.status, Status::kOk, "round %u: cap_info of the mint", r);
  expect_true(minted.type == static_cast<uint64_t>(tessera::CapType::kEndpoint) && minted.rights == rights::kRecv &&
                  minted.badge == badge,
              "round %u: the mint is an endpoint cap with recv and badge %lu (got %lu, %lu, %lu)", r, badge,
              minted.type, minted.rights, minted.badge);
  expect(mint(b, c, rights::kRecv, badge + 1), Status::kInvalidArgument, "round %u: mint with another badge", r);
  expect(mint(b, c, rights::kRecv, badge), Status::kOk, "round %u: mint with the same badge", r);
  expect(mint(b, d, rights::kSend), Status::kNoRights, "round %u: mint with a right the source lacks", r);
  expect(mint(b, d, 1u << 6), Status::kInvalidArgument, "round %u: mint with an unknown right", r);
  expect(mint(b, d, kAll), Status::kInvalidArgument, "round %u: mint with every bit set", r);
  expect(mint(b, d, 0), Status::kOk, "round %u: mint with no rights", r);
  // Moves.
  expect(move(d, e), Status::kOk, "round %u: move", r);
  expect(move(d, e), Status::kEmptySlot, "round %u: move from the slot just emptied", r);
  expect(move(e, e), Status::kSlotOccupied, "round %u: move onto itself", r);
  expect(move(e, caps::kSlotCount), Status::kInvalidSlot, "round %u: move beyond the table", r);
  expect(move(e, kAll), Status::kInvalidSlot, "round %u: move to slot ~0", r);
  expect(move(caps::kSlotCount + r, g), Status::kInvalidSlot, "round %u: move from beyond the table", r);
  expect(copy(kAll, g), Status::kInvalidSlot, "round %u: copy from slot ~0", r);
  expect(copy(0, g), Status::kEmptySlot, "round %u: copy from slot 0", r);
  // Slot 0 never holds a cap: no copy, mint or move may fill it.
  expect(copy(e, 0), Status::kInvalidSlot, "round %u: copy into slot 0", r);
  expect(mint(e, 0, 0), Status::kInvalidSlot, "round %u: mint into slot 0", r);
  expect(move(e, 0), Status::kInvalidSlot, "round %u: move into slot 0", r);
  expect(info(0).status, Status::kEmptySlot, "round %u: slot 0 is empty", r);
  // Revoking the badged mint revokes its two children (one of them moved).
  revoke(b, Status::kOk, 2, r, "the badged mint");
  expect(info(c).status, Status::kRevoked, "round %u: cap_info of a revoked cap", r);
  expect(info(e).status, Status::kRevoked, "round %u: cap_info of the moved, revoked cap", r);
  expect(copy(c, g), Status::kRevoked, "round %u: copy of a revoked cap", r);
  expect(mint(c, g, 0), Status::kRevoked, "round %u: mint of a revoked cap", r);
  expect(move(c, g), Status::kRevoked, "round %u: move of a revoked cap", r);
  expect(copy(b, c), Status::kSlotOccupied, "round %u: copy onto a revoked cap", r);
  revoke(c, Status::kRevoked, 0, r, "a revoked cap");
  expect(remove(c), Status::kOk, "round %u: delete a revoked cap", r);
  expect(remove(c), Status::kEmptySlot, "round %u: delete it again", r);
  expect(remove(e), Status::kOk, "round %u: delete the other revoked cap", r);
  expect(remove(caps::kSlotCount), Status::kInvalidSlot, "round %u: delete beyond the table", r);
  expect(remove(kAll), Status::kInvalidSlot, "round %u: delete slot ~0", r);
  expect(remove(0), Status::kEmptySlot, "round %u: delete slot 0", r);
  revoke(0, Status::kEmptySlot, 0, r, "slot 0");
  revoke(caps::kSlotCount, Status::kInvalidSlot, 0, r, "beyond the table");
  // My endpoint moves away with its subtree (a, then b below it), and back.
  expect(move(ep, g), Status::kOk, "round %u: move my endpoint", r);
  expect(info(ep).status, Status::kEmptySlot, "round %u: my endpoint's slot is empty", r);
  expect_true(info(g) == g_start[ep], "round %u: the moved endpoint cap is the same cap", r);
  revoke(g, Status::kOk, 2, r, "the moved endpoint");
  expect(move(g, ep), Status::kOk, "round %u: move my endpoint back", r);
  expect(remove(a), Status::kOk, "round %u: delete the revoked copy", r);
  expect(remove(b), Status::kOk, "round %u: delete the revoked mint", r);
  // Deleting the middle of a chain hands its child to its parent.
  expect(copy(ep, a), Status::kOk, "round %u: copy (chain 1)", r);
  expect(copy(a, b), Status::kOk, "round %u: copy (chain 2)", r);
  expect(copy(b, c), Status::kOk, "round %u: copy (chain 3)", r);
  expect(remove(b), Status::kOk, "round %u: delete the middle of the chain", r);
  revoke(a, Status::kOk, 1, r, "the head of the chain");
  expect(remove(c), Status::kOk, "round %u: delete the revoked end of the chain", r);
  expect(remove(a), Status::kOk, "round %u: delete the head of the chain", r);
  revoke(ep, Status::kOk, 0, r, "my endpoint with nothing derived from it");
  // The pong cap carries the badge the ponger knows me by: it may be kept, not changed.
  const uint64_t pong_badge = g_start[caps::kPong].badge;
  expect(copy(caps::kPong, d), Status::kOk, "round %u: copy the pong cap", r);
  expect(mint(caps::kPong, e, rights::kSend, pong_badge + 1), Status::kInvalidArgument,
         "round %u: mint the pong cap with another badge", r);
  expect(mint(caps::kPong, e, rights::kSend, pong_badge), Status::kOk, "round %u: mint the pong cap with its badge", r);
  expect(mint(caps::kPong, f[6], rights::kRecv), Status::kNoRights, "round %u: mint the pong cap with recv", r);
  revoke(caps::kPong, Status::kOk, 2, r, "the pong cap");
  expect(remove(d), Status::kOk, "round %u: delete the revoked pong copy", r);
  expect(remove(e), Status::kOk, "round %u: delete the revoked pong mint", r);
  // The memory cap takes no badge.
  expect(copy(caps::kScratch, d), Status::kOk, "round %u: copy the memory cap", r);
  expect(mint(caps::kScratch, e, rights::kRead, badge), Status::kInvalidArgument,
         "round %u: mint a memory cap with a badge", r);
  expect(remove(d), Status::kOk, "round %u: delete the memory cap's copy", r);
}

}  // namespace

void remember_table() {
  for (uint32_t slot = 0; slot <= caps::kSlotCount; ++slot) g_start[slot] = info(slot);
}

void check_caps() {
  expect(g_start[caps::kSlotCount].status, Status::kInvalidSlot, "cap_info beyond the table");
  expect(g_start[0].status, Status::kEmptySlot, "cap_info of slot 0");
  for (uint32_t i = 0; i < caps::kFreeCount; ++i)
    expect(g_start[caps::kFirstFree + i].status, Status::kEmptySlot, "free slot %u is empty at the start",
           caps::kFirstFree + i);
  for (unsigned r = 0; r < kRounds; ++r) one_round(r);
  for (uint32_t slot = 0; slot <= caps::kSlotCount; ++slot) {
    const Slot now = info(slot);
    expect_true(now == g_start[slot],
                "slot %u is as it was when misuse started (status %u, type %lu, rights 0x%lx, badge %lu)", slot,
                static_cast<uint32_t>(now.status), now.type, now.rights, now.badge);
  }
}

}  // namespace probe
