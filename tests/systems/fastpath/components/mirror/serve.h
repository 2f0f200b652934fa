// serve.h: the loop of a server of the mirror interface (mirror, echo). Every reply_recv is
// made with markers of the server's own in every register and flags of its own (CF ZF AF, where
// its callers set DF AC NT SF OF PF ID or TF), and what came back is checked: every register but
// the message (rsi and mr[0..5]), the status (kOk) and the badge (one `known_badge` accepts),
// rcx and r11 as sysret left them, rsp, RFLAGS, null selectors and the IPC buffer at %fs:0. A
// probe is answered with each word inverted; a report with how many requests broke a rule and
// how many were served. Included by one source file of each server (after regs.h).
#pragma once

#include "regs.h"

namespace mirror_server {

inline constexpr uint32_t kProbe = 1, kReport = 2;

template <class KnownBadge>
[[noreturn]] void serve(const char* name, uint64_t tag, uint32_t endpoint, KnownBadge known_badge) {
  constexpr uint64_t kOwnFlags = regs::kCf | regs::kZf | regs::kAf | regs::kBaseFlags;
  regs::Checker check{name};
  uint64_t served = 0;
  regs::Regs in{}, out{};
  uint64_t number = static_cast<uint64_t>(tessera::Syscall::kRecv);
  uint64_t reply_info = 0;
  uint64_t reply[tessera::kMessageRegisters] = {};
  for (uint64_t round = 0;; ++round) {
    regs::fill(in, tag, round);
    in.rax = number;
    in.rdi = endpoint;
    in.rsi = reply_info;
    for (unsigned i = 0; i < tessera::kMessageRegisters; ++i) regs::mr(in, i) = reply[i];
    in.flags = kOwnFlags;
    regs::syscall(&in, &out);

    // What the kernel may write: the status, the badge and the message. The rest is mine.
    regs::Regs want = regs::unchanged(in, out, 0, 0, 0, 0);
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

}  // namespace mirror_server
