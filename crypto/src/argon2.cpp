#include "lagrum/crypto/argon2.h"

#include <sodium.h>

#include "init.h"

namespace lagrum::crypto {

Result<SecretBytes> argon2id_derive(std::string_view passphrase, ByteView salt, std::size_t length,
                                    const Argon2Params& params) {
    if (salt.size() != kArgon2SaltSize) {
        return make_error(Errc::invalid_argument, "Argon2id salt must be 16 bytes");
    }
    if (length < crypto_pwhash_BYTES_MIN || length > 1024) {
        return make_error(Errc::invalid_argument, "Argon2id output length out of range");
    }
    if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN ||
        params.memlimit < crypto_pwhash_MEMLIMIT_MIN) {
        return make_error(Errc::invalid_argument, "Argon2id parameters below libsodium's minimum");
    }
    // Out-of-range values used to reach crypto_pwhash and come back as "out of memory".
    if (params.opslimit > crypto_pwhash_OPSLIMIT_MAX ||
        params.memlimit > crypto_pwhash_MEMLIMIT_MAX) {
        return make_error(Errc::invalid_argument, "Argon2id parameters above libsodium's maximum");
    }
    if (passphrase.size() > crypto_pwhash_PASSWD_MAX) {
        return make_error(Errc::invalid_argument, "Argon2id passphrase too long");
    }
    detail::ensure_sodium();
    SecretBytes out(length);
    // crypto_pwhash declares every pointer nonnull; an empty string_view may have a null data().
    const char* passwd = passphrase.empty() ? "" : passphrase.data();
    if (crypto_pwhash(out.data(), out.size(), passwd, passphrase.size(), salt.data(),
                      params.opslimit, params.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return make_error(Errc::out_of_memory, "Argon2id failed (out of memory?)");
    }
    return out;
}

}  // namespace lagrum::crypto
