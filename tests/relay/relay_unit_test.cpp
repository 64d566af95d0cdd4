// Unit tests for the relay library: MLS plaintext-header parser, certificate
// verification, and the SQLite storage backend.
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

#include "lagrum/cert/cert.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/random.h"
#include "lagrum/relay/config.h"
#include "lagrum/relay/mls_header.h"
#include "lagrum/relay/postgres_storage.h"
#include "lagrum/relay/service.h"
#include "lagrum/relay/sqlite_storage.h"
#include "lagrum/testing/postgres_server.h"

namespace {

namespace fs = std::filesystem;
using namespace lagrum;
using crypto::Bytes;
using relay::parse_mls_header;

Bytes private_msg(const Bytes& gid, std::uint64_t epoch, std::uint8_t ct) {
    Bytes m = {0, 1, 0, 2, static_cast<std::uint8_t>(gid.size())};
    m.insert(m.end(), gid.begin(), gid.end());
    for (int i = 7; i >= 0; --i) m.push_back(static_cast<std::uint8_t>(epoch >> (8 * i)));
    m.push_back(ct);
    m.push_back(0);                      // authenticated_data
    m.insert(m.end(), {3, 9, 9, 9});     // encrypted_sender_data
    m.insert(m.end(), {4, 1, 2, 3, 4});  // ciphertext
    return m;
}

TEST(MlsHeader, ParsesPrivateMessage) {
    Bytes gid = {1, 2, 3, 4, 5, 6, 7, 8};
    auto r = parse_mls_header(private_msg(gid, 0x0102030405060708ull, 1));
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto& h = std::get<0>(r);
    EXPECT_EQ(h.wire_format, relay::WireFormat::private_message);
    EXPECT_EQ(h.group_id, gid);
    EXPECT_EQ(h.epoch, 0x0102030405060708ull);
    EXPECT_EQ(h.content_type, relay::ContentType::application);
}

TEST(MlsHeader, ParsesPublicMessageHeader) {
    // version, wire 1, group_id<V> "ab", epoch 5, sender member(1) leaf 7, aad<V> empty,
    // content_type commit, then the (unparsed) rest.
    Bytes m = {0, 1, 0, 1, 2, 'a', 'b', 0, 0, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0, 7, 0, 3, 0xee};
    auto r = parse_mls_header(m);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(std::get<0>(r).content_type, relay::ContentType::commit);
    EXPECT_EQ(std::get<0>(r).epoch, 5u);
    m[15] = 9;  // unknown sender type
    EXPECT_EQ(parse_mls_header(m).index(), 1u);
    Bytes nm = {0, 1, 0, 1, 2, 'a', 'b', 0, 0,
                0, 0, 0, 0, 0, 5,   4,   0, 2};  // new_member_commit, no body
    EXPECT_EQ(parse_mls_header(nm).index(), 1u);
    nm.push_back(1);
    EXPECT_EQ(parse_mls_header(nm).index(), 0u);
}

TEST(MlsHeader, RejectsEveryTruncationAndTrailingBytes) {
    Bytes m = private_msg({9, 9, 9}, 3, 2);
    for (std::size_t n = 0; n < m.size(); ++n) {
        EXPECT_EQ(parse_mls_header({m.data(), n}).index(), 1u) << n;
    }
    m.push_back(0);
    EXPECT_EQ(parse_mls_header(m).index(), 1u);
}

TEST(MlsHeader, VarintRules) {
    // Two-byte varint for a length that fits in one byte: non-minimal, rejected.
    Bytes nonmin = {0, 1, 0, 2, 0x40, 0x03, 1, 2, 3};
    auto r = parse_mls_header(nonmin);
    ASSERT_EQ(r.index(), 1u);
    EXPECT_NE(r.error().message.find("non-minimal"), std::string::npos);
    Bytes bad_prefix = {0, 1, 0, 2, 0xc0, 0, 0, 0, 0, 0, 0, 1};
    EXPECT_NE(parse_mls_header(bad_prefix).error().message.find("prefix"), std::string::npos);
    // 4-byte length far beyond the buffer and the group id limit: bounded, no allocation.
    Bytes huge = {0, 1, 0, 2, 0xbf, 0xff, 0xff, 0xff};
    EXPECT_EQ(parse_mls_header(huge).index(), 1u);
    // A group id of 64 bytes needs the 2-byte form (0x40 0x40).
    Bytes gid(64, 7);
    Bytes m = {0, 1, 0, 2, 0x40, 0x40};
    m.insert(m.end(), gid.begin(), gid.end());
    for (int i = 0; i < 8; ++i) m.push_back(0);
    m.insert(m.end(), {1, 0, 1, 5, 1, 6});
    auto ok = parse_mls_header(m);
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(std::get<0>(ok).group_id, gid);
}

TEST(MlsHeader, RejectsWrongVersionWireFormatContentType) {
    Bytes m = private_msg({1}, 0, 1);
    m[1] = 2;
    EXPECT_EQ(parse_mls_header(m).index(), 1u);
    m = private_msg({1}, 0, 1);
    m[3] = 6;
    EXPECT_EQ(parse_mls_header(m).index(), 1u);
    EXPECT_EQ(parse_mls_header(private_msg({1}, 0, 0)).index(), 1u);
    EXPECT_EQ(parse_mls_header(private_msg({1}, 0, 4)).index(), 1u);
    EXPECT_EQ(parse_mls_header(private_msg({}, 0, 1)).index(), 1u);  // empty group id
    Bytes welcome = {0, 1, 0, 3, 1, 2, 3};
    auto w = parse_mls_header(welcome);
    ASSERT_EQ(w.index(), 0u);
    EXPECT_EQ(std::get<0>(w).wire_format, relay::WireFormat::welcome);
    EXPECT_EQ(parse_mls_header(Bytes{0, 1, 0, 3}).index(), 1u);
}

TEST(MlsHeader, RandomInputNeverCrashes) {
    std::uint64_t state = 1;
    for (int i = 0; i < 20000; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        Bytes b(static_cast<std::size_t>(state >> 58));
        for (auto& x : b) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            x = static_cast<std::uint8_t>(state >> 56);
        }
        if (b.size() >= 2) {
            b[0] = 0;
            b[1] = 1;
        }
        (void)parse_mls_header(b);
    }
}

// ---- certificates ----

struct CertFixture : ::testing::Test {
    crypto::Ed25519KeyPair root = crypto::ed25519_generate();
    crypto::Ed25519KeyPair device = crypto::ed25519_generate();
    cert::TrustStore trust;

    void SetUp() override {
        cert::v1::OrganisationRoot r;
        r.set_organisation_id("skola.example");
        r.set_root_public_key(std::string(root.public_key.begin(), root.public_key.end()));
        ASSERT_TRUE(trust.add_root(r).ok());
    }
    cert::v1::MemberCertificateBody body() {
        cert::v1::MemberCertificateBody b;
        b.set_version(1);
        b.set_serial(42);
        b.set_member_id("m1");
        b.set_display_name("Anna Andersson");
        b.set_organisation_id("skola.example");
        b.set_authority_type(cert::v1::AUTHORITY_TYPE_SCHOOL);
        b.set_role("kurator");
        b.set_device_public_key(std::string(device.public_key.begin(), device.public_key.end()));
        b.set_not_before(1000);
        b.set_not_after(2000);
        return b;
    }
};

TEST_F(CertFixture, VerifiesAndChecksValidity) {
    auto c = std::get<0>(cert::issue_certificate(body(), root.seed.view()));
    auto ok = trust.verify(c, 1500);
    ASSERT_EQ(ok.index(), 0u) << std::get<1>(ok).message;
    EXPECT_EQ(std::get<0>(ok).display_name(), "Anna Andersson");
    EXPECT_EQ(std::get<1>(trust.verify(c, 999)).code, cert::CertErrc::not_yet_valid);
    EXPECT_EQ(std::get<1>(trust.verify(c, 2000)).code, cert::CertErrc::expired);
    // Issuing is deterministic.
    auto c2 = std::get<0>(cert::issue_certificate(body(), root.seed.view()));
    EXPECT_EQ(c.body(), c2.body());
}

TEST_F(CertFixture, RejectsTamperingAndWrongRoot) {
    auto c = std::get<0>(cert::issue_certificate(body(), root.seed.view()));
    for (std::size_t i = 0; i < c.body().size(); ++i) {
        auto t = c;
        std::string b = t.body();
        b[i] ^= 0x01;
        t.set_body(b);
        auto r = trust.verify(t, 1500);
        ASSERT_EQ(r.index(), 1u) << i;
    }
    auto other = crypto::ed25519_generate();
    auto forged = std::get<0>(cert::issue_certificate(body(), other.seed.view()));
    EXPECT_EQ(std::get<1>(trust.verify(forged, 1500)).code, cert::CertErrc::bad_signature);
    auto b = body();
    b.set_organisation_id("polis.example");
    auto unknown = std::get<0>(cert::issue_certificate(b, root.seed.view()));
    EXPECT_EQ(std::get<1>(trust.verify(unknown, 1500)).code, cert::CertErrc::unknown_organisation);
    b = body();
    b.set_authority_type(cert::v1::AUTHORITY_TYPE_UNSPECIFIED);
    EXPECT_EQ(
        std::get<1>(trust.verify(std::get<0>(cert::issue_certificate(b, root.seed.view())), 1500))
            .code,
        cert::CertErrc::malformed);
}

// A compromised (or careless) school root cannot issue a "police" certificate: the legal
// check believes the authority a verified certificate names.
TEST_F(CertFixture, CertificateMustNameItsRootsAuthorityType) {
    cert::TrustStore typed;
    cert::v1::OrganisationRoot r;
    r.set_organisation_id("skola.example");
    r.set_authority_type(cert::v1::AUTHORITY_TYPE_SCHOOL);
    r.set_root_public_key(std::string(root.public_key.begin(), root.public_key.end()));
    ASSERT_TRUE(typed.add_root(r).ok());
    auto ok = typed.verify(std::get<0>(cert::issue_certificate(body(), root.seed.view())), 1500);
    EXPECT_EQ(ok.index(), 0u);
    auto b = body();
    b.set_authority_type(cert::v1::AUTHORITY_TYPE_POLICE);
    auto police = typed.verify(std::get<0>(cert::issue_certificate(b, root.seed.view())), 1500);
    ASSERT_EQ(police.index(), 1u);
    EXPECT_EQ(std::get<1>(police).code, cert::CertErrc::malformed);
}

TEST_F(CertFixture, DomainSeparationBetweenCertificateAndRevocationList) {
    // A revocation list signature must not pass as a certificate signature over the
    // same bytes.
    auto c = std::get<0>(cert::issue_certificate(body(), root.seed.view()));
    auto sig = crypto::ed25519_sign(
        root.seed.view(),
        cert::signed_bytes(
            cert::kRevocationListLabel,
            {reinterpret_cast<const std::uint8_t*>(c.body().data()), c.body().size()}));
    c.set_signature(std::string(sig->begin(), sig->end()));
    EXPECT_EQ(std::get<1>(trust.verify(c, 1500)).code, cert::CertErrc::bad_signature);
}

TEST_F(CertFixture, RevocationBySerialAndKeyAndSequence) {
    auto c = std::get<0>(cert::issue_certificate(body(), root.seed.view()));
    cert::v1::RevocationListBody rb;
    rb.set_organisation_id("skola.example");
    rb.set_sequence(5);
    rb.add_revoked_serials(42);
    auto list = std::get<0>(cert::issue_revocation_list(rb, root.seed.view()));
    ASSERT_EQ(trust.install_revocation_list(list).index(), 0u);
    EXPECT_EQ(std::get<1>(trust.verify(c, 1500)).code, cert::CertErrc::revoked);
    EXPECT_EQ(std::get<1>(trust.install_revocation_list(list)).code, cert::CertErrc::stale);
    rb.set_sequence(6);
    rb.clear_revoked_serials();
    auto list2 = std::get<0>(cert::issue_revocation_list(rb, root.seed.view()));
    ASSERT_EQ(trust.install_revocation_list(list2).index(), 0u);
    EXPECT_EQ(trust.verify(c, 1500).index(), 0u);  // a newer list replaces the old one
    rb.set_sequence(7);
    rb.add_revoked_device_keys(std::string(device.public_key.begin(), device.public_key.end()));
    ASSERT_EQ(
        trust
            .install_revocation_list(std::get<0>(cert::issue_revocation_list(rb, root.seed.view())))
            .index(),
        0u);
    EXPECT_EQ(std::get<1>(trust.verify(c, 1500)).code, cert::CertErrc::revoked);
    auto other = crypto::ed25519_generate();
    rb.set_sequence(8);
    EXPECT_EQ(std::get<1>(trust.install_revocation_list(
                              std::get<0>(cert::issue_revocation_list(rb, other.seed.view()))))
                  .code,
              cert::CertErrc::bad_signature);
}

// ---- config ----

TEST(Config, ParsesAndValidates) {
    auto ok = relay::parse_config(
        "listen = \"unix:/tmp/x.sock\"\ndatabase = \"r.db\"\n[limits]\nttl_seconds = 60\n"
        "[[trust]]\norganisation_id = \"o\"\nroot_public_key = \"" +
            std::string(64, 'a') + "\"\n",
        "/base");
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    EXPECT_EQ(ok.value().database, "/base/r.db");
    EXPECT_EQ(ok.value().storage.ttl_seconds, 60);
    EXPECT_EQ(ok.value().max_envelope_bytes, 1024u * 1024u);
    EXPECT_EQ(ok.value().trust.size(), 1u);
    EXPECT_EQ(relay::parse_config("listen = \"0.0.0.0:1\"\n", "/").index(), 1u);  // TCP without TLS
    EXPECT_EQ(relay::parse_config("[limits]\nttl_seconds = -5\n", "/").index(), 1u);
    // An integer limit written as a float is refused, however large (toml++ would cast it:
    // undefined behaviour past int64, found by relay_config_fuzz); in range, too.
    for (const char* v : {"10055555555555555555.5", "1e+40", "-1e+40", "100.0", "nan", "inf"}) {
        auto r = relay::parse_config(std::string("[limits]\nmax_list_entries = ") + v + "\n", "/");
        ASSERT_FALSE(r.ok()) << v;
        EXPECT_EQ(r.error().code, relay::ConfigErrc::invalid) << v;
        EXPECT_NE(r.error().message.find("max_list_entries"), std::string::npos)
            << r.error().message;
    }
    EXPECT_TRUE(relay::parse_config("[limits]\nmax_list_entries = 100\n", "/").ok());
    // A float limit still takes an integer.
    EXPECT_TRUE(relay::parse_config("[limits]\nrate_per_second = 5\n", "/").ok());
    EXPECT_EQ(
        relay::parse_config("[[trust]]\norganisation_id = \"o\"\nroot_public_key = \"zz\"\n", "/")
            .index(),
        1u);
    auto not_toml = relay::parse_config("this is = = not toml", "/");
    ASSERT_FALSE(not_toml.ok());
    EXPECT_EQ(not_toml.error().code, relay::ConfigErrc::syntax);
    EXPECT_EQ(not_toml.error().message.rfind("config", 0), 0u) << not_toml.error().message;
    auto bad_hex = relay::parse_config(
        "[[trust]]\norganisation_id = \"o\"\nroot_public_key = \"" + std::string(63, 'a') + "g\"\n",
        "/");
    ASSERT_FALSE(bad_hex.ok());
    EXPECT_EQ(bad_hex.error().code, relay::ConfigErrc::invalid);
    EXPECT_EQ(relay::load_config("/nonexistent/lagrum/relay.toml").error().code,
              relay::ConfigErrc::unreadable);
}

// trust_files: text-format OrganisationRoot files, relative to the config's folder,
// appended after the [[trust]] tables; every problem names the file.
TEST(Config, TrustFilesAreTextFormatRootsRelativeToTheConfig) {
    std::string tmpl = (fs::temp_directory_path() / "lagrum-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    const fs::path dir = tmpl;
    struct Remove {
        fs::path p;
        ~Remove() { fs::remove_all(p); }
    } remove{dir};
    fs::create_directories(dir / "org");
    cert::v1::OrganisationRoot root;
    root.set_organisation_id("se.example.skolan");
    root.set_name("Skolan");
    root.set_authority_type(cert::v1::AUTHORITY_TYPE_SCHOOL);
    root.set_root_public_key(std::string(32, '\x42'));
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(root, &text));
    std::ofstream(dir / "org" / "anchor.txtpb") << text;
    const std::string table =
        "[[trust]]\norganisation_id = \"o\"\nroot_public_key = \"" + std::string(64, 'a') + "\"\n";

    auto ok = relay::parse_config("trust_files = [\"org/anchor.txtpb\"]\n" + table, dir.string());
    ASSERT_TRUE(ok.ok()) << ok.error().message;
    const auto& trust = ok.value().trust;
    ASSERT_EQ(trust.size(), 2u);
    EXPECT_EQ(trust[0].organisation_id(), "o");
    EXPECT_EQ(trust[1].SerializeAsString(), root.SerializeAsString());
    // load_config resolves against the file's own folder, not the working directory.
    std::ofstream(dir / "relay.toml") << "trust_files = [\"org/anchor.txtpb\"]\n";
    auto loaded = relay::load_config((dir / "relay.toml").string());
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded.value().trust.size(), 1u);
    EXPECT_EQ(loaded.value().trust[0].name(), "Skolan");
    // Absolute paths are taken as they are.
    auto absolute = relay::parse_config(
        "trust_files = [\"" + (dir / "org" / "anchor.txtpb").string() + "\"]\n", "/elsewhere");
    ASSERT_TRUE(absolute.ok()) << absolute.error().message;

    auto error_for = [&](const std::string& file_text, const std::string& name) {
        std::ofstream(dir / name) << file_text;
        auto r = relay::parse_config("trust_files = [\"" + name + "\"]\n", dir.string());
        EXPECT_FALSE(r.ok()) << name;
        return r.ok() ? std::string() : r.error().message;
    };
    const std::string missing_key = "organisation_id: \"x\"\n";
    const std::string short_key = "organisation_id: \"x\"\nroot_public_key: \"abc\"\n";
    const std::string no_id = "root_public_key: \"" + std::string(32, 'k') + "\"\n";
    for (const auto& [body, name] :
         std::vector<std::pair<std::string, std::string>>{{"not { text format", "garbage.txtpb"},
                                                          {"unknown_field: 1\n", "unknown.txtpb"},
                                                          {missing_key, "nokey.txtpb"},
                                                          {short_key, "short.txtpb"},
                                                          {no_id, "noid.txtpb"}}) {
        const auto err = error_for(body, name);
        EXPECT_NE(err.find((dir / name).string()), std::string::npos) << err;
    }
    auto unreadable = relay::parse_config("trust_files = [\"nope.txtpb\"]\n", dir.string());
    ASSERT_FALSE(unreadable.ok());
    EXPECT_EQ(unreadable.error().code, relay::ConfigErrc::unreadable);
    EXPECT_NE(unreadable.error().message.find((dir / "nope.txtpb").string()), std::string::npos);
    EXPECT_EQ(relay::parse_config("trust_files = \"org/anchor.txtpb\"\n", dir.string()).index(),
              1u);
    EXPECT_EQ(relay::parse_config("trust_files = [1]\n", dir.string()).index(), 1u);
}

// ---- Storage backends: every test runs on SQLite and on PostgreSQL ----

struct StorageFixture : ::testing::TestWithParam<std::string> {
    fs::path dir;
    std::string schema;  // PostgreSQL: this test's schema on the run's server
    bool postgres() const { return GetParam() == "postgres"; }
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "lagrum-store-XXXXXX").string();
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        dir = tmpl;
        if (postgres()) {
            std::string why;
            if (!lagrum::testing::shared_postgres(&why)) GTEST_SKIP() << why;
            schema = "u_" + std::to_string(getpid()) + "_" + dir.filename().string().substr(13);
            for (auto& ch : schema) ch = static_cast<char>(std::tolower(ch));
        }
    }
    void TearDown() override {
        fs::remove_all(dir);
        if (!schema.empty()) lagrum::testing::shared_postgres()->drop_schema(schema);
    }
    std::string db() const { return (dir / "relay.db").string(); }
    // A new storage on this test's database (the same one each time: reopening).
    std::unique_ptr<relay::Storage> open(relay::StorageLimits limits = {}) {
        if (postgres()) {
            return std::make_unique<relay::PostgresStorage>(
                lagrum::testing::shared_postgres()->schema_uri(schema), limits);
        }
        return std::make_unique<relay::SqliteStorage>(db(), limits);
    }
    static int schema_version(relay::Storage& s) {
        if (auto* p = dynamic_cast<relay::PostgresStorage*>(&s)) return p->schema_version();
        return dynamic_cast<relay::SqliteStorage&>(s).schema_version();
    }
    int expected_schema() const {
        return postgres() ? relay::PostgresStorage::kSchemaVersion
                          : relay::SqliteStorage::kSchemaVersion;
    }
    static std::uint64_t callback_errors(relay::Storage& s) {
        if (auto* p = dynamic_cast<relay::PostgresStorage*>(&s)) return p->callback_errors();
        return dynamic_cast<relay::SqliteStorage&>(s).callback_errors();
    }
    static Bytes dev(std::uint8_t n) { return Bytes(32, n); }
    void register_devices(relay::Storage& s, int n) {
        for (int i = 1; i <= n; ++i) {
            ASSERT_TRUE(s.put_device({dev(static_cast<std::uint8_t>(i)), "o", "m", 1, 0}).ok());
        }
    }
};

TEST_P(StorageFixture, SchemaMigratedAndReopenable) {
    {
        auto owned = open();
        auto& s = *owned;
        EXPECT_EQ(schema_version(s), expected_schema());
        ASSERT_TRUE(s.create_group(Bytes{1}, dev(1), 0).ok());
    }
    auto owned = open();
    auto& s = *owned;
    EXPECT_EQ(schema_version(s), expected_schema());
    auto g = s.get_group(Bytes{1});
    ASSERT_TRUE(g.ok());
    EXPECT_EQ(g.value().members.size(), 1u);
}

TEST_P(StorageFixture, KeyPackagesAtomicUnderConcurrency) {
    auto owned = open();
    auto& s = *owned;
    std::vector<Bytes> kps;
    for (int i = 0; i < 500; ++i)
        kps.push_back(Bytes{static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8)});
    ASSERT_EQ(s.publish_key_packages(dev(1), kps, Bytes{0xff, 0xff, 0xff}).value(), 500u);
    std::mutex mu;
    std::set<Bytes> seen;
    std::atomic<int> dups{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t) {
        ts.emplace_back([&] {
            for (;;) {
                auto r = s.fetch_key_package(dev(1), false);
                ASSERT_TRUE(r.ok());
                ASSERT_TRUE(r.value().has_value());
                if (r.value()->last_resort) return;
                std::lock_guard lock(mu);
                if (!seen.insert(r.value()->data).second) ++dups;
            }
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(dups.load(), 0);
    EXPECT_EQ(seen.size(), 500u);
    EXPECT_EQ(s.count_key_packages(dev(1)).value().one_time, 0u);
    // Concurrency batched several requests per transaction (SQLite's group commit).
    if (auto* lite = dynamic_cast<relay::SqliteStorage*>(&s)) {
        EXPECT_GT(lite->batched_requests(), lite->commits());
    }
}

TEST_P(StorageFixture, CommitCompareAndSetAndFanOut) {
    auto owned = open();
    auto& s = *owned;
    register_devices(s, 3);
    const Bytes g{7, 7};
    ASSERT_TRUE(s.create_group(g, dev(1), 10).ok());
    relay::CommitRequest c;
    c.group_id = g;
    c.sender = dev(1);
    c.envelope_id = Bytes(16, 1);
    c.epoch = 0;
    c.commit = {1, 2, 3};
    c.added = {dev(2), dev(3)};
    c.welcome = {9};
    c.welcome_to = {dev(2), dev(3)};
    c.now = 10;
    auto r = s.commit(c);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().epoch, 1u);
    c.envelope_id = Bytes(16, 2);
    auto lose = s.commit(c);
    ASSERT_FALSE(lose.ok());
    EXPECT_EQ(lose.error().code, relay::StoreErrc::epoch_mismatch);
    EXPECT_EQ(lose.error().current_epoch, 1u);
    // Retrying the winning envelope is idempotent.
    c.envelope_id = Bytes(16, 1);
    auto again = s.commit(c);
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(again.value().duplicate);

    relay::MessageRequest m{g, dev(2), Bytes(16, 3), 1, {5, 5}, 11};
    auto sent = s.send(m);
    ASSERT_TRUE(sent.ok());
    EXPECT_EQ(sent.value().recipients, 2u);
    auto box = s.read_mailbox(dev(3), 0, 100, 1 << 20, 11);
    ASSERT_TRUE(box.ok());
    ASSERT_EQ(box.value().size(), 2u);
    EXPECT_EQ(box.value()[0].body.kind, relay::DeliveryKind::welcome);
    EXPECT_EQ(box.value()[1].body.payload, (Bytes{5, 5}));
    EXPECT_EQ(s.ack(dev(3), box.value()[0].seq).value(), 1u);
    EXPECT_EQ(s.read_mailbox(dev(3), 0, 100, 1 << 20, 11).value().size(), 1u);
}

// Fan-out by a message's epoch: a late application message of epoch 1 (sent before,
// stored after the Commit that added dev(4) and led to epoch 2) goes to the members of
// epoch 1 only, so dev(4) learns nothing of it, not even its size and time. A message
// of epoch 2 reaches dev(4). A removed member gets nothing of either (as before), and
// one added back counts from the Commit that added it back.
TEST_P(StorageFixture, MessageOfAnEarlierEpochSkipsMembersAddedSince) {
    auto owned = open();
    auto& s = *owned;
    register_devices(s, 5);
    const Bytes g{4, 2};
    ASSERT_TRUE(s.create_group(g, dev(1), 10).ok());
    const std::vector<Bytes> first{dev(2), dev(3), dev(5)};
    ASSERT_TRUE(s.commit({g, dev(1), Bytes(16, 1), 0, {1}, first, {}, {9}, first, 10}).ok());
    // Epoch 1 -> 2: dev(4) in, dev(5) out.
    auto r = s.commit({g, dev(1), Bytes(16, 2), 1, {2}, {dev(4)}, {dev(5)}, {9}, {dev(4)}, 11});
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r.value().epoch, 2u);
    auto late = s.send({g, dev(2), Bytes(16, 3), 1, {0x01}, 12});
    ASSERT_TRUE(late.ok()) << late.error().message;
    EXPECT_EQ(late.value().recipients, 2u);  // dev(1), dev(3)
    auto now = s.send({g, dev(2), Bytes(16, 4), 2, {0x02}, 13});
    ASSERT_TRUE(now.ok()) << now.error().message;
    EXPECT_EQ(now.value().recipients, 3u);  // dev(1), dev(3), dev(4)
    // The creator is in from epoch 0: a message of epoch 0 still reaches it.
    auto oldest = s.send({g, dev(3), Bytes(16, 5), 0, {0x00}, 14});
    ASSERT_TRUE(oldest.ok()) << oldest.error().message;
    EXPECT_EQ(oldest.value().recipients, 1u);  // dev(1) only
    auto payloads = [&](std::uint8_t d) {
        std::vector<Bytes> out;
        const auto box = s.read_mailbox(dev(d), 0, 100, 1 << 20, 20);
        for (const auto& del : box.value()) {
            if (del.body.kind == relay::DeliveryKind::message) out.push_back(del.body.payload);
        }
        return out;
    };
    EXPECT_EQ(payloads(1), (std::vector<Bytes>{{0x01}, {0x02}, {0x00}}));
    EXPECT_EQ(payloads(3), (std::vector<Bytes>{{0x01}, {0x02}}));
    EXPECT_EQ(payloads(4), (std::vector<Bytes>{{0x02}}));
    EXPECT_TRUE(payloads(5).empty());
    const auto box4 = s.read_mailbox(dev(4), 0, 100, 1 << 20, 20).value();
    ASSERT_EQ(box4.size(), 2u);  // its Welcome, then the message of epoch 2
    EXPECT_EQ(box4[0].body.kind, relay::DeliveryKind::welcome);
    // dev(5) added back at epoch 2 -> 3: in from epoch 3, not from its first stay.
    ASSERT_TRUE(s.commit({g, dev(1), Bytes(16, 6), 2, {3}, {dev(5)}, {}, {9}, {dev(5)}, 15}).ok());
    ASSERT_TRUE(s.send({g, dev(2), Bytes(16, 7), 2, {0x12}, 16}).ok());
    ASSERT_TRUE(s.send({g, dev(2), Bytes(16, 8), 3, {0x13}, 16}).ok());
    EXPECT_EQ(payloads(5), (std::vector<Bytes>{{0x13}}));
    EXPECT_EQ(payloads(4), (std::vector<Bytes>{{0x02}, {0x12}, {0x13}}));
    // Stored, not remembered: the same after reopening.
    owned.reset();
    owned = open();
    ASSERT_TRUE(owned->send({g, dev(2), Bytes(16, 9), 1, {0x21}, 17}).ok());
    auto box = owned->read_mailbox(dev(4), 0, 100, 1 << 20, 20).value();
    EXPECT_EQ(box.back().body.payload, (Bytes{0x13}));
    box = owned->read_mailbox(dev(3), 0, 100, 1 << 20, 20).value();
    EXPECT_EQ(box.back().body.payload, (Bytes{0x21}));
}

TEST_P(StorageFixture, QuotaAndExpiry) {
    relay::StorageLimits lim;
    lim.mailbox_max_count = 3;
    lim.ttl_seconds = 100;
    lim.mailbox_sender_share_percent = 100;  // one sender may fill it (tested on its own)
    lim.mailbox_commit_reserve_percent = 0;
    auto owned = open(lim);
    auto& s = *owned;
    register_devices(s, 2);
    const Bytes g{1};
    ASSERT_TRUE(s.create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g, dev(1), Bytes(16, 0), 0, {1}, {dev(2)}, {}, {9}, {dev(2)}, 0};
    ASSERT_TRUE(s.commit(c).ok());
    for (std::uint8_t i = 1; i <= 2; ++i) {
        ASSERT_TRUE(s.send({g, dev(1), Bytes(16, i), 1, {i}, 50}).ok());
    }
    auto full = s.send({g, dev(1), Bytes(16, 9), 1, {9}, 50});
    ASSERT_FALSE(full.ok());
    EXPECT_EQ(full.error().code, relay::StoreErrc::quota_exceeded);
    EXPECT_EQ(s.read_mailbox(dev(2), 0, 10, 1 << 20, 120).value().size(), 2u);  // commit expired
    EXPECT_EQ(s.expire(120).value(), 1u);
    ASSERT_TRUE(s.send({g, dev(1), Bytes(16, 9), 1, {9}, 120}).ok());  // room again
    EXPECT_EQ(s.expire(1000).value(), 3u);
    EXPECT_TRUE(s.read_mailbox(dev(2), 0, 10, 1 << 20, 0).value().empty());
}

TEST_P(StorageFixture, SenderShareIsReleasedByAckAndExpiry) {
    relay::StorageLimits lim;
    lim.mailbox_max_count = 40;  // share 10 %: 4 per sender; messages up to 36
    lim.ttl_seconds = 100;
    auto owned = open(lim);
    auto& s = *owned;
    register_devices(s, 3);
    const Bytes g{1};
    ASSERT_TRUE(s.create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g, dev(1), Bytes(16, 0), 0, {1}, {dev(2)}, {}, {9}, {dev(2)}, 0};
    ASSERT_TRUE(s.commit(c).ok());  // dev(2): 1 from dev(1)
    std::uint8_t n = 1;
    auto send_one = [&](std::int64_t now) {
        return s.send({g, dev(1), Bytes(16, n++), 1, {7}, now});
    };
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(send_one(0).ok());
    EXPECT_EQ(send_one(0).error().code, relay::StoreErrc::quota_exceeded);
    auto rows = s.read_mailbox(dev(2), 0, 10, 1 << 20, 0).value();
    ASSERT_EQ(rows.size(), 4u);
    ASSERT_EQ(s.ack(dev(2), rows[1].seq).value(), 2u);
    ASSERT_TRUE(send_one(50).ok());
    ASSERT_TRUE(send_one(50).ok());
    EXPECT_FALSE(send_one(50).ok());
    EXPECT_EQ(s.expire(100).value(), 2u);  // the two from time 0
    ASSERT_TRUE(send_one(100).ok());
    ASSERT_TRUE(send_one(100).ok());
    EXPECT_FALSE(send_one(100).ok());
}

TEST_P(StorageFixture, ThrowingCallbacksDoNotStopTheCompleter) {
    // Before: the completer thread had no try, so this terminated the process.
    auto owned = open();
    auto& s = *owned;
    register_devices(s, 2);
    const Bytes g{1};
    ASSERT_TRUE(s.create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g, dev(1), Bytes(16, 0), 0, {1}, {dev(2)}, {}, {9}, {dev(2)}, 0};
    ASSERT_TRUE(s.commit(c).ok());
    s.set_commit_listener([](const std::vector<relay::CommittedDelivery>&) {
        throw std::runtime_error("listener failed");
    });
    ASSERT_TRUE(s.send({g, dev(1), Bytes(16, 1), 1, {1}, 0}).ok());
    std::promise<void> thrown;
    s.send_async({g, dev(1), Bytes(16, 2), 1, {2}, 0}, [&](relay::StoreResult<relay::SendResult>) {
        thrown.set_value();
        throw std::runtime_error("caller's callback failed");
    });
    thrown.get_future().wait();
    s.set_commit_listener({});
    ASSERT_TRUE(s.send({g, dev(1), Bytes(16, 3), 1, {3}, 0}).ok());  // still answered
    EXPECT_EQ(s.read_mailbox(dev(2), 0, 10, 1 << 20, 0).value().size(), 4u);
    EXPECT_EQ(callback_errors(s), 3u);
}

TEST_P(StorageFixture, ClosedStorageRefusesWrites) {
    auto owned = open();
    auto& s = *owned;
    s.close();
    auto r = s.create_group(Bytes{1}, dev(1), 0);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, relay::StoreErrc::unavailable);
}

// ---- Live hand-off: the storage's commit listener and the service's MailboxHub ----

struct RelayStorageFixture : StorageFixture {};

TEST_P(RelayStorageFixture, CommitListenerReportsExactlyTheCommittedRows) {
    relay::StorageLimits lim;
    lim.mailbox_max_count = 6;
    lim.ttl_seconds = 100;
    lim.mailbox_sender_share_percent = 100;  // one sender may fill it: the quota is the point
    lim.mailbox_commit_reserve_percent = 0;
    auto owned = open(lim);
    auto& s = *owned;
    std::mutex mu;
    std::vector<relay::CommittedDelivery> rows;
    s.set_commit_listener([&](const std::vector<relay::CommittedDelivery>& r) {
        std::lock_guard lock(mu);
        rows.insert(rows.end(), r.begin(), r.end());
    });
    auto reported = [&] {
        std::lock_guard lock(mu);
        return rows.size();
    };
    register_devices(s, 4);
    const Bytes g{3};
    ASSERT_TRUE(s.create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g,  dev(1), Bytes(16, 0),     0, {1}, {dev(2), dev(3)},
                           {}, {9},    {dev(2), dev(3)}, 5};
    ASSERT_TRUE(s.commit(c).ok());
    EXPECT_EQ(reported(), 2u);  // the two welcomes, reported before commit() returned
    ASSERT_TRUE(s.send({g, dev(1), Bytes(16, 1), 7, {1, 2}, 6}).ok());
    EXPECT_EQ(reported(), 4u);
    // A duplicate and a refused request add nothing.
    EXPECT_TRUE(s.send({g, dev(1), Bytes(16, 1), 7, {1, 2}, 6}).value().duplicate);
    EXPECT_FALSE(s.send({g, dev(4), Bytes(16, 2), 7, {1}, 6}).ok());
    EXPECT_EQ(reported(), 4u);
    // Many requests in flight at once, some over quota: those roll back to their
    // savepoint inside a shared transaction and must not be reported.
    std::vector<std::future<relay::StoreResult<relay::SendResult>>> results;
    for (std::uint8_t i = 10; i < 20; ++i) {
        auto p = std::make_shared<std::promise<relay::StoreResult<relay::SendResult>>>();
        results.push_back(p->get_future());
        s.send_async({g, dev(1), Bytes(16, i), 7, {i}, 6},
                     [p](relay::StoreResult<relay::SendResult> r) { p->set_value(std::move(r)); });
    }
    int accepted = 0;
    for (auto& f : results) accepted += f.get().ok() ? 1 : 0;
    EXPECT_EQ(accepted, 4);  // 6 per mailbox: welcome + first message + 4
    for (std::uint8_t d = 2; d <= 3; ++d) {
        auto box = s.read_mailbox(dev(d), 0, 100, 1 << 20, 6);
        ASSERT_TRUE(box.ok());
        std::vector<relay::CommittedDelivery> mine;
        {
            std::lock_guard lock(mu);
            for (const auto& r : rows) {
                if (r.device == dev(d)) mine.push_back(r);
            }
        }
        ASSERT_EQ(mine.size(), box.value().size());
        for (std::size_t i = 0; i < mine.size(); ++i) {
            const auto& want = box.value()[i];
            EXPECT_EQ(mine[i].seq, want.seq);
            EXPECT_EQ(mine[i].body->envelope_id, want.body.envelope_id);
            EXPECT_EQ(mine[i].body->group_id, want.body.group_id);
            EXPECT_EQ(mine[i].body->kind, want.body.kind);
            EXPECT_EQ(mine[i].body->sender, want.body.sender);
            EXPECT_EQ(mine[i].body->epoch, want.body.epoch);
            EXPECT_EQ(mine[i].body->payload, want.body.payload);
            EXPECT_EQ(mine[i].body->received_at, want.body.received_at);
            EXPECT_EQ(mine[i].body->expires_at, want.body.received_at + 100);
        }
    }
    // Detached: nothing more is reported.
    s.set_commit_listener({});
    ASSERT_TRUE(s.ack(dev(2), UINT64_MAX).ok());
    ASSERT_TRUE(s.ack(dev(3), UINT64_MAX).ok());
    ASSERT_TRUE(s.send({g, dev(1), Bytes(16, 30), 7, {1}, 6}).ok());
    EXPECT_EQ(reported(), 12u);
}

// ---- PostgreSQL: several nodes on one database ----

struct PostgresNodes : StorageFixture {
    // Polls `cond` for up to 30 s (the notifier reconnects within a second or two).
    static bool eventually(const std::function<bool()>& cond) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            if (cond()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return cond();
    }
    // Collects what a node's commit listener reports.
    struct Collector {
        std::mutex mu;
        std::vector<relay::CommittedDelivery> rows;
        void attach(relay::Storage& s) {
            s.set_commit_listener([this](const std::vector<relay::CommittedDelivery>& r) {
                std::lock_guard lock(mu);
                rows.insert(rows.end(), r.begin(), r.end());
            });
        }
        std::vector<std::uint64_t> seqs(const Bytes& device) {
            std::lock_guard lock(mu);
            std::vector<std::uint64_t> out;
            for (const auto& r : rows) {
                if (r.device == device) out.push_back(r.seq);
            }
            return out;
        }
    };
};

TEST_P(PostgresNodes, EachNodeReportsEveryNodesDeliveriesOnceInSeqOrder) {
    auto a = open(), b = open();
    Collector on_a, on_b;
    on_a.attach(*a);
    on_b.attach(*b);
    register_devices(*a, 3);
    const Bytes g{4, 2};
    ASSERT_TRUE(a->create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g,  dev(1), Bytes(16, 0),     0, {1}, {dev(2), dev(3)},
                           {}, {9},    {dev(2), dev(3)}, 0};
    ASSERT_TRUE(a->commit(c).ok());
    // Two senders on two nodes at once, both into dev(2)'s mailbox.
    constexpr int kEach = 40;
    auto sender = [&](relay::Storage& s, std::uint8_t from, std::uint8_t tag) {
        for (int i = 0; i < kEach; ++i) {
            Bytes env(16, tag);
            env[0] = static_cast<std::uint8_t>(i);
            ASSERT_TRUE(
                s.send({g, dev(from), env, 1, {tag, static_cast<std::uint8_t>(i)}, 1}).ok());
        }
    };
    std::thread t1(sender, std::ref(*a), 1, 0xa1);
    std::thread t3(sender, std::ref(*b), 3, 0xb3);
    t1.join();
    t3.join();
    const std::size_t want = 1 + 2 * kEach;  // the Welcome and both senders' messages
    for (Collector* col : {&on_a, &on_b}) {
        ASSERT_TRUE(eventually([&] { return col->seqs(dev(2)).size() >= want; }))
            << col->seqs(dev(2)).size();
        auto seqs = col->seqs(dev(2));
        ASSERT_EQ(seqs.size(), want);                                             // nothing twice
        for (std::size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], i + 1);  // in order
    }
    // What was reported is what the store holds.
    auto box = b->read_mailbox(dev(2), 0, 1000, 1 << 24, 1);
    ASSERT_TRUE(box.ok());
    ASSERT_EQ(box.value().size(), want);
    std::lock_guard lock(on_b.mu);
    std::size_t k = 0;
    for (const auto& r : on_b.rows) {
        if (r.device != dev(2)) continue;
        EXPECT_EQ(r.body->payload, box.value()[k].body.payload);
        EXPECT_EQ(r.body->envelope_id, box.value()[k].body.envelope_id);
        ++k;
    }
    EXPECT_GT(dynamic_cast<relay::PostgresStorage&>(*b).remote_rows(), 0u);
}

TEST_P(PostgresNodes, CommitRaceAcrossNodesHasExactlyOneWinner) {
    auto a = open(), b = open();
    register_devices(*a, 2);
    const Bytes g{4, 3};
    ASSERT_TRUE(a->create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g, dev(1), Bytes(16, 0), 0, {1}, {dev(2)}, {}, {9}, {dev(2)}, 0};
    ASSERT_TRUE(a->commit(c).ok());
    std::atomic<int> won{0}, lost{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < 8; ++t) {
        ts.emplace_back([&, t] {
            relay::Storage& s = t % 2 ? *b : *a;
            relay::CommitRequest r{g,
                                   t % 2 ? dev(2) : dev(1),
                                   Bytes(16, static_cast<std::uint8_t>(0x40 + t)),
                                   1,
                                   {7},
                                   {},
                                   {},
                                   {},
                                   {},
                                   0};
            auto res = s.commit(r);
            if (res.ok()) {
                ++won;
            } else if (res.error().code == relay::StoreErrc::epoch_mismatch &&
                       res.error().current_epoch == 2) {
                ++lost;
            }
        });
    }
    for (auto& t : ts) t.join();
    EXPECT_EQ(won.load(), 1);
    EXPECT_EQ(lost.load(), 7);
    EXPECT_EQ(b->get_group(g).value().epoch, 2u);
}

TEST_P(PostgresNodes, LostListenConnectionIsRecoveredFromTheCounters) {
    auto a = open(), b = open();
    Collector on_b;
    on_b.attach(*b);
    register_devices(*a, 2);
    const Bytes g{4, 4};
    ASSERT_TRUE(a->create_group(g, dev(1), 0).ok());
    relay::CommitRequest c{g, dev(1), Bytes(16, 0), 0, {1}, {dev(2)}, {}, {9}, {dev(2)}, 0};
    ASSERT_TRUE(a->commit(c).ok());
    ASSERT_TRUE(eventually([&] { return on_b.seqs(dev(2)).size() == 1; }));
    auto& pb = dynamic_cast<relay::PostgresStorage&>(*b);
    const auto reconnects = pb.listen_reconnects();
    // The database ends every node's LISTEN connection (as a restart or failover would);
    // what is committed meanwhile must still reach b's listener, once and in order.
    lagrum::testing::shared_postgres()->query(
        lagrum::testing::PostgresServer::kTestDatabase,
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
        "application_name='lagrum-relay-listen' AND datname=current_database()");
    for (std::uint8_t i = 1; i <= 5; ++i)
        ASSERT_TRUE(a->send({g, dev(1), Bytes(16, i), 1, {i}, 0}).ok());
    ASSERT_TRUE(eventually([&] { return on_b.seqs(dev(2)).size() >= 6; }));
    EXPECT_EQ(on_b.seqs(dev(2)), (std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6}));
    EXPECT_GT(pb.listen_reconnects(), reconnects);
}

INSTANTIATE_TEST_SUITE_P(Backends, PostgresNodes, ::testing::Values("postgres"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
    return info.param;
}
INSTANTIATE_TEST_SUITE_P(Backends, StorageFixture, ::testing::Values("sqlite", "postgres"),
                         backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, RelayStorageFixture, ::testing::Values("sqlite", "postgres"),
                         backend_name);

relay::CommittedDelivery row(const Bytes& device, std::uint64_t seq, std::size_t size = 1) {
    auto body = std::make_shared<relay::DeliveryBody>();
    body->payload = Bytes(size, 0x5a);
    return {device, seq, body};
}

TEST(RelayHub, QueuesOnlyForAttachedStreamsInOrder) {
    relay::MailboxHub hub;
    const Bytes a(32, 1), b(32, 2);
    hub.publish({row(a, 1)});  // nobody attached: the store keeps it
    auto sa = hub.attach(a);
    auto sa2 = hub.attach(a);
    hub.publish({row(a, 2), row(b, 3), row(a, 4)});
    std::vector<relay::MailboxHub::Live> got;
    for (auto* s : {sa.get(), sa2.get()}) {
        got.clear();
        ASSERT_EQ(hub.take(*s, got, std::chrono::milliseconds(0)),
                  relay::MailboxHub::Taken::deliveries);
        ASSERT_EQ(got.size(), 2u);
        EXPECT_EQ(got[0].seq, 2u);
        EXPECT_EQ(got[1].seq, 4u);
    }
    got.clear();
    EXPECT_EQ(hub.take(*sa, got, std::chrono::milliseconds(0)), relay::MailboxHub::Taken::timeout);
    hub.detach(sa2);
    hub.publish({row(a, 5)});
    ASSERT_EQ(hub.take(*sa, got, std::chrono::milliseconds(0)),
              relay::MailboxHub::Taken::deliveries);
    EXPECT_EQ(got.size(), 1u);
    hub.detach(sa);
}

TEST(RelayHub, AckDropsQueuedDeliveries) {
    relay::MailboxHub hub;
    const Bytes a(32, 1);
    auto s = hub.attach(a);
    hub.publish({row(a, 1), row(a, 2), row(a, 3)});
    hub.acked(a, 2);
    std::vector<relay::MailboxHub::Live> got;
    ASSERT_EQ(hub.take(*s, got, std::chrono::milliseconds(0)),
              relay::MailboxHub::Taken::deliveries);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].seq, 3u);
    hub.detach(s);
}

TEST(RelayHub, OverflowSendsTheStreamBackToTheStoreAndRearms) {
    relay::MailboxHub hub(16);
    const Bytes a(32, 1);
    auto s = hub.attach(a);
    std::vector<relay::CommittedDelivery> many;
    for (std::uint64_t i = 1; i <= 17; ++i) many.push_back(row(a, i));
    hub.publish(many);
    hub.publish({row(a, 100000)});  // still overflowed: dropped too (the store has it)
    std::vector<relay::MailboxHub::Live> got;
    EXPECT_EQ(hub.take(*s, got, std::chrono::milliseconds(0)), relay::MailboxHub::Taken::overflow);
    EXPECT_TRUE(got.empty());
    // Re-armed: what is published after the overflow was reported is queued again.
    hub.publish({row(a, 100001)});
    ASSERT_EQ(hub.take(*s, got, std::chrono::milliseconds(0)),
              relay::MailboxHub::Taken::deliveries);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].seq, 100001u);
    // The byte bound works the same way.
    hub.publish({row(a, 100002, relay::MailboxHub::kMaxQueuedBytes + 1)});
    got.clear();
    EXPECT_EQ(hub.take(*s, got, std::chrono::milliseconds(0)), relay::MailboxHub::Taken::overflow);
    hub.detach(s);
}

TEST(RelayHub, ShutdownWakesWaitingStreams) {
    relay::MailboxHub hub;
    auto s = hub.attach(Bytes(32, 1));
    auto waiter = std::async(std::launch::async, [&] {
        std::vector<relay::MailboxHub::Live> got;
        // Long enough that only shutdown can end the wait within the test's run.
        return hub.take(*s, got, std::chrono::hours(1));
    });
    hub.shutdown();
    EXPECT_EQ(waiter.get(), relay::MailboxHub::Taken::shutdown);
    EXPECT_TRUE(hub.is_shutdown());
    hub.detach(s);
}

}  // namespace
