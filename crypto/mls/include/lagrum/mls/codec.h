// TLS presentation language codec as RFC 9420 uses it (§2.1).
//
// Fixed-width integers are big-endian. Variable-size vectors (`<V>`) carry a
// minimal-length varint prefix (§2.1.2): 1, 2 or 4 bytes, prefix 0b11 invalid,
// non-minimal encodings rejected. Every length read from input is checked against the
// bytes actually remaining before anything is allocated, so a hostile prefix can never
// trigger a large allocation. Decoding a whole message must consume every byte
// (Reader::finish), so trailing bytes are an error.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "lagrum/crypto/bytes.h"
#include "lagrum/mls/error.h"

namespace lagrum::mls {

using crypto::Bytes;
using crypto::ByteView;

inline constexpr std::uint64_t kMaxVarint = (1u << 30) - 1;

class Writer {
  public:
    void u8(std::uint8_t v) { out_.push_back(v); }
    void u16(std::uint16_t v);
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
    void varint(std::uint64_t v);  // throws MlsError(length_limit) if v > kMaxVarint
    void opaque(ByteView b);       // opaque data<V>
    // A `<V>` vector whose body is produced by body(Writer&).
    template <class F>
    void vector(F&& body) {
        Writer inner;
        std::forward<F>(body)(inner);
        opaque(inner.out_);
    }
    // optional<T>: presence byte then the value.
    template <class T, class F>
    void optional(const std::optional<T>& v, F&& write_value) {
        u8(v.has_value() ? 1 : 0);
        if (v) std::forward<F>(write_value)(*this, *v);
    }

    const Bytes& bytes() const noexcept { return out_; }
    Bytes take() noexcept { return std::move(out_); }

  private:
    Bytes out_;
};

class Reader {
  public:
    explicit Reader(ByteView data) noexcept : data_(data) {}

    std::uint8_t u8();
    std::uint16_t u16();
    std::uint32_t u32();
    std::uint64_t u64();
    ByteView raw(std::size_t n);  // a view into the input (n bounded by remaining())
    std::uint64_t varint();
    ByteView opaque_view();  // opaque data<V> as a view
    Bytes opaque() {
        auto v = opaque_view();
        return Bytes(v.begin(), v.end());
    }
    // A sub-reader over the body of a `<V>` vector.
    Reader sub() { return Reader(opaque_view()); }
    // Calls item(Reader&) until the vector body is exhausted.
    template <class F>
    void vector(F&& item) {
        Reader r = sub();
        while (!r.empty()) item(r);
    }
    // optional<T>: presence byte must be 0 or 1.
    template <class T, class F>
    std::optional<T> optional(F&& read_value) {
        const std::uint8_t present = u8();
        if (present == 0) return std::nullopt;
        if (present != 1) fail(MlsErrc::decode, "optional presence byte is not 0 or 1");
        return std::forward<F>(read_value)(*this);
    }

    bool empty() const noexcept { return pos_ == data_.size(); }
    std::size_t remaining() const noexcept { return data_.size() - pos_; }
    std::size_t position() const noexcept { return pos_; }
    // Throws MlsError(decode) if any byte is left.
    void finish() const;

  private:
    ByteView data_;
    std::size_t pos_ = 0;
};

// Convenience for types with `void encode(Writer&) const` and `static T decode(Reader&)`.
template <class T>
Bytes encode(const T& value) {
    Writer w;
    value.encode(w);
    return w.take();
}

template <class T>
T decode_exact(ByteView data) {
    Reader r(data);
    T value = T::decode(r);
    r.finish();
    return value;
}

}  // namespace lagrum::mls
