// mirror: the server the callers on CPU 0, and distant from CPU 2, reach through the fastpath
// (serve.h says what it checks after each reply_recv and how it answers).
#include "component.h"
#include "regs.h"
#include "serve.h"

int main() {
  mirror_server::serve("mirror", 0x4d49 /* "MI" */, mirror::caps::kEndpoint, [](uint64_t badge) {
    using namespace mirror::clients;
    return badge == kTf || badge == kPoker || badge == kDistant || badge == kBlanker || badge == kTwin ||
           badge == kJudge;
  });
}
