// welcome.json: decrypt GroupSecrets and GroupInfo, verify the GroupInfo signature and
// confirmation tag (RFC 9420 §12.4.3.1).
#include <gtest/gtest.h>

#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/key_schedule.h"
#include "lagrum/mls/welcome.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

TEST(MlsVectors, Welcome) {
    const auto cases = load_mls_vectors("welcome.json");
    VectorCounter counter("welcome.json");
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& c = cases[k];
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        SCOPED_TRACE("case " + std::to_string(k));
        const auto kp_msg = decode_exact<MlsMessage>(bytes_of(c.at("key_package")));
        const auto wm_msg = decode_exact<MlsMessage>(bytes_of(c.at("welcome")));
        const auto& kp = std::get<KeyPackage>(kp_msg.body);
        const auto& welcome = std::get<Welcome>(wm_msg.body);
        EXPECT_EQ(static_cast<std::uint16_t>(welcome.cipher_suite), kSuite3);
        EXPECT_TRUE(kp.verify_signature());

        const EncryptedGroupSecrets* egs = welcome.find(kp.ref());
        ASSERT_NE(egs, nullptr);
        const GroupSecrets secrets =
            decrypt_group_secrets(bytes_of(c.at("init_priv")), welcome.encrypted_group_info,
                                  egs->encrypted_group_secrets);
        EXPECT_TRUE(secrets.psks.empty());

        const SecretBytes welcome_secret = compute_welcome_secret(secrets.joiner_secret, {});
        const GroupInfo gi = decrypt_group_info(welcome_secret, welcome.encrypted_group_info);
        EXPECT_TRUE(gi.verify_signature(bytes_of(c.at("signer_pub"))));
        EXPECT_EQ(gi.group_context.cipher_suite, kp.cipher_suite);

        const EpochSecrets epoch =
            derive_epoch_secrets(secrets.joiner_secret.clone(), {}, encode(gi.group_context));
        EXPECT_TRUE(verify_mac(epoch.confirmation_key, gi.group_context.confirmed_transcript_hash,
                               gi.confirmation_tag));

        // Negative: a flipped bit anywhere in the encrypted GroupInfo must not open, and a
        // different signer key must not verify.
        Bytes tampered = welcome.encrypted_group_info;
        tampered[tampered.size() / 2] ^= 1;
        EXPECT_THROW(decrypt_group_info(welcome_secret, tampered), MlsError);
        EXPECT_FALSE(gi.verify_signature(kp.leaf_node.signature_key));
        EXPECT_THROW(decrypt_group_secrets(bytes_of(c.at("init_priv")), tampered,
                                           egs->encrypted_group_secrets),
                     MlsError);

        // Round trip through our own encryption.
        const Bytes again = encrypt_group_info(welcome_secret, gi);
        EXPECT_EQ(decrypt_group_info(welcome_secret, again), gi);
        const auto egs2 = encrypt_group_secrets(kp.ref(), kp.init_key, again, secrets);
        EXPECT_EQ(
            decrypt_group_secrets(bytes_of(c.at("init_priv")), again, egs2.encrypted_group_secrets),
            secrets);
        counter.ran();
    }
    counter.check();
}
