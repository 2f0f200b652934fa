// kv: a key-value store server; logs through the console component.
#include <tessera/console_log.h>

#include "component.h"
#include "kv_service.h"

int main() {
  tessera::set_log_sink([](const char* text, size_t length) {
    tessera::console_log(kv::console_client(), text, length);
  });
  tessera::log("kv: serving %u slots\n", kv_service::KvService::kCapacity);
  static kv_service::KvService impl;
  kv::serve(impl);
}
