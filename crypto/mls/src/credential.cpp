#include "lagrum/mls/credential.h"

namespace lagrum::mls {

void Credential::encode(Writer& w) const {
    w.u16(type);
    switch (type) {
        case credential_type::basic:
            w.opaque(identity);
            break;
        case credential_type::x509:
            w.vector([&](Writer& inner) {
                for (const auto& cert : certificates) inner.opaque(cert);
            });
            break;
        default:
            fail(MlsErrc::unsupported, "cannot encode unknown credential type");
    }
}

Credential Credential::decode(Reader& r) {
    Credential c;
    c.type = r.u16();
    switch (c.type) {
        case credential_type::basic:
            c.identity = r.opaque();
            break;
        case credential_type::x509:
            r.vector([&](Reader& inner) { c.certificates.push_back(inner.opaque()); });
            break;
        default:
            fail(MlsErrc::unsupported, "unknown credential type");
    }
    return c;
}

void check_credential(const CredentialPolicy& policy, const Credential& credential,
                      ByteView signature_key) {
    if (!policy || !policy(credential, signature_key)) {
        fail(MlsErrc::credential_rejected, "credential rejected by policy");
    }
}

}  // namespace lagrum::mls
