// CSPRNG (libsodium randombytes).
#pragma once

#include <span>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::crypto {

void fill_random(std::span<std::uint8_t> out) noexcept;
Bytes random_bytes(std::size_t n);
SecretBytes random_secret(std::size_t n);

}  // namespace lagrum::crypto
