// Sends log text to a console-interface client in chunks that fit one message.
#pragma once

#include <stddef.h>

#include "tessera/bytes.h"

namespace tessera {

/// Writes text through client.write(Bytes<kChunk>) in chunks of at most kChunk bytes (the
/// console interface's string[120]).
template <class Client, size_t kChunk = 120>
void console_log(Client client, const char* text, size_t length) {
  while (length > 0) {
    size_t n = length < kChunk ? length : kChunk;
    Bytes<kChunk> chunk;
    chunk.size = static_cast<uint32_t>(n);
    for (size_t i = 0; i < n; ++i) chunk.data[i] = static_cast<uint8_t>(text[i]);
    (void)client.write(chunk);  // nowhere to report a failing console
    text += n;
    length -= n;
  }
}

}  // namespace tessera
