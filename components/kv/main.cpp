// kv: a key-value store server; logs through the console component and keeps its counters
// in the `stats` region the app maps read-only.
#include <tessera/console_log.h>

#include "component.h"
#include "kv_service.h"

int main() {
  tessera::set_log_sink(
      [](const char* text, size_t length) { tessera::console_log(kv::console_client(), text, length); });
  tessera::log("kv: serving %u slots\n", kv_service::KvService::kCapacity);
  // Clients get a read-only copy of the stats cap (they may pass it on: grant stays).
  const uint32_t read_only = kv::caps::kFirstFree;
  if (tessera::sys::cap_mint(kv::caps::kStats, read_only, tessera::rights::kRead | tessera::rights::kGrant) !=
      tessera::Status::kOk)
    tessera::log("kv: no read-only stats cap to give out\n");
  static kv_service::KvService impl(reinterpret_cast<kv_service::Counters*>(kv::memory::kStatsBase), read_only);
  kv::serve(impl);
}
