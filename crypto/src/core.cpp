#include <sodium.h>

#include <cstring>
#include <new>
#include <stdexcept>

#include "init.h"
#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/random.h"
#include "lagrum/crypto/result.h"
#include "lagrum/crypto/secret.h"
#include "secure_arena.h"

namespace lagrum::crypto {

namespace detail {
void ensure_sodium() {
    // sodium_init is itself thread-safe; a static makes the check free after the first call.
    static const int rc = sodium_init();
    if (rc < 0) throw std::runtime_error("libsodium initialisation failed");
}
}  // namespace detail

const char* errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::invalid_argument:
            return "invalid_argument";
        case Errc::invalid_key:
            return "invalid_key";
        case Errc::verification_failed:
            return "verification_failed";
        case Errc::decryption_failed:
            return "decryption_failed";
        case Errc::limit_exceeded:
            return "limit_exceeded";
        case Errc::out_of_memory:
            return "out_of_memory";
        case Errc::internal:
            return "internal";
    }
    return "unknown";
}

std::string to_hex(ByteView bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 15]);
    }
    return out;
}

bool ct_equal(ByteView a, ByteView b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void wipe(void* data, std::size_t len) noexcept {
    if (data != nullptr && len != 0) sodium_memzero(data, len);
}

SecretBytes::SecretBytes(std::size_t size) {
    detail::ensure_sodium();
    if (size == 0) return;
    data_ = detail::secure_alloc(size);
    size_ = size;
}

SecretBytes SecretBytes::copy_of(ByteView data) {
    SecretBytes s(data.size());
    if (!data.empty()) std::memcpy(s.data_, data.data(), data.size());
    return s;
}

SecretBytes SecretBytes::take(Bytes&& data) {
    SecretBytes s = copy_of(data);
    wipe(data);
    data.clear();
    return s;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(other.data_), size_(other.size_) {
    other.data_ = nullptr;
    other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        release();
        data_ = other.data_;
        size_ = other.size_;
        other.data_ = nullptr;
        other.size_ = 0;
    }
    return *this;
}

SecretBytes::~SecretBytes() {
    release();
}

void SecretBytes::release() noexcept {
    detail::secure_free(data_, size_);  // wipes before releasing
    data_ = nullptr;
    size_ = 0;
}

void fill_random(std::span<std::uint8_t> out) noexcept {
    detail::ensure_sodium();
    if (!out.empty()) randombytes_buf(out.data(), out.size());
}

Bytes random_bytes(std::size_t n) {
    Bytes out(n);
    fill_random(out);
    return out;
}

SecretBytes random_secret(std::size_t n) {
    SecretBytes s(n);
    fill_random({s.data(), s.size()});
    return s;
}

}  // namespace lagrum::crypto
