// `lagrum org init|issue|revoke` through the binary (exit codes, JSON, files).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lagrum/cert/cert.h"
#include "lagrum/core/pki/organisation.h"
#include "lagrum/crypto/ed25519.h"
#include "support.h"

namespace lagrum::pki_test {
namespace {

using nlohmann::json;

const std::map<std::string, std::string> kEnv = {{"LAGRUM_PASSPHRASE", "org secret"}};

std::size_t line_count(const std::string& s) {
    return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

ProcessResult init_org(const TempDir& dir, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"org",
                                     "init",
                                     (dir / "ca").string(),
                                     "--id",
                                     "se.malmo.soc",
                                     "--name",
                                     "Malmö socialtjänst",
                                     "--authority",
                                     "social_services",
                                     "--kdf",
                                     "test"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, kEnv);
}

ProcessResult issue(const TempDir& dir, const std::string& key, const std::string& out,
                    const std::map<std::string, std::string>& env = kEnv) {
    return run_cli({"org", "issue", (dir / "ca").string(), "--member", "anna", "--name",
                    "Anna Andersson", "--role", "socialsekreterare", "--device-key", key, "--days",
                    "30", "--out", (dir / out).string(), "--json"},
                   env);
}

TEST(OrgCli, InitJson) {
    TempDir dir;
    const auto r = init_org(dir, {"--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(line_count(r.out), 1u) << r.out;
    const auto j = json::parse(r.out);
    EXPECT_EQ(j.at("organisation_id"), "se.malmo.soc");
    EXPECT_EQ(j.at("authority"), "social_services");
    const auto anchor = core::pki::read_anchor(dir / "ca" / "anchor.txtpb");
    EXPECT_EQ(
        j.at("root_public_key"),
        hex(crypto::ByteView(reinterpret_cast<const std::uint8_t*>(anchor.root_public_key().data()),
                             anchor.root_public_key().size())));
    // A second init over the same folder is refused (operational error).
    const auto again = init_org(dir, {"--json"});
    EXPECT_EQ(again.exit_code, 1) << again.err;
}

TEST(OrgCli, InitText) {
    TempDir dir;
    const auto r = init_org(dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("se.malmo.soc"), std::string::npos) << r.out;
}

TEST(OrgCli, InitBadInputExits2) {
    TempDir dir;
    auto r = run_cli({"org", "init", (dir / "ca").string(), "--id", "x", "--name", "X",
                      "--authority", "polis", "--kdf", "test"},
                     kEnv);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    r = run_cli({"org", "init", (dir / "ca").string(), "--name", "X", "--authority", "police",
                 "--kdf", "test"},
                kEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    r = run_cli({"org", "init", (dir / "ca").string(), "--id", "x", "--name", "X", "--authority",
                 "police", "--kdf", "cheap"},
                kEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    // No passphrase and no terminal.
    r = run_cli({"org", "init", (dir / "ca").string(), "--id", "x", "--name", "X", "--authority",
                 "police", "--kdf", "test"},
                {{"LAGRUM_PASSPHRASE", ""}});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "ca" / "anchor.txtpb"));
}

TEST(OrgCli, HelpMentionsKdfAsTestOnly) {
    const auto r = run_cli({"org", "init", "--help"});
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_NE(r.out.find("--kdf"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("TEST ONLY"), std::string::npos) << r.out;
}

TEST(OrgCli, IssueAndRevoke) {
    TempDir dir;
    ASSERT_EQ(init_org(dir).exit_code, 0);
    const auto d1 = crypto::ed25519_generate().public_key;
    const auto d2 = crypto::ed25519_generate().public_key;

    auto r = issue(dir, hex(d1), "anna.cert");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    ASSERT_EQ(line_count(r.out), 1u) << r.out;
    auto j = json::parse(r.out);
    EXPECT_EQ(j.at("serial"), 1);
    EXPECT_EQ(j.at("organisation_id"), "se.malmo.soc");
    EXPECT_EQ(j.at("member_id"), "anna");
    EXPECT_EQ(j.at("device_key"), hex(d1));
    EXPECT_EQ(j.at("not_after").get<std::int64_t>() - j.at("not_before").get<std::int64_t>(),
              30 * 86400 + 300);

    cert::TrustStore trust;
    ASSERT_TRUE(trust.add_root(core::pki::read_anchor(dir / "ca" / "anchor.txtpb")).ok());
    const auto c1 = core::pki::read_certificate_file(dir / "anna.cert");
    const auto now = j.at("not_before").get<std::int64_t>() + 300;
    EXPECT_TRUE(std::holds_alternative<cert::v1::MemberCertificateBody>(trust.verify(c1, now)));

    r = issue(dir, hex(d2), "anna2.cert");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out).at("serial"), 2);
    const auto c2 = core::pki::read_certificate_file(dir / "anna2.cert");

    r = run_cli({"org", "revoke", (dir / "ca").string(), "--serial", "1", "--out",
                 (dir / "rl1").string(), "--json"},
                kEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j.at("organisation_id"), "se.malmo.soc");
    EXPECT_EQ(j.at("sequence"), 1);
    EXPECT_EQ(j.at("revoked_serials"), json::array({1}));
    EXPECT_EQ(j.at("revoked_device_keys"), json::array());

    r = run_cli({"org", "revoke", (dir / "ca").string(), "--device-key", hex(d2), "--out",
                 (dir / "rl2").string(), "--json"},
                kEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    j = json::parse(r.out);
    EXPECT_EQ(j.at("sequence"), 2);
    EXPECT_EQ(j.at("revoked_serials"), json::array({1}));
    EXPECT_EQ(j.at("revoked_device_keys"), json::array({hex(d2)}));

    const auto list = core::pki::read_revocation_list_file(dir / "rl2");
    ASSERT_TRUE(
        std::holds_alternative<cert::v1::RevocationListBody>(trust.install_revocation_list(list)));
    EXPECT_TRUE(std::holds_alternative<cert::CertError>(trust.verify(c1, now)));
    EXPECT_TRUE(std::holds_alternative<cert::CertError>(trust.verify(c2, now)));

    // Several at once, text output.
    r = run_cli({"org", "revoke", (dir / "ca").string(), "--serial", "1", "--serial", "2", "--out",
                 (dir / "rl3").string()},
                kEnv);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Revocation list 3"), std::string::npos) << r.out;
}

TEST(OrgCli, IssueErrors) {
    TempDir dir;
    ASSERT_EQ(init_org(dir).exit_code, 0);
    const std::string key = hex(crypto::ed25519_generate().public_key);

    auto r = issue(dir, "zz" + key.substr(2), "x.cert");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    r = issue(dir, key.substr(2), "x.cert");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = issue(dir, key.substr(4), "x.cert");  // 31 bytes
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = run_cli({"org", "issue", (dir / "ca").string(), "--member", "anna", "--name", "A",
                 "--device-key", key, "--out", (dir / "x.cert").string()},
                kEnv);  // no --role
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;

    r = issue(dir, key, "x.cert", {{"LAGRUM_PASSPHRASE", "not the secret"}});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("passphrase"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "x.cert"));

    TempDir empty;
    r = issue(empty, key, "x.cert");
    EXPECT_EQ(r.exit_code, 1) << r.err;
}

TEST(OrgCli, RevokeErrors) {
    TempDir dir;
    ASSERT_EQ(init_org(dir).exit_code, 0);
    auto r =
        run_cli({"org", "revoke", (dir / "ca").string(), "--out", (dir / "rl").string()}, kEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    r = run_cli(
        {"org", "revoke", (dir / "ca").string(), "--serial", "7", "--out", (dir / "rl").string()},
        kEnv);  // never issued
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = run_cli(
        {"org", "revoke", (dir / "ca").string(), "--serial", "one", "--out", (dir / "rl").string()},
        kEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = run_cli({"org", "revoke", (dir / "ca").string(), "--device-key", "abcd", "--out",
                 (dir / "rl").string()},
                kEnv);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    r = run_cli({"org", "revoke", (dir / "ca").string(), "--serial", "1"}, kEnv);  // no --out
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "rl"));
}

}  // namespace
}  // namespace lagrum::pki_test
