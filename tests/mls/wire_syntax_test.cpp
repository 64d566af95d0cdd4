// The shared wire-syntax library (lagrum/wire): the varint and vector rules, the MLS codec
// on top of it, and the public header reader the relay uses, checked against messages the
// MLS implementation produces (one syntax, one implementation: issue 14).
#include <gtest/gtest.h>

#include <type_traits>

#include "group_util.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/treekem.h"
#include "lagrum/mls/welcome_join.h"
#include "lagrum/wire/mls_wire.h"

namespace lagrum::mls {
namespace {

using namespace group_test;

TEST(WireSyntax, VarintRoundTripAndBounds) {
    for (std::uint64_t v :
         std::initializer_list<std::uint64_t>{0, 1, 63, 64, 16383, 16384, wire::kMaxVarint}) {
        wire::Writer w;
        ASSERT_TRUE(w.varint(v));
        wire::Reader r(w.bytes());
        const auto back = r.varint();
        ASSERT_TRUE(back.has_value()) << v;
        EXPECT_EQ(*back, v);
        EXPECT_TRUE(r.finish());
    }
    wire::Writer big;
    EXPECT_FALSE(big.varint(wire::kMaxVarint + 1));
    EXPECT_TRUE(big.bytes().empty());

    const Bytes nonmin = {0x40, 0x05};
    wire::Reader r1(nonmin);
    EXPECT_FALSE(r1.varint());
    EXPECT_EQ(r1.error(), wire::Errc::non_minimal_varint);
    EXPECT_EQ(r1.position(), 0u);  // a failed read consumes nothing
    const Bytes prefix = {0xc0, 0, 0, 0};
    wire::Reader r2(prefix);
    EXPECT_FALSE(r2.varint());
    EXPECT_EQ(r2.error(), wire::Errc::invalid_varint_prefix);
    const Bytes truncated = {0x80, 0x01};
    wire::Reader r3(truncated);
    EXPECT_FALSE(r3.varint());
    EXPECT_EQ(r3.error(), wire::Errc::truncated);
}

TEST(WireSyntax, OpaqueIsBoundedBeforeUse) {
    const Bytes huge = {0xbf, 0xff, 0xff, 0xff, 1, 2};
    wire::Reader r(huge);
    EXPECT_FALSE(r.opaque());
    EXPECT_EQ(r.error(), wire::Errc::truncated);
    const Bytes five = {0x05, 1, 2, 3, 4, 5};
    wire::Reader bounded(five);
    EXPECT_FALSE(bounded.opaque(4));
    EXPECT_EQ(bounded.error(), wire::Errc::vector_too_long);
    wire::Reader ok(five);
    const auto v = ok.opaque(5);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->size(), 5u);
    EXPECT_TRUE(ok.finish());
    const Bytes trailing = {0x00, 0x00};
    wire::Reader t(trailing);
    ASSERT_TRUE(t.opaque());
    EXPECT_FALSE(t.finish());
    EXPECT_EQ(t.error(), wire::Errc::trailing_bytes);
}

// The MLS codec turns every wire failure into MlsError(decode).
TEST(WireSyntax, MlsCodecThrowsDecode) {
    const Bytes nonmin = {0x40, 0x05};
    Reader r(nonmin);
    expect_errc(
        MlsErrc::decode, [&] { (void)r.varint(); }, "non-minimal");
    expect_errc(
        MlsErrc::decode,
        [&] {
            (void)decode_exact<Extension>(Bytes{0, 1, 0, 7});
        },
        "trailing");
    Writer w;
    expect_errc(
        MlsErrc::length_limit, [&] { w.varint(kMaxVarint + 1); }, "too long");
}

// The relay's header reader and the MLS implementation agree on real messages.
TEST(WireSyntax, HeaderReaderAgreesWithMls) {
    for (bool encrypted : {false, true}) {
        auto ms = make_group(2, config(encrypted));
        const Bytes app = ms[0]->group->protect(bytes("x"));
        const Bytes proposal = ms[0]->group->propose_update();
        const auto out = ms[0]->group->commit();
        struct Case {
            const Bytes* message;
            wire::ContentType type;
        };
        for (const Case& c :
             {Case{&app, ContentType::application}, Case{&proposal, ContentType::proposal},
              Case{&out.commit, ContentType::commit}}) {
            const auto h = wire::parse_mls_header(*c.message);
            ASSERT_TRUE(h.ok()) << h.error().message;
            const auto& header = std::get<wire::MlsHeader>(h);
            const MlsMessage m = decode_exact<MlsMessage>(*c.message);
            EXPECT_EQ(header.wire_format, m.wire_format());
            EXPECT_EQ(header.group_id, ms[0]->group->group_id());
            EXPECT_EQ(header.epoch, 1u);
            EXPECT_EQ(header.content_type, c.type);
        }
        ASSERT_FALSE(out.welcome.has_value());
        const auto gi = wire::parse_mls_header(out.group_info);
        ASSERT_EQ(gi.index(), 0u);
        EXPECT_EQ(std::get<wire::MlsHeader>(gi).wire_format, WireFormat::group_info);
    }
    // MLS's enums are the wire library's.
    static_assert(std::is_same_v<WireFormat, wire::WireFormat>);
    static_assert(std::is_same_v<ContentType, wire::ContentType>);
}

// ---- Secrets in secure memory (issue 14) ------------------------------------------------

// The types carry the invariant: no private key or PSK travels as plain Bytes, and the
// serialised state comes back in secure memory.
static_assert(std::is_same_v<decltype(std::declval<const Group&>().serialize()), SecretBytes>);
static_assert(std::is_same_v<decltype(UpdatePathInput::signature_private_key), ByteView>);
static_assert(std::is_same_v<decltype(WelcomeJoinInput::init_private_key), ByteView>);
static_assert(std::is_same_v<decltype(WelcomeJoinInput::encryption_private_key), ByteView>);
static_assert(std::is_same_v<decltype(WelcomeJoinInput::psk_lookup)::result_type,
                             std::optional<SecretBytes>>);

TEST(SecureCodec, SecretWriterMatchesPublicWriterAcrossGrowth) {
    // Large enough to grow the secure buffer several times, with nested vectors.
    Writer pub;
    Writer sec = Writer::secret();
    for (Writer* w : {&pub, &sec}) {
        for (int i = 0; i < 200; ++i) {
            w->u32(static_cast<std::uint32_t>(i));
            w->vector([&](Writer& inner) {
                for (int j = 0; j < i; ++j) inner.u8(static_cast<std::uint8_t>(j));
            });
        }
    }
    const Bytes expected = pub.take();
    EXPECT_GT(expected.size(), 20000u);
    expect_errc(
        MlsErrc::invalid_state, [&] { (void)sec.bytes(); }, "no plain bytes");
    const SecretBytes got = sec.take_secret();
    EXPECT_TRUE(got.view().size() == expected.size() &&
                std::equal(expected.begin(), expected.end(), got.data()));
}

TEST(SecureCodec, SerializedStateRestores) {
    auto ms = make_group(2);
    const SecretBytes state = ms[1]->group->serialize();
    Group restored = Group::restore(state, config());
    EXPECT_TRUE(restored.serialize() == state);
    const Bytes ct = ms[0]->group->protect(bytes("efter"));
    EXPECT_EQ(restored.unprotect(ct).data, bytes("efter"));
}

}  // namespace
}  // namespace lagrum::mls
