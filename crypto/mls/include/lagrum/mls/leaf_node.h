// LeafNode, RFC 9420 §7.2 (contents, LeafNodeTBS signature) and §7.3 (validation).
//
// The checks that need only the LeafNode itself (plus the group's extensions and the
// caller's credential policy) live here; the checks that need the whole tree
// (uniqueness of keys, credential types in use by other members) are in
// ratchet_tree.h (RatchetTree::validate_new_leaf).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/credential.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// §7.2 LeafNodeSource.
enum class LeafNodeSource : std::uint8_t { key_package = 1, update = 2, commit = 3 };

// §7.2 Capabilities. Unknown values are carried and ignored (§13, GREASE).
struct Capabilities {
    std::vector<std::uint16_t> versions;
    std::vector<std::uint16_t> cipher_suites;
    std::vector<std::uint16_t> extensions;
    std::vector<std::uint16_t> proposals;
    std::vector<std::uint16_t> credentials;

    // What Lagrum itself supports: mls10, suite 3, basic + x509 credentials, no
    // non-default extensions or proposals.
    static Capabilities lagrum_default();
    bool supports_extension(std::uint16_t type) const;  // defaults always supported
    bool supports_proposal(std::uint16_t type) const;   // defaults always supported
    bool supports_credential(std::uint16_t type) const;

    friend bool operator==(const Capabilities&, const Capabilities&) = default;
    void encode(Writer& w) const;
    static Capabilities decode(Reader& r);
};

// §7.2 Lifetime, seconds since the Unix epoch.
struct Lifetime {
    std::uint64_t not_before = 0;
    std::uint64_t not_after = 0;
    friend bool operator==(const Lifetime&, const Lifetime&) = default;
};

struct LeafNode {
    Bytes encryption_key;  // HPKEPublicKey
    Bytes signature_key;   // SignaturePublicKey
    Credential credential;
    Capabilities capabilities;
    LeafNodeSource source = LeafNodeSource::key_package;
    Lifetime lifetime;  // source == key_package
    Bytes parent_hash;  // source == commit
    ExtensionList extensions;
    Bytes signature;

    friend bool operator==(const LeafNode&, const LeafNode&) = default;
    void encode(Writer& w) const;
    static LeafNode decode(Reader& r);

    // §7.2 LeafNodeTBS. group_id and leaf_index are only part of it for the update and
    // commit sources (they are ignored for key_package).
    Bytes tbs(ByteView group_id, LeafIndex leaf_index) const;
    // SignWithLabel(., "LeafNodeTBS", LeafNodeTBS); sets `signature`.
    void sign(ByteView signature_private_key, ByteView group_id, LeafIndex leaf_index);
    bool verify_signature(ByteView group_id, LeafIndex leaf_index) const noexcept;
};

// Inputs of the self-contained §7.3 checks.
struct LeafNodeCheck {
    LeafNodeSource expected_source = LeafNodeSource::key_package;
    Bytes group_id;                                   // update/commit: signature context
    LeafIndex leaf_index{};                           // update/commit: signature context
    const ExtensionList* group_extensions = nullptr;  // for required_capabilities
    std::optional<std::uint64_t> now;  // if set, lifetime (key_package source) must cover it
    std::uint64_t max_lifetime = 0;    // if non-zero, not_after - not_before must not exceed it
    const CredentialPolicy* policy = nullptr;  // required: nullptr rejects
};

// §7.3 (per-leaf part). Throws MlsError:
//   invalid_leaf_node   wrong source, capabilities/extension/credential-type mismatch,
//                       lifetime outside `now` or too long, required capability missing
//   bad_signature       LeafNodeTBS signature does not verify
//   credential_rejected the policy said no
void validate_leaf_node(const LeafNode& leaf, const LeafNodeCheck& check);

// §12.1.x RequiredCapabilities check alone (also used for GroupContextExtensions).
bool satisfies_required_capabilities(const Capabilities& caps,
                                     const ExtensionList& group_extensions);

}  // namespace lagrum::mls
