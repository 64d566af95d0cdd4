#include "lagrum/wire/tls_syntax.h"

namespace lagrum::wire {

const char* errc_message(Errc code) noexcept {
    switch (code) {
        case Errc::none:
            return "no error";
        case Errc::truncated:
            return "truncated input";
        case Errc::invalid_varint_prefix:
            return "invalid varint prefix";
        case Errc::non_minimal_varint:
            return "non-minimal varint";
        case Errc::vector_too_long:
            return "vector too long";
        case Errc::trailing_bytes:
            return "trailing bytes";
    }
    return "unknown wire error";
}

std::size_t encode_varint(std::uint64_t v, std::array<std::uint8_t, 4>& out) noexcept {
    if (v <= 0x3f) {
        out[0] = static_cast<std::uint8_t>(v);
        return 1;
    }
    if (v <= 0x3fff) {
        const auto b = big_endian<2>(0x4000 | v);
        out[0] = b[0];
        out[1] = b[1];
        return 2;
    }
    if (v <= kMaxVarint) {
        out = big_endian<4>(0x80000000u | v);
        return 4;
    }
    return 0;
}

bool Writer::varint(std::uint64_t v) {
    std::array<std::uint8_t, 4> b{};
    const std::size_t n = encode_varint(v, b);
    if (n == 0) return false;
    out_.insert(out_.end(), b.begin(), b.begin() + static_cast<std::ptrdiff_t>(n));
    return true;
}

bool Writer::opaque(ByteView b) {
    if (!varint(b.size())) return false;
    raw(b);
    return true;
}

std::optional<std::uint64_t> Reader::uint(std::size_t n) noexcept {
    if (remaining() < n) return failed<std::uint64_t>(Errc::truncated);
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
    pos_ += n;
    return v;
}

std::optional<std::uint8_t> Reader::u8() noexcept {
    auto v = uint(1);
    if (!v) return std::nullopt;
    return static_cast<std::uint8_t>(*v);
}
std::optional<std::uint16_t> Reader::u16() noexcept {
    auto v = uint(2);
    if (!v) return std::nullopt;
    return static_cast<std::uint16_t>(*v);
}
std::optional<std::uint32_t> Reader::u32() noexcept {
    auto v = uint(4);
    if (!v) return std::nullopt;
    return static_cast<std::uint32_t>(*v);
}
std::optional<std::uint64_t> Reader::u64() noexcept {
    return uint(8);
}

std::optional<ByteView> Reader::raw(std::size_t n) noexcept {
    if (n > remaining()) return failed<ByteView>(Errc::truncated);
    const ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
}

std::optional<std::uint64_t> Reader::varint() noexcept {
    if (remaining() < 1) return failed<std::uint64_t>(Errc::truncated);
    const unsigned prefix = data_[pos_] >> 6;
    if (prefix == 3) return failed<std::uint64_t>(Errc::invalid_varint_prefix);
    const std::size_t length = std::size_t{1} << prefix;
    if (remaining() < length) return failed<std::uint64_t>(Errc::truncated);
    std::uint64_t v = data_[pos_] & 0x3f;
    for (std::size_t i = 1; i < length; ++i) v = (v << 8) | data_[pos_ + i];
    // §2.1.2: the value must not fit in half the length used.
    if (prefix >= 1 && v < (std::uint64_t{1} << (8 * (length / 2) - 2))) {
        return failed<std::uint64_t>(Errc::non_minimal_varint);
    }
    pos_ += length;
    return v;
}

std::optional<ByteView> Reader::opaque(std::uint64_t max) noexcept {
    const std::size_t start = pos_;
    auto n = varint();
    if (!n) return std::nullopt;
    if (*n > max) {
        pos_ = start;
        return failed<ByteView>(Errc::vector_too_long);
    }
    if (*n > remaining()) {
        pos_ = start;
        return failed<ByteView>(Errc::truncated);
    }
    return raw(static_cast<std::size_t>(*n));
}

bool Reader::finish() noexcept {
    if (empty()) return true;
    error_ = Errc::trailing_bytes;
    return false;
}

}  // namespace lagrum::wire
