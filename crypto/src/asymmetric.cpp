#include <sodium.h>

#include "init.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/x25519.h"

namespace lagrum::crypto {

X25519KeyPair x25519_generate() {
    detail::ensure_sodium();
    X25519KeyPair kp{SecretBytes(kX25519Size), Bytes(kX25519Size)};
    randombytes_buf(kp.private_key.data(), kX25519Size);
    crypto_scalarmult_base(kp.public_key.data(), kp.private_key.data());
    return kp;
}

Result<Bytes> x25519_public_key(ByteView private_key) {
    if (private_key.size() != kX25519Size) {
        return make_error(Errc::invalid_argument, "X25519 private key must be 32 bytes");
    }
    detail::ensure_sodium();
    Bytes pub(kX25519Size);
    if (crypto_scalarmult_base(pub.data(), private_key.data()) != 0) {
        return make_error(Errc::invalid_key, "X25519 public key derivation failed");
    }
    return pub;
}

Status x25519_into(ByteView private_key, ByteView public_key,
                   std::span<std::uint8_t, kX25519Size> out) {
    if (private_key.size() != kX25519Size || public_key.size() != kX25519Size) {
        return make_error(Errc::invalid_argument, "X25519 keys must be 32 bytes");
    }
    detail::ensure_sodium();
    // libsodium returns -1 for a low-order public key and for an all-zero result.
    if (crypto_scalarmult(out.data(), private_key.data(), public_key.data()) != 0) {
        sodium_memzero(out.data(), out.size());
        return make_error(Errc::invalid_key, "X25519 produced an all-zero shared secret");
    }
    return {};
}

Result<SecretBytes> x25519(ByteView private_key, ByteView public_key) {
    if (private_key.size() != kX25519Size || public_key.size() != kX25519Size) {
        return make_error(Errc::invalid_argument, "X25519 keys must be 32 bytes");
    }
    SecretBytes shared(kX25519Size);
    auto st = x25519_into(private_key, public_key,
                          std::span<std::uint8_t, kX25519Size>(shared.data(), kX25519Size));
    if (!st) return st.error();
    return shared;
}

Ed25519KeyPair ed25519_generate() {
    detail::ensure_sodium();
    Ed25519KeyPair kp{SecretBytes(kEd25519SeedSize), Bytes(kEd25519PublicKeySize)};
    randombytes_buf(kp.seed.data(), kEd25519SeedSize);
    SecretBytes sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(kp.public_key.data(), sk.data(), kp.seed.data());
    return kp;
}

Result<Ed25519KeyPair> ed25519_from_seed(ByteView seed) {
    if (seed.size() != kEd25519SeedSize) {
        return make_error(Errc::invalid_argument, "Ed25519 seed must be 32 bytes");
    }
    detail::ensure_sodium();
    Ed25519KeyPair kp{SecretBytes::copy_of(seed), Bytes(kEd25519PublicKeySize)};
    SecretBytes sk(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(kp.public_key.data(), sk.data(), kp.seed.data());
    return kp;
}

Result<Bytes> ed25519_sign(ByteView seed, ByteView message) {
    if (seed.size() != kEd25519SeedSize) {
        return make_error(Errc::invalid_argument, "Ed25519 seed must be 32 bytes");
    }
    detail::ensure_sodium();
    // The expanded key only lives for this call: a wiped stack buffer instead of a
    // SecretBytes, whose guarded allocation would cost more than the signature itself.
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_seed_keypair(pk, sk, seed.data());
    Bytes sig(kEd25519SignatureSize);
    const int rc = crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk);
    sodium_memzero(sk, sizeof sk);
    if (rc != 0) return make_error(Errc::internal, "Ed25519 signing failed");
    return sig;
}

bool ed25519_verify(ByteView public_key, ByteView message, ByteView signature) noexcept {
    if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) {
        return false;
    }
    try {
        detail::ensure_sodium();
    } catch (...) {
        return false;
    }
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                       public_key.data()) == 0;
}

}  // namespace lagrum::crypto
