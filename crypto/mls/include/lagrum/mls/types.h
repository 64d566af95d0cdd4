// Common RFC 9420 types shared by every MLS component: indices, enumerations,
// Extension, Sender and GroupContext (§§ 6, 7, 8.1, 13).
#pragma once

#include <cstdint>
#include <vector>

#include "lagrum/mls/codec.h"
#include "lagrum/wire/mls_wire.h"

namespace lagrum::mls {

// §4.1 / §7.1: leaves are numbered 0..n-1, nodes 0..2n-2 (leaf i is node 2i).
struct LeafIndex {
    std::uint32_t value = 0;
    friend bool operator==(LeafIndex, LeafIndex) = default;
    friend auto operator<=>(LeafIndex, LeafIndex) = default;
};
struct NodeIndex {
    std::uint32_t value = 0;
    friend bool operator==(NodeIndex, NodeIndex) = default;
    friend auto operator<=>(NodeIndex, NodeIndex) = default;
};

// §6 ProtocolVersion, WireFormat, ContentType, SenderType: the shared wire syntax's
// (lagrum/wire/mls_wire.h), so that the relay's header reader and MLS agree by
// construction.
using wire::ContentType;
using wire::ProtocolVersion;
using wire::SenderType;
using wire::WireFormat;

// §17.1: the only suite Lagrum implements.
enum class CipherSuite : std::uint16_t {
    mls_128_dhkemx25519_chacha20poly1305_sha256_ed25519 = 0x0003,
};
inline constexpr std::uint16_t kSuite3 = 0x0003;

// §17.3 ExtensionType.
namespace extension_type {
inline constexpr std::uint16_t application_id = 1;
inline constexpr std::uint16_t ratchet_tree = 2;
inline constexpr std::uint16_t required_capabilities = 3;
inline constexpr std::uint16_t external_pub = 4;
inline constexpr std::uint16_t external_senders = 5;
}  // namespace extension_type

// §17.4 ProposalType.
namespace proposal_type {
inline constexpr std::uint16_t add = 1;
inline constexpr std::uint16_t update = 2;
inline constexpr std::uint16_t remove = 3;
inline constexpr std::uint16_t psk = 4;
inline constexpr std::uint16_t reinit = 5;
inline constexpr std::uint16_t external_init = 6;
inline constexpr std::uint16_t group_context_extensions = 7;
}  // namespace proposal_type

// §17.5 CredentialType.
namespace credential_type {
inline constexpr std::uint16_t basic = 1;
inline constexpr std::uint16_t x509 = 2;
}  // namespace credential_type

// §13 Extension: opaque extension_data interpreted by its type.
struct Extension {
    std::uint16_t type = 0;
    Bytes data;

    friend bool operator==(const Extension&, const Extension&) = default;
    void encode(Writer& w) const;
    static Extension decode(Reader& r);
};

// Extension<V>. §13: a list MUST NOT contain two extensions of the same type; decode
// rejects duplicates.
using ExtensionList = std::vector<Extension>;
void encode_extensions(Writer& w, const ExtensionList& list);
ExtensionList decode_extensions(Reader& r);
const Extension* find_extension(const ExtensionList& list, std::uint16_t type);

// §6 Sender.
struct Sender {
    SenderType type = SenderType::member;
    std::uint32_t index = 0;  // leaf_index (member) or sender_index (external); else unused

    friend bool operator==(const Sender&, const Sender&) = default;
    void encode(Writer& w) const;
    static Sender decode(Reader& r);
};

// §8.1 GroupContext.
struct GroupContext {
    ProtocolVersion version = ProtocolVersion::mls10;
    CipherSuite cipher_suite = CipherSuite::mls_128_dhkemx25519_chacha20poly1305_sha256_ed25519;
    Bytes group_id;
    std::uint64_t epoch = 0;
    Bytes tree_hash;
    Bytes confirmed_transcript_hash;
    ExtensionList extensions;

    friend bool operator==(const GroupContext&, const GroupContext&) = default;
    void encode(Writer& w) const;
    // Rejects a version other than mls10 (unsupported). The suite is decoded as is and
    // checked by the consumer (GroupInfo processing, framing).
    static GroupContext decode(Reader& r);
};

}  // namespace lagrum::mls
