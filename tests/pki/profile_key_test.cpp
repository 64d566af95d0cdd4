// The passphrase-wrapped key file (store/profile_key.h).
#include "lagrum/core/store/profile_key.h"

#include <gtest/gtest.h>

#include "lagrum/crypto/random.h"
#include "support.h"

namespace lagrum::core::store {
namespace {

using pki_test::read_file;
using pki_test::TempDir;
using pki_test::write_file;

Errc code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "no core::Error thrown";
    return Errc::internal;
}

TEST(ProfileKey, DefaultParamsAreTheStoreSet) {
    EXPECT_EQ(default_kdf_params().opslimit, crypto::kArgon2Store.opslimit);
    EXPECT_EQ(default_kdf_params().memlimit, crypto::kArgon2Store.memlimit);
}

TEST(ProfileKey, RoundTrip) {
    TempDir dir;
    const auto file = dir / "key";
    const auto key = create_profile_key(file, "correct horse", crypto::kArgon2Test);
    EXPECT_EQ(key.size(), 32u);
    const auto opened = open_profile_key(file, "correct horse");
    EXPECT_TRUE(key == opened);
    EXPECT_EQ(read_file(file).substr(0, 7), "LGRMKEY");
}

TEST(ProfileKey, CreateRefusesAnExistingFile) {
    TempDir dir;
    const auto file = dir / "key";
    (void)create_profile_key(file, "pw", crypto::kArgon2Test);
    EXPECT_EQ(code_of([&] { (void)create_profile_key(file, "pw", crypto::kArgon2Test); }),
              Errc::profile_exists);
}

TEST(ProfileKey, MissingFileIsNoProfile) {
    TempDir dir;
    EXPECT_EQ(code_of([&] { (void)open_profile_key(dir / "key", "pw"); }), Errc::no_profile);
}

TEST(ProfileKey, WrongPassphrase) {
    TempDir dir;
    const auto file = dir / "key";
    (void)create_profile_key(file, "right", crypto::kArgon2Test);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "wrong"); }), Errc::wrong_passphrase);
}

TEST(ProfileKey, TruncatedOrCorruptFileIsCorruptStore) {
    TempDir dir;
    const auto file = dir / "key";
    (void)create_profile_key(file, "pw", crypto::kArgon2Test);
    const std::string good = read_file(file);

    for (std::size_t len :
         {std::size_t{0}, std::size_t{5}, std::size_t{40}, std::size_t{69}, good.size() - 1}) {
        write_file(file, good.substr(0, len));
        EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store)
            << "length " << len;
    }
    write_file(file, good + "x");
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);

    std::string bad_magic = good;
    bad_magic[0] = 'X';
    write_file(file, bad_magic);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);

    std::string bad_version = good;
    bad_version[9] = 7;
    write_file(file, bad_version);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);

    write_file(file, std::string(1 << 20, 'A'));
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);
}

TEST(ProfileKey, AbsurdParametersAreRejectedBeforeDeriving) {
    TempDir dir;
    const auto file = dir / "key";
    (void)create_profile_key(file, "pw", crypto::kArgon2Test);
    const std::string good = read_file(file);
    // memlimit (bytes 18..25) set to 2^40: would need 1 TiB; must not even be tried.
    std::string huge_mem = good;
    for (int i = 18; i < 26; ++i) huge_mem[static_cast<std::size_t>(i)] = 0;
    huge_mem[20] = 1;
    write_file(file, huge_mem);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);
    // opslimit (bytes 10..17) of 2^32 passes.
    std::string huge_ops = good;
    huge_ops[13] = 1;
    write_file(file, huge_ops);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);
    // opslimit 0.
    std::string zero_ops = good;
    for (int i = 10; i < 18; ++i) zero_ops[static_cast<std::size_t>(i)] = 0;
    write_file(file, zero_ops);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::corrupt_store);
}

TEST(ProfileKey, TamperedHeaderOrCiphertextDoesNotOpen) {
    TempDir dir;
    const auto file = dir / "key";
    (void)create_profile_key(file, "pw", crypto::kArgon2Test);
    const std::string good = read_file(file);
    // Within range but different parameters, a flipped salt, nonce or ciphertext byte.
    for (std::size_t at : {std::size_t{17}, std::size_t{30}, std::size_t{50}, good.size() - 1}) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ 0x02);
        write_file(file, bad);
        EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::wrong_passphrase)
            << "byte " << at;
    }
}

TEST(ProfileKey, ChangePassphraseKeepsTheKey) {
    TempDir dir;
    const auto file = dir / "key";
    const auto key = create_profile_key(file, "old", crypto::kArgon2Test);
    const std::string before = read_file(file);

    EXPECT_EQ(code_of([&] { change_profile_passphrase(file, "not-old", "new"); }),
              Errc::wrong_passphrase);
    EXPECT_EQ(read_file(file), before);  // untouched

    change_profile_passphrase(file, "old", "new");
    EXPECT_TRUE(open_profile_key(file, "new") == key);
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "old"); }), Errc::wrong_passphrase);
    EXPECT_FALSE(std::filesystem::exists(file.string() + ".tmp"));

    // Fresh salt and nonce: the wrapped form changes even for the same passphrase.
    const std::string after = read_file(file);
    change_profile_passphrase(file, "new", "new");
    EXPECT_NE(read_file(file), after);
    EXPECT_TRUE(open_profile_key(file, "new") == key);
}

TEST(ProfileKey, ChangePassphraseWithNewParameters) {
    TempDir dir;
    const auto file = dir / "key";
    const auto key = create_profile_key(file, "old", crypto::kArgon2Test);
    const crypto::Argon2Params other{2, 16u * 1024};
    change_profile_passphrase(file, "old", "new", &other);
    EXPECT_TRUE(open_profile_key(file, "new") == key);
    const std::string data = read_file(file);
    EXPECT_EQ(static_cast<unsigned char>(data[17]), 2u);
}

TEST(WrappedSecret, RoundTripAndPurposeSeparation) {
    TempDir dir;
    const auto file = dir / "root.key";
    const auto secret = crypto::random_secret(32);
    write_wrapped_secret(file, secret, "pw", crypto::kArgon2Test, "lagrum.org-root.v1");
    EXPECT_TRUE(read_wrapped_secret(file, "pw", "lagrum.org-root.v1") == secret);
    // The same file and passphrase under another purpose does not open ...
    EXPECT_EQ(code_of([&] { (void)read_wrapped_secret(file, "pw", "lagrum.other.v1"); }),
              Errc::wrong_passphrase);
    // ... and in particular not as a profile key, nor a profile key as a root seed.
    EXPECT_EQ(code_of([&] { (void)open_profile_key(file, "pw"); }), Errc::wrong_passphrase);
    const auto profile = dir / "key";
    (void)create_profile_key(profile, "pw", crypto::kArgon2Test);
    EXPECT_EQ(code_of([&] { (void)read_wrapped_secret(profile, "pw", "lagrum.org-root.v1"); }),
              Errc::wrong_passphrase);
}

TEST(WrappedSecret, RejectsEmptyPassphraseAndBadParameters) {
    TempDir dir;
    const auto secret = crypto::random_secret(32);
    EXPECT_EQ(
        code_of([&] { write_wrapped_secret(dir / "a", secret, "", crypto::kArgon2Test, "p"); }),
        Errc::bad_input);
    const crypto::Argon2Params absurd{1, std::size_t{1} << 40};
    EXPECT_EQ(code_of([&] { write_wrapped_secret(dir / "b", secret, "pw", absurd, "p"); }),
              Errc::bad_input);
}

}  // namespace
}  // namespace lagrum::core::store
