// Cipher suite operations of RFC 9420 §5 (and the labelled KDF helpers of §§ 8, 9) for
// the one suite Lagrum implements, 0x0003:
//   MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519
//   KEM DHKEM(X25519, HKDF-SHA256), AEAD ChaCha20-Poly1305, Hash/KDF SHA-256 / HKDF-SHA256,
//   Signature Ed25519.
//
// All functions throw MlsError (and nothing else) on failure:
//   crypto             an underlying primitive failed unexpectedly (bad key length, ...)
//   decryption_failed  HPKE open / AEAD authentication failure
//   length_limit       a requested output length beyond what the KDF can produce
// Verification functions return bool and never throw.
#pragma once

#include <cstdint>
#include <string_view>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/mls/codec.h"

namespace lagrum::mls {

using crypto::SecretBytes;

// §5.1 sizes for suite 3.
inline constexpr std::size_t kNh = 32;  // hash / KDF output
inline constexpr std::size_t kNk = 32;  // AEAD key
inline constexpr std::size_t kNn = 12;  // AEAD nonce
inline constexpr std::size_t kAeadTagSize = 16;
inline constexpr std::size_t kSignaturePublicKeySize = 32;   // Ed25519 public key
inline constexpr std::size_t kSignaturePrivateKeySize = 32;  // Ed25519 seed (RFC 8032 key)
inline constexpr std::size_t kSignatureSize = 64;
inline constexpr std::size_t kHpkePublicKeySize = 32;   // X25519
inline constexpr std::size_t kHpkePrivateKeySize = 32;  // X25519 scalar

// ---- Hash and KDF (§5.1, §8) ------------------------------------------------------

Bytes hash(ByteView data);

// KDF.Extract(salt, ikm) (HKDF-SHA256). An empty salt means Nh zero bytes.
SecretBytes kdf_extract(ByteView salt, ByteView ikm);
// KDF.Expand(prk, info, length).
SecretBytes kdf_expand(ByteView prk, ByteView info, std::size_t length);

// §8: ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length)
// with KDFLabel = { uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V> }.
SecretBytes expand_with_label(ByteView secret, std::string_view label, ByteView context,
                              std::uint16_t length);
// §8: DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", Nh).
SecretBytes derive_secret(ByteView secret, std::string_view label);
// §9: DeriveTreeSecret(Secret, Label, Generation, Length)
//     = ExpandWithLabel(Secret, Label, uint32 Generation, Length).
SecretBytes derive_tree_secret(ByteView secret, std::string_view label, std::uint32_t generation,
                               std::uint16_t length);

// ---- MAC (§5.1: HMAC with the suite's hash) -----------------------------------------

Bytes mac(ByteView key, ByteView data);
// Constant-time check of a full-length (Nh) tag.
bool verify_mac(ByteView key, ByteView data, ByteView tag) noexcept;

// ---- Hash-based identifiers (§5.2) ----------------------------------------------------

// RefHash(label, value) = Hash(RefHashInput{ opaque label<V>; opaque value<V> }).
// The label is used exactly as given (no "MLS 1.0 " prefix is added).
Bytes ref_hash(std::string_view label, ByteView value);
// MakeKeyPackageRef(encoded KeyPackage).
Bytes make_key_package_ref(ByteView encoded_key_package);
// MakeProposalRef(encoded AuthenticatedContent carrying the Proposal).
Bytes make_proposal_ref(ByteView encoded_authenticated_content);

// ---- Signatures (§5.1.2) --------------------------------------------------------------

struct SignatureKeyPair {
    SecretBytes private_key;  // 32-byte Ed25519 seed
    Bytes public_key;         // 32 bytes
};
SignatureKeyPair generate_signature_key_pair();
// The public key of a 32-byte Ed25519 seed.
Bytes signature_public_key(ByteView private_key);

// SignWithLabel(SignatureKey, Label, Content) = Sign(key, SignContent{ "MLS 1.0 " + Label,
// Content }).
Bytes sign_with_label(ByteView private_key, std::string_view label, ByteView content);
bool verify_with_label(ByteView public_key, std::string_view label, ByteView content,
                       ByteView signature) noexcept;

// ---- Public-key encryption (§5.1.3) ---------------------------------------------------

struct HpkeKeyPair {
    SecretBytes private_key;  // 32-byte X25519 scalar (SerializePrivateKey)
    Bytes public_key;         // 32 bytes
};
HpkeKeyPair generate_hpke_key_pair();
// KEM.DeriveKeyPair(secret) (RFC 9180 §7.1.3), used for node secrets (§7.4) and
// external_pub (§8).
HpkeKeyPair derive_hpke_key_pair(ByteView secret);
// The public key of a 32-byte X25519 private key.
Bytes hpke_public_key(ByteView private_key);

// §7.6 HPKECiphertext { opaque kem_output<V>; opaque ciphertext<V>; } (also used by
// Welcome, §12.4.3).
struct HpkeCiphertext {
    Bytes kem_output;
    Bytes ciphertext;

    friend bool operator==(const HpkeCiphertext&, const HpkeCiphertext&) = default;
    void encode(Writer& w) const;
    static HpkeCiphertext decode(Reader& r);
};

// EncryptWithLabel(PublicKey, Label, Context, Plaintext)
//   = SealBase(PublicKey, EncryptContext{ "MLS 1.0 " + Label, Context }, "", Plaintext).
HpkeCiphertext encrypt_with_label(ByteView public_key, std::string_view label, ByteView context,
                                  ByteView plaintext);
// DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext). The plaintext is
// always key material in MLS (path secrets, GroupSecrets), hence SecretBytes.
// Throws MlsError(decryption_failed) if the ciphertext does not open.
SecretBytes decrypt_with_label(ByteView private_key, std::string_view label, ByteView context,
                               ByteView kem_output, ByteView ciphertext);

}  // namespace lagrum::mls
