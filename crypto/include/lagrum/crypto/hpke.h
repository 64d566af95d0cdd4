// HPKE, RFC 9180, base mode only, for the one suite Lagrum uses:
//   KEM  DHKEM(X25519, HKDF-SHA256)  (0x0020)
//   KDF  HKDF-SHA256                 (0x0001)
//   AEAD ChaCha20-Poly1305           (0x0003)
// Section numbers below refer to RFC 9180.
#pragma once

#include <cstdint>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::crypto::hpke {

inline constexpr std::uint16_t kKemId = 0x0020;
inline constexpr std::uint16_t kKdfId = 0x0001;
inline constexpr std::uint16_t kAeadId = 0x0003;
inline constexpr std::size_t kNsecret = 32;  // KEM Nsecret
inline constexpr std::size_t kNenc = 32;
inline constexpr std::size_t kNpk = 32;
inline constexpr std::size_t kNsk = 32;
inline constexpr std::size_t kNk = 32;  // AEAD key
inline constexpr std::size_t kNn = 12;  // AEAD nonce
inline constexpr std::size_t kNh = 32;  // KDF output

struct KeyPair {
    SecretBytes private_key;  // SerializePrivateKey form (32-byte X25519 scalar)
    Bytes public_key;         // SerializePublicKey form (32 bytes)
};

KeyPair generate_key_pair();
// §7.1.3 DeriveKeyPair(ikm) for DHKEM(X25519); ikm must be at least Nsk bytes.
Result<KeyPair> derive_key_pair(ByteView ikm);

// An encryption context (§5.2). Sequence numbers start at 0 and the context refuses
// (limit_exceeded) once the sequence number would overflow (§5.2, "MessageLimitReachedError").
class Context {
public:
    Context(Context&&) noexcept = default;
    Context& operator=(Context&&) noexcept = default;

    Result<Bytes> seal(ByteView aad, ByteView plaintext);
    Result<Bytes> open(ByteView aad, ByteView ciphertext);
    // §5.3 Export(exporter_context, L); L <= 255*Nh.
    Result<SecretBytes> export_secret(ByteView exporter_context, std::size_t length) const;

    std::uint64_t sequence_number() const noexcept { return seq_; }

    // Test hook: positions the sequence number (used to test overflow handling).
    void set_sequence_number_for_testing(std::uint64_t seq) noexcept { seq_ = seq; }

private:
    friend struct ContextFactory;
    Context(SecretBytes key, Bytes base_nonce, SecretBytes exporter_secret) noexcept
        : key_(std::move(key)), base_nonce_(std::move(base_nonce)),
          exporter_secret_(std::move(exporter_secret)) {}
    Result<Bytes> compute_nonce() const;
    Status increment_seq();

    SecretBytes key_;
    Bytes base_nonce_;
    SecretBytes exporter_secret_;
    std::uint64_t seq_ = 0;
};

struct SenderSetup {
    Bytes enc;  // encapsulated key, kNenc bytes
    Context context;
};

// §5.1.1 SetupBaseS(pkR, info) with a fresh ephemeral key.
Result<SenderSetup> setup_base_s(ByteView recipient_public_key, ByteView info);
// Same with the ephemeral key derived from ikmE (for known-answer tests only).
Result<SenderSetup> setup_base_s_with_ikm(ByteView recipient_public_key, ByteView info,
                                          ByteView ikm_e);
// §5.1.1 SetupBaseR(enc, skR, info).
Result<Context> setup_base_r(ByteView enc, ByteView recipient_private_key, ByteView info);

// §6.1 single-shot APIs.
struct Sealed {
    Bytes enc;
    Bytes ciphertext;
};
Result<Sealed> seal_base(ByteView recipient_public_key, ByteView info, ByteView aad,
                         ByteView plaintext);
Result<Bytes> open_base(ByteView enc, ByteView recipient_private_key, ByteView info, ByteView aad,
                        ByteView ciphertext);

}  // namespace lagrum::crypto::hpke
