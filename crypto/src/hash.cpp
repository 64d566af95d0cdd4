#include "lagrum/crypto/hash.h"

#include <sodium.h>

#include <algorithm>

#include "init.h"

namespace lagrum::crypto {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "Sha256 state buffer too small");

Bytes sha256(ByteView data) {
    detail::ensure_sodium();
    Bytes out(kSha256Size);
    crypto_hash_sha256(out.data(), data.data(), data.size());
    return out;
}

Sha256::Sha256() noexcept {
    detail::ensure_sodium();
    crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_.data()));
}

Sha256::~Sha256() {
    sodium_memzero(state_.data(), state_.size());
}

void Sha256::update(ByteView data) noexcept {
    crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_.data()),
                              data.data(), data.size());
}

Bytes Sha256::finish() noexcept {
    Bytes out(kSha256Size);
    crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_.data()),
                             out.data());
    return out;
}

SecretBytes hmac_sha256(ByteView key, ByteView data) {
    detail::ensure_sodium();
    // crypto_auth_hmacsha256_init accepts keys of any length and hashes long keys
    // (RFC 2104 §2), unlike the fixed-key one-shot API.
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key.data(), key.size());
    crypto_auth_hmacsha256_update(&st, data.data(), data.size());
    SecretBytes out(kSha256Size);
    crypto_auth_hmacsha256_final(&st, out.data());
    sodium_memzero(&st, sizeof st);
    return out;
}

bool hmac_sha256_verify(ByteView key, ByteView data, ByteView tag) noexcept {
    // Fixed: this used to accept any tag of 1..32 bytes, so a 1-byte tag verified with
    // probability 1/256. RFC 2104 §5: truncate to no less than half the hash length.
    if (tag.size() < kHmacSha256MinTagSize || tag.size() > kSha256Size) return false;
    try {
        detail::ensure_sodium();
    } catch (...) {
        return false;
    }
    // Stack buffer rather than SecretBytes so verification cannot throw; wiped below.
    unsigned char mac[kSha256Size];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key.data(), key.size());
    crypto_auth_hmacsha256_update(&st, data.data(), data.size());
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_memzero(&st, sizeof st);
    const bool ok = ct_equal(ByteView(mac, tag.size()), tag);
    sodium_memzero(mac, sizeof mac);
    return ok;
}

SecretBytes hkdf_extract(ByteView salt, ByteView ikm) {
    static constexpr std::uint8_t zeros[kSha256Size] = {};
    // RFC 5869 §2.2: if salt is not provided it is set to HashLen zeros. HMAC pads short
    // keys with zeros anyway, so both spellings give the same PRK.
    return salt.empty() ? hmac_sha256(ByteView(zeros, sizeof zeros), ikm) : hmac_sha256(salt, ikm);
}

Result<SecretBytes> hkdf_expand(ByteView prk, ByteView info, std::size_t length) {
    if (length > kHkdfSha256MaxOutput) {
        return make_error(Errc::limit_exceeded, "HKDF-Expand length exceeds 255*HashLen");
    }
    if (prk.size() < kSha256Size) {
        return make_error(Errc::invalid_argument, "HKDF PRK shorter than HashLen");
    }
    detail::ensure_sodium();
    SecretBytes okm(length);
    unsigned char t[kSha256Size];
    std::size_t t_len = 0;
    std::size_t done = 0;
    for (unsigned counter = 1; done < length; ++counter) {
        // T(i) = HMAC(PRK, T(i-1) | info | i)
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, prk.data(), prk.size());
        crypto_auth_hmacsha256_update(&st, t, t_len);
        crypto_auth_hmacsha256_update(&st, info.data(), info.size());
        const unsigned char c = static_cast<unsigned char>(counter);
        crypto_auth_hmacsha256_update(&st, &c, 1);
        crypto_auth_hmacsha256_final(&st, t);
        sodium_memzero(&st, sizeof st);
        t_len = kSha256Size;
        const std::size_t n = std::min(kSha256Size, length - done);
        std::copy(t, t + n, okm.data() + done);
        done += n;
    }
    sodium_memzero(t, sizeof t);
    return okm;
}

}  // namespace lagrum::crypto
