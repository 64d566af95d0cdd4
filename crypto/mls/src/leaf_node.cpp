#include "lagrum/mls/leaf_node.h"

#include <algorithm>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/extensions.h"

namespace lagrum::mls {

namespace {

bool contains(const std::vector<std::uint16_t>& v, std::uint16_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

// The fields shared by LeafNode and LeafNodeTBS (everything before `signature`).
void encode_content(const LeafNode& n, Writer& w) {
    w.opaque(n.encryption_key);
    w.opaque(n.signature_key);
    n.credential.encode(w);
    n.capabilities.encode(w);
    w.u8(static_cast<std::uint8_t>(n.source));
    switch (n.source) {
        case LeafNodeSource::key_package:
            w.u64(n.lifetime.not_before);
            w.u64(n.lifetime.not_after);
            break;
        case LeafNodeSource::update:
            break;
        case LeafNodeSource::commit:
            w.opaque(n.parent_hash);
            break;
    }
    encode_extensions(w, n.extensions);
}

}  // namespace

Capabilities Capabilities::lagrum_default() {
    Capabilities c;
    c.versions = {static_cast<std::uint16_t>(ProtocolVersion::mls10)};
    c.cipher_suites = {kSuite3};
    c.credentials = {credential_type::basic, credential_type::x509};
    return c;
}

bool Capabilities::supports_extension(std::uint16_t type) const {
    return is_default_extension(type) || contains(extensions, type);
}
bool Capabilities::supports_proposal(std::uint16_t type) const {
    return is_default_proposal(type) || contains(proposals, type);
}
bool Capabilities::supports_credential(std::uint16_t type) const {
    return contains(credentials, type);
}

void Capabilities::encode(Writer& w) const {
    encode_u16_list(w, versions);
    encode_u16_list(w, cipher_suites);
    encode_u16_list(w, extensions);
    encode_u16_list(w, proposals);
    encode_u16_list(w, credentials);
}

Capabilities Capabilities::decode(Reader& r) {
    Capabilities c;
    c.versions = decode_u16_list(r);
    c.cipher_suites = decode_u16_list(r);
    c.extensions = decode_u16_list(r);
    c.proposals = decode_u16_list(r);
    c.credentials = decode_u16_list(r);
    return c;
}

void LeafNode::encode(Writer& w) const {
    encode_content(*this, w);
    w.opaque(signature);
}

LeafNode LeafNode::decode(Reader& r) {
    LeafNode n;
    n.encryption_key = r.opaque();
    n.signature_key = r.opaque();
    n.credential = Credential::decode(r);
    n.capabilities = Capabilities::decode(r);
    const std::uint8_t source = r.u8();
    switch (source) {
        case 1:
            n.source = LeafNodeSource::key_package;
            n.lifetime.not_before = r.u64();
            n.lifetime.not_after = r.u64();
            break;
        case 2:
            n.source = LeafNodeSource::update;
            break;
        case 3:
            n.source = LeafNodeSource::commit;
            n.parent_hash = r.opaque();
            break;
        default:
            fail(MlsErrc::decode, "invalid leaf_node_source");
    }
    n.extensions = decode_extensions(r);
    n.signature = r.opaque();
    return n;
}

Bytes LeafNode::tbs(ByteView group_id, LeafIndex leaf_index) const {
    Writer w;
    encode_content(*this, w);
    if (source != LeafNodeSource::key_package) {
        w.opaque(group_id);
        w.u32(leaf_index.value);
    }
    return w.take();
}

void LeafNode::sign(ByteView signature_private_key, ByteView group_id, LeafIndex leaf_index) {
    signature = sign_with_label(signature_private_key, "LeafNodeTBS", tbs(group_id, leaf_index));
}

bool LeafNode::verify_signature(ByteView group_id, LeafIndex leaf_index) const noexcept {
    try {
        return verify_with_label(signature_key, "LeafNodeTBS", tbs(group_id, leaf_index),
                                 signature);
    } catch (...) {
        return false;  // tbs() allocation failure or an unencodable credential
    }
}

bool satisfies_required_capabilities(const Capabilities& caps,
                                     const ExtensionList& group_extensions) {
    const auto required = get_extension<RequiredCapabilities>(group_extensions);
    if (!required) return true;
    for (auto t : required->extension_types) {
        if (!caps.supports_extension(t)) return false;
    }
    for (auto t : required->proposal_types) {
        if (!caps.supports_proposal(t)) return false;
    }
    for (auto t : required->credential_types) {
        if (!caps.supports_credential(t)) return false;
    }
    return true;
}

void validate_leaf_node(const LeafNode& leaf, const LeafNodeCheck& check) {
    // Source (§7.3 "Verify the leaf_node_source field").
    if (leaf.source != check.expected_source) {
        fail(MlsErrc::invalid_leaf_node, "unexpected leaf_node_source");
    }
    if (leaf.signature_key.size() != kSignaturePublicKeySize ||
        leaf.encryption_key.size() != kHpkePublicKeySize) {
        fail(MlsErrc::invalid_leaf_node, "leaf node key of wrong length");
    }
    // Credential: the caller's policy decides (§5.3.1).
    if (check.policy == nullptr) fail(MlsErrc::credential_rejected, "no credential policy");
    check_credential(*check.policy, leaf.credential, leaf.signature_key);
    // Signature.
    if (!leaf.verify_signature(check.group_id, check.leaf_index)) {
        fail(MlsErrc::bad_signature, "LeafNode signature does not verify");
    }
    // Group compatibility: required_capabilities.
    if (check.group_extensions != nullptr &&
        !satisfies_required_capabilities(leaf.capabilities, *check.group_extensions)) {
        fail(MlsErrc::invalid_leaf_node, "leaf lacks a required capability");
    }
    // The leaf's own credential type must be listed in its capabilities (§7.2).
    if (!leaf.capabilities.supports_credential(leaf.credential.type)) {
        fail(MlsErrc::invalid_leaf_node, "credential type not in capabilities");
    }
    // Our suite and version must be among the advertised ones.
    if (!contains(leaf.capabilities.cipher_suites, kSuite3) ||
        !contains(leaf.capabilities.versions, static_cast<std::uint16_t>(ProtocolVersion::mls10))) {
        fail(MlsErrc::invalid_leaf_node, "leaf does not support the group's suite/version");
    }
    // Every extension used must be declared (non-default ones at least; §7.2, §7.3).
    for (const auto& e : leaf.extensions) {
        if (!leaf.capabilities.supports_extension(e.type)) {
            fail(MlsErrc::invalid_leaf_node, "leaf extension not listed in capabilities");
        }
    }
    // Lifetime.
    if (leaf.source == LeafNodeSource::key_package) {
        if (leaf.lifetime.not_before > leaf.lifetime.not_after) {
            fail(MlsErrc::invalid_leaf_node, "lifetime not_before after not_after");
        }
        if (check.now &&
            (*check.now < leaf.lifetime.not_before || *check.now > leaf.lifetime.not_after)) {
            fail(MlsErrc::invalid_leaf_node, "leaf node lifetime does not cover now");
        }
        if (check.max_lifetime != 0 &&
            leaf.lifetime.not_after - leaf.lifetime.not_before > check.max_lifetime) {
            fail(MlsErrc::invalid_leaf_node, "leaf node lifetime longer than allowed");
        }
    }
}

}  // namespace lagrum::mls
