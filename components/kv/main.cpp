// kv: a key-value store server; logs through the console component and keeps its counters
// in the `stats` region the app maps read-only.
#include <tessera/console_log.h>

#include "component.h"
#include "kv_service.h"

int main() {
  tessera::set_log_sink([](const char* text, size_t length) {
    tessera::console_log(kv::console_client(), text, length);
  });
  tessera::log("kv: serving %u slots\n", kv_service::KvService::kCapacity);
  static kv_service::KvService impl(reinterpret_cast<kv_service::Counters*>(kv::memory::kStatsBase));
  kv::serve(impl);
}
