// Pool allocator for small SecretBytes inside libsodium secure memory.
//
// sodium_malloc costs an mmap, two mprotects and an mlock per call (≈0.16 ms of CPU
// measured here), and MLS creates and drops thousands of 32-byte secrets per commit. Small
// secrets are therefore carved from 64 KiB chunks that are themselves sodium_malloc'd:
// still mlock'd, excluded from core dumps and behind guard pages at the chunk edges, and
// every slot is wiped (sodium_memzero) the moment it is released. What is lost is the
// per-secret guard page; bounds are enforced by ByteView/span instead. Larger secrets
// keep their own sodium_malloc allocation. Under AddressSanitizer free slots are
// poisoned, so use-after-free of a secret is still caught.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lagrum::crypto::detail {

inline constexpr std::size_t kArenaMaxSlot = 1024;

// Returns zero-filled secure memory of at least n bytes (1 <= n). Throws std::bad_alloc.
std::uint8_t* secure_alloc(std::size_t n);
// Wipes and releases memory from secure_alloc(n) (same n).
void secure_free(std::uint8_t* p, std::size_t n) noexcept;

}  // namespace lagrum::crypto::detail
