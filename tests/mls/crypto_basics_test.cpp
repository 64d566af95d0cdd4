// RFC 9420 §5 / §8 / §9 labelled operations against crypto-basics.json.
#include <gtest/gtest.h>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/error.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

TEST(MlsVectors, CryptoBasics) {
    const auto cases = load_mls_vectors("crypto-basics.json");
    VectorCounter counter("crypto-basics.json");
    for (const auto& c : cases) {
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;

        const auto& rh = c.at("ref_hash");
        EXPECT_EQ(hex(ref_hash(rh.at("label").get<std::string>(), bytes_of(rh.at("value")))),
                  rh.at("out").get<std::string>());

        const auto& ewl = c.at("expand_with_label");
        EXPECT_EQ(hex(expand_with_label(
                          bytes_of(ewl.at("secret")), ewl.at("label").get<std::string>(),
                          bytes_of(ewl.at("context")), ewl.at("length").get<std::uint16_t>())
                          .expose()),
                  ewl.at("out").get<std::string>());

        const auto& ds = c.at("derive_secret");
        EXPECT_EQ(hex(derive_secret(bytes_of(ds.at("secret")), ds.at("label").get<std::string>())
                          .expose()),
                  ds.at("out").get<std::string>());

        const auto& dts = c.at("derive_tree_secret");
        EXPECT_EQ(
            hex(derive_tree_secret(bytes_of(dts.at("secret")), dts.at("label").get<std::string>(),
                                   dts.at("generation").get<std::uint32_t>(),
                                   dts.at("length").get<std::uint16_t>())
                    .expose()),
            dts.at("out").get<std::string>());

        const auto& swl = c.at("sign_with_label");
        const auto label = swl.at("label").get<std::string>();
        const auto content = bytes_of(swl.at("content"));
        const auto pub = bytes_of(swl.at("pub"));
        EXPECT_TRUE(verify_with_label(pub, label, content, bytes_of(swl.at("signature"))));
        EXPECT_EQ(signature_public_key(bytes_of(swl.at("priv"))), pub);
        const auto sig = sign_with_label(bytes_of(swl.at("priv")), label, content);
        EXPECT_TRUE(verify_with_label(pub, label, content, sig));
        EXPECT_FALSE(verify_with_label(pub, label + "x", content, sig));

        const auto& e = c.at("encrypt_with_label");
        const auto elabel = e.at("label").get<std::string>();
        const auto ctx = bytes_of(e.at("context"));
        const auto pt = bytes_of(e.at("plaintext"));
        const auto priv = bytes_of(e.at("priv"));
        EXPECT_EQ(hex(decrypt_with_label(priv, elabel, ctx, bytes_of(e.at("kem_output")),
                                         bytes_of(e.at("ciphertext")))
                          .expose()),
                  e.at("plaintext").get<std::string>());
        const auto ct = encrypt_with_label(bytes_of(e.at("pub")), elabel, ctx, pt);
        EXPECT_EQ(decrypt_with_label(priv, elabel, ctx, ct.kem_output, ct.ciphertext).expose(), pt);
        counter.ran();
    }
    counter.check();
}

TEST(CipherSuite, DecryptWithLabelRejectsTamperingAndWrongContext) {
    const auto kp = generate_hpke_key_pair();
    const Bytes ctx = {1, 2, 3};
    const Bytes pt = {9, 9, 9, 9};
    auto ct = encrypt_with_label(kp.public_key, "UpdatePathNode", ctx, pt);
    EXPECT_EQ(
        decrypt_with_label(kp.private_key, "UpdatePathNode", ctx, ct.kem_output, ct.ciphertext)
            .expose(),
        pt);
    try {
        (void)decrypt_with_label(kp.private_key, "Welcome", ctx, ct.kem_output, ct.ciphertext);
        FAIL() << "wrong label accepted";
    } catch (const MlsError& e) {
        EXPECT_EQ(e.code(), MlsErrc::decryption_failed);
    }
    EXPECT_THROW((void)decrypt_with_label(kp.private_key, "UpdatePathNode", Bytes{1, 2},
                                          ct.kem_output, ct.ciphertext),
                 MlsError);
    ct.ciphertext[0] ^= 1;
    EXPECT_THROW((void)decrypt_with_label(kp.private_key, "UpdatePathNode", ctx, ct.kem_output,
                                          ct.ciphertext),
                 MlsError);
    EXPECT_THROW(
        (void)decrypt_with_label(kp.private_key, "UpdatePathNode", ctx, Bytes(5, 0), ct.ciphertext),
        MlsError);
}

TEST(CipherSuite, VerifyWithLabelRejectsBadSignatures) {
    const auto kp = generate_signature_key_pair();
    const Bytes msg = {1, 2, 3};
    auto sig = sign_with_label(kp.private_key, "LeafNodeTBS", msg);
    EXPECT_TRUE(verify_with_label(kp.public_key, "LeafNodeTBS", msg, sig));
    EXPECT_FALSE(verify_with_label(kp.public_key, "LeafNodeTBS", Bytes{1, 2, 4}, sig));
    EXPECT_FALSE(
        verify_with_label(kp.public_key, "LeafNodeTBS", msg, Bytes(sig.begin(), sig.end() - 1)));
    EXPECT_FALSE(verify_with_label(Bytes(31, 0), "LeafNodeTBS", msg, sig));
    sig[10] ^= 0x80;
    EXPECT_FALSE(verify_with_label(kp.public_key, "LeafNodeTBS", msg, sig));
}

TEST(CipherSuite, MacVerifyRequiresFullTag) {
    const Bytes key(32, 7);
    const Bytes data = {1, 2, 3};
    auto tag = mac(key, data);
    EXPECT_TRUE(verify_mac(key, data, tag));
    EXPECT_FALSE(verify_mac(key, data, Bytes(tag.begin(), tag.begin() + 16)));
    tag[0] ^= 1;
    EXPECT_FALSE(verify_mac(key, data, tag));
}
