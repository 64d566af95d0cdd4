// TLS presentation language codec as RFC 9420 uses it (§2.1), on the shared wire syntax
// (lagrum/wire/tls_syntax.h, also read by the relay) with MLS's typed errors.
//
// Fixed-width integers are big-endian. Variable-size vectors (`<V>`) carry a
// minimal-length varint prefix (§2.1.2): 1, 2 or 4 bytes, prefix 0b11 invalid,
// non-minimal encodings rejected. Every length read from input is checked against the
// bytes actually remaining before anything is allocated, so a hostile prefix can never
// trigger a large allocation. Decoding a whole message must consume every byte
// (Reader::finish), so trailing bytes are an error.
//
// A Writer made with Writer::secret() keeps everything it writes in libsodium secure
// memory: it grows by moving to a larger SecretBytes (the old one is wiped as it goes),
// and the nested writers of vector() are secret too, so an encoding of secrets (the
// serialised group state, GroupSecrets) never leaves an unwiped copy in plain memory.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>

#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/mls/error.h"
#include "lagrum/wire/tls_syntax.h"

namespace lagrum::mls {

using crypto::Bytes;
using crypto::ByteView;
using crypto::SecretBytes;

inline constexpr std::uint64_t kMaxVarint = wire::kMaxVarint;

class Writer {
  public:
    Writer() = default;
    // A writer whose buffer lives in secure memory (see above).
    static Writer secret() {
        Writer w;
        w.secret_ = true;
        return w;
    }

    void u8(std::uint8_t v) { put(ByteView(&v, 1)); }
    void u16(std::uint16_t v) { put_array(wire::big_endian<2>(v)); }
    void u32(std::uint32_t v) { put_array(wire::big_endian<4>(v)); }
    void u64(std::uint64_t v) { put_array(wire::big_endian<8>(v)); }
    void raw(ByteView b) { put(b); }
    void varint(std::uint64_t v);  // throws MlsError(length_limit) if v > kMaxVarint
    void opaque(ByteView b);       // opaque data<V>
    // A `<V>` vector whose body is produced by body(Writer&).
    template <class F>
    void vector(F&& body) {
        Writer inner = secret_ ? secret() : Writer();
        std::forward<F>(body)(inner);
        opaque(inner.view());
    }
    // optional<T>: presence byte then the value.
    template <class T, class F>
    void optional(const std::optional<T>& v, F&& write_value) {
        u8(v.has_value() ? 1 : 0);
        if (v) std::forward<F>(write_value)(*this, *v);
    }

    // What has been written so far.
    ByteView view() const noexcept {
        return secret_ ? ByteView(secret_buf_.data(), size_) : ByteView(out_);
    }
    // The plain bytes of a public writer (invalid_state for a secret one: use take_secret).
    const Bytes& bytes() const;
    Bytes take();
    // The bytes of a secret writer, in a SecretBytes of exactly their size.
    SecretBytes take_secret();

  private:
    void put(ByteView b);
    template <std::size_t N>
    void put_array(const std::array<std::uint8_t, N>& a) {
        put(ByteView(a.data(), N));
    }

    bool secret_ = false;
    Bytes out_;               // public writer
    SecretBytes secret_buf_;  // secret writer: capacity secret_buf_.size(), used size_
    std::size_t size_ = 0;
};

class Reader {
  public:
    explicit Reader(ByteView data) noexcept : r_(data) {}

    std::uint8_t u8() { return need(r_.u8()); }
    std::uint16_t u16() { return need(r_.u16()); }
    std::uint32_t u32() { return need(r_.u32()); }
    std::uint64_t u64() { return need(r_.u64()); }
    ByteView raw(std::size_t n) { return need(r_.raw(n)); }  // a view into the input
    std::uint64_t varint() { return need(r_.varint()); }
    ByteView opaque_view() { return need(r_.opaque()); }  // opaque data<V> as a view
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

    bool empty() const noexcept { return r_.empty(); }
    std::size_t remaining() const noexcept { return r_.remaining(); }
    std::size_t position() const noexcept { return r_.position(); }
    // Throws MlsError(decode) if any byte is left.
    void finish();

  private:
    // The wire reader's failures as MlsError(decode).
    template <class T>
    T need(std::optional<T> v) {
        if (!v) fail_decode();
        return *v;
    }
    [[noreturn]] void fail_decode() const;
    wire::Reader r_;
};

// Convenience for types with `void encode(Writer&) const` and `static T decode(Reader&)`.
template <class T>
Bytes encode(const T& value) {
    Writer w;
    value.encode(w);
    return w.take();
}

// The same into secure memory, for values that carry secrets (Writer::secret()).
template <class T>
SecretBytes encode_secret(const T& value) {
    Writer w = Writer::secret();
    value.encode(w);
    return w.take_secret();
}

template <class T>
T decode_exact(ByteView data) {
    Reader r(data);
    T value = T::decode(r);
    r.finish();
    return value;
}

}  // namespace lagrum::mls
