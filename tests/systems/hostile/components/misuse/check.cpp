// misuse: counting checks and reporting the ones that failed, with status names.
#include <stdarg.h>

#include "probe.h"
#include "tessera/format.h"

namespace probe {
namespace {

uint64_t g_checks = 0;
uint64_t g_failures = 0;

const char* name(Status s) {
  static const char* const kNames[] = {
      "kOk",          "kInvalidSyscall", "kInvalidSlot",     "kEmptySlot",     "kWrongType",
      "kNoRights",    "kNoReplyTarget",  "kInvalidArgument", "kBadAddress",    "kOutOfMemory",
      "kPeerDied",    "kUnknownMethod",  "kBadMessage",      "kRevoked",       "kSlotOccupied",
      "kTimeout",     "kWouldBlock",     "kQuotaExceeded",   "kAlreadyMapped", "kNotMapped",
      "kCallDropped",
  };
  const auto i = static_cast<uint32_t>(s);
  return i < sizeof kNames / sizeof kNames[0] ? kNames[i] : "(not a status)";
}

size_t format_to(char* buf, size_t cap, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
size_t format_to(char* buf, size_t cap, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const size_t n = tessera::format(buf, cap, fmt, args);
  va_end(args);
  return n;
}

void report(const char* what, va_list args, const char* tail) {
  char text[160];
  tessera::format(text, sizeof text, what, args);
  tessera::log("misuse: %s%s: FAILED\n", text, tail);
}

}  // namespace

bool expect(Status got, Status want, const char* what, ...) {
  ++g_checks;
  if (got == want) return true;
  ++g_failures;
  char tail[96];
  format_to(tail, sizeof tail, ": got %s (%u), expected %s (%u)", name(got), static_cast<uint32_t>(got), name(want),
            static_cast<uint32_t>(want));
  va_list args;
  va_start(args, what);
  report(what, args, tail);
  va_end(args);
  return false;
}

bool expect_true(bool ok, const char* what, ...) {
  ++g_checks;
  if (ok) return true;
  ++g_failures;
  va_list args;
  va_start(args, what);
  report(what, args, "");
  va_end(args);
  return false;
}

uint64_t checks() { return g_checks; }
uint64_t failures() { return g_failures; }

}  // namespace probe
