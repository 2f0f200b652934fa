// mirror: the server the callers on CPU 0 reach through the fastpath. It makes every
// reply_recv with markers of its own in every register and flags of its own (CF ZF AF, where
// its callers set DF AC NT SF OF PF ID or TF), and checks after each one that it got its own
// state back: every register but the message (rsi and mr[0..5]), the status (kOk) and the
// badge (one of its clients'), rcx and r11 as sysret left them, rsp, RFLAGS, null selectors
// and its IPC buffer at %fs:0. A probe is answered with each word inverted; a report with
// how many requests broke a rule and how many it served.
#include "component.h"
#include "regs.h"

namespace self = mirror;
using regs::Regs;

namespace {

constexpr uint64_t kTag = 0x4d49;  // "MI"
constexpr uint32_t kProbe = 1, kReport = 2;
constexpr uint64_t kOwnFlags = regs::kCf | regs::kZf | regs::kAf | regs::kBaseFlags;

bool known_badge(uint64_t badge) {
  using namespace self::clients;
  return badge == kTf || badge == kPoker || badge == kBlanker || badge == kTwin || badge == kJudge;
}

}  // namespace

int main() {
  regs::Checker check{"mirror"};
  uint64_t served = 0;
  Regs in{}, out{};
  uint64_t number = static_cast<uint64_t>(tessera::Syscall::kRecv);
  uint64_t reply_info = 0;
  uint64_t reply[tessera::kMessageRegisters] = {};
  for (uint64_t round = 0;; ++round) {
    regs::fill(in, kTag, round);
    in.rax = number;
    in.rdi = self::caps::kEndpoint;
    in.rsi = reply_info;
    for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) regs::mr(in, i) = reply[i];
    in.flags = kOwnFlags;
    regs::syscall(&in, &out);

    // What the kernel may write: the status, the badge and the message. The rest is mine.
    Regs want = regs::unchanged(in, out, 0, 0, 0, 0);
    want.rax = static_cast<uint64_t>(tessera::Status::kOk);
    want.rdi = out.rdi;
    want.rsi = out.rsi;
    for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) regs::mr(want, i) = regs::mr(out, i);
    check.expect_regs(out, want, round);
    check.expect_eq(regs::fs_word(0), tessera::layout::kIpcBufferBase, round, "%fs:0 (my IPC buffer)");
    check.expect(known_badge(out.rdi), round, "the badge is one of my clients'");

    number = static_cast<uint64_t>(tessera::Syscall::kReplyRecv);
    if (out.rax != static_cast<uint64_t>(tessera::Status::kOk)) {
      number = static_cast<uint64_t>(tessera::Syscall::kRecv);
      continue;
    }
    ++served;
    const uint32_t label = tessera::info_label(out.rsi);
    if (label == kReport) {
      reply_info = tessera::make_info(kReport, 2);
      reply[0] = check.failures();
      reply[1] = served;
    } else {
      check.expect(label == kProbe && tessera::info_count(out.rsi) == 6, round, "a probe of six words");
      reply_info = tessera::make_info(label, 6);
      for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) reply[i] = ~regs::mr(out, i);
    }
  }
}
