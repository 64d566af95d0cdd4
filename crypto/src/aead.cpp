#include "lagrum/crypto/aead.h"

#include <sodium.h>

#include "init.h"

namespace lagrum::crypto {
namespace {

using SealFn = int (*)(unsigned char*, unsigned long long*, const unsigned char*,
                       unsigned long long, const unsigned char*, unsigned long long,
                       const unsigned char*, const unsigned char*, const unsigned char*);
using OpenFn = int (*)(unsigned char*, unsigned long long*, unsigned char*, const unsigned char*,
                       unsigned long long, const unsigned char*, unsigned long long,
                       const unsigned char*, const unsigned char*);

Status check_lengths(ByteView key, ByteView nonce, std::size_t key_size, std::size_t nonce_size) {
    if (key.size() != key_size) return make_error(Errc::invalid_argument, "AEAD key has wrong length");
    if (nonce.size() != nonce_size) {
        return make_error(Errc::invalid_argument, "AEAD nonce has wrong length");
    }
    return {};
}

Result<Bytes> seal_with(SealFn fn, std::size_t key_size, std::size_t nonce_size,
                        std::size_t max_plaintext, ByteView key, ByteView nonce, ByteView aad,
                        ByteView plaintext) {
    if (auto st = check_lengths(key, nonce, key_size, nonce_size); !st) return st.error();
    if (plaintext.size() > max_plaintext) {
        return make_error(Errc::limit_exceeded, "AEAD plaintext too long");
    }
    detail::ensure_sodium();
    Bytes out(plaintext.size() + 16);
    unsigned long long out_len = 0;
    if (fn(out.data(), &out_len, plaintext.data(), plaintext.size(), aad.data(), aad.size(),
           nullptr, nonce.data(), key.data()) != 0) {
        return make_error(Errc::internal, "AEAD encryption failed");
    }
    out.resize(static_cast<std::size_t>(out_len));
    return out;
}

Result<Bytes> open_with(OpenFn fn, std::size_t key_size, std::size_t nonce_size, ByteView key,
                        ByteView nonce, ByteView aad, ByteView ciphertext) {
    if (auto st = check_lengths(key, nonce, key_size, nonce_size); !st) return st.error();
    if (ciphertext.size() < 16) {
        return make_error(Errc::decryption_failed, "AEAD ciphertext shorter than the tag");
    }
    detail::ensure_sodium();
    Bytes out(ciphertext.size() - 16);
    unsigned long long out_len = 0;
    if (fn(out.data(), &out_len, nullptr, ciphertext.data(), ciphertext.size(), aad.data(),
           aad.size(), nonce.data(), key.data()) != 0) {
        return make_error(Errc::decryption_failed, "AEAD authentication failed");
    }
    out.resize(static_cast<std::size_t>(out_len));
    return out;
}

}  // namespace

Result<Bytes> ChaCha20Poly1305::seal(ByteView key, ByteView nonce, ByteView aad, ByteView pt) {
    return seal_with(crypto_aead_chacha20poly1305_ietf_encrypt, kKeySize, kNonceSize,
                     crypto_aead_chacha20poly1305_ietf_MESSAGEBYTES_MAX, key, nonce, aad, pt);
}
Result<Bytes> ChaCha20Poly1305::open(ByteView key, ByteView nonce, ByteView aad, ByteView ct) {
    return open_with(crypto_aead_chacha20poly1305_ietf_decrypt, kKeySize, kNonceSize, key, nonce,
                     aad, ct);
}
Result<Bytes> XChaCha20Poly1305::seal(ByteView key, ByteView nonce, ByteView aad, ByteView pt) {
    return seal_with(crypto_aead_xchacha20poly1305_ietf_encrypt, kKeySize, kNonceSize,
                     crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX, key, nonce, aad, pt);
}
Result<Bytes> XChaCha20Poly1305::open(ByteView key, ByteView nonce, ByteView aad, ByteView ct) {
    return open_with(crypto_aead_xchacha20poly1305_ietf_decrypt, kKeySize, kNonceSize, key, nonce,
                     aad, ct);
}

}  // namespace lagrum::crypto
