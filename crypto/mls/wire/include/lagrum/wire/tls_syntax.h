// TLS presentation language as RFC 9420 uses it (§2.1), without exceptions and without
// secrets: big-endian fixed-width integers, the variable-length integer of §2.1.2 (1, 2 or
// 4 bytes by the top two bits, prefix 0b11 invalid, minimal encoding required) and
// `opaque data<V>` vectors. The MLS codec (lagrum/mls/codec.h) wraps these to throw its
// typed errors and to write secrets to secure memory; the relay reads MLS headers with
// them directly (mls_wire.h).
//
// Every length read from input is checked against the bytes actually remaining (and an
// optional caller bound) before anything is allocated.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace lagrum::wire {

// The same types as lagrum::crypto::Bytes / ByteView (no dependency on the crypto library).
using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Why a read failed.
enum class Errc : std::uint8_t {
    none,
    truncated,              // fewer bytes left than the field needs
    invalid_varint_prefix,  // 0b11
    non_minimal_varint,     // the value would fit in half the length used
    vector_too_long,        // a <V> length beyond the caller's bound
    trailing_bytes,         // finish() with input left
};
const char* errc_message(Errc code) noexcept;

// §2.1.2: the largest value a varint can carry.
inline constexpr std::uint64_t kMaxVarint = (std::uint64_t{1} << 30) - 1;

// Big-endian encoding of the low N bytes of v.
template <std::size_t N>
constexpr std::array<std::uint8_t, N> big_endian(std::uint64_t v) noexcept {
    std::array<std::uint8_t, N> out{};
    for (std::size_t i = 0; i < N; ++i) out[N - 1 - i] = static_cast<std::uint8_t>(v >> (8 * i));
    return out;
}

// The minimal varint encoding of v into out[0..n), returning n (1, 2 or 4), or 0 if v is
// beyond kMaxVarint.
[[nodiscard]] std::size_t encode_varint(std::uint64_t v, std::array<std::uint8_t, 4>& out) noexcept;

// Public (non-secret) bytes: a growing buffer.
class Writer {
  public:
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v) { put(big_endian<2>(v)); }
    void u32(std::uint32_t v) { put(big_endian<4>(v)); }
    void u64(std::uint64_t v) { put(big_endian<8>(v)); }
    void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
    // False (and nothing written) if v is beyond kMaxVarint.
    [[nodiscard]] bool varint(std::uint64_t v);
    // opaque data<V>. False (and nothing written) if longer than kMaxVarint.
    [[nodiscard]] bool opaque(ByteView b);

    const Bytes& bytes() const noexcept { return out_; }
    Bytes take() noexcept { return std::move(out_); }

  private:
    template <std::size_t N>
    void put(const std::array<std::uint8_t, N>& a) {
        out_.insert(out_.end(), a.begin(), a.end());
    }
    Bytes out_;
};

// Bounds-checked reader over untrusted bytes. A failed read returns nullopt, consumes
// nothing and records why (error()).
class Reader {
  public:
    explicit Reader(ByteView data) noexcept : data_(data) {}

    [[nodiscard]] std::optional<std::uint8_t> u8() noexcept;
    [[nodiscard]] std::optional<std::uint16_t> u16() noexcept;
    [[nodiscard]] std::optional<std::uint32_t> u32() noexcept;
    [[nodiscard]] std::optional<std::uint64_t> u64() noexcept;
    // n bytes as a view into the input.
    [[nodiscard]] std::optional<ByteView> raw(std::size_t n) noexcept;
    [[nodiscard]] std::optional<std::uint64_t> varint() noexcept;
    // opaque data<V> as a view; a length above `max` is refused before anything else.
    [[nodiscard]] std::optional<ByteView> opaque(std::uint64_t max = kMaxVarint) noexcept;
    // False (trailing_bytes) if any input is left.
    [[nodiscard]] bool finish() noexcept;

    Errc error() const noexcept { return error_; }
    bool empty() const noexcept { return pos_ == data_.size(); }
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    std::size_t position() const noexcept { return pos_; }

  private:
    [[nodiscard]] std::optional<std::uint64_t> uint(std::size_t n) noexcept;
    template <class T>
    std::optional<T> failed(Errc e) noexcept {
        error_ = e;
        return std::nullopt;
    }
    ByteView data_;
    std::size_t pos_ = 0;
    Errc error_ = Errc::none;
};

}  // namespace lagrum::wire
