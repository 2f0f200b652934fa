// tessera::format, shared by the kernel log and the runtime's log.
#include <doctest/doctest.h>

#include <string>

#include "tessera/format.h"

namespace {

std::string fmt(size_t cap, const char* f, ...) {
  char buf[128];
  va_list args;
  va_start(args, f);
  size_t n = tessera::format(buf, cap, f, args);
  va_end(args);
  CHECK(n == std::string(buf).size());
  return buf;
}

}  // namespace

TEST_CASE("format conversions") {
  CHECK(fmt(128, "plain") == "plain");
  CHECK(fmt(128, "%d|%i|%u", -42, 7, 3000000000u) == "-42|7|3000000000");
  CHECK(fmt(128, "%ld %lu %llx", -9000000000L, 18446744073709551615UL, 0xdeadbeefcafeULL) ==
        "-9000000000 18446744073709551615 deadbeefcafe");
  CHECK(fmt(128, "%x %08x %4d|%-4d|", 255u, 0x1234u, 7, 7) == "ff 00001234    7|7   |");
  CHECK(fmt(128, "%05d", -42) == "-0042");
  CHECK(fmt(128, "%s/%6s/%-6s/", "a", "bc", "de") == "a/    bc/de    /");
  CHECK(fmt(128, "%c%c %%", 'o', 'k') == "ok %");
  CHECK(fmt(128, "%s", static_cast<const char*>(nullptr)) == "(null)");
  CHECK(fmt(128, "%p", reinterpret_cast<void*>(0x1000)) == "0x0000000000001000");
  CHECK(fmt(128, "%lld", static_cast<long long>(INT64_MIN)) == "-9223372036854775808");
}

TEST_CASE("format truncates safely and always terminates") {
  CHECK(fmt(6, "hello world") == "hello");
  CHECK(fmt(1, "abc") == "");
  CHECK(fmt(4, "%d", 123456) == "123");
  char untouched = 'x';
  va_list none{};
  CHECK(tessera::format(&untouched, 0, "abc", none) == 0);
  CHECK(untouched == 'x');
}
