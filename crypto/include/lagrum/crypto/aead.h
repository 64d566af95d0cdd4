// AEAD: ChaCha20-Poly1305 (IETF, RFC 8439) and XChaCha20-Poly1305.
//
// seal() returns ciphertext || 16-byte tag. open() returns decryption_failed for any
// authentication failure and invalid_argument for wrong key/nonce lengths.
#pragma once

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"

namespace lagrum::crypto {

struct ChaCha20Poly1305 {
    static constexpr std::size_t kKeySize = 32;
    static constexpr std::size_t kNonceSize = 12;
    static constexpr std::size_t kTagSize = 16;
    static Result<Bytes> seal(ByteView key, ByteView nonce, ByteView aad, ByteView plaintext);
    static Result<Bytes> open(ByteView key, ByteView nonce, ByteView aad, ByteView ciphertext);
};

struct XChaCha20Poly1305 {
    static constexpr std::size_t kKeySize = 32;
    static constexpr std::size_t kNonceSize = 24;
    static constexpr std::size_t kTagSize = 16;
    static Result<Bytes> seal(ByteView key, ByteView nonce, ByteView aad, ByteView plaintext);
    static Result<Bytes> open(ByteView key, ByteView nonce, ByteView aad, ByteView ciphertext);
};

}  // namespace lagrum::crypto
