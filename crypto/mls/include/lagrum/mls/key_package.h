// KeyPackage, RFC 9420 §10 (structure, KeyPackageTBS signature) and §10.1 (validation).
#pragma once

#include <cstdint>
#include <optional>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/leaf_node.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

struct KeyPackage {
    ProtocolVersion version = ProtocolVersion::mls10;
    CipherSuite cipher_suite = CipherSuite::mls_128_dhkemx25519_chacha20poly1305_sha256_ed25519;
    Bytes init_key;  // HPKEPublicKey
    LeafNode leaf_node;
    ExtensionList extensions;
    Bytes signature;

    friend bool operator==(const KeyPackage&, const KeyPackage&) = default;
    // Version and suite are decoded as-is (syntax only); validate_key_package checks them.
    void encode(Writer& w) const;
    static KeyPackage decode(Reader& r);

    Bytes tbs() const;  // KeyPackageTBS
    // SignWithLabel(., "KeyPackageTBS", KeyPackageTBS) with leaf_node.signature_key's
    // private key; sets `signature`.
    void sign(ByteView signature_private_key);
    bool verify_signature() const noexcept;
    // §5.2 MakeKeyPackageRef over the encoded KeyPackage.
    Bytes ref() const;
};

struct KeyPackageCheck {
    std::optional<std::uint64_t> now;  // if set, the leaf lifetime must cover it
    std::uint64_t max_lifetime = 0;    // if non-zero, bound on not_after - not_before
    const ExtensionList* group_extensions = nullptr;  // required_capabilities
    const CredentialPolicy* policy = nullptr;         // required
};

// §10.1. Throws MlsError:
//   unsupported          version != mls10 or cipher suite != 0x0003
//   bad_signature        KeyPackage or LeafNode signature does not verify
//   invalid_key_package  init_key == leaf encryption_key, malformed init_key
//   invalid_leaf_node / credential_rejected  from the §7.3 leaf checks (source
//                        key_package, lifetime, capabilities)
void validate_key_package(const KeyPackage& kp, const KeyPackageCheck& check);

}  // namespace lagrum::mls
