// X25519 (RFC 7748) key agreement.
#pragma once

#include <span>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::crypto {

struct X25519KeyPair {
    SecretBytes private_key;  // 32 bytes
    Bytes public_key;         // 32 bytes
};

inline constexpr std::size_t kX25519Size = 32;

X25519KeyPair x25519_generate();
// Public key for a 32-byte private scalar.
Result<Bytes> x25519_public_key(ByteView private_key);
// Shared secret; rejects an all-zero output (low-order public key), RFC 7748 §6.1.
Result<SecretBytes> x25519(ByteView private_key, ByteView public_key);
// Same into a caller's (stack) buffer, for derivations that wipe their own temporaries
// instead of paying for a guarded SecretBytes allocation. `out` is zeroed on error.
Status x25519_into(ByteView private_key, ByteView public_key,
                   std::span<std::uint8_t, kX25519Size> out);

}  // namespace lagrum::crypto
