// The run queue: highest priority first, FIFO (round-robin) among equals, O(1) removal.
#include <doctest/doctest.h>

#include <initializer_list>

#include "kernel/run_queue.h"

using kernel::RunQueue;
using kernel::Thread;

static Thread make(uint8_t priority) {
  Thread t;
  t.priority = priority;
  return t;
}

TEST_CASE("run queue picks the highest priority, FIFO among equals") {
  RunQueue q;
  CHECK(q.empty());
  CHECK(q.highest() == -1);
  CHECK(q.pop_highest() == nullptr);
  Thread a = make(10), b = make(200), c = make(10), d = make(255), e = make(0), f = make(64);
  for (Thread* t : {&a, &b, &c, &d, &e, &f}) q.enqueue(t);
  CHECK(q.highest() == 255);
  CHECK(q.pop_highest() == &d);
  CHECK(q.pop_highest() == &b);
  CHECK(q.pop_highest() == &f);
  CHECK(q.pop_highest() == &a);
  CHECK(q.pop_highest() == &c);
  CHECK(q.pop_highest() == &e);
  CHECK(q.empty());
}

TEST_CASE("round-robin: a requeued thread goes behind its equals") {
  RunQueue q;
  Thread a = make(5), b = make(5), c = make(5);
  q.enqueue(&a);
  q.enqueue(&b);
  q.enqueue(&c);
  Thread* first = q.pop_highest();
  q.enqueue(first);
  CHECK(q.pop_highest() == &b);
  CHECK(q.pop_highest() == &c);
  CHECK(q.pop_highest() == &a);
}

TEST_CASE("removal from the middle keeps order and clears the bitmap") {
  RunQueue q;
  Thread a = make(100), b = make(100), c = make(100), low = make(3);
  q.enqueue(&a);
  q.enqueue(&b);
  q.enqueue(&c);
  q.enqueue(&low);
  CHECK(q.contains(&b));
  q.remove(&b);
  CHECK_FALSE(q.contains(&b));
  CHECK(q.pop_highest() == &a);
  q.remove(&c);
  CHECK(q.highest() == 3);
  CHECK(q.pop_highest() == &low);
  CHECK(q.empty());
}

TEST_CASE("pop_peeked takes what peek_highest showed, as pop_highest would") {
  RunQueue q;
  Thread a = make(100), b = make(100), low = make(3);
  for (Thread* t : {&a, &b, &low}) q.enqueue(t);
  Thread* t = q.peek_highest();
  REQUIRE(t == &a);
  q.pop_peeked(t);
  CHECK_FALSE(q.contains(&a));
  CHECK(q.highest() == 100);  // b still there
  q.pop_peeked(q.peek_highest());
  CHECK(q.highest() == 3);  // the last of 100 gone: its bit cleared
  q.pop_peeked(q.peek_highest());
  CHECK(q.empty());
  CHECK(q.peek_highest() == nullptr);
}
