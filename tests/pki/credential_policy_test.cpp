// The MLS credential policy (pki/credential_policy.h).
#include "lagrum/core/pki/credential_policy.h"

#include <gtest/gtest.h>

#include "lagrum/core/pki/organisation.h"
#include "lagrum/crypto/ed25519.h"
#include "support.h"

namespace lagrum::core::pki {
namespace {

using pki_test::TempDir;

constexpr std::int64_t kNow = 1'780'000'000;

class CredentialPolicyTest : public ::testing::Test {
  protected:
    CredentialPolicyTest()
        : ca_(OrganisationCa::init(dir_.path(), "se.polisen.syd", "Polisen region Syd",
                                   cert::v1::AUTHORITY_TYPE_POLICE, "pw", crypto::kArgon2Test)),
          device_(crypto::ed25519_generate()) {
        EXPECT_TRUE(trust_.add_root(ca_.anchor()).ok());
        cert_ = issue(device_.public_key);
    }

    cert::v1::MemberCertificate issue(const Bytes& key, std::int64_t days = 10,
                                      std::int64_t now = kNow) {
        IssueRequest r;
        r.member_id = "erik";
        r.display_name = "Erik Ek";
        r.role = "polisinspektör";
        r.device_public_key = key;
        r.days = days;
        r.now = now;
        return ca_.issue(r);
    }

    std::optional<Member> check(const mls::Credential& c, const Bytes& key,
                                std::int64_t now = kNow) {
        why_.clear();
        return verify_member(trust_, c, key, now, &why_);
    }

    TempDir dir_;
    OrganisationCa ca_;
    crypto::Ed25519KeyPair device_;
    cert::TrustStore trust_;
    cert::v1::MemberCertificate cert_;
    std::string why_;
};

TEST_F(CredentialPolicyTest, AcceptsAGoodLeaf) {
    const auto m = check(credential_for(cert_), device_.public_key);
    ASSERT_TRUE(m.has_value()) << why_;
    EXPECT_EQ(m->organisation_id, "se.polisen.syd");
    EXPECT_EQ(m->member_id, "erik");
    EXPECT_EQ(m->display_name, "Erik Ek");
    EXPECT_EQ(m->role, "polisinspektör");
    EXPECT_EQ(m->authority, cert::v1::AUTHORITY_TYPE_POLICE);
    EXPECT_EQ(m->serial, 1u);
    EXPECT_EQ(m->device_key, device_.public_key);
    EXPECT_EQ(m->address(), "se.polisen.syd/erik");
    EXPECT_EQ(m->certificate.SerializeAsString(), cert_.SerializeAsString());

    auto policy = make_credential_policy(trust_, [] { return kNow; });
    EXPECT_TRUE(policy(credential_for(cert_), device_.public_key));
    EXPECT_NO_THROW(mls::check_credential(policy, credential_for(cert_), device_.public_key));
}

// Revision 2026-12-06: an independent school (fristående skola) is an authority type a
// certificate may carry, and the name the legal check reads is check-format.md's.
TEST(CredentialPolicySchools, IndependentSchoolCertificateVerifies) {
    TempDir dir;
    auto ca = OrganisationCa::init(dir.path(), "se.example.friskola", "Exempelskolan AB",
                                   parse_authority("school_independent"), "pw", crypto::kArgon2Test);
    cert::TrustStore trust;
    ASSERT_TRUE(trust.add_root(ca.anchor()).ok());
    const auto device = crypto::ed25519_generate();
    IssueRequest r;
    r.member_id = "rektor";
    r.display_name = "Rut Rektor";
    r.role = "rektor";
    r.device_public_key = device.public_key;
    r.now = kNow;
    const auto c = ca.issue(r);
    std::string why;
    const auto m = verify_member(trust, credential_for(c), device.public_key, kNow, &why);
    ASSERT_TRUE(m.has_value()) << why;
    EXPECT_EQ(m->authority, cert::v1::AUTHORITY_TYPE_SCHOOL_INDEPENDENT);
    EXPECT_EQ(authority_name(m->authority), "school_independent");
}

TEST_F(CredentialPolicyTest, RejectsAnotherRoot) {
    TempDir other_dir;
    auto other = OrganisationCa::init(other_dir.path(), "se.polisen.syd", "Impostor",
                                      cert::v1::AUTHORITY_TYPE_POLICE, "pw", crypto::kArgon2Test);
    IssueRequest r;
    r.member_id = "erik";
    r.display_name = "Erik Ek";
    r.role = "x";
    r.device_public_key = device_.public_key;
    r.now = kNow;
    EXPECT_FALSE(check(credential_for(other.issue(r)), device_.public_key));
    EXPECT_NE(why_.find("bad_signature"), std::string::npos) << why_;

    TempDir third_dir;
    auto third = OrganisationCa::init(third_dir.path(), "se.unknown", "Unknown",
                                      cert::v1::AUTHORITY_TYPE_OTHER, "pw", crypto::kArgon2Test);
    EXPECT_FALSE(check(credential_for(third.issue(r)), device_.public_key));
    EXPECT_NE(why_.find("unknown_organisation"), std::string::npos) << why_;
}

TEST_F(CredentialPolicyTest, RejectsExpiredAndNotYetValid) {
    EXPECT_FALSE(check(credential_for(cert_), device_.public_key, kNow + 10 * 86400));
    EXPECT_NE(why_.find("expired"), std::string::npos) << why_;
    EXPECT_FALSE(check(credential_for(cert_), device_.public_key, kNow - 301));
    EXPECT_NE(why_.find("not_yet_valid"), std::string::npos) << why_;
    EXPECT_TRUE(check(credential_for(cert_), device_.public_key, kNow - 300));

    auto policy_late = make_credential_policy(trust_, [] { return kNow + 11 * 86400; });
    EXPECT_FALSE(policy_late(credential_for(cert_), device_.public_key));
}

TEST_F(CredentialPolicyTest, RejectsRevokedSerialAndRevokedDeviceKey) {
    const auto other_device = crypto::ed25519_generate();
    const auto other_cert = issue(other_device.public_key);
    RevokeRequest by_serial;
    by_serial.serials = {1};
    ASSERT_TRUE(std::holds_alternative<cert::v1::RevocationListBody>(
        trust_.install_revocation_list(ca_.revoke(by_serial))));
    EXPECT_FALSE(check(credential_for(cert_), device_.public_key));
    EXPECT_NE(why_.find("revoked"), std::string::npos) << why_;
    EXPECT_TRUE(check(credential_for(other_cert), other_device.public_key)) << why_;

    RevokeRequest by_key;
    by_key.device_keys = {other_device.public_key};
    ASSERT_TRUE(std::holds_alternative<cert::v1::RevocationListBody>(
        trust_.install_revocation_list(ca_.revoke(by_key))));
    EXPECT_FALSE(check(credential_for(other_cert), other_device.public_key));
    EXPECT_NE(why_.find("revoked"), std::string::npos) << why_;
}

TEST_F(CredentialPolicyTest, RejectsADeviceKeyThatIsNotTheLeafKey) {
    const auto stranger = crypto::ed25519_generate();
    EXPECT_FALSE(check(credential_for(cert_), stranger.public_key));
    EXPECT_NE(why_.find("device key"), std::string::npos) << why_;
    EXPECT_FALSE(check(credential_for(cert_), Bytes{}));
    EXPECT_FALSE(check(credential_for(cert_), Bytes(31, 0)));
    auto policy = make_credential_policy(trust_, [] { return kNow; });
    EXPECT_FALSE(policy(credential_for(cert_), stranger.public_key));
    EXPECT_THROW(mls::check_credential(policy, credential_for(cert_), stranger.public_key),
                 std::exception);
}

TEST_F(CredentialPolicyTest, RejectsGarbageIdentity) {
    EXPECT_FALSE(check(mls::Credential::basic({}), device_.public_key));
    EXPECT_FALSE(check(mls::Credential::basic(Bytes{0xff, 0xff, 0xff}), device_.public_key));
    EXPECT_FALSE(check(mls::Credential::basic(Bytes(200 * 1024, 0x0a)), device_.public_key));
    // A certificate whose body was altered no longer verifies.
    auto tampered = cert_;
    std::string body = tampered.body();
    body.back() = static_cast<char>(body.back() ^ 1);
    tampered.set_body(body);
    EXPECT_FALSE(check(credential_for(tampered), device_.public_key));
    // An identity that parses but carries no certificate.
    EXPECT_FALSE(check(mls::Credential::basic(Bytes{'a', 'n', 'n', 'a'}), device_.public_key));
}

TEST_F(CredentialPolicyTest, RejectsX509Credential) {
    const std::string bytes = cert_.SerializeAsString();
    const auto c = mls::Credential::x509({Bytes(bytes.begin(), bytes.end())});
    EXPECT_FALSE(check(c, device_.public_key));
    EXPECT_NE(why_.find("basic"), std::string::npos) << why_;
}

TEST_F(CredentialPolicyTest, PolicyWithoutClockRejects) {
    auto policy = make_credential_policy(trust_, nullptr);
    EXPECT_FALSE(policy(credential_for(cert_), device_.public_key));
}

}  // namespace
}  // namespace lagrum::core::pki
