// Bytes<N>: a bounded byte string (string[N] / bytes[N] in interfaces), and its wire form:
// one register of length, then ceil(N/8) registers of bytes, little-endian. Freestanding.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <tessera/message.h>

namespace tessera {

/// At most N bytes; `size` of them are valid, the rest stay zero.
template <size_t N>
struct Bytes {
  static_assert(N > 0, "Bytes<0> holds nothing");
  static constexpr size_t kCapacity = N;

  uint32_t size = 0;
  uint8_t data[N] = {};

  /// The first N bytes of `len` bytes at `src`.
  static constexpr Bytes from(const void* src, size_t len) {
    Bytes b;
    const auto* p = static_cast<const uint8_t*>(src);
    const size_t n = len < N ? len : N;
    for (size_t i = 0; i < n; ++i) b.data[i] = p[i];
    b.size = static_cast<uint32_t>(n);
    return b;
  }

  /// The first N bytes of a NUL-terminated string.
  static constexpr Bytes from(const char* text) {
    Bytes b;
    size_t n = 0;
    while (text != nullptr && n < N && text[n] != '\0') {
      b.data[n] = static_cast<uint8_t>(text[n]);
      ++n;
    }
    b.size = static_cast<uint32_t>(n);
    return b;
  }

  /// The valid bytes as characters (not NUL-terminated).
  const char* chars() const { return reinterpret_cast<const char*>(data); }

  /// Equal sizes and equal valid bytes.
  friend constexpr bool operator==(const Bytes& a, const Bytes& b) {
    if (a.size != b.size) return false;
    for (size_t i = 0; i < a.size && i < N; ++i)
      if (a.data[i] != b.data[i]) return false;
    return true;
  }
};

namespace wire {

/// Registers a Bytes<N> takes: the length and ceil(N/8) words.
template <size_t N>
inline constexpr unsigned kBytesRegisters = 1 + static_cast<unsigned>((N + 7) / 8);

/// Writes `b` into msg.mr[first ..]; a size beyond N is clamped to N.
template <size_t N>
constexpr void encode_bytes(Message& msg, unsigned first, const Bytes<N>& b) {
  const size_t n = b.size < N ? b.size : N;
  msg.mr[first] = n;
  for (unsigned w = 0; w < (N + 7) / 8; ++w) {
    uint64_t word = 0;
    for (unsigned i = 0; i < 8; ++i) {
      const size_t at = size_t{w} * 8 + i;
      if (at < n) word |= static_cast<uint64_t>(b.data[at]) << (8 * i);
    }
    msg.mr[first + 1 + w] = word;
  }
}

/// Reads a Bytes<N> from msg.mr[first ..]; false if the length is beyond N.
template <size_t N>
constexpr bool decode_bytes(const Message& msg, unsigned first, Bytes<N>& out) {
  if (msg.mr[first] > N) return false;
  out = Bytes<N>{};
  out.size = static_cast<uint32_t>(msg.mr[first]);
  for (size_t at = 0; at < out.size; ++at)
    out.data[at] = static_cast<uint8_t>(msg.mr[first + 1 + at / 8] >> (8 * (at % 8)));
  return true;
}

}  // namespace wire
}  // namespace tessera
