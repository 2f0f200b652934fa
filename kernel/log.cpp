// Kernel printf: enough formatting for boot logs, fault reports and panics.
#include "kernel/log.h"

#include "kernel/platform.h"

namespace kernel {
namespace {

struct Out {
  char* buf;
  size_t cap;
  size_t len = 0;
  void put(char c) {
    if (len + 1 < cap) buf[len] = c;
    ++len;
  }
};

void put_number(Out& out, uint64_t value, unsigned base, bool negative, unsigned width, char pad) {
  char digits[24];
  unsigned n = 0;
  do {
    unsigned d = static_cast<unsigned>(value % base);
    digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
    value /= base;
  } while (value != 0);
  if (negative) digits[n++] = '-';
  for (unsigned i = n; i < width; ++i) out.put(pad);
  while (n > 0) out.put(digits[--n]);
}

}  // namespace

size_t format(char* buf, size_t cap, const char* fmt, va_list args) {
  Out out{buf, cap};
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    ++p;
    char pad = ' ';
    if (*p == '0') {
      pad = '0';
      ++p;
    }
    unsigned width = 0;
    while (*p >= '0' && *p <= '9') width = width * 10 + static_cast<unsigned>(*p++ - '0');
    unsigned longs = 0;
    while (*p == 'l') {
      ++longs;
      ++p;
    }
    switch (*p) {
      case 's': {
        const char* s = va_arg(args, const char*);
        if (s == nullptr) s = "(null)";
        size_t n = 0;
        while (s[n] != '\0') ++n;
        for (size_t i = n; i < width; ++i) out.put(' ');
        for (size_t i = 0; i < n; ++i) out.put(s[i]);
        break;
      }
      case 'c':
        out.put(static_cast<char>(va_arg(args, int)));
        break;
      case 'd': {
        int64_t v = longs > 0 ? va_arg(args, int64_t) : va_arg(args, int);
        uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        put_number(out, magnitude, 10, v < 0, width, pad);
        break;
      }
      case 'u':
      case 'x': {
        uint64_t v = longs > 0 ? va_arg(args, uint64_t) : va_arg(args, unsigned);
        put_number(out, v, *p == 'u' ? 10 : 16, false, width, pad);
        break;
      }
      case 'p':
        out.put('0');
        out.put('x');
        put_number(out, reinterpret_cast<uint64_t>(va_arg(args, void*)), 16, false, 16, '0');
        break;
      case '\0':
        --p;
        break;
      default:
        out.put('%');
        out.put(*p);
        break;
    }
  }
  if (cap > 0) buf[out.len < cap ? out.len : cap - 1] = '\0';
  return out.len < cap ? out.len : (cap > 0 ? cap - 1 : 0);
}

void log(const char* fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  size_t n = format(buf, sizeof(buf), fmt, args);
  va_end(args);
  platform::console_write(buf, n);
}

void panic(const char* fmt, ...) {
  char buf[256];
  va_list args;
  va_start(args, fmt);
  size_t n = format(buf, sizeof(buf), fmt, args);
  va_end(args);
  platform::console_write("kernel: PANIC: ", 15);
  platform::console_write(buf, n);
  platform::console_write("\n", 1);
  platform::shutdown(kStatusPanic);
}

}  // namespace kernel
