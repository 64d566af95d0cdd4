// Lagrum's MLS credential policy (credential_policy.h): BasicCredential identity =
// serialized MemberCertificate, verified against the pinned roots, bound to the leaf's
// signature key.
#include "lagrum/core/pki/credential_policy.h"

#include <new>
#include <utility>

#include "lagrum/crypto/ed25519.h"

namespace lagrum::core::pki {

namespace {

// A MemberCertificate is its body (bounded by lagrum_cert) plus a 64-byte signature and
// a few bytes of protobuf framing; anything larger is not one and is not parsed.
constexpr std::size_t kMaxIdentitySize = cert::kMaxBodySize + 128;

crypto::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::optional<Member> reject(std::string* why, std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return std::nullopt;
}

}  // namespace

mls::Credential credential_for(const cert::v1::MemberCertificate& certificate) {
    const std::string bytes = certificate.SerializeAsString();
    return mls::Credential::basic(crypto::Bytes(bytes.begin(), bytes.end()));
}

std::optional<Member> verify_member(const cert::TrustStore& trust,
                                    const mls::Credential& credential,
                                    crypto::ByteView signature_key, std::int64_t now,
                                    std::string* why) {
    try {
        if (credential.type != mls::credential_type::basic) {
            return reject(why, "not a basic credential");
        }
        if (credential.identity.empty() || credential.identity.size() > kMaxIdentitySize) {
            return reject(why, "credential identity is empty or too large");
        }
        cert::v1::MemberCertificate certificate;
        if (!certificate.ParseFromArray(credential.identity.data(),
                                        static_cast<int>(credential.identity.size()))) {
            return reject(why, "credential identity is not a member certificate");
        }
        auto verified = trust.verify(certificate, now);
        if (auto* e = std::get_if<cert::CertError>(&verified)) {
            return reject(why, std::string("certificate ") + cert::cert_errc_name(e->code) + ": " +
                                   e->message);
        }
        auto& body = std::get<cert::v1::MemberCertificateBody>(verified);
        // Without this binding anyone holding a copy of a valid certificate (it travels
        // in every leaf) could present it with their own key.
        if (signature_key.size() != crypto::kEd25519PublicKeySize ||
            !crypto::ct_equal(signature_key, view(body.device_public_key()))) {
            return reject(why, "the leaf's signature key is not the certificate's device key");
        }
        // The legal check reads the authority from here: an unspecified or unknown type
        // must not reach it as anything.
        if (body.authority_type() == cert::v1::AUTHORITY_TYPE_UNSPECIFIED ||
            !cert::v1::AuthorityType_IsValid(body.authority_type())) {
            return reject(why, "the certificate names no known authority type");
        }
        if (body.member_id().empty()) return reject(why, "the certificate names no member");
        Member m;
        m.organisation_id = body.organisation_id();
        m.member_id = body.member_id();
        m.display_name = body.display_name();
        m.role = body.role();
        m.authority = body.authority_type();
        m.serial = body.serial();
        m.device_key.assign(body.device_public_key().begin(), body.device_public_key().end());
        m.certificate = std::move(certificate);
        return m;
    } catch (const std::bad_alloc&) {
        return reject(why, "out of memory");
    } catch (const std::exception& e) {
        return reject(why, std::string("internal error: ") + e.what());
    }
}

mls::CredentialPolicy make_credential_policy(const cert::TrustStore& trust,
                                             std::function<std::int64_t()> now) {
    return [&trust, now = std::move(now)](const mls::Credential& credential,
                                          crypto::ByteView signature_key) noexcept {
        try {
            if (!now) return false;
            return verify_member(trust, credential, signature_key, now()).has_value();
        } catch (...) {
            return false;  // a policy must not throw (credential.h)
        }
    };
}

}  // namespace lagrum::core::pki
