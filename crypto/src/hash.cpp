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

void hmac_sha256_into(ByteView key, std::initializer_list<ByteView> parts,
                      std::span<std::uint8_t, kSha256Size> out) noexcept {
    // crypto_auth_hmacsha256_init accepts keys of any length and hashes long keys
    // (RFC 2104 §2), unlike the fixed-key one-shot API. Its key is declared nonnull, and an
    // empty span's data() may be null (UBSan caught this for empty keys/salts): pass a
    // valid pointer with length 0 instead.
    static constexpr unsigned char kNoKey = 0;
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key.empty() ? &kNoKey : key.data(), key.size());
    for (const ByteView part : parts) crypto_auth_hmacsha256_update(&st, part.data(), part.size());
    crypto_auth_hmacsha256_final(&st, out.data());
    sodium_memzero(&st, sizeof st);
}

SecretBytes hmac_sha256(ByteView key, ByteView data) {
    detail::ensure_sodium();
    SecretBytes out(kSha256Size);
    hmac_sha256_into(key, {data}, std::span<std::uint8_t, kSha256Size>(out.data(), kSha256Size));
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
    std::array<std::uint8_t, kSha256Size> mac;
    hmac_sha256_into(key, {data}, mac);
    const bool ok = ct_equal(ByteView(mac.data(), tag.size()), tag);
    sodium_memzero(mac.data(), mac.size());
    return ok;
}

SecretBytes hkdf_extract(ByteView salt, ByteView ikm) {
    static constexpr std::uint8_t zeros[kSha256Size] = {};
    // RFC 5869 §2.2: if salt is not provided it is set to HashLen zeros. HMAC pads short
    // keys with zeros anyway, so both spellings give the same PRK.
    return salt.empty() ? hmac_sha256(ByteView(zeros, sizeof zeros), ikm) : hmac_sha256(salt, ikm);
}

Status hkdf_expand_into(ByteView prk, std::initializer_list<ByteView> info_parts,
                        std::span<std::uint8_t> out) {
    if (out.size() > kHkdfSha256MaxOutput) {
        return make_error(Errc::limit_exceeded, "HKDF-Expand length exceeds 255*HashLen");
    }
    if (prk.size() < kSha256Size) {
        return make_error(Errc::invalid_argument, "HKDF PRK shorter than HashLen");
    }
    detail::ensure_sodium();
    unsigned char t[kSha256Size];
    std::size_t t_len = 0;
    std::size_t done = 0;
    for (unsigned counter = 1; done < out.size(); ++counter) {
        // T(i) = HMAC(PRK, T(i-1) | info | i)
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, prk.data(), prk.size());
        crypto_auth_hmacsha256_update(&st, t, t_len);
        for (const ByteView part : info_parts) {
            crypto_auth_hmacsha256_update(&st, part.data(), part.size());
        }
        const unsigned char c = static_cast<unsigned char>(counter);
        crypto_auth_hmacsha256_update(&st, &c, 1);
        crypto_auth_hmacsha256_final(&st, t);
        sodium_memzero(&st, sizeof st);
        t_len = kSha256Size;
        const std::size_t n = std::min(kSha256Size, out.size() - done);
        std::copy(t, t + n, out.data() + done);
        done += n;
    }
    sodium_memzero(t, sizeof t);
    return {};
}

Result<SecretBytes> hkdf_expand(ByteView prk, ByteView info, std::size_t length) {
    // Checked before allocating: `length` may come from a caller's untrusted input.
    if (length > kHkdfSha256MaxOutput) {
        return make_error(Errc::limit_exceeded, "HKDF-Expand length exceeds 255*HashLen");
    }
    SecretBytes okm(length);
    if (auto st = hkdf_expand_into(prk, {info}, {okm.data(), okm.size()}); !st) return st.error();
    return okm;
}

}  // namespace lagrum::crypto
