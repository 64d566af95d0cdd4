#include "lagrum/cert/cert.h"

#include <mutex>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "lagrum/crypto/ed25519.h"

namespace lagrum::cert {
namespace {

std::string as_string(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

CertError err(CertErrc code, std::string message) {
    return CertError{code, std::move(message)};
}

// Deterministic serialization so issuers produce stable bytes (verifiers never
// re-serialize, see cert.proto).
template <class Msg>
std::string deterministic(const Msg& msg) {
    std::string out;
    {
        google::protobuf::io::StringOutputStream sos(&out);
        google::protobuf::io::CodedOutputStream cos(&sos);
        cos.SetSerializationDeterministic(true);
        msg.SerializeToCodedStream(&cos);
    }
    return out;
}

bool known_authority(int value) {
    return value != v1::AUTHORITY_TYPE_UNSPECIFIED && v1::AuthorityType_IsValid(value);
}

}  // namespace

Bytes signed_bytes(std::string_view label, ByteView body) {
    Bytes out;
    out.reserve(label.size() + 1 + body.size());
    out.insert(out.end(), label.begin(), label.end());
    out.push_back(0);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

const char* cert_errc_name(CertErrc code) noexcept {
    switch (code) {
        case CertErrc::malformed:
            return "malformed";
        case CertErrc::unknown_organisation:
            return "unknown_organisation";
        case CertErrc::bad_signature:
            return "bad_signature";
        case CertErrc::not_yet_valid:
            return "not_yet_valid";
        case CertErrc::expired:
            return "expired";
        case CertErrc::revoked:
            return "revoked";
        case CertErrc::stale:
            return "stale";
    }
    return "unknown";
}

CertResult<Unit> TrustStore::add_root(const v1::OrganisationRoot& root) {
    if (root.organisation_id().empty()) return err(CertErrc::malformed, "empty organisation id");
    if (root.root_public_key().size() != crypto::kEd25519PublicKeySize) {
        return err(CertErrc::malformed, "root public key must be 32 bytes");
    }
    std::unique_lock lock(mu_);
    roots_[root.organisation_id()] = root;
    return Unit{};
}

std::size_t TrustStore::root_count() const {
    std::shared_lock lock(mu_);
    return roots_.size();
}

bool TrustStore::has_root(const std::string& organisation_id) const {
    std::shared_lock lock(mu_);
    return roots_.count(organisation_id) != 0;
}

CertResult<std::vector<std::string>> TrustStore::replace_roots(
    const std::vector<v1::OrganisationRoot>& roots) {
    std::map<std::string, v1::OrganisationRoot> fresh;
    for (const auto& root : roots) {
        if (root.organisation_id().empty()) {
            return err(CertErrc::malformed, "empty organisation id");
        }
        if (root.root_public_key().size() != crypto::kEd25519PublicKeySize) {
            return err(CertErrc::malformed, "root public key must be 32 bytes");
        }
        fresh[root.organisation_id()] = root;
    }
    std::unique_lock lock(mu_);
    std::vector<std::string> removed;
    for (const auto& [id, root] : roots_) {
        if (fresh.count(id) == 0) removed.push_back(id);
    }
    roots_ = std::move(fresh);
    return removed;
}

CertResult<v1::MemberCertificateBody> TrustStore::verify(const v1::MemberCertificate& cert,
                                                         std::int64_t now) const {
    if (cert.body().empty() || cert.body().size() > kMaxBodySize) {
        return err(CertErrc::malformed, "certificate body empty or too large");
    }
    if (cert.signature().size() != crypto::kEd25519SignatureSize) {
        return err(CertErrc::malformed, "certificate signature must be 64 bytes");
    }
    v1::MemberCertificateBody body;
    if (!body.ParseFromString(cert.body())) {
        return err(CertErrc::malformed, "certificate body does not parse");
    }
    if (body.version() != 1) return err(CertErrc::malformed, "unsupported certificate version");
    if (body.device_public_key().size() != crypto::kEd25519PublicKeySize) {
        return err(CertErrc::malformed, "device public key must be 32 bytes");
    }
    if (body.member_id().empty()) return err(CertErrc::malformed, "empty member id");
    if (!known_authority(body.authority_type())) {
        return err(CertErrc::malformed, "unknown authority type");
    }
    if (body.not_after() <= body.not_before()) {
        return err(CertErrc::malformed, "empty validity interval");
    }

    std::shared_lock lock(mu_);
    auto it = roots_.find(body.organisation_id());
    if (it == roots_.end()) {
        return err(CertErrc::unknown_organisation, "organisation is not in the trust list");
    }
    const Bytes msg = signed_bytes(kMemberCertificateLabel, view(cert.body()));
    if (!crypto::ed25519_verify(view(it->second.root_public_key()), msg, view(cert.signature()))) {
        return err(CertErrc::bad_signature, "certificate signature does not verify");
    }
    // The legal check trusts the authority a certificate names, so an organisation may
    // only vouch for its own kind: a school's root cannot make a member "police". (A root
    // without a type, which only unit tests build, vouches for any known type: the relay's
    // config and `lagrum org init` always give one.)
    if (it->second.authority_type() != v1::AUTHORITY_TYPE_UNSPECIFIED &&
        body.authority_type() != it->second.authority_type()) {
        return err(CertErrc::malformed,
                   "certificate names another authority type than its organisation's root");
    }
    if (now < body.not_before()) return err(CertErrc::not_yet_valid, "certificate not yet valid");
    if (now >= body.not_after()) return err(CertErrc::expired, "certificate expired");
    if (is_revoked_locked(body.organisation_id(), body.serial(), view(body.device_public_key()))) {
        return err(CertErrc::revoked, "certificate revoked");
    }
    return body;
}

CertResult<v1::RevocationListBody> TrustStore::install_revocation_list(
    const v1::RevocationList& list) {
    if (list.body().empty() || list.body().size() > kMaxBodySize) {
        return err(CertErrc::malformed, "revocation list body empty or too large");
    }
    if (list.signature().size() != crypto::kEd25519SignatureSize) {
        return err(CertErrc::malformed, "revocation list signature must be 64 bytes");
    }
    v1::RevocationListBody body;
    if (!body.ParseFromString(list.body())) {
        return err(CertErrc::malformed, "revocation list body does not parse");
    }
    for (const auto& key : body.revoked_device_keys()) {
        if (key.size() != crypto::kEd25519PublicKeySize) {
            return err(CertErrc::malformed, "revoked device key must be 32 bytes");
        }
    }
    std::unique_lock lock(mu_);
    auto it = roots_.find(body.organisation_id());
    if (it == roots_.end()) {
        return err(CertErrc::unknown_organisation, "organisation is not in the trust list");
    }
    const Bytes msg = signed_bytes(kRevocationListLabel, view(list.body()));
    if (!crypto::ed25519_verify(view(it->second.root_public_key()), msg, view(list.signature()))) {
        return err(CertErrc::bad_signature, "revocation list signature does not verify");
    }
    auto& rev = revocations_[body.organisation_id()];
    if (rev.installed && body.sequence() <= rev.sequence) {
        return err(CertErrc::stale, "revocation list is not newer than the installed one");
    }
    Revocations fresh;
    fresh.installed = true;
    fresh.sequence = body.sequence();
    fresh.serials.insert(body.revoked_serials().begin(), body.revoked_serials().end());
    for (const auto& key : body.revoked_device_keys()) {
        fresh.device_keys.insert(Bytes(key.begin(), key.end()));
    }
    rev = std::move(fresh);
    return body;
}

bool TrustStore::is_revoked(const std::string& organisation_id, std::uint64_t serial,
                            ByteView device_key) const {
    std::shared_lock lock(mu_);
    return is_revoked_locked(organisation_id, serial, device_key);
}

bool TrustStore::is_revoked_locked(const std::string& organisation_id, std::uint64_t serial,
                                   ByteView device_key) const {
    auto it = revocations_.find(organisation_id);
    if (it == revocations_.end()) return false;
    if (it->second.serials.count(serial) != 0) return true;
    return it->second.device_keys.count(Bytes(device_key.begin(), device_key.end())) != 0;
}

CertResult<v1::MemberCertificate> issue_certificate(const v1::MemberCertificateBody& body,
                                                    ByteView root_seed) {
    v1::MemberCertificate cert;
    cert.set_body(deterministic(body));
    auto sig =
        crypto::ed25519_sign(root_seed, signed_bytes(kMemberCertificateLabel, view(cert.body())));
    if (!sig) return err(CertErrc::malformed, sig.error().message);
    cert.set_signature(as_string(*sig));
    return cert;
}

CertResult<v1::RevocationList> issue_revocation_list(const v1::RevocationListBody& body,
                                                     ByteView root_seed) {
    v1::RevocationList list;
    list.set_body(deterministic(body));
    auto sig =
        crypto::ed25519_sign(root_seed, signed_bytes(kRevocationListLabel, view(list.body())));
    if (!sig) return err(CertErrc::malformed, sig.error().message);
    list.set_signature(as_string(*sig));
    return list;
}

}  // namespace lagrum::cert
