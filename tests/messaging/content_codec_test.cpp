// PaddedContent (content_codec.h, protocol/content.proto): buckets, limits, and the
// strict checks a receiver applies; and the content_fuzz seeds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

#include "content_seeds.h"
#include "lagrum/core/error.h"
#include "lagrum/core/messaging/content_codec.h"

namespace lagrum::messaging_test {
namespace {

namespace fs = std::filesystem;
using core::Errc;
using core::Error;
using core::messaging::kMaxContentBytes;
using core::messaging::kPaddingBuckets;
using core::messaging::pad_content;
using core::messaging::unpad_content;
using crypto::Bytes;

std::size_t varint_size(std::size_t v) {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

// A Content whose serialization is exactly `size` bytes (size 0 or >= 2).
content::v1::Content content_of_size(std::size_t size) {
    content::v1::Content c;
    if (size == 0) return c;
    // group_id (field 2): 1 tag byte + varint length + L; version (field 1) adds 0, 2 or
    // 3 bytes to reach sizes the length varint skips.
    for (std::size_t version_bytes : {0u, 2u, 3u}) {
        if (size < version_bytes + 2) continue;
        const std::size_t rest = size - version_bytes;
        for (std::size_t lb = 1; lb <= 4; ++lb) {
            if (rest < 1 + lb) continue;
            const std::size_t len = rest - 1 - lb;
            if (varint_size(len) != lb) continue;
            if (version_bytes == 2) c.set_version(1);
            if (version_bytes == 3) c.set_version(200);
            c.set_group_id(std::string(len, 'g'));
            EXPECT_EQ(c.ByteSizeLong(), size);
            return c;
        }
    }
    ADD_FAILURE() << "no content of size " << size;
    return c;
}

void expect_bad_input(const std::function<void()>& fn, const std::string& what) {
    try {
        fn();
        ADD_FAILURE() << what << ": accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::bad_input) << what << ": " << e.what();
    }
}

void set_length(Bytes& padded, std::uint32_t n) {
    padded[0] = static_cast<std::uint8_t>(n >> 24);
    padded[1] = static_cast<std::uint8_t>(n >> 16);
    padded[2] = static_cast<std::uint8_t>(n >> 8);
    padded[3] = static_cast<std::uint8_t>(n);
}

bool same(const content::v1::Content& a, const content::v1::Content& b) {
    return a.SerializeAsString() == b.SerializeAsString();
}

TEST(ContentCodec, EmptyContentIsTheSmallestBucketOfZeros) {
    const auto p = pad_content(content::v1::Content{});
    EXPECT_EQ(p, Bytes(256, 0));
    EXPECT_TRUE(same(unpad_content(p), content::v1::Content{}));
}

TEST(ContentCodec, EveryBucketBoundary) {
    for (std::size_t i = 0; i < kPaddingBuckets.size(); ++i) {
        const std::size_t bucket = kPaddingBuckets[i];
        SCOPED_TRACE("bucket " + std::to_string(bucket));
        // Fills the bucket exactly.
        const auto full = content_of_size(bucket - 4);
        const auto p = pad_content(full);
        ASSERT_EQ(p.size(), bucket);
        EXPECT_EQ(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3], static_cast<int>(bucket - 4));
        EXPECT_TRUE(same(unpad_content(p), full));
        // One byte more: the next bucket, or too large after the last.
        const auto over = content_of_size(bucket - 3);
        if (i + 1 < kPaddingBuckets.size()) {
            const auto q = pad_content(over);
            EXPECT_EQ(q.size(), kPaddingBuckets[i + 1]);
            EXPECT_TRUE(same(unpad_content(q), over));
        } else {
            expect_bad_input([&] { pad_content(over); }, "one byte over the last bucket");
        }
        // One byte less: the same bucket, one zero of padding.
        if (i > 0 || bucket - 5 >= 2) {
            const auto under = content_of_size(bucket - 5);
            const auto r = pad_content(under);
            EXPECT_EQ(r.size(), bucket);
            EXPECT_EQ(r.back(), 0);
            EXPECT_TRUE(same(unpad_content(r), under));
        }
    }
}

TEST(ContentCodec, TooLargeIsBadInput) {
    EXPECT_EQ(kMaxContentBytes, kPaddingBuckets.back() - 4);
    EXPECT_EQ(pad_content(content_of_size(kMaxContentBytes)).size(), kPaddingBuckets.back());
    expect_bad_input([] { pad_content(content_of_size(kMaxContentBytes + 1)); }, "max + 1");
    expect_bad_input([] { pad_content(content_of_size(2 * kMaxContentBytes)); }, "twice max");
}

TEST(ContentCodec, SizeThatIsNoBucketIsBadInput) {
    const auto valid = pad_content(content_seeds::minimal());
    for (std::size_t size :
         {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{255},
          std::size_t{257}, std::size_t{512}, std::size_t{1023}, std::size_t{1025},
          std::size_t{983039}, std::size_t{983041}, std::size_t{2 * 983040}}) {
        Bytes b(size, 0);
        std::copy_n(valid.begin(), std::min(size, valid.size()), b.begin());
        expect_bad_input([&] { unpad_content(b); }, "size " + std::to_string(size));
    }
}

TEST(ContentCodec, NonZeroPaddingIsBadInput) {
    const auto c = content_seeds::disclosure();
    const auto valid = pad_content(c);
    const std::size_t n = c.ByteSizeLong();
    ASSERT_LT(4 + n, valid.size());
    for (std::size_t at : {4 + n, 4 + n + 1, valid.size() / 2 + n / 2, valid.size() - 1}) {
        if (at < 4 + n || at >= valid.size()) continue;
        for (std::uint8_t v : {std::uint8_t{1}, std::uint8_t{0x80}, std::uint8_t{0xff}}) {
            auto b = valid;
            b[at] = v;
            expect_bad_input([&] { unpad_content(b); }, "padding byte " + std::to_string(at));
        }
    }
    // A zero content (size 0) in a zero bucket, then one stray bit.
    Bytes zeros(256, 0);
    EXPECT_NO_THROW(unpad_content(zeros));
    zeros[200] = 4;
    expect_bad_input([&] { unpad_content(zeros); }, "stray bit after an empty content");
}

TEST(ContentCodec, LengthOutOfRangeIsBadInput) {
    for (std::size_t bucket :
         {kPaddingBuckets.front(), std::size_t{4096}, kPaddingBuckets.back()}) {
        SCOPED_TRACE("bucket " + std::to_string(bucket));
        Bytes b(bucket, 0);
        for (std::uint32_t n :
             {static_cast<std::uint32_t>(bucket - 3), static_cast<std::uint32_t>(bucket),
              static_cast<std::uint32_t>(bucket + 1), 0x7fffffffu, 0x80000000u, 0xfffffffcu,
              0xffffffffu}) {
            set_length(b, n);
            expect_bad_input([&] { unpad_content(b); }, "length " + std::to_string(n));
        }
    }
}

TEST(ContentCodec, BodyThatDoesNotParseIsBadInput) {
    Bytes b(256, 0);
    // Truncated varint; a tag with field number 0; a length past the body; bad UTF-8 in
    // a string field (marking.provision inside the disclosure).
    const std::vector<Bytes> bodies = {
        {0x08, 0xff}, {0x00, 0x01}, {0x12, 0x05, 0x01}, {0x3a, 0x05, 0x0a, 0x03, 0x0a, 0x01, 0xff}};
    for (const auto& body : bodies) {
        auto p = content_seeds::frame(body, 256);
        expect_bad_input([&] { unpad_content(p); }, "body " + std::to_string(body.size()));
    }
    // The length includes a padding zero: the body ends in a 0x00 tag, which is invalid.
    auto c = pad_content(content_seeds::minimal());
    const std::uint32_t n = c[0] << 24 | c[1] << 16 | c[2] << 8 | c[3];
    set_length(c, n + 1);
    expect_bad_input([&] { unpad_content(c); }, "length one past the body");
}

TEST(ContentCodec, RoundTripIsDeterministic) {
    for (const auto& c : {content_seeds::minimal(), content_seeds::disclosure(),
                          content_seeds::with_attachment()}) {
        const auto p = pad_content(c);
        EXPECT_EQ(p, pad_content(c));
        const auto back = unpad_content(p);
        EXPECT_TRUE(same(back, c));
        EXPECT_EQ(pad_content(back), p);
    }
}

// The fuzz seeds are what content_seeds.h builds. To regenerate:
//   LAGRUM_WRITE_CONTENT_SEEDS=tests/fuzz/client/seeds BUILD/tests/messaging/messaging_tests
//     --gtest_filter=ContentCodec.SeedsAreTheGeneratorsOutput
TEST(ContentCodec, SeedsAreTheGeneratorsOutput) {
    const fs::path dir = LAGRUM_CONTENT_SEEDS_DIR;
    if (const char* out = std::getenv("LAGRUM_WRITE_CONTENT_SEEDS")) {
        fs::create_directories(out);
        for (const auto& s : content_seeds::seeds()) {
            std::ofstream f(fs::path(out) / (s.name + ".bin"), std::ios::binary | std::ios::trunc);
            f.write(reinterpret_cast<const char*>(s.bytes.data()),
                    static_cast<std::streamsize>(s.bytes.size()));
        }
    }
    for (const auto& s : content_seeds::seeds()) {
        SCOPED_TRACE(s.name);
        std::ifstream f(dir / (s.name + ".bin"), std::ios::binary);
        ASSERT_TRUE(f) << "missing seed " << (dir / (s.name + ".bin"));
        const Bytes file{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
        EXPECT_EQ(file, s.bytes);
        const auto c = unpad_content(file);  // every seed is accepted
        EXPECT_EQ(pad_content(c) == file, s.canonical);
    }
}

}  // namespace
}  // namespace lagrum::messaging_test
