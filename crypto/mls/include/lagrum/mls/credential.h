// Credentials, RFC 9420 §5.3.
//
// The MLS layer only carries credentials; it never decides whether one is valid. The
// caller supplies a CredentialPolicy (§5.3.1 "Credential Validation" is the
// Authentication Service's job); every place that admits a LeafNode calls it.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// §5.3 Credential: basic(identity) or x509(certificates). Unknown credential types
// cannot be parsed (the select has no length prefix) and are rejected as unsupported.
struct Credential {
    std::uint16_t type = credential_type::basic;
    Bytes identity;                   // basic
    std::vector<Bytes> certificates;  // x509: DER certificates, end-entity first

    static Credential basic(Bytes identity_bytes) {
        Credential c;
        c.identity = std::move(identity_bytes);
        return c;
    }
    static Credential x509(std::vector<Bytes> chain) {
        Credential c;
        c.type = credential_type::x509;
        c.certificates = std::move(chain);
        return c;
    }

    friend bool operator==(const Credential&, const Credential&) = default;
    void encode(Writer& w) const;
    // Throws MlsError(decode) on malformed input, (unsupported) on an unknown type.
    static Credential decode(Reader& r);
};

// Decides whether `credential` is acceptable and binds `signature_key` (the LeafNode's
// or external sender's key). Must not throw; return false to reject. Lagrum's client
// checks its organisation certificate carried in a basic credential here.
using CredentialPolicy = std::function<bool(const Credential& credential, ByteView signature_key)>;

// Calls `policy` and throws MlsError(credential_rejected) if it says no. A missing
// (empty) policy rejects everything: the layer never assumes validity.
void check_credential(const CredentialPolicy& policy, const Credential& credential,
                      ByteView signature_key);

}  // namespace lagrum::mls
