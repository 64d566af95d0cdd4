// The public face of an MLSMessage (RFC 9420 §6): protocol version, wire format, sender
// and content types, and the few fields left in the clear that a delivery service may
// read — for PublicMessage and PrivateMessage the group id, epoch and content type.
// Shared by the MLS implementation (lagrum::mls uses these enums) and the relay, which
// must read headers without linking any MLS group state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "lagrum/result.h"
#include "lagrum/wire/tls_syntax.h"

namespace lagrum::wire {

enum class ProtocolVersion : std::uint16_t { mls10 = 1 };

// §6 WireFormat.
enum class WireFormat : std::uint16_t {
    public_message = 1,
    private_message = 2,
    welcome = 3,
    group_info = 4,
    key_package = 5,
};

// §6 ContentType.
enum class ContentType : std::uint8_t { application = 1, proposal = 2, commit = 3 };

// §6 SenderType.
enum class SenderType : std::uint8_t {
    member = 1,
    external = 2,
    new_member_proposal = 3,
    new_member_commit = 4,
};

struct MlsHeader {
    WireFormat wire_format{};
    Bytes group_id;  // empty for welcome/group_info/key_package
    std::uint64_t epoch = 0;
    ContentType content_type{};  // only for public/private messages
};

// Upper bound on the group id a header may carry (RFC 9420 allows up to 2^30; Lagrum's
// are 16-32 bytes).
inline constexpr std::size_t kMaxGroupIdSize = 255;

// Why a header was rejected: one English phrase, no bytes of the message.
struct HeaderError {
    std::string message;
};

// The project-wide lagrum::Result ([[nodiscard]]).
using HeaderResult = lagrum::Result<MlsHeader, HeaderError>;

// Parses the plaintext header of an MLSMessage. Returns a HeaderError for anything
// malformed: wrong version, unknown wire format, non-minimal or oversized varints,
// truncated fields, an unknown sender or content type. For PrivateMessage the whole
// structure is checked and trailing bytes are rejected; for PublicMessage the parser
// stops after content_type (the rest needs the group state to parse) but requires a
// non-empty remainder.
HeaderResult parse_mls_header(ByteView message);

}  // namespace lagrum::wire
