// Loopback: an in-process transport that hands a client's request straight to a Server
// skeleton, so stubs and implementations are tested on the host without a kernel.
#pragma once

#include <stdint.h>

#include <tessera/abi.h>
#include <tessera/message.h>

namespace tessera {

/// A transport for Client<Loopback<Impl, Server>>: call() runs Server::dispatch(impl, msg).
template <class Impl, class Server>
class Loopback {
 public:
  explicit Loopback(Impl& impl) : impl_(impl) {}

  /// Caps in a reply keep the server's slot numbers here: there is no kernel to move them.
  void receive_into(const uint32_t* /*slots*/, unsigned /*count*/) {}

  /// Dispatches the request in `msg` and leaves the reply there; the slot is not used.
  Status call(uint32_t /*slot*/, Message& msg) {
    Server::dispatch(impl_, msg);
    return Status::kOk;
  }

 private:
  Impl& impl_;
};

}  // namespace tessera
