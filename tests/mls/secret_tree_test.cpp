// RFC 9420 §9 secret tree against secret-tree.json, plus the ratchet's replay and
// window rules.
#include <gtest/gtest.h>

#include "lagrum/mls/secret_tree.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

const Bytes kSecret(32, 0x42);

}  // namespace

TEST(MlsVectors, SecretTree) {
    const auto cases = load_mls_vectors("secret-tree.json");
    VectorCounter counter("secret-tree.json");
    for (const auto& c : cases) {
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        const auto& sd = c.at("sender_data");
        const auto sds = bytes_of(sd.at("sender_data_secret"));
        const auto ct = bytes_of(sd.at("ciphertext"));
        EXPECT_EQ(hex(sender_data_key(sds, ct).view()), sd.at("key").get<std::string>());
        EXPECT_EQ(hex(sender_data_nonce(sds, ct).view()), sd.at("nonce").get<std::string>());

        const auto& leaves = c.at("leaves");
        SecretTree tree(bytes_of(c.at("encryption_secret")),
                        static_cast<std::uint32_t>(leaves.size()));
        for (std::uint32_t i = 0; i < leaves.size(); ++i) {
            for (const auto& g : leaves[i]) {
                const auto gen = g.at("generation").get<std::uint32_t>();
                auto hs = tree.key_for(LeafIndex{i}, RatchetType::handshake, gen);
                auto app = tree.key_for(LeafIndex{i}, RatchetType::application, gen);
                EXPECT_EQ(hex(hs.key.view()), g.at("handshake_key").get<std::string>());
                EXPECT_EQ(hex(hs.nonce.view()), g.at("handshake_nonce").get<std::string>());
                EXPECT_EQ(hex(app.key.view()), g.at("application_key").get<std::string>());
                EXPECT_EQ(hex(app.nonce.view()), g.at("application_nonce").get<std::string>());
            }
        }
        counter.ran();
    }
    counter.check();
}

TEST(SecretTree, SenderAndReceiverAgreeAndKeysAreSingleUse) {
    SecretTree alice(kSecret, 4);
    SecretTree bob(kSecret, 4);
    for (std::uint32_t g = 0; g < 3; ++g) {
        auto sent = alice.next_key(LeafIndex{2}, RatchetType::application);
        EXPECT_EQ(sent.generation, g);
        auto got = bob.key_for(LeafIndex{2}, RatchetType::application, g);
        EXPECT_TRUE(sent.key == got.key);
        EXPECT_TRUE(sent.nonce == got.nonce);
    }
    // Replay of a consumed generation.
    EXPECT_EQ(code_of([&] { bob.key_for(LeafIndex{2}, RatchetType::application, 1); }),
              MlsErrc::generation_too_old);
    // Handshake ratchet is independent.
    EXPECT_EQ(bob.key_for(LeafIndex{2}, RatchetType::handshake, 0).generation, 0u);
    // Out-of-range sender.
    EXPECT_EQ(code_of([&] { bob.key_for(LeafIndex{4}, RatchetType::application, 0); }),
              MlsErrc::not_member);
}

TEST(SecretTree, OutOfOrderWithinWindowThenReplayRefused) {
    SecretTree t(kSecret, 2);
    auto k5 = t.key_for(LeafIndex{1}, RatchetType::application, 5);
    EXPECT_EQ(k5.generation, 5u);
    auto k2 = t.key_for(LeafIndex{1}, RatchetType::application, 2);  // retained, out of order
    EXPECT_EQ(k2.generation, 2u);
    EXPECT_EQ(code_of([&] { t.key_for(LeafIndex{1}, RatchetType::application, 2); }),
              MlsErrc::generation_too_old);
    EXPECT_EQ(code_of([&] { t.key_for(LeafIndex{1}, RatchetType::application, 5); }),
              MlsErrc::generation_too_old);
    // Other skipped ones still available.
    EXPECT_EQ(t.key_for(LeafIndex{1}, RatchetType::application, 0).generation, 0u);
}

TEST(SecretTree, TooFarAheadIsRefusedAndRetainedKeysAreBounded) {
    SecretTreeConfig cfg;
    cfg.max_forward_distance = 10;
    cfg.max_retained_keys = 3;
    SecretTree t(kSecret, 2, cfg);
    EXPECT_EQ(code_of([&] { t.key_for(LeafIndex{0}, RatchetType::application, 11); }),
              MlsErrc::generation_too_far);
    (void)t.key_for(LeafIndex{0}, RatchetType::application, 10);  // skips 0..9, keeps 7,8,9
    EXPECT_EQ(code_of([&] { t.key_for(LeafIndex{0}, RatchetType::application, 6); }),
              MlsErrc::generation_too_old);
    EXPECT_EQ(t.key_for(LeafIndex{0}, RatchetType::application, 7).generation, 7u);
    EXPECT_EQ(code_of([&] { t.key_for(LeafIndex{0}, RatchetType::application, 22); }),
              MlsErrc::generation_too_far);
}

TEST(SecretTree, SerialisesAndRestoresExactly) {
    SecretTree t(kSecret, 8);
    (void)t.key_for(LeafIndex{3}, RatchetType::application, 4);
    (void)t.next_key(LeafIndex{5}, RatchetType::handshake);
    const Bytes state = encode(t);
    auto restored = decode_exact<SecretTree>(state);
    EXPECT_EQ(encode(restored), state);
    SecretTree fresh(kSecret, 8);
    // Restored tree continues exactly where the original was.
    auto a = restored.key_for(LeafIndex{3}, RatchetType::application, 2);
    auto b = fresh.key_for(LeafIndex{3}, RatchetType::application, 2);
    EXPECT_TRUE(a.key == b.key);
    EXPECT_EQ(code_of([&] { restored.key_for(LeafIndex{3}, RatchetType::application, 4); }),
              MlsErrc::generation_too_old);
    auto c = restored.key_for(LeafIndex{6}, RatchetType::application, 0);
    auto d = fresh.key_for(LeafIndex{6}, RatchetType::application, 0);
    EXPECT_TRUE(c.key == d.key);
    // Truncated and trailing state is refused.
    EXPECT_THROW(decode_exact<SecretTree>(ByteView(state).first(state.size() - 1)), MlsError);
    Bytes longer = state;
    longer.push_back(0);
    EXPECT_THROW(decode_exact<SecretTree>(longer), MlsError);
}
