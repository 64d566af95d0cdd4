#include "lagrum/relay/mls_header.h"

namespace lagrum::relay {

wire::HeaderResult parse_mls_header(crypto::ByteView message) {
    return wire::parse_mls_header(message);
}

}  // namespace lagrum::relay
