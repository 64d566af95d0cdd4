// The fixed world of cert_fuzz (two pinned organisation roots, a member, a revocation
// list) and its seed inputs, which fuzz_seeds writes at test time to OUTDIR/cert/.
// Seeds are a mode byte (cert_fuzz.cpp) then the protobuf bytes or text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cert.pb.h"
#include "lagrum/cert/cert.h"
#include "lagrum/crypto/ed25519.h"

namespace lagrum::cert_fuzz {

inline constexpr std::int64_t kNow = 1772452800;  // 2026-03-02

enum Mode : std::uint8_t {
    certificate = 0,       // MemberCertificate bytes, as in a leaf's credential
    revocation_list = 1,   // RevocationList bytes, as `lagrum revocation import` reads
    certificate_body = 2,  // MemberCertificateBody bytes, signed here by root A
    revocation_body = 3,   // RevocationListBody bytes, signed here by root A
    anchor_text = 4,       // text-format OrganisationRoot (an anchor file)
    certificate_file = 5,  // a certificate file (binary or text format)
    revocation_file = 6,   // a revocation list file (binary or text format)
    kModes = 7,
};

struct Root {
    std::string id;
    cert::v1::AuthorityType type;
    crypto::Bytes seed;
};

inline const std::vector<Root>& roots() {
    static const std::vector<Root> r = {
        {"se.boras.soc", cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES, crypto::Bytes(32, 0x11)},
        {"se.polisen", cert::v1::AUTHORITY_TYPE_POLICE, crypto::Bytes(32, 0x22)},
    };
    return r;
}

inline cert::v1::OrganisationRoot pinned(const Root& r) {
    cert::v1::OrganisationRoot o;
    o.set_organisation_id(r.id);
    o.set_name(r.id + " root");
    o.set_authority_type(r.type);
    auto pair = crypto::ed25519_from_seed(r.seed);
    if (!pair.ok()) throw std::runtime_error("ed25519_from_seed");
    o.set_root_public_key(std::string(pair->public_key.begin(), pair->public_key.end()));
    return o;
}

inline cert::v1::MemberCertificateBody make_member_body() {
    cert::v1::MemberCertificateBody b;
    b.set_version(1);
    b.set_serial(7);
    b.set_member_id("anna");
    b.set_display_name("Anna Andersson");
    b.set_organisation_id("se.boras.soc");
    b.set_authority_type(cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES);
    b.set_role("socialsekreterare");
    b.set_device_public_key(std::string(32, '\x5a'));
    b.set_not_before(kNow - 86400);
    b.set_not_after(kNow + 86400 * 365);
    return b;
}

inline cert::v1::RevocationListBody make_revocation_body() {
    cert::v1::RevocationListBody b;
    b.set_organisation_id("se.boras.soc");
    b.set_sequence(3);
    b.set_issued_at(kNow - 60);
    b.add_revoked_serials(8);
    b.add_revoked_serials(9);
    b.add_revoked_device_keys(std::string(32, '\x6b'));
    return b;
}

template <class R>
auto value_of(R&& r) {
    if (r.index() != 0) throw std::runtime_error("issuing a fuzz seed failed");
    return std::get<0>(std::forward<R>(r));
}

inline std::vector<std::pair<std::string, std::string>> seeds() {
    const auto& a = roots()[0];
    const auto cert = value_of(cert::issue_certificate(make_member_body(), a.seed));
    const auto list = value_of(cert::issue_revocation_list(make_revocation_body(), a.seed));
    auto with = [](Mode m, const std::string& s) {
        return std::string(1, static_cast<char>(m)) + s;
    };
    std::vector<std::pair<std::string, std::string>> out;
    out.emplace_back("certificate", with(certificate, cert.SerializeAsString()));
    out.emplace_back("revocation_list", with(revocation_list, list.SerializeAsString()));
    out.emplace_back("certificate_body",
                     with(certificate_body, make_member_body().SerializeAsString()));
    out.emplace_back("revocation_body",
                     with(revocation_body, make_revocation_body().SerializeAsString()));
    out.emplace_back("anchor", with(anchor_text, pinned(a).DebugString()));
    out.emplace_back("certificate_file_text", with(certificate_file, cert.DebugString()));
    out.emplace_back("certificate_file", with(certificate_file, cert.SerializeAsString()));
    out.emplace_back("revocation_file_text", with(revocation_file, list.DebugString()));
    return out;
}

}  // namespace lagrum::cert_fuzz
