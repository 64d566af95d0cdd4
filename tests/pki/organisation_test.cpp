// The organisation CA on disk (pki/organisation.h).
#include "lagrum/core/pki/organisation.h"

#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>
#include <nlohmann/json.hpp>

#include "lagrum/cert/cert.h"
#include "lagrum/crypto/ed25519.h"
#include "support.h"

namespace lagrum::core::pki {
namespace {

using pki_test::read_file;
using pki_test::TempDir;
using pki_test::write_file;

constexpr std::int64_t kNow = 1'780'000'000;

Errc code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    ADD_FAILURE() << "no core::Error thrown";
    return Errc::internal;
}

OrganisationCa make_ca(const TempDir& dir, const std::string& id = "se.malmo.soc") {
    return OrganisationCa::init(dir.path(), id, "Malmö socialtjänst",
                                cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES, "pw",
                                crypto::kArgon2Test);
}

IssueRequest request(Bytes device_key, std::int64_t now = kNow) {
    IssueRequest r;
    r.member_id = "anna";
    r.display_name = "Anna Andersson";
    r.role = "socialsekreterare";
    r.device_public_key = std::move(device_key);
    r.days = 30;
    r.now = now;
    return r;
}

cert::v1::MemberCertificateBody body_of(const cert::v1::MemberCertificate& c) {
    cert::v1::MemberCertificateBody b;
    EXPECT_TRUE(b.ParseFromString(c.body()));
    return b;
}

TEST(Authority, NamesRoundTrip) {
    for (const char* name : {"social_services", "police", "security_service", "prosecutor",
                             "school", "health_care", "other"}) {
        EXPECT_EQ(authority_name(parse_authority(name)), name);
    }
    EXPECT_EQ(parse_authority("police"), cert::v1::AUTHORITY_TYPE_POLICE);
    EXPECT_EQ(code_of([] { (void)parse_authority("polis"); }), Errc::bad_input);
    EXPECT_EQ(code_of([] { (void)parse_authority(""); }), Errc::bad_input);
    EXPECT_EQ(code_of([] { (void)parse_authority("unspecified"); }), Errc::bad_input);
    EXPECT_EQ(code_of([] { (void)parse_authority("POLICE"); }), Errc::bad_input);
    EXPECT_EQ(code_of([] { (void)parse_authority("AUTHORITY_TYPE_POLICE"); }), Errc::bad_input);
    EXPECT_EQ(authority_name(cert::v1::AUTHORITY_TYPE_UNSPECIFIED), "unspecified");
}

// Every authority a certificate can name has a word for people in both languages, so the
// minutes, the consent register and the wizard never show a bare code ("prosecutor": the
// app's three tables knew only four of the eight). Swedish in the definite form, as
// GLOSSARY.md and the app say it.
TEST(Authority, EveryTypeHasALabelInBothLanguages) {
    const auto* desc = cert::v1::AuthorityType_descriptor();
    int labelled = 0;
    for (int i = 0; i < desc->value_count(); ++i) {
        const auto type = static_cast<cert::v1::AuthorityType>(desc->value(i)->number());
        if (type == cert::v1::AUTHORITY_TYPE_UNSPECIFIED) continue;
        const std::string code = authority_name(type);
        const std::string sv = authority_label(code, false), en = authority_label(code, true);
        EXPECT_NE(sv, code) << code;
        EXPECT_NE(en, code) << code;
        EXPECT_NE(sv, en) << code;
        ++labelled;
    }
    EXPECT_EQ(labelled, 8);
    EXPECT_EQ(authority_label("school", false), "Skolan");
    EXPECT_EQ(authority_label("school_independent", false), "Fristående skolan");
    EXPECT_EQ(authority_label("prosecutor", false), "Åklagarmyndigheten");
    EXPECT_EQ(authority_label("health_care", true), "Health care");
    EXPECT_EQ(authority_label("made_up", false), "made_up");
}

TEST(OrganisationCa, InitWritesAnchorAndRefusesASecondInit) {
    TempDir dir;
    auto ca = make_ca(dir);
    EXPECT_EQ(ca.anchor().organisation_id(), "se.malmo.soc");
    EXPECT_EQ(ca.anchor().root_public_key().size(), 32u);
    const auto anchor = read_anchor(dir / "anchor.txtpb");
    EXPECT_EQ(anchor.SerializeAsString(), ca.anchor().SerializeAsString());
    EXPECT_TRUE(std::filesystem::exists(dir / "root.key"));
    EXPECT_TRUE(std::filesystem::exists(dir / "ca.json"));
    EXPECT_EQ(code_of([&] { (void)make_ca(dir); }), Errc::profile_exists);
}

TEST(OrganisationCa, InitRejectsBadInput) {
    TempDir dir;
    EXPECT_EQ(code_of([&] { (void)make_ca(dir, ""); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] { (void)make_ca(dir, "a/b"); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] { (void)make_ca(dir, std::string(300, 'x')); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] {
                  (void)OrganisationCa::init(dir.path(), "x", "X",
                                             cert::v1::AUTHORITY_TYPE_UNSPECIFIED, "pw",
                                             crypto::kArgon2Test);
              }),
              Errc::bad_input);
}

TEST(OrganisationCa, OpenChecksPassphraseAndFolder) {
    TempDir dir;
    const auto root_key = make_ca(dir).anchor().root_public_key();
    EXPECT_EQ(OrganisationCa::open(dir.path(), "pw").anchor().root_public_key(), root_key);
    EXPECT_EQ(code_of([&] { (void)OrganisationCa::open(dir.path(), "wrong"); }),
              Errc::wrong_passphrase);
    TempDir empty;
    EXPECT_EQ(code_of([&] { (void)OrganisationCa::open(empty.path(), "pw"); }), Errc::no_profile);
    write_file(dir / "ca.json", "{not json");
    EXPECT_EQ(code_of([&] { (void)OrganisationCa::open(dir.path(), "pw"); }), Errc::corrupt_store);
}

TEST(OrganisationCa, RootKeyOfAnotherCaIsCorrupt) {
    TempDir a, b;
    (void)make_ca(a);
    (void)make_ca(b);
    std::filesystem::copy_file(b / "root.key", a / "root.key",
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(code_of([&] { (void)OrganisationCa::open(a.path(), "pw"); }), Errc::corrupt_store);
}

TEST(OrganisationCa, IssueVerifiesWithTheAnchor) {
    TempDir dir;
    auto ca = make_ca(dir);
    const auto device = crypto::ed25519_generate();
    const auto c1 = ca.issue(request(device.public_key));
    const auto c2 = ca.issue(request(device.public_key));

    cert::TrustStore trust;
    ASSERT_TRUE(trust.add_root(read_anchor(dir / "anchor.txtpb")).ok());
    auto v = trust.verify(c1, kNow);
    ASSERT_TRUE(std::holds_alternative<cert::v1::MemberCertificateBody>(v));
    const auto& b = std::get<cert::v1::MemberCertificateBody>(v);
    EXPECT_EQ(b.serial(), 1u);
    EXPECT_EQ(body_of(c2).serial(), 2u);
    EXPECT_EQ(b.version(), 1u);
    EXPECT_EQ(b.member_id(), "anna");
    EXPECT_EQ(b.display_name(), "Anna Andersson");
    EXPECT_EQ(b.role(), "socialsekreterare");
    EXPECT_EQ(b.organisation_id(), "se.malmo.soc");
    EXPECT_EQ(b.authority_type(), cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES);
    EXPECT_EQ(b.not_before(), kNow - 300);
    EXPECT_EQ(b.not_after(), kNow + 30 * 86400);
    EXPECT_EQ(Bytes(b.device_public_key().begin(), b.device_public_key().end()), device.public_key);

    // Serials survive reopening (ca.json is the source of truth).
    auto reopened = OrganisationCa::open(dir.path(), "pw");
    EXPECT_EQ(body_of(reopened.issue(request(device.public_key))).serial(), 3u);
}

TEST(OrganisationCa, IssueRejectsBadRequests) {
    TempDir dir;
    auto ca = make_ca(dir);
    const auto key = crypto::ed25519_generate().public_key;
    auto r = request(Bytes(31, 1));
    EXPECT_EQ(code_of([&] { (void)ca.issue(r); }), Errc::bad_input);
    r = request(key);
    r.member_id.clear();
    EXPECT_EQ(code_of([&] { (void)ca.issue(r); }), Errc::bad_input);
    r = request(key);
    r.display_name = std::string(257, 'n');
    EXPECT_EQ(code_of([&] { (void)ca.issue(r); }), Errc::bad_input);
    r = request(key);
    r.role.clear();
    EXPECT_EQ(code_of([&] { (void)ca.issue(r); }), Errc::bad_input);
    r = request(key);
    r.days = 0;
    EXPECT_EQ(code_of([&] { (void)ca.issue(r); }), Errc::bad_input);
    // Nothing was recorded: the next good request still gets serial 1.
    EXPECT_EQ(body_of(ca.issue(request(key))).serial(), 1u);
}

TEST(OrganisationCa, RevocationListInstallsAndRevokes) {
    TempDir dir;
    auto ca = make_ca(dir);
    const auto d1 = crypto::ed25519_generate().public_key;
    const auto d2 = crypto::ed25519_generate().public_key;
    const auto d3 = crypto::ed25519_generate().public_key;
    const auto c1 = ca.issue(request(d1));
    const auto c2 = ca.issue(request(d2));
    const auto c3 = ca.issue(request(d3));

    cert::TrustStore trust;
    ASSERT_TRUE(trust.add_root(ca.anchor()).ok());

    RevokeRequest rr;
    rr.serials = {1};
    rr.now = kNow;
    const auto l1 = ca.revoke(rr);
    auto installed = trust.install_revocation_list(l1);
    ASSERT_TRUE(std::holds_alternative<cert::v1::RevocationListBody>(installed));
    EXPECT_EQ(std::get<cert::v1::RevocationListBody>(installed).sequence(), 1u);
    EXPECT_TRUE(std::holds_alternative<cert::CertError>(trust.verify(c1, kNow)));
    EXPECT_FALSE(std::holds_alternative<cert::CertError>(trust.verify(c2, kNow)));

    RevokeRequest by_key;
    by_key.device_keys = {d2};
    by_key.now = kNow;
    const auto l2 = ca.revoke(by_key);
    installed = trust.install_revocation_list(l2);
    ASSERT_TRUE(std::holds_alternative<cert::v1::RevocationListBody>(installed));
    const auto& body = std::get<cert::v1::RevocationListBody>(installed);
    EXPECT_EQ(body.sequence(), 2u);
    // Cumulative: the second list still revokes serial 1.
    ASSERT_EQ(body.revoked_serials_size(), 1);
    EXPECT_EQ(body.revoked_serials(0), 1u);
    ASSERT_EQ(body.revoked_device_keys_size(), 1);
    EXPECT_TRUE(std::holds_alternative<cert::CertError>(trust.verify(c1, kNow)));
    EXPECT_TRUE(std::holds_alternative<cert::CertError>(trust.verify(c2, kNow)));
    EXPECT_FALSE(std::holds_alternative<cert::CertError>(trust.verify(c3, kNow)));

    // An old list is stale; a new key for a revoked device is refused.
    EXPECT_TRUE(std::holds_alternative<cert::CertError>(trust.install_revocation_list(l1)));
    EXPECT_EQ(code_of([&] { (void)ca.issue(request(d2)); }), Errc::bad_input);
}

TEST(OrganisationCa, RevokeRejectsBadRequests) {
    TempDir dir;
    auto ca = make_ca(dir);
    RevokeRequest none;
    EXPECT_EQ(code_of([&] { (void)ca.revoke(none); }), Errc::bad_input);
    RevokeRequest unknown;
    unknown.serials = {42};
    EXPECT_EQ(code_of([&] { (void)ca.revoke(unknown); }), Errc::bad_input);
    RevokeRequest short_key;
    short_key.device_keys = {Bytes(16, 0)};
    EXPECT_EQ(code_of([&] { (void)ca.revoke(short_key); }), Errc::bad_input);
}

TEST(SignedFiles, BinaryAndTextFormatAreAccepted) {
    TempDir dir;
    auto ca = make_ca(dir);
    const auto c = ca.issue(request(crypto::ed25519_generate().public_key));
    write_file(dir / "c.bin", c.SerializeAsString());
    std::string text;
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(c, &text));
    write_file(dir / "c.txtpb", text);
    EXPECT_EQ(read_certificate_file(dir / "c.bin").SerializeAsString(), c.SerializeAsString());
    EXPECT_EQ(read_certificate_file(dir / "c.txtpb").SerializeAsString(), c.SerializeAsString());

    RevokeRequest rr;
    rr.serials = {1};
    const auto l = ca.revoke(rr);
    write_file(dir / "l.bin", l.SerializeAsString());
    ASSERT_TRUE(google::protobuf::TextFormat::PrintToString(l, &text));
    write_file(dir / "l.txtpb", text);
    EXPECT_EQ(read_revocation_list_file(dir / "l.bin").SerializeAsString(), l.SerializeAsString());
    EXPECT_EQ(read_revocation_list_file(dir / "l.txtpb").SerializeAsString(),
              l.SerializeAsString());

    write_file(dir / "junk", "this is { not a certificate");
    EXPECT_EQ(code_of([&] { (void)read_certificate_file(dir / "junk"); }), Errc::bad_input);
    write_file(dir / "empty", "");
    EXPECT_EQ(code_of([&] { (void)read_revocation_list_file(dir / "empty"); }), Errc::bad_input);
}

TEST(Anchor, TextRoundTripAndChecks) {
    TempDir dir;
    auto ca = make_ca(dir);
    write_file(dir / "copy.txtpb", anchor_text(ca.anchor()));
    EXPECT_EQ(read_anchor(dir / "copy.txtpb").SerializeAsString(), ca.anchor().SerializeAsString());
    write_file(dir / "bad.txtpb",
               "organisation_id: \"x\" name: \"X\" authority_type: "
               "AUTHORITY_TYPE_POLICE root_public_key: \"short\"");
    EXPECT_EQ(code_of([&] { (void)read_anchor(dir / "bad.txtpb"); }), Errc::bad_input);
    write_file(dir / "bad.txtpb", "garbage");
    EXPECT_EQ(code_of([&] { (void)read_anchor(dir / "bad.txtpb"); }), Errc::bad_input);
}

TEST(OrganisationCa, CaJsonRecordsIssuedAndRevoked) {
    TempDir dir;
    auto ca = make_ca(dir);
    const auto key = crypto::ed25519_generate().public_key;
    (void)ca.issue(request(key));
    RevokeRequest rr;
    rr.serials = {1};
    (void)ca.revoke(rr);
    const auto j = nlohmann::json::parse(read_file(dir / "ca.json"));
    EXPECT_EQ(j.at("next_serial"), 2);
    EXPECT_EQ(j.at("revocation_sequence"), 1);
    EXPECT_EQ(j.at("issued").at(0).at("member_id"), "anna");
    EXPECT_EQ(j.at("issued").at(0).at("device_key"), pki_test::hex(key));
    EXPECT_EQ(j.at("revoked_serials").at(0), 1);
}

}  // namespace
}  // namespace lagrum::core::pki
