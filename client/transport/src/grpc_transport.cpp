#include "lagrum/transport/grpc_transport.h"

namespace lagrum::transport {

std::unique_ptr<core::RelayTransport> make_grpc_transport(const std::string&, const std::string&) {
    throw core::Error(core::Errc::internal, "gRPC transport not built yet");
}

}  // namespace lagrum::transport
