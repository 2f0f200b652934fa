// The kernel console's buffer and line assembly: whole lines in, nothing torn, no waiting.
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include "kernel/console_buffer.h"

using kernel::ConsoleBuffer;
using kernel::LineAssembler;
using Writer = ConsoleBuffer::Writer;

namespace {

std::string take_all(ConsoleBuffer& b) {
  std::string out;
  char chunk[7];  // odd-sized, so lines straddle chunks
  for (size_t n = b.take(chunk, sizeof chunk); n != 0; n = b.take(chunk, sizeof chunk)) out.append(chunk, n);
  return out;
}

}  // namespace

TEST_CASE("console buffer: appends are whole lines, a missing newline is added") {
  static ConsoleBuffer b;
  b = ConsoleBuffer{};
  CHECK(b.append("alpha\n", 6, Writer::kComponent));
  CHECK(b.append("beta", 4, Writer::kKernel));
  CHECK(b.append("two\nlines", 9, Writer::kComponent));
  CHECK(b.used() == 6 + 5 + 10);
  CHECK(take_all(b) == "alpha\nbeta\ntwo\nlines\n");
  CHECK(b.empty());
}

TEST_CASE("console buffer: a full buffer refuses the whole line, never a part of it") {
  static ConsoleBuffer b;
  b = ConsoleBuffer{};
  const std::string line(99, 'x');
  size_t appended = 0;
  while (b.append(line.data(), line.size(), Writer::kComponent)) ++appended;
  // Components stop short of the kernel's reserve...
  CHECK(b.used() == appended * 100);
  CHECK(b.used() <= ConsoleBuffer::kCapacity - ConsoleBuffer::kKernelReserve);
  CHECK(b.used() + 100 > ConsoleBuffer::kCapacity - ConsoleBuffer::kKernelReserve);
  // ...so the kernel's fault report still fits.
  CHECK(b.append("kernel: component x faulted\n", 28, Writer::kKernel));
  size_t kernel_lines = 1;
  while (b.append(line.data(), line.size(), Writer::kKernel)) ++kernel_lines;
  CHECK(b.used() <= ConsoleBuffer::kCapacity);
  const std::string out = take_all(b);
  CHECK(out.size() == appended * 100 + 28 + (kernel_lines - 1) * 100);
  // Every line is whole.
  size_t start = 0;
  while (start < out.size()) {
    const size_t end = out.find('\n', start);
    REQUIRE(end != std::string::npos);
    const std::string l = out.substr(start, end - start);
    CHECK((l == line || l == "kernel: component x faulted"));
    start = end + 1;
  }
}

TEST_CASE("console buffer: wraps around its end without losing or tearing") {
  static ConsoleBuffer b;
  b = ConsoleBuffer{};
  std::string expected, got;
  for (int i = 0; i < 5000; ++i) {
    const std::string l = "line " + std::to_string(i) + "\n";
    while (!b.append(l.data(), l.size(), Writer::kComponent)) got += take_all(b);
    expected += l;
  }
  got += take_all(b);
  CHECK(got == expected);
}

TEST_CASE("console buffer: the size of text once made whole lines") {
  CHECK(ConsoleBuffer::line_size("ab", 2) == 3);
  CHECK(ConsoleBuffer::line_size("ab\n", 3) == 3);
  CHECK(ConsoleBuffer::line_size("", 0) == 1);
}

TEST_CASE("line assembler: pieces become one line; long lines are broken, not lost") {
  LineAssembler a;
  std::vector<std::string> lines;
  auto emit = [&](const char* text, size_t length) { lines.emplace_back(text, length); };
  a.feed("user ", 5, emit);
  a.feed("exception ", 10, emit);
  CHECK(lines.empty());
  a.feed("14\n  rip=", 9, emit);
  REQUIRE(lines.size() == 1);
  CHECK(lines[0] == "user exception 14\n");
  a.finish(emit);
  REQUIRE(lines.size() == 2);
  CHECK(lines[1] == "  rip=\n");
  lines.clear();
  const std::string longer(450, 'y');
  a.feed(longer.data(), longer.size(), emit);
  a.finish(emit);
  size_t total = 0;
  for (const std::string& l : lines) {
    CHECK(l.size() <= LineAssembler::kLineMax);
    CHECK(l.back() == '\n');
    total += l.size() - 1;
  }
  CHECK(total == longer.size());
}
