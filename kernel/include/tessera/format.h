// printf-style formatting shared by the kernel log and the user runtime's log: freestanding,
// no allocation. Supports %s %c %d %i %u %x %p %%, l/ll length modifiers, width, 0-padding
// and '-' for left-justification.
#pragma once

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

namespace tessera {
namespace format_detail {

struct Out {
  char* buf;
  size_t cap;
  size_t len = 0;
  void put(char c) {
    if (len + 1 < cap) buf[len] = c;
    ++len;
  }
  void pad(size_t n, char c) {
    for (size_t i = 0; i < n; ++i) put(c);
  }
};

inline void put_number(Out& out, uint64_t value, unsigned base, bool negative, unsigned width, char pad, bool left) {
  char digits[24];
  unsigned n = 0;
  do {
    unsigned d = static_cast<unsigned>(value % base);
    digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
    value /= base;
  } while (value != 0);
  unsigned len = n + (negative ? 1 : 0);
  if (!left && pad == ' ' && width > len) out.pad(width - len, ' ');
  if (negative) out.put('-');
  if (!left && pad == '0' && width > len) out.pad(width - len, '0');
  while (n > 0) out.put(digits[--n]);
  if (left && width > len) out.pad(width - len, ' ');
}

}  // namespace format_detail

/// Formats into buf (always NUL-terminated when cap > 0, truncated to cap-1 chars) and
/// returns the number of characters stored.
inline size_t format(char* buf, size_t cap, const char* fmt, va_list args) {
  format_detail::Out out{buf, cap};
  for (const char* p = fmt; *p != '\0'; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    ++p;
    bool left = false;
    char pad = ' ';
    for (;; ++p) {
      if (*p == '-') {
        left = true;
      } else if (*p == '0') {
        pad = '0';
      } else {
        break;
      }
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
        if (!left && width > n) out.pad(width - n, ' ');
        for (size_t i = 0; i < n; ++i) out.put(s[i]);
        if (left && width > n) out.pad(width - n, ' ');
        break;
      }
      case '%':
        out.put('%');
        break;
      case 'c':
        out.put(static_cast<char>(va_arg(args, int)));
        break;
      case 'd':
      case 'i': {
        int64_t v = longs > 0 ? va_arg(args, int64_t) : va_arg(args, int);
        uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
        format_detail::put_number(out, magnitude, 10, v < 0, width, pad, left);
        break;
      }
      case 'u':
      case 'x': {
        uint64_t v = longs > 0 ? va_arg(args, uint64_t) : va_arg(args, unsigned);
        format_detail::put_number(out, v, *p == 'u' ? 10 : 16, false, width, pad, left);
        break;
      }
      case 'p':
        out.put('0');
        out.put('x');
        format_detail::put_number(out, reinterpret_cast<uint64_t>(va_arg(args, void*)), 16, false, 16, '0', false);
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
  size_t stored = out.len < cap ? out.len : (cap > 0 ? cap - 1 : 0);
  if (cap > 0) buf[stored] = '\0';
  return stored;
}

/// format() with its arguments given directly.
[[gnu::format(printf, 3, 4)]] inline size_t format_to(char* buf, size_t cap, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  const size_t n = format(buf, cap, fmt, args);
  va_end(args);
  return n;
}

}  // namespace tessera
