// The profile key file: the store's random 256-bit database key, wrapped under the
// user's passphrase (DESIGN.md, "Client store").
//
//   wrapping key = Argon2id(passphrase, salt, params)           (32 bytes)
//   wrapped      = XChaCha20-Poly1305(wrapping key, nonce, db key,
//                                     ad = "lagrum.profile-key.v1" || params || salt)
//
// The file (PROFILE/key) is a small fixed binary layout with a magic and version; the
// Argon2id parameters are stored in it, so a profile made with one parameter set opens
// with that set. Changing the passphrase re-wraps the same key with a fresh salt and
// nonce and replaces the file atomically (write to a temporary file, fsync, rename):
// the database itself is never re-encrypted.
#pragma once

#include <filesystem>
#include <string_view>

#include "lagrum/core/error.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::core::store {

// The parameter set for new profiles: crypto::kArgon2Store (see argon2.h for why).
// kArgon2Interactive and kArgon2Test exist for tests (`lagrum init --kdf`).
crypto::Argon2Params default_kdf_params();

// Creates a new random database key and writes its wrapped form to `file` (which must
// not exist: profile_exists). Returns the key.
crypto::SecretBytes create_profile_key(const std::filesystem::path& file,
                                       std::string_view passphrase,
                                       const crypto::Argon2Params& params);

// Unwraps the key. Errors: no_profile (missing file), corrupt_store (bad magic, version,
// size or parameters), wrong_passphrase (the AEAD does not open).
crypto::SecretBytes open_profile_key(const std::filesystem::path& file,
                                     std::string_view passphrase);

// Re-wraps under a new passphrase (same parameters unless `params` is given). The old
// passphrase must open the key first (wrong_passphrase otherwise; the file is untouched).
void change_profile_passphrase(const std::filesystem::path& file, std::string_view old_passphrase,
                               std::string_view new_passphrase,
                               const crypto::Argon2Params* params = nullptr);

}  // namespace lagrum::core::store

namespace lagrum::core::store {

// The same wrapping for any small secret under a passphrase (the organisation root's
// Ed25519 seed uses it: `lagrum org init`). `purpose` goes into the associated data, so
// a wrapped root seed can never be opened as a profile key or the other way round.
void write_wrapped_secret(const std::filesystem::path& file, const crypto::SecretBytes& secret,
                          std::string_view passphrase, const crypto::Argon2Params& params,
                          std::string_view purpose);
crypto::SecretBytes read_wrapped_secret(const std::filesystem::path& file,
                                        std::string_view passphrase, std::string_view purpose);

}  // namespace lagrum::core::store
