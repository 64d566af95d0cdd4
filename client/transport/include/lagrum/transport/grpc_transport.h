// The gRPC implementation of core::RelayTransport (protocol/relay.proto). Kept out of
// lagrum_core so core links no gRPC; the CLI and the app link this.
#pragma once

#include <memory>
#include <string>

#include "lagrum/core/relay_transport.h"

namespace lagrum::transport {

// `address`: "unix:PATH" (no TLS) or "host:port" (TLS; `ca_pem` pins the relay's CA or
// self-signed certificate, empty: the system roots). Connecting is lazy: an unreachable
// relay surfaces as Error(relay_unavailable) from the first call, quickly (the call
// deadline is short for unary calls).
std::unique_ptr<core::RelayTransport> make_grpc_transport(const std::string& address,
                                                          const std::string& ca_pem);

}  // namespace lagrum::transport
