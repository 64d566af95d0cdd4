// The few MLSMessage fields RFC 9420 leaves in the clear (§6, §6.2, §6.3): protocol
// version, wire format, and for handshake/application framing the group id, epoch and
// content type. The relay reads only these; everything else stays opaque.
//
// Written here rather than linking lagrum_mls on purpose: the relay must not depend on
// the MLS implementation.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "lagrum/crypto/bytes.h"

namespace lagrum::relay {

enum class WireFormat : std::uint16_t {
    public_message = 1,
    private_message = 2,
    welcome = 3,
    group_info = 4,
    key_package = 5,
};

enum class ContentType : std::uint8_t {
    application = 1,
    proposal = 2,
    commit = 3,
};

struct MlsHeader {
    WireFormat wire_format{};
    crypto::Bytes group_id;  // empty for welcome/group_info/key_package
    std::uint64_t epoch = 0;
    ContentType content_type{};  // only for public/private messages
};

// Upper bound on the group id we accept (RFC 9420 allows up to 2^30; ours are 16-32).
inline constexpr std::size_t kMaxGroupIdSize = 255;

// Parses the plaintext header of an MLSMessage. Returns an error string for anything
// malformed: wrong version, unknown wire format, non-minimal or oversized varints,
// truncated fields, an unknown sender or content type. For PrivateMessage the whole
// structure is checked and trailing bytes are rejected; for PublicMessage the parser
// stops after content_type (the rest needs the group state to parse) but requires a
// non-empty remainder.
std::variant<MlsHeader, std::string> parse_mls_header(crypto::ByteView message);

}  // namespace lagrum::relay
