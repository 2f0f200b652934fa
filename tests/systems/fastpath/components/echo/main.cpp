// echo: mirror's twin on CPU 2 for lone alone, on CPU 3, so that each of lone's calls and each
// reply goes across CPUs on the fastpath (serve.h says what it checks and how it answers).
#include "../mirror/regs.h"
#include "../mirror/serve.h"
#include "component.h"

int main() {
  mirror_server::serve("echo", 0x4543 /* "EC" */, echo::caps::kEndpoint,
                       [](uint64_t badge) { return badge == echo::clients::kLone; });
}
