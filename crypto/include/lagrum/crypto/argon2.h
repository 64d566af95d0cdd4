// Argon2id password-based key derivation (libsodium crypto_pwhash).
#pragma once

#include <string_view>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::crypto {

struct Argon2Params {
    unsigned long long opslimit;  // passes
    std::size_t memlimit;         // bytes
};

// Named parameter sets. kStore protects the client store's key: 256 MiB, 3 passes, aimed at
// about 0.5 s on a laptop. tests/bench/crypto measures it next to the cost of merely
// obtaining and first-touching 256 MiB: on the sandboxed 2-core build machine that alone
// takes about as long as the whole derivation (page faults, ~1 s CPU), while each Argon2id
// pass adds only ~0.1 s. The memory size is kept anyway: it is what makes GPU/ASIC guessing
// expensive, and the fault cost is the environment's, not the algorithm's. kTest is for
// unit tests only.
inline constexpr Argon2Params kArgon2Store{3, 256u * 1024 * 1024};
inline constexpr Argon2Params kArgon2Interactive{2, 64u * 1024 * 1024};
inline constexpr Argon2Params kArgon2Test{1, 8u * 1024};

inline constexpr std::size_t kArgon2SaltSize = 16;

// Derives `length` bytes from a passphrase. Errors on a salt that is not 16 bytes, a
// length outside libsodium's bounds, parameters below the minimum, or out of memory.
Result<SecretBytes> argon2id_derive(std::string_view passphrase, ByteView salt, std::size_t length,
                                    const Argon2Params& params);

}  // namespace lagrum::crypto
