// vault: a generated server that tells its clients apart by badge, keeps the memory cap a
// client sends it, maps and reads it, and reports what became of it after the client
// revoked it.
#include "component.h"

namespace ifc = tessera::interfaces::vault;
using tessera::Status;

namespace {

struct Vault {
  uint64_t caller = 0;
  uint32_t kept = 0;  // the slot the last stored cap arrived in

  void set_caller(uint64_t badge) { caller = badge; }

  tessera::Outcome<uint32_t, ifc::Error> who() {
    return caller == vault::clients::kAlice ? 1u : caller == vault::clients::kBob ? 2u : 0u;
  }

  tessera::Outcome<uint64_t, ifc::Error> store(tessera::MemoryCap region) {
    kept = region.slot;
    const Status m = tessera::sys::region_map(region.slot, tessera::layout::kMapBase);
    tessera::log("vault: got a memory cap in slot %u, mapped: %u\n", region.slot, static_cast<unsigned>(m));
    if (m != Status::kOk) return uint64_t{0};
    return *reinterpret_cast<volatile uint64_t*>(tessera::layout::kMapBase);
  }

  tessera::Outcome<ifc::CheckResult, ifc::Error> check() {
    tessera::sys::CapInfo info;
    ifc::CheckResult r;
    r.status = static_cast<uint32_t>(tessera::sys::cap_info(kept, info));
    // Revoked: the mapping went with it (the address can be backed afresh), and deleting
    // the slot makes room for the next cap.
    if (r.status == static_cast<uint32_t>(Status::kRevoked)) {
      r.remap = static_cast<uint32_t>(tessera::sys::map(tessera::layout::kMapBase, 1));
      tessera::sys::unmap(tessera::layout::kMapBase, 1);
      tessera::sys::cap_delete(kept);
    }
    return r;
  }

  tessera::Outcome<tessera::Bytes<800>, ifc::Error> long_echo(const tessera::Bytes<800>& data) {
    tessera::Bytes<800> out = data;
    for (uint32_t i = 0; i < out.size; ++i) out.data[i] = static_cast<uint8_t>(out.data[i] + 1);
    return out;
  }
};

Vault g_vault;

}  // namespace

int main() { vault::serve(g_vault); }
