// RFC 9420 §2.1.2 variable-length integers and vector bounds at the Reader/Writer level.
#include <gtest/gtest.h>

#include <functional>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/types.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

std::uint64_t read_varint(const Bytes& b) {
    Reader r(b);
    const auto v = r.varint();
    r.finish();
    return v;
}

}  // namespace

TEST(MlsCodecPrimitives, VarintBoundariesRoundTrip) {
    for (std::uint64_t v : {0ull, 1ull, 63ull, 64ull, 16383ull, 16384ull, (1ull << 30) - 1}) {
        Writer w;
        w.varint(v);
        const std::size_t expected_len = v <= 63 ? 1 : v <= 16383 ? 2 : 4;
        EXPECT_EQ(w.bytes().size(), expected_len) << v;
        EXPECT_EQ(read_varint(w.bytes()), v);
    }
    Writer w;
    EXPECT_EQ(code_of([&] { w.varint(1ull << 30); }), MlsErrc::length_limit);
}

TEST(MlsCodecPrimitives, NonMinimalVarintsAreRejected) {
    // 2-byte encodings of values that fit in 1 byte.
    EXPECT_EQ(code_of([] { read_varint({0x40, 0x00}); }), MlsErrc::decode);
    EXPECT_EQ(code_of([] { read_varint({0x40, 0x3f}); }), MlsErrc::decode);
    EXPECT_EQ(read_varint({0x40, 0x40}), 64u);
    // 4-byte encodings of values that fit in 2 bytes.
    EXPECT_EQ(code_of([] { read_varint({0x80, 0x00, 0x00, 0x05}); }), MlsErrc::decode);
    EXPECT_EQ(code_of([] { read_varint({0x80, 0x00, 0x3f, 0xff}); }), MlsErrc::decode);
    EXPECT_EQ(read_varint({0x80, 0x00, 0x40, 0x00}), 16384u);
    // The 0b11 prefix is invalid in MLS.
    EXPECT_EQ(code_of([] { read_varint({0xc0, 0, 0, 0, 0, 0, 0, 1}); }), MlsErrc::decode);
}

TEST(MlsCodecPrimitives, OversizedLengthPrefixesFailBeforeAllocation) {
    // Claims 2^30-1 bytes with 3 present: rejected from the prefix alone.
    const Bytes huge = {0xbf, 0xff, 0xff, 0xff, 1, 2, 3};
    Reader r(huge);
    EXPECT_EQ(code_of([&] { (void)r.opaque(); }), MlsErrc::decode);
    // Claims one byte more than present.
    const Bytes short_by_one = {0x03, 1, 2};
    Reader r2(short_by_one);
    EXPECT_EQ(code_of([&] { (void)r2.opaque(); }), MlsErrc::decode);
    // Nested vector whose inner length exceeds the outer body.
    const Bytes nested = {0x02, 0x05, 0x01};
    Reader r3(nested);
    EXPECT_EQ(code_of([&] { r3.vector([](Reader& in) { (void)in.opaque(); }); }), MlsErrc::decode);
}

TEST(MlsCodecPrimitives, TruncationTrailingBytesAndOptionals) {
    const Bytes buf_r{0x01};
    Reader r(buf_r);
    EXPECT_EQ(code_of([&] { (void)r.u16(); }), MlsErrc::decode);
    const Bytes buf_r2{0x00, 0x01, 0x02};
    Reader r2(buf_r2);
    (void)r2.u16();
    EXPECT_EQ(code_of([&] { r2.finish(); }), MlsErrc::decode);
    const Bytes buf_r3{0x02, 0x00};
    Reader r3(buf_r3);
    EXPECT_EQ(code_of([&] { (void)r3.optional<std::uint8_t>([](Reader& in) { return in.u8(); }); }),
              MlsErrc::decode);
    // Extension lists: duplicates rejected; a truncated extension body is a decode error.
    Writer w;
    w.vector([](Writer& in) {
        Extension{3, {1}}.encode(in);
        Extension{3, {2}}.encode(in);
    });
    Reader r4(w.bytes());
    EXPECT_EQ(code_of([&] { (void)decode_extensions(r4); }), MlsErrc::decode);
    // Sender with an unknown type.
    const Bytes buf_r5{0x05, 0, 0, 0, 0};
    Reader r5(buf_r5);
    EXPECT_EQ(code_of([&] { (void)Sender::decode(r5); }), MlsErrc::decode);
    // GroupContext with an unknown version.
    GroupContext gc;
    Bytes enc = encode(gc);
    enc[1] = 2;
    EXPECT_EQ(code_of([&] { (void)decode_exact<GroupContext>(enc); }), MlsErrc::unsupported);
}
