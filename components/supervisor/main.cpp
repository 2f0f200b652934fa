// supervisor: the built-in supervisor the generator adds to a system whose supervised
// components name no `supervisor:`. A placeholder: it receives the fault reports on its fault
// endpoint and does nothing with them yet (the restart logic replaces this loop).
#include "component.h"

int main() {
  tessera::Message msg;
  for (;;) (void)tessera::sys::recv(supervisor::caps::kFaultEndpoint, msg);
}
