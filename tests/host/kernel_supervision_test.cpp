// Supervision on the host: the restart policy, and what a supervised server's ending does to
// its clients, to its endpoint and to its supervisor (the fault report), through the real
// kernel booted on the fake platform.
#include <doctest/doctest.h>

#include <string>

#include "kernel/log.h"
#include "kernel/supervision.h"
#include "tests/host/booted_system.h"

using namespace kernel;
using namespace kernel::host;
using tessera::Ending;
using tessera::RestartPolicy;
using tessera::Status;
using tessera::Syscall;

TEST_CASE("restart_due: the policy, the ending and the restarts so far against the limit") {
  using enum RestartPolicy;
  struct Case {
    RestartPolicy policy;
    Ending ending;
    uint64_t exit_code;
    uint64_t restarts;
    uint32_t limit;
    bool due;
  };
  constexpr Ending kFault = Ending::kFault, kExit = Ending::kExit;
  const Case cases[] = {
      // never: under, at and over the limit, whatever the ending
      {kNever, kFault, 0, 0, 3, false},
      {kNever, kExit, 0, 0, 3, false},
      {kNever, kExit, 1, 0, 3, false},
      {kNever, kFault, 0, 3, 3, false},
      {kNever, kExit, 1, 4, 3, false},
      // on-failure: a fault or a non-zero exit, while under the limit
      {kOnFailure, kFault, 0, 0, 3, true},
      {kOnFailure, kFault, 0, 2, 3, true},
      {kOnFailure, kFault, 0, 3, 3, false},
      {kOnFailure, kFault, 0, 4, 3, false},
      {kOnFailure, kExit, 0, 0, 3, false},
      {kOnFailure, kExit, 0, 3, 3, false},
      {kOnFailure, kExit, 1, 0, 3, true},
      {kOnFailure, kExit, 127, 2, 3, true},
      {kOnFailure, kExit, 1, 3, 3, false},
      {kOnFailure, kExit, 1, 4, 3, false},
      {kOnFailure, kFault, 7, 0, 3, true},  // a fault's exit code says nothing
      // always: any ending, while under the limit
      {kAlways, kFault, 0, 0, 3, true},
      {kAlways, kExit, 0, 0, 3, true},
      {kAlways, kExit, 1, 2, 3, true},
      {kAlways, kFault, 0, 3, 3, false},
      {kAlways, kExit, 0, 3, 3, false},
      {kAlways, kExit, 1, 9, 3, false},
      // a limit of 0 allows none; the largest limit still counts
      {kAlways, kExit, 0, 0, 0, false},
      {kOnFailure, kFault, 0, 0, 0, false},
      {kAlways, kFault, 0, 0xffff'fffe, 0xffff'ffff, true},
      {kAlways, kFault, 0, 0xffff'ffff, 0xffff'ffff, false},
      {kAlways, kFault, 0, ~uint64_t{0}, 0xffff'ffff, false},
      // a policy the kernel does not know restarts nothing
      {static_cast<RestartPolicy>(3), kFault, 0, 0, 3, false},
  };
  for (const Case& c : cases) {
    INFO("policy " << static_cast<uint32_t>(c.policy) << ", ending " << static_cast<uint32_t>(c.ending) << ", exit "
                   << c.exit_code << ", restarts " << c.restarts << ", limit " << c.limit);
    CHECK(restart_due(c.policy, c.ending, c.exit_code, c.restarts, c.limit) == c.due);
  }
  static_assert(restart_due(kOnFailure, kFault, 0, 0, 1), "usable at compile time");
}

namespace {

constexpr uint64_t kCallInfo = tessera::make_info(9, 1);

/// The server waits in recv; client A's call reached it (A waits for the reply) and client
/// B's call is queued on the endpoint.
void clients_waiting(BootedSystem& w) {
  Thread& server = w.thread(kServer);
  Thread& a = w.thread(kClientA);
  Thread& b = w.thread(kClientB);
  w.call(server, Syscall::kRecv, kSrvEp);
  REQUIRE(server.state == ThreadState::kBlockedRecv);
  w.call(a, Syscall::kCall, kCliEp, kCallInfo, 41);
  REQUIRE(a.state == ThreadState::kBlockedReply);
  REQUIRE(server.state == ThreadState::kReady);
  REQUIRE(server.reply_to == &a);
  w.call(b, Syscall::kCall, kCliEp, kCallInfo, 42);
  REQUIRE(b.state == ThreadState::kBlockedSend);
  REQUIRE(w.endpoint(kServerEp).senders.front() == &b);
}

/// The fault report words the supervisor's last receive delivered.
std::vector<uint64_t> report_words(const Thread& sup) {
  std::vector<uint64_t> words;
  for (uint32_t i = 0; i < tessera::kMessageRegisters; ++i) words.push_back(sup.frame->mr[i]);
  for (uint32_t i = tessera::kMessageRegisters; i < tessera::kFaultReportWords; ++i)
    words.push_back(sup.ipc_buffer->words[i]);
  return words;
}

/// The supervisor's last receive delivered a report of `ending` with `words`.
void check_report(const Thread& sup, Ending ending, const std::vector<uint64_t>& words) {
  CHECK(status_of(sup) == Status::kOk);
  CHECK(sup.frame->a0 == kReportBadge);
  const uint64_t info = sup.frame->a1;
  CHECK(tessera::info_label(info) == static_cast<uint32_t>(ending));
  CHECK(tessera::info_count(info) == tessera::kFaultReportWords);
  CHECK(tessera::info_caps(info) == 0);
  CHECK(report_words(sup) == words);
  CHECK(sup.reply_to == nullptr);  // the kernel wants no reply
}

/// The reporter is as boot left it: dead, on no queue, never ready.
void check_reporter_idle(BootedSystem& w) {
  Thread& r = w.reporter();
  CHECK(r.reporter);
  CHECK(r.state == ThreadState::kDead);
  CHECK(r.queue == nullptr);
  CHECK(r.blocked_on == nullptr);
  CHECK_FALSE(w.queued_to_run(r));
}

const EndingReport kPageFault{Ending::kFault, 0, 0, 14, 6, 0xdead'b000, 0x400123, 0};

}  // namespace

TEST_CASE(
    "supervision: a server's ending fails its clients with kPeerRestarted when a restart is due, else kPeerDied") {
  struct Case {
    const char* what;
    RestartPolicy policy;
    uint32_t limit;
    bool fault;          ///< else an exit with exit_code
    uint64_t exit_code;  ///< as the thread passed it (the kernel keeps 7 bits)
    Status clients;
  };
  using enum RestartPolicy;
  const Case cases[] = {
      {"on-failure, a fault", kOnFailure, 2, true, 0, Status::kPeerRestarted},
      {"on-failure, exit 3", kOnFailure, 2, false, 3, Status::kPeerRestarted},
      {"on-failure, exit 0x100 (0 in 7 bits)", kOnFailure, 2, false, 0x100, Status::kPeerDied},
      {"on-failure, exit 0", kOnFailure, 2, false, 0, Status::kPeerDied},
      {"on-failure, a fault with the limit reached", kOnFailure, 0, true, 0, Status::kPeerDied},
      {"never, a fault", kNever, 2, true, 0, Status::kPeerDied},
      {"always, exit 0", kAlways, 1, false, 0, Status::kPeerRestarted},
      {"always, exit 0 with the limit reached", kAlways, 0, false, 0, Status::kPeerDied},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    SystemOptions o;
    o.restart = c.policy;
    o.restart_limit = c.limit;
    BootedSystem w(o);
    Thread& sup = w.thread(kSup);
    Thread& server = w.thread(kServer);
    Thread& a = w.thread(kClientA);
    Thread& b = w.thread(kClientB);
    w.call(sup, Syscall::kRecv, kSupFault);
    REQUIRE(sup.state == ThreadState::kBlockedRecv);
    clients_waiting(w);

    if (c.fault) {
      w.locked([&](Cpu& cpu) { component_ended(cpu, &w.component(kServer), kPageFault, kStatusFault); });
    } else {
      CHECK(w.call(server, Syscall::kExit, c.exit_code) != &server);
    }
    const bool due = c.clients == Status::kPeerRestarted;
    CHECK(w.component(kServer).stopped);
    CHECK(server.state == ThreadState::kDead);
    // Both clients: the one waiting for its reply and the one queued.
    for (Thread* t : {&a, &b}) {
      CHECK(t->state == ThreadState::kReady);
      CHECK(status_of(*t) == c.clients);
      CHECK(t->callee == nullptr);
      CHECK(t->blocked_on == nullptr);
      CHECK(w.queued_to_run(*t));
    }
    CHECK(w.endpoint(kServerEp).status() == c.clients);
    CHECK(w.endpoint(kServerEp).senders.empty());
    // A new call while it is down fails the same way at once, and so does a send.
    CHECK(w.call(a, Syscall::kCall, kCliEp, kCallInfo) == &a);
    CHECK(status_of(a) == c.clients);
    CHECK(w.call(b, Syscall::kSend, kCliEp, kCallInfo) == &b);
    CHECK(status_of(b) == c.clients);
    // The supervisor, waiting, got the report at once.
    CHECK(sup.state == ThreadState::kReady);
    CHECK(w.queued_to_run(sup));
    const uint64_t exit_code = c.fault ? 0 : c.exit_code & 0x7f;
    if (c.fault) {
      check_report(sup, Ending::kFault,
                   {kServer, 0, 0, 14, 6, 0xdead'b000, 0x400123, 0, 0, due ? uint64_t{1} : uint64_t{0}});
    } else {
      check_report(sup, Ending::kExit, {kServer, 0, 0, 0, 0, 0, 0, exit_code, 0, due ? uint64_t{1} : uint64_t{0}});
    }
    check_reporter_idle(w);
    CHECK(w.endpoint(kFaultEp).senders.empty());
  }
}

TEST_CASE("supervision: the last thread's thread_exit is an exit with code 0; the report names that thread") {
  SystemOptions o;
  o.restart = RestartPolicy::kAlways;
  BootedSystem w(o);
  Thread& sup = w.thread(kSup);
  Thread& first = w.thread(kServer);
  w.call(sup, Syscall::kRecv, kSupFault);
  w.call(first, Syscall::kThreadCreate, kEntry, tessera::layout::kStackTop - 256);
  REQUIRE(status_of(first) == Status::kOk);
  Thread& second = w.thread(kServer, 1);
  w.call(first, Syscall::kThreadExit);
  CHECK(first.state == ThreadState::kDead);
  CHECK_FALSE(w.component(kServer).stopped);
  CHECK(sup.state == ThreadState::kBlockedRecv);  // one thread left: no ending yet
  w.call(second, Syscall::kThreadExit);
  CHECK(w.component(kServer).stopped);
  check_report(sup, Ending::kExit, {kServer, 1, 0, 0, 0, 0, 0, 0, 0, 1});
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerRestarted);
}

TEST_CASE("supervision: a report for a supervisor that is not waiting is queued, and the next receive takes it") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  Thread& r = w.reporter();
  clients_waiting(w);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &w.component(kServer), kPageFault, kStatusFault); });
  // Queued on the fault endpoint as a send, never on a run queue.
  CHECK(r.state == ThreadState::kBlockedSend);
  CHECK(r.blocked_on == &w.endpoint(kFaultEp));
  CHECK(w.endpoint(kFaultEp).senders.front() == &r);
  CHECK_FALSE(r.sending_call);
  CHECK(r.send_badge == kReportBadge);
  CHECK_FALSE(w.queued_to_run(r));
  CHECK(status_of(w.thread(kClientA)) == Status::kPeerRestarted);

  SUBCASE("recv") {
    CHECK(w.call(sup, Syscall::kRecv, kSupFault) == &sup);  // does not block
  }
  SUBCASE("a receive with a zero timeout (a poll) takes it too") {
    CHECK(w.call(sup, Syscall::kRecvTimeout, kSupFault, 0) == &sup);
  }
  SUBCASE("reply_recv with nothing to answer") {
    CHECK(w.call(sup, Syscall::kReplyRecv, kSupFault, tessera::make_info(0, 0)) == &sup);
  }
  CHECK(sup.state == ThreadState::kReady);
  check_report(sup, Ending::kFault, {kServer, 0, 0, 14, 6, 0xdead'b000, 0x400123, 0, 0, 1});
  check_reporter_idle(w);
  CHECK(w.endpoint(kFaultEp).senders.empty());
  // Nothing more to receive: the supervisor waits.
  w.call(sup, Syscall::kRecv, kSupFault);
  CHECK(sup.state == ThreadState::kBlockedRecv);
}

TEST_CASE("supervision: the supervisor's death drops a queued report; the reporter never becomes ready") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  clients_waiting(w);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &w.component(kServer), kPageFault, kStatusFault); });
  REQUIRE(w.reporter().state == ThreadState::kBlockedSend);
  w.call(sup, Syscall::kExit, 0);
  CHECK(w.component(kSup).stopped);
  CHECK(w.endpoint(kFaultEp).status() == Status::kPeerDied);
  CHECK(w.endpoint(kFaultEp).senders.empty());
  check_reporter_idle(w);
}

TEST_CASE("supervision: with its supervisor gone, a server's ending is kPeerDied and sends no report") {
  BootedSystem w;
  w.call(w.thread(kSup), Syscall::kExit, 0);
  REQUIRE(w.endpoint(kFaultEp).status() == Status::kPeerDied);
  clients_waiting(w);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &w.component(kServer), kPageFault, kStatusFault); });
  CHECK(status_of(w.thread(kClientA)) == Status::kPeerDied);
  CHECK(status_of(w.thread(kClientB)) == Status::kPeerDied);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
  check_reporter_idle(w);
}

TEST_CASE("supervision: an unsupervised component's ending is kPeerDied for its partners, with no report") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  Thread& a = w.thread(kClientA);
  Thread& server = w.thread(kServer);
  w.call(sup, Syscall::kRecv, kSupFault);
  // Client A, unsupervised, ends while the server holds the reply right of its call.
  w.call(server, Syscall::kRecv, kSrvEp);
  w.call(a, Syscall::kCall, kCliEp, kCallInfo);
  REQUIRE(server.reply_to == &a);
  w.locked([&](Cpu& cpu) {
    component_ended(cpu, &w.component(kClientA), EndingReport{Ending::kFault, 0, 0, 13, 0, 0, kEntry, 0}, kStatusFault);
  });
  CHECK(w.component(kClientA).stopped);
  CHECK(a.state == ThreadState::kDead);
  CHECK(server.reply_to == nullptr);              // the server must not reply into a dead thread
  CHECK(sup.state == ThreadState::kBlockedRecv);  // nothing was reported
  CHECK(w.endpoint(kFaultEp).senders.empty());
  check_reporter_idle(w);
  CHECK(w.endpoint(kServerEp).status() == Status::kOk);  // the server's endpoint is not client A's
}

TEST_CASE("supervision: component caps give the component's generation in cap_info, as do endpoint caps") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  w.call(sup, Syscall::kCapInfo, kSupControl);
  CHECK(status_of(sup) == Status::kOk);
  CHECK(sup.frame->a0 == static_cast<uint64_t>(tessera::CapType::kComponent));
  CHECK(sup.frame->a1 == (tessera::rights::kSend | tessera::rights::kGrant));
  CHECK(sup.frame->mr[0] == 0);  // no badge
  CHECK(sup.frame->mr[1] == 0);  // generation 0
  w.component(kServer).sup.generation = 5;
  w.call(sup, Syscall::kCapInfo, kSupControl);
  CHECK(sup.frame->mr[1] == 5);
  Thread& a = w.thread(kClientA);
  w.call(a, Syscall::kCapInfo, kCliEp);
  CHECK(a.frame->mr[0] == kBadgeA);
  CHECK(a.frame->mr[1] == 5);  // the endpoint's receiver's
  w.call(a, Syscall::kCapInfo, kCliNtf);
  CHECK(a.frame->mr[1] == 0);  // a notification belongs to no generation
  w.call(w.thread(kSup), Syscall::kCapInfo, kSupFault);
  CHECK(w.thread(kSup).frame->mr[1] == 0);  // the supervisor was never restarted
}

TEST_CASE("supervision: a supervisor that stops takes the restarts due with it: kPeerDied from then on") {
  BootedSystem w;
  Thread& sup = w.thread(kSup);
  clients_waiting(w);
  w.call(sup, Syscall::kRecv, kSupFault);
  w.locked([&](Cpu& cpu) { component_ended(cpu, &w.component(kServer), kPageFault, kStatusFault); });
  REQUIRE(w.endpoint(kServerEp).status() == Status::kPeerRestarted);  // a restart is due
  // The supervisor ends before it restarts the server: nobody ever will.
  w.call(sup, Syscall::kExit, 0);
  CHECK(w.endpoint(kServerEp).status() == Status::kPeerDied);
  Thread& b = w.thread(kClientB);
  w.call(b, Syscall::kCall, kCliEp, kCallInfo);
  CHECK(status_of(b) == Status::kPeerDied);
}
