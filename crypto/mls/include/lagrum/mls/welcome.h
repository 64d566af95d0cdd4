// Welcome and GroupInfo, RFC 9420 §12.4.3 (GroupSecrets, PathSecret,
// EncryptedGroupSecrets, Welcome) and §12.4.3.1 (GroupInfo, GroupInfoTBS signature).
//
// The welcome_secret itself comes from the key schedule (§8); the helpers here only
// derive welcome_key/welcome_nonce from it (§12.4.3.1) and do the two encryptions.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// §12.4.3.1 GroupInfo (GroupInfoTBS plus signature).
struct GroupInfo {
    GroupContext group_context;
    ExtensionList extensions;
    Bytes confirmation_tag;  // MAC
    LeafIndex signer;
    Bytes signature;

    friend bool operator==(const GroupInfo&, const GroupInfo&) = default;
    void encode(Writer& w) const;
    static GroupInfo decode(Reader& r);

    Bytes tbs() const;  // GroupInfoTBS
    // SignWithLabel(., "GroupInfoTBS", GroupInfoTBS); sets `signature`.
    void sign(ByteView signature_private_key);
    bool verify_signature(ByteView signer_public_key) const noexcept;
};

// §12.4.3 PathSecret / GroupSecrets. Secrets are in SecretBytes (hence move-only).
struct GroupSecrets {
    SecretBytes joiner_secret;
    std::optional<SecretBytes> path_secret;
    std::vector<PreSharedKeyId> psks;

    friend bool operator==(const GroupSecrets&, const GroupSecrets&) = default;
    void encode(Writer& w) const;
    static GroupSecrets decode(Reader& r);
};

// §12.4.3 EncryptedGroupSecrets.
struct EncryptedGroupSecrets {
    Bytes new_member;  // KeyPackageRef
    HpkeCiphertext encrypted_group_secrets;

    friend bool operator==(const EncryptedGroupSecrets&, const EncryptedGroupSecrets&) = default;
    void encode(Writer& w) const;
    static EncryptedGroupSecrets decode(Reader& r);
};

// §12.4.3 Welcome.
struct Welcome {
    CipherSuite cipher_suite = CipherSuite::mls_128_dhkemx25519_chacha20poly1305_sha256_ed25519;
    std::vector<EncryptedGroupSecrets> secrets;
    Bytes encrypted_group_info;

    friend bool operator==(const Welcome&, const Welcome&) = default;
    void encode(Writer& w) const;
    static Welcome decode(Reader& r);  // suite decoded as is; checked on processing

    // The entry addressed to `key_package_ref`, or nullptr.
    const EncryptedGroupSecrets* find(ByteView key_package_ref) const noexcept;
};

// encrypted_group_secrets = EncryptWithLabel(init_key, "Welcome", encrypted_group_info,
// GroupSecrets).
EncryptedGroupSecrets encrypt_group_secrets(ByteView key_package_ref, ByteView init_key,
                                            ByteView encrypted_group_info,
                                            const GroupSecrets& secrets);
// Throws MlsError(decryption_failed) if it does not open, (decode) if malformed.
GroupSecrets decrypt_group_secrets(ByteView init_private_key, ByteView encrypted_group_info,
                                   const HpkeCiphertext& ciphertext);

// encrypted_group_info = AEAD.Seal(welcome_key, welcome_nonce, "", GroupInfo) with
// welcome_key/nonce = ExpandWithLabel(welcome_secret, "key"/"nonce", "", Nk/Nn).
Bytes encrypt_group_info(ByteView welcome_secret, const GroupInfo& group_info);
// Throws MlsError(decryption_failed) / (decode).
GroupInfo decrypt_group_info(ByteView welcome_secret, ByteView encrypted_group_info);

}  // namespace lagrum::mls
