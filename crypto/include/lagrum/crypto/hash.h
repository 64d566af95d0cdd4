// SHA-256, HMAC-SHA256 and HKDF-SHA256 (RFC 5869).
//
// libsodium 1.0.18 has no HKDF API, so HKDF is built here on HMAC-SHA256 exactly as
// RFC 5869 §2 describes.
#pragma once

#include <array>
#include <initializer_list>
#include <span>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::crypto {

inline constexpr std::size_t kSha256Size = 32;
// RFC 5869 §2.3: L <= 255 * HashLen.
inline constexpr std::size_t kHkdfSha256MaxOutput = 255 * kSha256Size;

Bytes sha256(ByteView data);

// Streaming SHA-256 for large or piecewise input.
class Sha256 {
  public:
    Sha256() noexcept;
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(ByteView data) noexcept;
    Bytes finish() noexcept;  // the object may not be updated afterwards

  private:
    alignas(64) std::array<unsigned char, 128> state_{};
};

// HMAC-SHA256 with a key of any length (keys longer than the block are hashed, per RFC 2104).
SecretBytes hmac_sha256(ByteView key, ByteView data);
// Shortest truncated HMAC-SHA256 tag hmac_sha256_verify accepts: half the hash output, the
// lower bound RFC 2104 §5 recommends. Shorter tags would let a caller (or an attacker who
// controls the tag length) turn verification into a 1-in-256 guess.
inline constexpr std::size_t kHmacSha256MinTagSize = kSha256Size / 2;

// Constant-time verification of an HMAC-SHA256 tag. A tag of 16..32 bytes is compared with
// that prefix of the MAC (truncation); any other length is false. Never allocates or throws.
bool hmac_sha256_verify(ByteView key, ByteView data, ByteView tag) noexcept;

// Forms that write into a caller's buffer and take the message as a list of parts that are
// processed as their concatenation. They exist because every SecretBytes is a guarded
// sodium_malloc allocation (several syscalls, ~0.1 ms on the reference machine): derivations
// with many short-lived intermediates (HPKE's labeled key schedule) keep those on the stack
// and wipe them instead.
void hmac_sha256_into(ByteView key, std::initializer_list<ByteView> parts,
                      std::span<std::uint8_t, kSha256Size> out) noexcept;
// HKDF-Expand(PRK, concat(info_parts), out.size()) into `out`. Same errors as hkdf_expand.
Status hkdf_expand_into(ByteView prk, std::initializer_list<ByteView> info_parts,
                        std::span<std::uint8_t> out);

// HKDF-Extract(salt, IKM) -> PRK (32 bytes). An empty salt means HashLen zero bytes.
SecretBytes hkdf_extract(ByteView salt, ByteView ikm);
// HKDF-Expand(PRK, info, L). Errors: L > 255*32 (limit_exceeded), PRK shorter than 32.
Result<SecretBytes> hkdf_expand(ByteView prk, ByteView info, std::size_t length);

}  // namespace lagrum::crypto
