#include <gtest/gtest.h>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/test/shared.h"

using namespace lagrum::crypto;
using lagrum::test::from_hex;
using lagrum::test::to_hex;

// RFC 5869 Appendix A.1 (Test Case 1).
TEST(Hkdf, Rfc5869TestCase1) {
    const auto ikm = from_hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    const auto salt = from_hex("000102030405060708090a0b0c");
    const auto info = from_hex("f0f1f2f3f4f5f6f7f8f9");
    const auto prk = hkdf_extract(salt, ikm);
    EXPECT_EQ(to_hex(prk.expose()),
              "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    auto okm = hkdf_expand(prk, info, 42);
    ASSERT_TRUE(okm.ok());
    EXPECT_EQ(to_hex(okm->expose()),
              "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Hkdf, RejectsLengthAboveLimit) {
    const auto prk = hkdf_extract({}, as_bytes("ikm"));
    EXPECT_TRUE(hkdf_expand(prk, {}, kHkdfSha256MaxOutput).ok());
    auto r = hkdf_expand(prk, {}, kHkdfSha256MaxOutput + 1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit_exceeded);
}

TEST(SecretBytes, MoveLeavesSourceEmptyAndCompareIsByValue) {
    SecretBytes a = random_secret(32);
    SecretBytes b = a.clone();
    EXPECT_TRUE(a == b);
    SecretBytes c = std::move(a);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_TRUE(c == b);
}

TEST(Aead, TamperedCiphertextFails) {
    const Bytes key = random_bytes(32), nonce = random_bytes(12);
    auto ct = ChaCha20Poly1305::seal(key, nonce, as_bytes("aad"), as_bytes("hej"));
    ASSERT_TRUE(ct.ok());
    Bytes bad = *ct;
    bad[0] ^= 1;
    auto pt = ChaCha20Poly1305::open(key, nonce, as_bytes("aad"), bad);
    ASSERT_FALSE(pt.ok());
    EXPECT_EQ(pt.error().code, Errc::decryption_failed);
}
