// Ed25519 signatures (RFC 8032), strict verification as libsodium implements it.
#pragma once

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::crypto {

inline constexpr std::size_t kEd25519PublicKeySize = 32;
inline constexpr std::size_t kEd25519SeedSize = 32;
inline constexpr std::size_t kEd25519SignatureSize = 64;

struct Ed25519KeyPair {
    SecretBytes seed;  // the 32-byte RFC 8032 private key
    Bytes public_key;  // 32 bytes
};

Ed25519KeyPair ed25519_generate();
// Deterministic key pair from a 32-byte seed (the RFC 8032 private key).
Result<Ed25519KeyPair> ed25519_from_seed(ByteView seed);
Result<Bytes> ed25519_sign(ByteView seed, ByteView message);
// False for any malformed key/signature or mismatch; never throws.
bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature) noexcept;

}  // namespace lagrum::crypto
