// The timer queue: earliest deadline first, FIFO among equal deadlines, O(1) removal.
#include <doctest/doctest.h>

#include "kernel/timer_queue.h"

using kernel::Thread;
using kernel::TimerQueue;

TEST_CASE("threads leave the timer queue in deadline order") {
  TimerQueue q;
  CHECK(q.empty());
  CHECK(q.next_deadline() == TimerQueue::kNever);
  Thread a, b, c, d;
  q.insert(&a, 300);
  q.insert(&b, 100);
  q.insert(&c, 200);
  q.insert(&d, 100);  // same deadline as b: after b
  CHECK(q.next_deadline() == 100);
  CHECK(q.pop_expired(99) == nullptr);
  CHECK(q.pop_expired(100) == &b);
  CHECK(q.pop_expired(100) == &d);
  CHECK(q.pop_expired(100) == nullptr);
  CHECK(q.pop_expired(1000) == &c);
  CHECK(q.pop_expired(1000) == &a);
  CHECK(q.empty());
  CHECK_FALSE(q.contains(&a));
}

TEST_CASE("a thread woken early is removed from anywhere in the queue") {
  TimerQueue q;
  Thread a, b, c;
  q.insert(&a, 10);
  q.insert(&b, 20);
  q.insert(&c, 30);
  REQUIRE(q.contains(&b));
  q.remove(&b);  // middle
  CHECK_FALSE(q.contains(&b));
  q.remove(&a);  // head
  CHECK(q.next_deadline() == 30);
  q.remove(&c);  // last
  CHECK(q.empty());
  q.insert(&b, 5);  // reusable after removal
  CHECK(q.pop_expired(5) == &b);
}
