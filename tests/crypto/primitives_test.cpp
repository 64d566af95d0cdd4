// Unit tests for the libsodium-backed primitives: SecretBytes, hashing/HKDF limits, AEAD,
// X25519, Ed25519, Argon2id, CSPRNG. Every bad length must come back as a typed error.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstring>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/crypto/x25519.h"
#include "lagrum/test/shared.h"

using namespace lagrum::crypto;
using lagrum::test::from_hex;
using lagrum::test::to_hex;

namespace {
std::string hex(const SecretBytes& s) {
    return to_hex(s.expose());
}
}  // namespace

// ---------------------------------------------------------------------------------------
// SecretBytes

TEST(SecretBytes, MoveLeavesSourceEmptyAndCompareIsByValue) {
    SecretBytes a = random_secret(32);
    SecretBytes b = a.clone();
    EXPECT_TRUE(a == b);
    EXPECT_NE(a.data(), b.data());  // clone is a separate allocation
    SecretBytes c = std::move(a);
    EXPECT_TRUE(a.empty());        // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(a.size(), 0u);       // NOLINT(bugprone-use-after-move)
    EXPECT_TRUE(c == b);
}

TEST(SecretBytes, MoveAssignmentReleasesOldAndSelfMoveIsSafe) {
    SecretBytes a = SecretBytes::copy_of(as_bytes("first secret"));
    SecretBytes b = SecretBytes::copy_of(as_bytes("second"));
    a = std::move(b);
    EXPECT_EQ(std::string(a.view().begin(), a.view().end()), "second");
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
    SecretBytes& alias = a;
    a = std::move(alias);  // self-move keeps the value
    EXPECT_EQ(std::string(a.view().begin(), a.view().end()), "second");
}

TEST(SecretBytes, ZeroFilledAndEmptyStates) {
    const SecretBytes empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_EQ(empty.data(), nullptr);
    EXPECT_TRUE(empty.view().empty());
    const SecretBytes zero_size(0);
    EXPECT_TRUE(zero_size.empty());
    EXPECT_TRUE(empty == zero_size);

    const SecretBytes z(100);
    ASSERT_EQ(z.size(), 100u);
    for (std::size_t i = 0; i < z.size(); ++i) EXPECT_EQ(z.data()[i], 0) << i;
}

TEST(SecretBytes, EqualityIsByLengthAndContent) {
    const SecretBytes a = SecretBytes::copy_of(from_hex("00010203"));
    EXPECT_TRUE(a == SecretBytes::copy_of(from_hex("00010203")));
    EXPECT_FALSE(a == SecretBytes::copy_of(from_hex("00010204")));
    EXPECT_FALSE(a == SecretBytes::copy_of(from_hex("000102")));
    EXPECT_FALSE(a == SecretBytes());
    EXPECT_TRUE(ct_equal({}, {}));
    EXPECT_FALSE(ct_equal(from_hex("00"), {}));
}

// take() copies into secure memory and wipes + clears the source; wipe() zeroes in place.
TEST(SecretBytes, TakeAndWipeClearTheSource) {
    Bytes plain = from_hex("deadbeefcafe");
    SecretBytes s = SecretBytes::take(std::move(plain));
    EXPECT_EQ(hex(s), "deadbeefcafe");
    EXPECT_TRUE(plain.empty());  // NOLINT(bugprone-use-after-move): take() clears its argument

    Bytes v = from_hex("0102030405");
    wipe(v);
    EXPECT_EQ(v, Bytes(5, 0));
    wipe(nullptr, 0);  // tolerated
    const Bytes exposed = s.expose();
    EXPECT_EQ(to_hex(exposed), "deadbeefcafe");
}

// Observable evidence that large secrets use sodium_malloc's guarded allocation: libsodium
// places the buffer so that it ends exactly at a page boundary, where a PROT_NONE guard
// page follows (any overrun faults instead of touching other data). Reading the guard page
// would crash, so only the address arithmetic is checked. Secrets up to 1 KiB come from
// the secure arena instead (see crypto/src/secure_arena.h).
TEST(SecretBytes, LargeStorageEndsAtAGuardPageBoundary) {
    const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
    ASSERT_GT(page, 0u);
    for (std::size_t n : {1025u, 4000u, 5000u, 70000u}) {
        const SecretBytes s(n);
        const auto end = reinterpret_cast<std::uintptr_t>(s.data()) + s.size();
        EXPECT_EQ(end % page, 0u) << "size " << n;
    }
}

#if !defined(__SANITIZE_ADDRESS__)
// A released arena slot is wiped at once, not when it is reused. (Under ASan the slot
// is poisoned instead and reading it would be reported, so this runs in normal builds.)
TEST(SecretBytes, SmallSecretIsWipedOnRelease) {
    for (std::size_t n : {1u, 32u, 100u, 1024u}) {
        const volatile std::uint8_t* raw = nullptr;
        {
            SecretBytes s(n);
            std::memset(s.data(), 0xA5, n);
            raw = s.data();
        }
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(raw[i], 0) << "size " << n << " byte " << i;
    }
}
#endif

// Many threads allocating and releasing small secrets: no corruption, no double use.
TEST(SecretBytes, ArenaIsThreadSafe) {
    std::vector<std::thread> threads;
    std::atomic<int> mismatches{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([t, &mismatches] {
            std::vector<SecretBytes> held;
            for (int i = 0; i < 2000; ++i) {
                SecretBytes s(static_cast<std::size_t>(1 + (i * 7 + t) % 300));
                std::memset(s.data(), t + 1, s.size());
                held.push_back(std::move(s));
                if (held.size() > 50) held.erase(held.begin());
                for (const auto& h : held) {
                    if (h.data()[0] != t + 1 || h.data()[h.size() - 1] != t + 1) ++mismatches;
                }
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(mismatches.load(), 0);
}

TEST(Random, BytesAreFreshAndSized) {
    EXPECT_TRUE(random_bytes(0).empty());
    const Bytes a = random_bytes(32), b = random_bytes(32);
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
    const SecretBytes s = random_secret(48);
    EXPECT_EQ(s.size(), 48u);
    EXPECT_FALSE(s == random_secret(48));
}

TEST(ResultType, AccessingAFailedValueThrowsNotUb) {
    const Result<Bytes> r = make_error(Errc::invalid_argument, "x");
    EXPECT_FALSE(r.ok());
    EXPECT_THROW((void)r.value(), BadResultAccess);
    const Result<Bytes> good = Bytes{1};
    EXPECT_THROW((void)good.error(), BadResultAccess);
    EXPECT_STREQ(errc_name(Errc::limit_exceeded), "limit_exceeded");
}

// ---------------------------------------------------------------------------------------
// SHA-256, HMAC, HKDF

TEST(Sha256, OneShotAndStreamingAgree) {
    // FIPS 180-2 "abc".
    EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(to_hex(sha256({})),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 h;
    h.update(as_bytes("a"));
    h.update({});
    h.update(as_bytes("bc"));
    EXPECT_EQ(to_hex(h.finish()), to_hex(sha256(as_bytes("abc"))));
}

TEST(Hmac, TruncatedVerificationHasAFloor) {
    const Bytes key = random_bytes(32);
    const SecretBytes mac = hmac_sha256(key, as_bytes("msg"));
    const Bytes full = mac.expose();
    EXPECT_TRUE(hmac_sha256_verify(key, as_bytes("msg"), full));
    EXPECT_TRUE(hmac_sha256_verify(key, as_bytes("msg"), ByteView(full).first(16)));
    // Below RFC 2104 §5's half-length floor, or longer than the MAC, or empty: rejected.
    EXPECT_FALSE(hmac_sha256_verify(key, as_bytes("msg"), ByteView(full).first(15)));
    EXPECT_FALSE(hmac_sha256_verify(key, as_bytes("msg"), ByteView(full).first(1)));
    EXPECT_FALSE(hmac_sha256_verify(key, as_bytes("msg"), {}));
    Bytes longer = full;
    longer.push_back(0);
    EXPECT_FALSE(hmac_sha256_verify(key, as_bytes("msg"), longer));
    Bytes bad = full;
    bad.at(31) ^= 1;
    EXPECT_FALSE(hmac_sha256_verify(key, as_bytes("msg"), bad));
    EXPECT_FALSE(hmac_sha256_verify(random_bytes(32), as_bytes("msg"), full));
    // Keys of any length, including empty and longer than the block (hashed, RFC 2104 §2).
    EXPECT_EQ(hmac_sha256({}, {}).size(), 32u);
    EXPECT_EQ(hmac_sha256(random_bytes(200), as_bytes("x")).size(), 32u);
}

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
    EXPECT_EQ(
        to_hex(okm->expose()),
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

// RFC 5869 Appendix A.2 (Test Case 2: longer inputs/outputs, L = 82 spans 3 blocks).
TEST(Hkdf, Rfc5869TestCase2) {
    Bytes ikm, salt, info;
    for (int i = 0x00; i < 0x50; ++i) ikm.push_back(static_cast<std::uint8_t>(i));
    for (int i = 0x60; i < 0xb0; ++i) salt.push_back(static_cast<std::uint8_t>(i));
    for (int i = 0xb0; i < 0x100; ++i) info.push_back(static_cast<std::uint8_t>(i));
    const auto prk = hkdf_extract(salt, ikm);
    EXPECT_EQ(hex(prk), "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244");
    auto okm = hkdf_expand(prk, info, 82);
    ASSERT_TRUE(okm.ok());
    EXPECT_EQ(hex(*okm),
              "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c"
              "59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71"
              "cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

// RFC 5869 Appendix A.3 (Test Case 3: zero-length salt and info).
TEST(Hkdf, Rfc5869TestCase3) {
    const auto ikm = from_hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    const auto prk = hkdf_extract({}, ikm);
    EXPECT_EQ(hex(prk), "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04");
    // An explicit HashLen-zeros salt is the same thing (RFC 5869 §2.2).
    EXPECT_TRUE(prk == hkdf_extract(Bytes(32, 0), ikm));
    auto okm = hkdf_expand(prk, {}, 42);
    ASSERT_TRUE(okm.ok());
    EXPECT_EQ(
        hex(*okm),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

// RFC 5869 §2.3: L <= 255*HashLen; PRK must be at least HashLen.
TEST(Hkdf, RejectsLengthAboveLimitAndShortPrk) {
    const auto prk = hkdf_extract({}, as_bytes("ikm"));
    auto max = hkdf_expand(prk, {}, kHkdfSha256MaxOutput);
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(max->size(), 8160u);
    auto r = hkdf_expand(prk, {}, kHkdfSha256MaxOutput + 1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit_exceeded);
    auto huge = hkdf_expand(prk, {}, static_cast<std::size_t>(-1));
    ASSERT_FALSE(huge.ok());
    EXPECT_EQ(huge.error().code, Errc::limit_exceeded);
    auto zero = hkdf_expand(prk, {}, 0);
    ASSERT_TRUE(zero.ok());
    EXPECT_TRUE(zero->empty());
    auto short_prk = hkdf_expand(ByteView(prk).first(31), {}, 32);
    ASSERT_FALSE(short_prk.ok());
    EXPECT_EQ(short_prk.error().code, Errc::invalid_argument);
    // Output is a prefix-consistent stream: a shorter L is a prefix of a longer one.
    auto a = hkdf_expand(prk, as_bytes("i"), 40);
    auto b = hkdf_expand(prk, as_bytes("i"), 100);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(hex(*a), hex(*b).substr(0, 80));
}

// ---------------------------------------------------------------------------------------
// AEAD

template <class Aead>
class AeadTest : public ::testing::Test {};
using AeadTypes = ::testing::Types<ChaCha20Poly1305, XChaCha20Poly1305>;
TYPED_TEST_SUITE(AeadTest, AeadTypes);

TYPED_TEST(AeadTest, RoundTripIncludingEmpty) {
    using A = TypeParam;
    const Bytes key = random_bytes(A::kKeySize), nonce = random_bytes(A::kNonceSize);
    for (const std::string& msg : {std::string(), std::string("x"), std::string(1000, 'y')}) {
        auto ct = A::seal(key, nonce, as_bytes("aad"), as_bytes(msg));
        ASSERT_TRUE(ct.ok());
        EXPECT_EQ(ct->size(), msg.size() + A::kTagSize);
        auto pt = A::open(key, nonce, as_bytes("aad"), *ct);
        ASSERT_TRUE(pt.ok());
        EXPECT_EQ(std::string(pt->begin(), pt->end()), msg);
    }
    auto no_aad = A::seal(key, nonce, {}, as_bytes("m"));
    ASSERT_TRUE(no_aad.ok());
    EXPECT_TRUE(A::open(key, nonce, {}, *no_aad).ok());
}

TYPED_TEST(AeadTest, WrongKeyNonceAadOrTamperingFails) {
    using A = TypeParam;
    const Bytes key = random_bytes(A::kKeySize), nonce = random_bytes(A::kNonceSize);
    auto ct = A::seal(key, nonce, as_bytes("aad"), as_bytes("hej hej"));
    ASSERT_TRUE(ct.ok());
    auto expect_fail = [](const Result<Bytes>& r) {
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, Errc::decryption_failed);
    };
    expect_fail(A::open(random_bytes(A::kKeySize), nonce, as_bytes("aad"), *ct));
    expect_fail(A::open(key, random_bytes(A::kNonceSize), as_bytes("aad"), *ct));
    expect_fail(A::open(key, nonce, as_bytes("aaD"), *ct));
    expect_fail(A::open(key, nonce, {}, *ct));
    for (std::size_t i = 0; i < ct->size(); ++i) {  // every ciphertext and tag byte
        Bytes bad = *ct;
        bad[i] ^= 0x01;
        expect_fail(A::open(key, nonce, as_bytes("aad"), bad));
    }
    Bytes extended = *ct;
    extended.push_back(0);
    expect_fail(A::open(key, nonce, as_bytes("aad"), extended));
    for (std::size_t n = 0; n < A::kTagSize; ++n) {  // shorter than a tag
        expect_fail(A::open(key, nonce, as_bytes("aad"), ByteView(*ct).first(n)));
    }
}

TYPED_TEST(AeadTest, BadKeyAndNonceLengthsAreErrors) {
    using A = TypeParam;
    const Bytes key = random_bytes(A::kKeySize), nonce = random_bytes(A::kNonceSize);
    auto ct = A::seal(key, nonce, {}, as_bytes("m"));
    ASSERT_TRUE(ct.ok());
    for (std::size_t n : {std::size_t{0}, A::kKeySize - 1, A::kKeySize + 1}) {
        auto s = A::seal(Bytes(n, 1), nonce, {}, as_bytes("m"));
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, Errc::invalid_argument);
        auto o = A::open(Bytes(n, 1), nonce, {}, *ct);
        ASSERT_FALSE(o.ok());
        EXPECT_EQ(o.error().code, Errc::invalid_argument);
    }
    for (std::size_t n : {std::size_t{0}, std::size_t{8}, A::kNonceSize - 1, A::kNonceSize + 1}) {
        auto s = A::seal(key, Bytes(n, 1), {}, as_bytes("m"));
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, Errc::invalid_argument);
        auto o = A::open(key, Bytes(n, 1), {}, *ct);
        ASSERT_FALSE(o.ok());
        EXPECT_EQ(o.error().code, Errc::invalid_argument);
    }
}

// ---------------------------------------------------------------------------------------
// X25519

TEST(X25519, AgreementIsSymmetric) {
    const auto a = x25519_generate(), b = x25519_generate();
    auto ab = x25519(a.private_key, b.public_key);
    auto ba = x25519(b.private_key, a.public_key);
    ASSERT_TRUE(ab.ok() && ba.ok());
    EXPECT_TRUE(*ab == *ba);
    auto pub = x25519_public_key(a.private_key);
    ASSERT_TRUE(pub.ok());
    EXPECT_EQ(*pub, a.public_key);
}

// RFC 7748 §6.1 Alice/Bob example.
TEST(X25519, Rfc7748Section61) {
    const Bytes alice_sk =
        from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const Bytes bob_pk =
        from_hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto alice_pk = x25519_public_key(alice_sk);
    ASSERT_TRUE(alice_pk.ok());
    EXPECT_EQ(to_hex(*alice_pk),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    auto k = x25519(alice_sk, bob_pk);
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(hex(*k), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
}

// RFC 7748 §6.1: an all-zero shared secret (low-order peer key) must be rejected.
TEST(X25519, AllZeroSharedSecretIsRejected) {
    const auto a = x25519_generate();
    const char* low_order[] = {
        "0000000000000000000000000000000000000000000000000000000000000000",  // 0
        "0100000000000000000000000000000000000000000000000000000000000000",  // 1
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",  // order 8
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",  // order 8
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p - 1
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",  // p (= 0)
    };
    for (const char* h : low_order) {
        auto r = x25519(a.private_key, from_hex(h));
        ASSERT_FALSE(r.ok()) << h;
        EXPECT_EQ(r.error().code, Errc::invalid_key) << h;
    }
}

TEST(X25519, BadLengthsAreErrors) {
    const auto a = x25519_generate();
    for (std::size_t n : {0u, 31u, 33u}) {
        auto r1 = x25519(Bytes(n, 5), a.public_key);
        ASSERT_FALSE(r1.ok());
        EXPECT_EQ(r1.error().code, Errc::invalid_argument);
        auto r2 = x25519(a.private_key, Bytes(n, 5));
        ASSERT_FALSE(r2.ok());
        EXPECT_EQ(r2.error().code, Errc::invalid_argument);
        auto r3 = x25519_public_key(Bytes(n, 5));
        ASSERT_FALSE(r3.ok());
        EXPECT_EQ(r3.error().code, Errc::invalid_argument);
    }
}

// ---------------------------------------------------------------------------------------
// Ed25519

// RFC 8032 §7.1 TEST 1 (empty message).
TEST(Ed25519, Rfc8032Test1) {
    const Bytes seed = from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto kp = ed25519_from_seed(seed);
    ASSERT_TRUE(kp.ok());
    EXPECT_EQ(to_hex(kp->public_key),
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    auto sig = ed25519_sign(seed, {});
    ASSERT_TRUE(sig.ok());
    EXPECT_EQ(to_hex(*sig),
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
              "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    EXPECT_TRUE(ed25519_verify(kp->public_key, {}, *sig));
}

TEST(Ed25519, WrongKeyModifiedMessageOrSignatureFails) {
    const auto kp = ed25519_generate();
    ASSERT_EQ(kp.seed.size(), kEd25519SeedSize);
    const auto other = ed25519_generate();
    auto sig = ed25519_sign(kp.seed, as_bytes("beslut 2026-11-25"));
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(ed25519_verify(kp.public_key, as_bytes("beslut 2026-11-25"), *sig));
    EXPECT_FALSE(ed25519_verify(other.public_key, as_bytes("beslut 2026-11-25"), *sig));
    EXPECT_FALSE(ed25519_verify(kp.public_key, as_bytes("beslut 2026-11-26"), *sig));
    EXPECT_FALSE(ed25519_verify(kp.public_key, as_bytes("beslut 2026-11-25 "), *sig));
    for (std::size_t i = 0; i < sig->size(); ++i) {
        Bytes bad = *sig;
        bad[i] ^= 0x10;
        EXPECT_FALSE(ed25519_verify(kp.public_key, as_bytes("beslut 2026-11-25"), bad)) << i;
    }
    // Deterministic (RFC 8032): same seed and message give the same signature.
    auto again = ed25519_sign(kp.seed, as_bytes("beslut 2026-11-25"));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*again, *sig);
}

TEST(Ed25519, BadLengthsAreErrors) {
    const auto kp = ed25519_generate();
    auto sig = ed25519_sign(kp.seed, as_bytes("m"));
    ASSERT_TRUE(sig.ok());
    for (std::size_t n : {0u, 31u, 33u, 64u}) {
        auto s = ed25519_sign(Bytes(n, 1), as_bytes("m"));
        ASSERT_FALSE(s.ok());
        EXPECT_EQ(s.error().code, Errc::invalid_argument);
        auto k = ed25519_from_seed(Bytes(n, 1));
        ASSERT_FALSE(k.ok());
        EXPECT_EQ(k.error().code, Errc::invalid_argument);
        EXPECT_FALSE(ed25519_verify(Bytes(n, 1), as_bytes("m"), *sig));
    }
    EXPECT_FALSE(ed25519_verify(kp.public_key, as_bytes("m"), ByteView(*sig).first(63)));
    Bytes longer = *sig;
    longer.push_back(0);
    EXPECT_FALSE(ed25519_verify(kp.public_key, as_bytes("m"), longer));
    EXPECT_FALSE(ed25519_verify(kp.public_key, as_bytes("m"), {}));
    // All-zero public key (small order) is rejected, not crashed on.
    EXPECT_FALSE(ed25519_verify(Bytes(32, 0), as_bytes("m"), *sig));
}

// ---------------------------------------------------------------------------------------
// Argon2id

TEST(Argon2id, TestParamsAreDeterministicAndSaltSensitive) {
    const Bytes salt = from_hex("000102030405060708090a0b0c0d0e0f");
    auto a = argon2id_derive("correct horse", salt, 32, kArgon2Test);
    auto b = argon2id_derive("correct horse", salt, 32, kArgon2Test);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(a->size(), 32u);
    EXPECT_TRUE(*a == *b);
    Bytes salt2 = salt;
    salt2[0] ^= 1;
    auto c = argon2id_derive("correct horse", salt2, 32, kArgon2Test);
    auto d = argon2id_derive("correct horsf", salt, 32, kArgon2Test);
    auto e = argon2id_derive("", salt, 32, kArgon2Test);  // empty passphrase is allowed
    ASSERT_TRUE(c.ok() && d.ok() && e.ok());
    EXPECT_FALSE(*a == *c);
    EXPECT_FALSE(*a == *d);
    EXPECT_FALSE(*a == *e);
    // A default string_view has a null data(); it must behave exactly like "".
    auto e2 = argon2id_derive(std::string_view{}, salt, 32, kArgon2Test);
    ASSERT_TRUE(e2.ok());
    EXPECT_TRUE(*e == *e2);
}

// Known answers from libsodium's own test suite (test/default/pwhash_argon2id.c, tv()
// entries 0 and 6 with crypto_pwhash's default algorithm Argon2id v1.3, one lane). The
// 32-byte salts there are read into a 16-byte buffer, so only the first 16 bytes count.
// This pins that argon2id_derive really runs Argon2id with the parameters given.
TEST(Argon2id, LibsodiumKnownAnswers) {
    {
        const Bytes pw = from_hex(
            "a347ae92bce9f80f6f595a4480fc9c2fe7e7d7148d371e9487d75f5c23008ffae0"
            "65577a928febd9b1973a5a95073acdbeb6a030cfc0d79caa2dc5cd011cef02c08d"
            "a232d76d52dfbca38ca8dcbd665b17d1665f7cf5fe59772ec909733b24de97d6f5"
            "8d220b20c60d7c07ec1fd93c52c31020300c6c1facd77937a597c7a6");
        ASSERT_EQ(pw.size(), 127u);
        auto out = argon2id_derive(std::string(pw.begin(), pw.end()),
                                   from_hex("5541fbc995d5c197ba290346d2c559de"), 155,
                                   Argon2Params{5, 7256678});
        ASSERT_TRUE(out.ok()) << out.error().message;
        EXPECT_EQ(hex(*out),
                  "18acec5d6507739f203d1f5d9f1d862f7c2cdac4f19d2bdff64487e60d969e3ced615337b9ee"
                  "c6ac4461c6ca07f0939741e57c24d0005c7ea171a0ee1e7348249d135b38f222e4dad7b9a033"
                  "ed83f5ca27277393e316582033c74affe2566a2bea47f91f0fd9fe49ece7e1f79f3ad6e9b23e"
                  "0277c8ecc4b313225748dd2a80f5679534a0700e246a79a49b3f74eb89ec6205fe1eeb941c73"
                  "b1fcf1");
    }
    {
        const Bytes pw =
            from_hex("b540beb016a5366524d4605156493f9874514a5aa58818cd0c6dfffaa9e90205f17b");
        ASSERT_EQ(pw.size(), 34u);
        auto out = argon2id_derive(std::string(pw.begin(), pw.end()),
                                   from_hex("44071f6d181561670bda728d43fb79b4"), 231,
                                   Argon2Params{1, 1631659});
        ASSERT_TRUE(out.ok()) << out.error().message;
        EXPECT_EQ(hex(*out),
                  "7fb72409b0987f8190c3729710e98c3f80c5a8727d425fdcde7f3644d467fe973f5b5fee683b"
                  "d3fce812cb9ae5e9921a2d06c2f1905e4e839692f2b934b682f11a2fe2b90482ea5dd2348635"
                  "16dba6f52dc0702d324ec77d860c2e181f84472bd7104fedce071ffa93c5309494ad51623d21"
                  "4447a7b2b1462dc7d5d55a1f6fd5b54ce024118d86f0c6489d16545aaa87b6689dad9f2fb47f"
                  "da9894f8e12b87d978b483ccd4cc5fd9595cdc7a818452f915ce2f7df95ec12b1c72e3788d47"
                  "3441d884f9748eb14703c21b45d82fd667b85f5b2d98c13303b3fe76285531a826b6fc0fe8e3"
                  "dddecf");
    }
}

TEST(Argon2id, BadSaltLengthAndParametersAreErrors) {
    for (std::size_t n : {0u, 8u, 15u, 17u, 32u}) {
        auto r = argon2id_derive("pw", Bytes(n, 7), 32, kArgon2Test);
        ASSERT_FALSE(r.ok()) << n;
        EXPECT_EQ(r.error().code, Errc::invalid_argument);
    }
    const Bytes salt(kArgon2SaltSize, 7);
    for (std::size_t len : {0u, 15u, 1025u}) {
        auto r = argon2id_derive("pw", salt, len, kArgon2Test);
        ASSERT_FALSE(r.ok()) << len;
        EXPECT_EQ(r.error().code, Errc::invalid_argument);
    }
    EXPECT_TRUE(argon2id_derive("pw", salt, 16, kArgon2Test).ok());
    EXPECT_TRUE(argon2id_derive("pw", salt, 1024, kArgon2Test).ok());
    const Argon2Params too_weak_ops{0, 8192};
    const Argon2Params too_little_mem{1, 4096};
    const Argon2Params too_many_ops{1ull << 40, 8192};
    for (const auto& p : {too_weak_ops, too_little_mem, too_many_ops}) {
        auto r = argon2id_derive("pw", salt, 32, p);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().code, Errc::invalid_argument);
    }
}

// The named sets are ordered as their names promise (the Store cost is measured in
// tests/bench/crypto, not here: no timing in unit tests).
TEST(Argon2id, NamedParameterSetsAreSane) {
    static_assert(kArgon2Store.memlimit >= kArgon2Interactive.memlimit);
    static_assert(kArgon2Interactive.memlimit > kArgon2Test.memlimit);
    static_assert(kArgon2Store.opslimit >= kArgon2Interactive.opslimit);
    EXPECT_EQ(kArgon2Store.memlimit, 256u * 1024 * 1024);
}

// ---------------------------------------------------------------------------------------
// Buffer-writing forms used by HPKE: same results as the SecretBytes forms.

TEST(BufferForms, PartsAreProcessedAsTheirConcatenation) {
    const Bytes key = random_bytes(32);
    std::array<std::uint8_t, kSha256Size> mac{};
    hmac_sha256_into(key, {as_bytes("ab"), {}, as_bytes("cd")}, mac);
    EXPECT_EQ(to_hex(mac.data(), mac.size()), hex(hmac_sha256(key, as_bytes("abcd"))));

    const SecretBytes prk = hkdf_extract({}, as_bytes("ikm"));
    Bytes out(100);
    ASSERT_TRUE(hkdf_expand_into(prk, {as_bytes("in"), as_bytes("fo")}, out).ok());
    auto ref = hkdf_expand(prk, as_bytes("info"), 100);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(to_hex(out), hex(*ref));
    Bytes too_long(kHkdfSha256MaxOutput + 1);
    auto st = hkdf_expand_into(prk, {}, too_long);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::limit_exceeded);
}

TEST(BufferForms, X25519IntoMatchesAndZeroesOnError) {
    const auto a = x25519_generate(), b = x25519_generate();
    std::array<std::uint8_t, kX25519Size> out{};
    ASSERT_TRUE(x25519_into(a.private_key, b.public_key, out).ok());
    auto ref = x25519(a.private_key, b.public_key);
    ASSERT_TRUE(ref.ok());
    EXPECT_EQ(to_hex(out.data(), out.size()), hex(*ref));
    out.fill(0xaa);
    auto st = x25519_into(a.private_key, Bytes(32, 0), out);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::invalid_key);
    EXPECT_EQ(to_hex(out.data(), out.size()), std::string(64, '0'));
    auto bad = x25519_into(Bytes(31, 1), b.public_key, out);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}
