// Wycheproof vectors (../shared/test-vectors/wycheproof, C2SP/wycheproof testvectors_v1).
//
// Every test of every group of the six files runs. "valid" must be accepted with the exact
// expected output, "invalid" must be rejected. "acceptable" is decided per file below and
// the decision is asserted, so a change in libsodium's behaviour shows up as a failure:
//
//  - x25519: all 254 acceptable vectors are public keys RFC 7748 lets an implementation
//    accept or reject (twist points, non-canonical encodings, low-order points).
//    Our rule: if the expected shared secret is all zeros (LowOrderPublic/ZeroSharedSecret)
//    we MUST reject with invalid_key (RFC 7748 §6.1 check; RFC 9180 §7.1.4 requires it for
//    HPKE). Otherwise we MUST accept and produce exactly the expected shared secret
//    (RFC 7748 §5 defines the result for non-canonical and twist inputs; a wrong result would
//    be an invalid-curve leak).
//  - ed25519: the file has no acceptable vectors. libsodium 1.0.18 verifies strictly
//    (canonical S < L, canonical A, R compared by encoding, small-order A and R rejected),
//    which is exactly what makes every "invalid" vector fail here.
//  - chacha20_poly1305 / xchacha20_poly1305: no acceptable vectors. The invalid vectors
//    with other nonce sizes (InvalidNonceSize) are rejected by our API's length check
//    (invalid_argument) for both seal and open. All valid vectors use the one nonce size
//    (96 / 192 bits), key size (256) and tag size (128) our API supports; the test asserts
//    that, so a valid vector with an unsupported size would fail loudly rather than be
//    skipped.
//  - hkdf_sha256: no acceptable vectors; invalid = SizeTooLarge (> 255*32), which
//    hkdf_expand rejects with limit_exceeded.
//  - hmac_sha256: no acceptable vectors; truncated tags (tagSize 128) are compared on
//    their prefix via hmac_sha256_verify; invalid = modified tags.
#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <string>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/x25519.h"
#include "lagrum/test/shared.h"

using namespace lagrum::crypto;
using lagrum::test::from_hex;
using lagrum::test::to_hex;
using nlohmann::json;

namespace {

struct Tally {
    int groups = 0;
    int run = 0;
    int valid = 0;
    int invalid = 0;
    int acceptable = 0;
    int acceptable_accepted = 0;
    int acceptable_rejected = 0;
};

Bytes hx(const json& t, const char* field) {
    return from_hex(t.at(field).get<std::string>());
}

std::string label(const std::string& file, const json& t) {
    return file + " tcId " + std::to_string(t.at("tcId").get<int>()) + " (" +
           t.value("comment", "") + ")";
}

// Iterates all groups/tests, calls check(group, test, result) and prints the tally.
template <class Check>
Tally run_file(const std::string& file, Check check) {
    const json doc = lagrum::test::load_shared_json("test-vectors/wycheproof/" + file);
    Tally tally;
    for (const auto& group : doc.at("testGroups")) {
        ++tally.groups;
        for (const auto& t : group.at("tests")) {
            SCOPED_TRACE(label(file, t));
            const std::string result = t.at("result").get<std::string>();
            if (result == "valid") {
                ++tally.valid;
            } else if (result == "invalid") {
                ++tally.invalid;
            } else if (result == "acceptable") {
                ++tally.acceptable;
            } else {
                ADD_FAILURE() << "unknown result " << result;
            }
            check(group, t, result, tally);
            ++tally.run;
        }
    }
    EXPECT_EQ(tally.run, doc.at("numberOfTests").get<int>()) << file;
    std::cout << "[wycheproof] " << file << ": " << tally.run << " vectors run in " << tally.groups
              << " groups (numberOfTests " << doc.at("numberOfTests").get<int>() << "): valid "
              << tally.valid << ", invalid " << tally.invalid << ", acceptable "
              << tally.acceptable;
    if (tally.acceptable > 0) {
        std::cout << " (accepted " << tally.acceptable_accepted << ", rejected "
                  << tally.acceptable_rejected << ")";
    }
    std::cout << "\n";
    return tally;
}

bool all_zero(const Bytes& b) {
    for (auto x : b) {
        if (x != 0) return false;
    }
    return true;
}

template <class Aead>
void run_aead(const std::string& file, std::size_t iv_bits) {
    const Tally t =
        run_file(file, [&](const json& group, const json& v, const std::string& result, Tally&) {
            const Bytes key = hx(v, "key"), iv = hx(v, "iv"), aad = hx(v, "aad"),
                        msg = hx(v, "msg");
            const Bytes ct = hx(v, "ct"), tag = hx(v, "tag");
            const Bytes sealed_expected = concat(ct, tag);
            const auto group_iv = group.at("ivSize").get<std::size_t>();
            const auto group_key = group.at("keySize").get<std::size_t>();
            const auto group_tag = group.at("tagSize").get<std::size_t>();
            if (result == "valid") {
                // Our API supports exactly one size of each; a valid vector outside it would be a
                // real gap (reported, not skipped).
                EXPECT_EQ(group_iv, iv_bits);
                EXPECT_EQ(group_key, 8 * Aead::kKeySize);
                EXPECT_EQ(group_tag, 8 * Aead::kTagSize);
                auto sealed = Aead::seal(key, iv, aad, msg);
                ASSERT_TRUE(sealed.ok()) << sealed.error().message;
                EXPECT_EQ(to_hex(*sealed), to_hex(sealed_expected));
                auto opened = Aead::open(key, iv, aad, sealed_expected);
                ASSERT_TRUE(opened.ok()) << opened.error().message;
                EXPECT_EQ(to_hex(*opened), to_hex(msg));
            } else {
                ASSERT_EQ(result, "invalid");  // the AEAD files have no acceptable vectors
                auto opened = Aead::open(key, iv, aad, sealed_expected);
                EXPECT_FALSE(opened.ok());
                if (iv.size() != Aead::kNonceSize) {
                    // InvalidNonceSize: both directions refuse with a typed error.
                    EXPECT_EQ(opened.error().code, Errc::invalid_argument);
                    auto sealed = Aead::seal(key, iv, aad, msg);
                    ASSERT_FALSE(sealed.ok());
                    EXPECT_EQ(sealed.error().code, Errc::invalid_argument);
                } else {
                    EXPECT_EQ(opened.error().code, Errc::decryption_failed);
                }
            }
        });
    EXPECT_GT(t.valid, 0);
}

}  // namespace

TEST(Wycheproof, X25519) {
    const Tally t = run_file("x25519_test.json", [](const json& group, const json& v,
                                                    const std::string& result, Tally& tally) {
        ASSERT_EQ(group.at("curve").get<std::string>(), "curve25519");
        const Bytes priv = hx(v, "private"), pub = hx(v, "public"), shared = hx(v, "shared");
        auto got = x25519(priv, pub);
        const bool must_reject = all_zero(shared);
        if (result == "valid") {
            ASSERT_FALSE(must_reject) << "a valid vector with an all-zero secret would conflict "
                                         "with our RFC 7748 §6.1 check";
        }
        if (must_reject) {
            ASSERT_FALSE(got.ok());
            EXPECT_EQ(got.error().code, Errc::invalid_key);
        } else {
            ASSERT_TRUE(got.ok()) << got.error().message;
            EXPECT_EQ(to_hex(got->expose()), to_hex(shared));
        }
        if (result == "acceptable") {
            ++(got.ok() ? tally.acceptable_accepted : tally.acceptable_rejected);
        }
    });
    EXPECT_GT(t.valid, 0);
}

TEST(Wycheproof, Ed25519) {
    const Tally t = run_file("ed25519_test.json", [](const json& group, const json& v,
                                                     const std::string& result, Tally&) {
        const Bytes pk = from_hex(group.at("publicKey").at("pk").get<std::string>());
        const Bytes msg = hx(v, "msg"), sig = hx(v, "sig");
        const bool ok = ed25519_verify(pk, msg, sig);
        ASSERT_NE(result, "acceptable");  // none in this file; see the header comment
        EXPECT_EQ(ok, result == "valid");
    });
    EXPECT_GT(t.valid, 0);
}

TEST(Wycheproof, ChaCha20Poly1305) {
    run_aead<ChaCha20Poly1305>("chacha20_poly1305_test.json", 96);
}

TEST(Wycheproof, XChaCha20Poly1305) {
    run_aead<XChaCha20Poly1305>("xchacha20_poly1305_test.json", 192);
}

TEST(Wycheproof, HkdfSha256) {
    const Tally t = run_file(
        "hkdf_sha256_test.json", [](const json&, const json& v, const std::string& result, Tally&) {
            const Bytes ikm = hx(v, "ikm"), salt = hx(v, "salt"), info = hx(v, "info");
            const auto size = v.at("size").get<std::size_t>();
            const SecretBytes prk = hkdf_extract(salt, ikm);
            auto okm = hkdf_expand(prk, info, size);
            ASSERT_NE(result, "acceptable");
            if (result == "valid") {
                ASSERT_TRUE(okm.ok()) << okm.error().message;
                EXPECT_EQ(to_hex(okm->expose()), v.at("okm").get<std::string>());
            } else {
                ASSERT_FALSE(okm.ok());
                EXPECT_EQ(okm.error().code, Errc::limit_exceeded);
            }
        });
    EXPECT_GT(t.valid, 0);
}

TEST(Wycheproof, HmacSha256) {
    const Tally t = run_file("hmac_sha256_test.json", [](const json& group, const json& v,
                                                         const std::string& result, Tally&) {
        const Bytes key = hx(v, "key"), msg = hx(v, "msg"), tag = hx(v, "tag");
        const auto tag_bytes = group.at("tagSize").get<std::size_t>() / 8;
        ASSERT_EQ(tag.size(), tag_bytes);
        ASSERT_EQ(key.size() * 8, group.at("keySize").get<std::size_t>());
        ASSERT_NE(result, "acceptable");
        const bool ok = hmac_sha256_verify(key, msg, tag);
        EXPECT_EQ(ok, result == "valid");
        if (result == "valid") {
            const SecretBytes mac = hmac_sha256(key, msg);
            EXPECT_EQ(to_hex(mac.expose()).substr(0, 2 * tag_bytes), to_hex(tag));
        }
    });
    EXPECT_GT(t.valid, 0);
}
