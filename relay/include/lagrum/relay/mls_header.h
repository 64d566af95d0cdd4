// The few MLSMessage fields RFC 9420 leaves in the clear (§6, §6.2, §6.3): protocol
// version, wire format, and for handshake/application framing the group id, epoch and
// content type. The relay reads only these; everything else stays opaque.
//
// The syntax and the reader are the shared wire-syntax library's (lagrum/wire/mls_wire.h),
// the same code the MLS implementation decodes with; that library holds no MLS state and
// no secrets, so the relay still links no MLS group code.
#pragma once

#include <string>
#include <variant>

#include "lagrum/crypto/bytes.h"
#include "lagrum/wire/mls_wire.h"

namespace lagrum::relay {

using wire::ContentType;
using wire::HeaderError;
using wire::kMaxGroupIdSize;
using wire::MlsHeader;
using wire::WireFormat;

// wire::parse_mls_header: a wire::HeaderError for anything malformed; PrivateMessage is
// checked whole (trailing bytes rejected), PublicMessage up to its content_type.
wire::HeaderResult parse_mls_header(crypto::ByteView message);

}  // namespace lagrum::relay
