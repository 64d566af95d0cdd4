// RFC 9420 §8 key schedule against key-schedule.json and psk_secret.json.
#include <gtest/gtest.h>

#include "lagrum/mls/key_schedule.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

TEST(MlsVectors, KeySchedule) {
    const auto cases = load_mls_vectors("key-schedule.json");
    VectorCounter counter("key-schedule.json");
    for (const auto& c : cases) {
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        const Bytes group_id = bytes_of(c.at("group_id"));
        SecretBytes init = SecretBytes::copy_of(bytes_of(c.at("initial_init_secret")));
        std::uint64_t epoch = 0;
        for (const auto& e : c.at("epochs")) {
            SCOPED_TRACE("epoch " + std::to_string(epoch));
            GroupContext gc;
            gc.group_id = group_id;
            gc.epoch = epoch;
            gc.tree_hash = bytes_of(e.at("tree_hash"));
            gc.confirmed_transcript_hash = bytes_of(e.at("confirmed_transcript_hash"));
            ASSERT_EQ(hex(encode(gc)), e.at("group_context").get<std::string>());

            const auto s = key_schedule_epoch(init, bytes_of(e.at("commit_secret")),
                                              bytes_of(e.at("psk_secret")), gc);
            auto check = [&](const SecretBytes& v, const char* name) {
                EXPECT_EQ(hex(v.view()), e.at(name).get<std::string>()) << name;
            };
            check(s.joiner_secret, "joiner_secret");
            check(s.welcome_secret, "welcome_secret");
            check(s.init_secret, "init_secret");
            check(s.sender_data_secret, "sender_data_secret");
            check(s.encryption_secret, "encryption_secret");
            check(s.exporter_secret, "exporter_secret");
            check(s.epoch_authenticator, "epoch_authenticator");
            check(s.external_secret, "external_secret");
            check(s.confirmation_key, "confirmation_key");
            check(s.membership_key, "membership_key");
            check(s.resumption_psk, "resumption_psk");
            EXPECT_EQ(
                hex(compute_welcome_secret(s.joiner_secret, bytes_of(e.at("psk_secret"))).view()),
                e.at("welcome_secret").get<std::string>());
            EXPECT_EQ(hex(external_key_pair(s.external_secret).public_key),
                      e.at("external_pub").get<std::string>());
            const auto& x = e.at("exporter");
            EXPECT_EQ(
                hex(mls_exporter(s.exporter_secret, x.at("label").get<std::string>(),
                                 bytes_of(x.at("context")), x.at("length").get<std::uint16_t>())
                        .view()),
                x.at("secret").get<std::string>());
            init = s.init_secret.clone();
            ++epoch;
        }
        counter.ran();
    }
    counter.check();
}

TEST(MlsVectors, PskSecret) {
    const auto cases = load_mls_vectors("psk_secret.json");
    VectorCounter counter("psk_secret.json");
    for (const auto& c : cases) {
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        std::vector<Bytes> values;
        std::vector<PskWithSecret> psks;
        values.reserve(c.at("psks").size());
        for (const auto& p : c.at("psks")) {
            PreSharedKeyId id;
            id.type = PskType::external;
            id.psk_id = bytes_of(p.at("psk_id"));
            id.psk_nonce = bytes_of(p.at("psk_nonce"));
            values.push_back(bytes_of(p.at("psk")));
            psks.push_back({std::move(id), values.back()});
        }
        EXPECT_EQ(hex(compute_psk_secret(psks).view()), c.at("psk_secret").get<std::string>())
            << psks.size() << " PSKs";
        counter.ran();
    }
    counter.check();
}

TEST(KeySchedule, EpochSecretsRoundTripThroughEncoding) {
    GroupContext gc;
    gc.group_id = {1, 2, 3};
    const Bytes init(32, 1);
    const auto s = key_schedule_epoch(init, {}, {}, gc);
    const Bytes enc = encode(s);
    const auto back = decode_exact<EpochSecrets>(enc);
    EXPECT_TRUE(back.epoch_authenticator == s.epoch_authenticator);
    EXPECT_TRUE(back.init_secret == s.init_secret);
    EXPECT_THROW(decode_exact<EpochSecrets>(ByteView(enc).first(enc.size() - 1)), MlsError);
}
