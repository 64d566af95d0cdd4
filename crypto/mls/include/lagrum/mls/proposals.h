// Proposals, RFC 9420 §12.1: Add, Update, Remove, PreSharedKey (with PreSharedKeyID,
// §8.4), ReInit, ExternalInit, GroupContextExtensions; Proposal, ProposalOrRef.
//
// Unknown proposal types cannot be parsed (the select carries no length) and are
// rejected as unsupported on decode.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/leaf_node.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// §8.4 PSKType / ResumptionPSKUsage / PreSharedKeyID.
enum class PskType : std::uint8_t { external = 1, resumption = 2 };
enum class ResumptionPskUsage : std::uint8_t { application = 1, reinit = 2, branch = 3 };

struct PreSharedKeyId {
    PskType type = PskType::external;
    Bytes psk_id;                                                // external
    ResumptionPskUsage usage = ResumptionPskUsage::application;  // resumption
    Bytes psk_group_id;                                          // resumption
    std::uint64_t psk_epoch = 0;                                 // resumption
    Bytes psk_nonce;

    friend bool operator==(const PreSharedKeyId&, const PreSharedKeyId&) = default;
    void encode(Writer& w) const;
    static PreSharedKeyId decode(Reader& r);
};

struct Add {
    KeyPackage key_package;
    friend bool operator==(const Add&, const Add&) = default;
    void encode(Writer& w) const { key_package.encode(w); }
    static Add decode(Reader& r) { return Add{KeyPackage::decode(r)}; }
};

struct Update {
    LeafNode leaf_node;
    friend bool operator==(const Update&, const Update&) = default;
    void encode(Writer& w) const { leaf_node.encode(w); }
    static Update decode(Reader& r) { return Update{LeafNode::decode(r)}; }
};

struct Remove {
    LeafIndex removed;
    friend bool operator==(const Remove&, const Remove&) = default;
    void encode(Writer& w) const { w.u32(removed.value); }
    static Remove decode(Reader& r) { return Remove{LeafIndex{r.u32()}}; }
};

struct PreSharedKey {
    PreSharedKeyId psk;
    friend bool operator==(const PreSharedKey&, const PreSharedKey&) = default;
    void encode(Writer& w) const { psk.encode(w); }
    static PreSharedKey decode(Reader& r) { return PreSharedKey{PreSharedKeyId::decode(r)}; }
};

struct ReInit {
    Bytes group_id;
    ProtocolVersion version = ProtocolVersion::mls10;
    CipherSuite cipher_suite = CipherSuite::mls_128_dhkemx25519_chacha20poly1305_sha256_ed25519;
    ExtensionList extensions;
    friend bool operator==(const ReInit&, const ReInit&) = default;
    void encode(Writer& w) const;
    static ReInit decode(Reader& r);
};

struct ExternalInit {
    Bytes kem_output;
    friend bool operator==(const ExternalInit&, const ExternalInit&) = default;
    void encode(Writer& w) const { w.opaque(kem_output); }
    static ExternalInit decode(Reader& r) { return ExternalInit{r.opaque()}; }
};

struct GroupContextExtensions {
    ExtensionList extensions;
    friend bool operator==(const GroupContextExtensions&, const GroupContextExtensions&) = default;
    void encode(Writer& w) const { encode_extensions(w, extensions); }
    static GroupContextExtensions decode(Reader& r) {
        return GroupContextExtensions{decode_extensions(r)};
    }
};

// §12.1 Proposal { ProposalType msg_type; select (...) }.
struct Proposal {
    std::variant<Add, Update, Remove, PreSharedKey, ReInit, ExternalInit, GroupContextExtensions>
        body;

    std::uint16_t type() const noexcept;  // proposal_type::* value
    friend bool operator==(const Proposal&, const Proposal&) = default;
    void encode(Writer& w) const;
    static Proposal decode(Reader& r);
};

// §12.4 ProposalOrRef.
struct ProposalOrRef {
    std::variant<Proposal, Bytes> value;  // Bytes: ProposalRef (a HashReference)

    bool is_reference() const noexcept { return value.index() == 1; }
    friend bool operator==(const ProposalOrRef&, const ProposalOrRef&) = default;
    void encode(Writer& w) const;
    static ProposalOrRef decode(Reader& r);
};

}  // namespace lagrum::mls
