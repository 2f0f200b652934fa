// The built-in supervisor's decisions (components/supervisor/policy.h): backoff, the queue
// of restarts waiting for it, and the line each report logs.
#include <doctest/doctest.h>

#include <string>

#include "components/supervisor/policy.h"

using tessera::Ending;
using tessera::RestartPolicy;

TEST_CASE("supervisor: the backoff doubles per earlier restart, up to 1 s") {
  CHECK(policy::backoff_ms(0, 0) == 0);
  CHECK(policy::backoff_ms(0, 7) == 0);  // no backoff stays none
  CHECK(policy::backoff_ms(10, 0) == 10);
  CHECK(policy::backoff_ms(10, 1) == 20);
  CHECK(policy::backoff_ms(10, 2) == 40);
  CHECK(policy::backoff_ms(10, 6) == 640);
  CHECK(policy::backoff_ms(10, 7) == 1000);  // 1280 is past the cap
  CHECK(policy::backoff_ms(10, 1000) == 1000);
  CHECK(policy::backoff_ms(1000, 3) == 1000);
  // A first wait beyond the cap is kept, never doubled.
  CHECK(policy::backoff_ms(5000, 0) == 5000);
  CHECK(policy::backoff_ms(5000, 4) == 5000);
}

TEST_CASE("supervisor: the restart queue hands out due restarts, earliest first") {
  policy::RestartQueue<3> q;
  CHECK(q.next() == q.kNone);
  CHECK(q.take_due(~uint64_t{0} - 1) == 3);
  q.schedule(2, 500);
  q.schedule(0, 300);
  CHECK(q.waiting(0));
  CHECK_FALSE(q.waiting(1));
  CHECK(q.next() == 300);
  CHECK(q.take_due(299) == 3);  // nothing due yet
  CHECK(q.take_due(1000) == 0);
  CHECK(q.take_due(1000) == 2);
  CHECK(q.take_due(1000) == 3);
  q.schedule(1, 50);
  q.schedule(1, 70);  // a later report replaces the wait
  CHECK(q.next() == 70);
  q.cancel(1);
  CHECK(q.next() == q.kNone);
}

namespace {

const tessera::SupervisedComponent kServer{"server", 2, 5, RestartPolicy::kOnFailure, 3, 10, false};

std::string line(const tessera::SupervisedComponent& c, Ending ending, const tessera::FaultReport& r, uint64_t wait) {
  char out[256];
  const size_t n = policy::describe(c, ending, r, wait, out, sizeof out);
  return std::string(out, n);
}

}  // namespace

TEST_CASE("supervisor: a report is one line saying what ended, how, and what comes next") {
  tessera::FaultReport r{};
  r.component = 2;
  r.thread = 1;
  r.cpu = 3;
  r.vector = 14;
  r.error_code = 6;
  r.address = 0x10;
  r.ip = 0x400123;
  r.restarts = 0;
  r.restart_pending = 1;
  CHECK(line(kServer, Ending::kFault, r, 10) ==
        "supervisor: server faulted (vector 14, error 0x6, address 0x10, rip 0x400123) in thread 1 on cpu 3, "
        "generation 0: restart 1 of 3 in 10 ms\n");
  r.restarts = 3;
  r.restart_pending = 0;
  CHECK(line(kServer, Ending::kFault, r, 0).find("stays stopped (restart_limit 3 reached)\n") != std::string::npos);

  tessera::FaultReport exit{};
  exit.exit_code = 0;
  const std::string clean = line(kServer, Ending::kExit, exit, 0);
  CHECK(clean.find("supervisor: server exited with code 0 in thread 0") == 0);
  CHECK(clean.find("its policy does not restart this ending") != std::string::npos);
  tessera::SupervisedComponent never = kServer;
  never.restart = RestartPolicy::kNever;
  CHECK(line(never, Ending::kExit, exit, 0).find("stays stopped (restart: never)") != std::string::npos);
  // One line: the newline only at the end.
  CHECK(clean.find('\n') == clean.size() - 1);
}

TEST_CASE("supervisor: reports are matched to the table by their badge, the control slot") {
  const tessera::SupervisedComponent table[] = {
      {"a", 1, 4, RestartPolicy::kAlways, 5, 0, false},
      {"b", 2, 5, RestartPolicy::kOnFailure, 5, 0, true},
  };
  CHECK(policy::find_by_badge(table, 2, 4) == 0);
  CHECK(policy::find_by_badge(table, 2, 5) == 1);
  CHECK(policy::find_by_badge(table, 2, 6) == 2);
  CHECK(policy::find_by_badge(table, 2, 0) == 2);
}
