// client: uses the crashy server across its restarts. A placeholder: the restart test fills in
// the checks (kPeerRestarted for the lost call, a fresh counter after it).
#include "component.h"

int main() {
  auto crashy = client::crashy_client();
  auto bumped = crashy.bump();
  tessera::log("client: bump: %s\n", bumped.ok() ? "ok" : "failed");
  return 0;
}
