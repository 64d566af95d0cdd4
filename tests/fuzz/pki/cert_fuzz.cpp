// Fuzz target: certificates and revocation lists, as the client and the relay verify them
// (lagrum_cert's TrustStore, the client's verify_member credential policy, and the
// client's anchor / certificate / revocation-list file readers in pki/organisation.cpp).
// Input: a mode byte (cert_fixture.h) then the bytes or text that mode reads. The bodies
// modes sign the fuzzed body with a pinned root, so the checks behind the signature see
// arbitrary field values. Properties, for any input:
//   * nothing throws except core::Error(bad_input / io_error) from the file readers;
//   * a certificate that verifies names a pinned root of its own authority type, is
//     within its validity at `now`, has a 32-byte device key and is not revoked;
//     verify_member binds it to exactly that device key;
//   * a revocation list that installs names a pinned root, and every serial and device
//     key it lists is revoked afterwards; a list with the same sequence is then stale.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "cert_fixture.h"
#include "lagrum/core/error.h"
#include "lagrum/core/pki/credential_policy.h"
#include "lagrum/core/pki/organisation.h"

using namespace lagrum;
namespace cf = lagrum::cert_fuzz;

namespace {

crypto::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void trust_roots(cert::TrustStore& t) {
    for (const auto& r : cf::roots()) {
        if (!t.add_root(cf::pinned(r)).ok()) std::abort();
    }
}

const std::filesystem::path& scratch_file() {
    // Never destroyed, so the exit handler that removes the folder can still read it
    // (a function-local static is destroyed before an atexit handler registered while
    // it was being built: the first long run crashed there).
    static const std::filesystem::path& file = *[] {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "lagrum-cert-fuzz-XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) std::abort();
        auto* p = new std::filesystem::path(std::filesystem::path(tmpl) / "input");
        std::atexit([] { std::filesystem::remove_all(scratch_file().parent_path()); });
        return p;
    }();
    return file;
}

void check_certificate(const cert::TrustStore& trust, const cert::v1::MemberCertificate& c) {
    auto verified = trust.verify(c, cf::kNow);
    if (verified.index() == 0) {
        const auto& body = std::get<0>(verified);
        bool pinned = false;
        for (const auto& r : cf::roots()) {
            pinned = pinned || (r.id == body.organisation_id() && r.type == body.authority_type());
        }
        if (!pinned) std::abort();
        if (!(body.not_before() <= cf::kNow && cf::kNow < body.not_after())) std::abort();
        if (body.device_public_key().size() != 32) std::abort();
        if (trust.is_revoked(body.organisation_id(), body.serial(),
                             view(body.device_public_key()))) {
            std::abort();
        }
    }
    // The same certificate as an MLS leaf's credential, with the key it claims and with
    // another key.
    const auto credential = core::pki::credential_for(c);
    cert::v1::MemberCertificateBody claimed;
    (void)claimed.ParseFromString(c.body());
    const auto key = view(claimed.device_public_key());
    std::string why;
    const auto member = core::pki::verify_member(trust, credential, key, cf::kNow, &why);
    if (member) {
        if (verified.index() != 0) std::abort();
        if (!crypto::ct_equal(member->device_key, key)) std::abort();
        if (member->address().empty()) std::abort();
    } else if (why.empty()) {
        std::abort();
    }
    const crypto::Bytes other(32, 0x01);
    if (core::pki::verify_member(trust, credential, other, cf::kNow) &&
        !crypto::ct_equal(other, key)) {
        std::abort();
    }
}

void check_list(const cert::v1::RevocationList& list) {
    cert::TrustStore trust;
    trust_roots(trust);
    auto installed = trust.install_revocation_list(list);
    if (installed.index() != 0) return;
    const auto& body = std::get<0>(installed);
    if (!trust.has_root(body.organisation_id())) std::abort();
    for (auto serial : body.revoked_serials()) {
        if (!trust.is_revoked(body.organisation_id(), serial, {})) std::abort();
    }
    for (const auto& k : body.revoked_device_keys()) {
        if (!trust.is_revoked(body.organisation_id(), 0, view(k))) std::abort();
    }
    if (trust.install_revocation_list(list).index() == 0) std::abort();  // same sequence: stale
    // The fixed member is judged against the new list.
    const auto cert =
        cf::value_of(cert::issue_certificate(cf::make_member_body(), cf::roots()[0].seed));
    check_certificate(trust, cert);
}

template <class F>
void only_bad_input(F&& read) {
    try {
        read();
    } catch (const core::Error& e) {
        if (e.code() != core::Errc::bad_input && e.code() != core::Errc::io_error) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const cert::TrustStore& trust = []() -> const cert::TrustStore& {
        static cert::TrustStore t;
        trust_roots(t);
        return t;
    }();
    const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % cf::kModes) {
        case cf::certificate: {
            cert::v1::MemberCertificate c;
            if (c.ParseFromString(rest)) check_certificate(trust, c);
            // And the raw bytes as a leaf's credential identity, parsed by verify_member.
            const auto credential = mls::Credential::basic(crypto::Bytes(rest.begin(), rest.end()));
            (void)core::pki::verify_member(trust, credential, crypto::Bytes(32, 0x5a), cf::kNow);
            break;
        }
        case cf::revocation_list: {
            cert::v1::RevocationList l;
            if (l.ParseFromString(rest)) check_list(l);
            break;
        }
        case cf::certificate_body: {
            cert::v1::MemberCertificateBody b;
            if (!b.ParseFromString(rest)) break;
            auto issued = cert::issue_certificate(b, cf::roots()[0].seed);
            if (issued.index() == 0) check_certificate(trust, std::get<0>(issued));
            break;
        }
        case cf::revocation_body: {
            cert::v1::RevocationListBody b;
            if (!b.ParseFromString(rest)) break;
            auto issued = cert::issue_revocation_list(b, cf::roots()[0].seed);
            if (issued.index() == 0) check_list(std::get<0>(issued));
            break;
        }
        default: {
            std::ofstream(scratch_file(), std::ios::binary | std::ios::trunc) << rest;
            const std::uint8_t mode = data[0] % cf::kModes;
            only_bad_input([&] {
                if (mode == cf::anchor_text) {
                    const auto root = core::pki::read_anchor(scratch_file());
                    if (root.organisation_id().empty() || root.root_public_key().size() != 32) {
                        std::abort();
                    }
                } else if (mode == cf::certificate_file) {
                    const auto c = core::pki::read_certificate_file(scratch_file());
                    if (c.body().empty() || c.signature().empty()) std::abort();
                    check_certificate(trust, c);
                } else {
                    const auto l = core::pki::read_revocation_list_file(scratch_file());
                    if (l.body().empty() || l.signature().empty()) std::abort();
                    check_list(l);
                }
            });
            break;
        }
    }
    return 0;
}
