// Byte containers shared by the crypto and MLS code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <span>
#include <string_view>
#include <vector>

namespace lagrum::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

inline Bytes concat(ByteView a, ByteView b) {
    Bytes out;
    out.reserve(a.size() + b.size());
    out.insert(out.end(), a.begin(), a.end());
    out.insert(out.end(), b.begin(), b.end());
    return out;
}

// Constant-time equality (libsodium's sodium_memcmp). Lengths are not secret: unequal
// lengths compare false immediately.
bool ct_equal(ByteView a, ByteView b) noexcept;

// Lowercase hexadecimal, two digits per byte (for keys and ids shown to people; never
// for secrets, which must not leave secure memory as text).
std::string to_hex(ByteView bytes);

// Overwrites memory in a way the compiler may not elide (sodium_memzero).
void wipe(void* data, std::size_t len) noexcept;
inline void wipe(Bytes& b) noexcept { wipe(b.data(), b.size()); }

}  // namespace lagrum::crypto
