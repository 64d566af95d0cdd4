// messages.json (every struct round-trips byte-exactly) and deserialization.json
// (variable-length vector headers, RFC 9420 §2.1.2). Both are suite-independent.
#include <gtest/gtest.h>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/commit.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/ratchet_tree.h"
#include "lagrum/mls/welcome.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

template <class T>
void expect_round_trip(const nlohmann::json& c, const char* field) {
    const Bytes in = bytes_of(c.at(field));
    SCOPED_TRACE(field);
    try {
        const T value = decode_exact<T>(in);
        EXPECT_EQ(hex(encode(value)), hex(in));
    } catch (const MlsError& e) {
        ADD_FAILURE() << field << " did not decode: " << e.what();
    }
}

// MLSMessage { ProtocolVersion version; WireFormat wire_format; select ... } for the
// three non-framing wire formats (§6). PublicMessage/PrivateMessage are framing.h's.
template <class T>
void expect_mls_message_round_trip(const nlohmann::json& c, const char* field,
                                   WireFormat wire_format) {
    const Bytes in = bytes_of(c.at(field));
    SCOPED_TRACE(field);
    try {
        Reader r(in);
        ASSERT_EQ(r.u16(), 1) << "version";
        ASSERT_EQ(r.u16(), static_cast<std::uint16_t>(wire_format)) << "wire_format";
        const T value = T::decode(r);
        r.finish();
        Writer w;
        w.u16(1);
        w.u16(static_cast<std::uint16_t>(wire_format));
        value.encode(w);
        EXPECT_EQ(hex(w.bytes()), hex(in));
    } catch (const MlsError& e) {
        ADD_FAILURE() << field << " did not decode: " << e.what();
    }
}

}  // namespace

TEST(MlsVectors, Messages) {
    const auto cases = load_mls_vectors("messages.json");
    VectorCounter counter("messages.json", true);
    for (const auto& c : cases) {
        expect_mls_message_round_trip<Welcome>(c, "mls_welcome", WireFormat::welcome);
        expect_mls_message_round_trip<GroupInfo>(c, "mls_group_info", WireFormat::group_info);
        expect_mls_message_round_trip<KeyPackage>(c, "mls_key_package", WireFormat::key_package);
        expect_round_trip<RatchetTree>(c, "ratchet_tree");
        expect_round_trip<GroupSecrets>(c, "group_secrets");
        expect_round_trip<Add>(c, "add_proposal");
        expect_round_trip<Update>(c, "update_proposal");
        expect_round_trip<Remove>(c, "remove_proposal");
        expect_round_trip<PreSharedKey>(c, "pre_shared_key_proposal");
        expect_round_trip<ReInit>(c, "re_init_proposal");
        expect_round_trip<ExternalInit>(c, "external_init_proposal");
        expect_round_trip<GroupContextExtensions>(c, "group_context_extensions_proposal");
        expect_round_trip<Commit>(c, "commit");
        // PublicMessage / PrivateMessage through framing.h's MLSMessage wrapper.
        for (const char* f :
             {"public_message_application", "public_message_proposal", "public_message_commit",
              "private_message", "mls_welcome", "mls_group_info", "mls_key_package"}) {
            expect_round_trip<MlsMessage>(c, f);
        }
        if (!::testing::Test::HasFailure()) counter.ran();
    }
    EXPECT_EQ(cases.size(), 300u);
    counter.check();
}

TEST(MlsVectors, Deserialization) {
    const auto cases = load_mls_vectors("deserialization.json");
    VectorCounter counter("deserialization.json", true);
    for (const auto& c : cases) {
        const Bytes header = bytes_of(c.at("vlbytes_header"));
        Reader r(header);
        EXPECT_EQ(r.varint(), c.at("length").get<std::uint64_t>()) << hex(header);
        r.finish();
        Writer w;
        w.varint(c.at("length").get<std::uint64_t>());
        EXPECT_EQ(hex(w.bytes()), hex(header));
        counter.ran();
    }
    counter.check();
}
