// SecretBytes: key material in libsodium secure memory.
//
// Memory comes from sodium_malloc (mlock'd, excluded from core dumps): secrets larger
// than 1 KiB get their own allocation with a guard page behind it; smaller ones share
// sodium_malloc'd chunks (crypto/src/secure_arena.h explains why). Every byte is wiped
// on destruction. Copies are explicit (clone()); moves leave the source empty.
#pragma once

#include <cstddef>
#include <cstdint>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/result.h"

namespace lagrum::crypto {

class SecretBytes {
public:
    SecretBytes() noexcept = default;
    // Zero-filled secret of `size` bytes. Throws std::bad_alloc if secure memory is exhausted.
    explicit SecretBytes(std::size_t size);
    // Copies `data` into secure memory (the caller remains responsible for wiping its copy).
    static SecretBytes copy_of(ByteView data);
    // Copies, then wipes the source vector.
    static SecretBytes take(Bytes&& data);

    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    ~SecretBytes();

    SecretBytes clone() const { return copy_of(view()); }

    std::uint8_t* data() noexcept { return data_; }
    const std::uint8_t* data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    ByteView view() const noexcept { return {data_, size_}; }
    operator ByteView() const noexcept { return view(); }  // NOLINT: convenience for APIs

    // Exports a plain copy (for serialisation of state; the caller wipes it).
    Bytes expose() const { return Bytes(data_, data_ + size_); }

    // Constant-time comparison.
    friend bool operator==(const SecretBytes& a, const SecretBytes& b) noexcept {
        return ct_equal(a.view(), b.view());
    }

private:
    void release() noexcept;
    std::uint8_t* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace lagrum::crypto
