// Lagrum's MLS credential policy (DESIGN.md, "Crypto"): a leaf is acceptable only if its
// BasicCredential identity is a serialized MemberCertificate that chains to a pinned
// organisation root, is valid at the time of the check, is not revoked, and whose
// device key equals the leaf's signature key. Authority types for the legal check come
// only from certificates verified here, never from a claim.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "cert.pb.h"
#include "lagrum/cert/cert.h"
#include "lagrum/mls/credential.h"

namespace lagrum::core::pki {

// A verified member: what the client may rely on about a leaf.
struct Member {
    std::string organisation_id;
    std::string member_id;
    std::string display_name;
    std::string role;
    cert::v1::AuthorityType authority = cert::v1::AUTHORITY_TYPE_UNSPECIFIED;
    std::uint64_t serial = 0;
    crypto::Bytes device_key;
    cert::v1::MemberCertificate certificate;

    std::string address() const { return organisation_id + "/" + member_id; }  // ORG/MEMBER
};

// The credential for our own leaves.
mls::Credential credential_for(const cert::v1::MemberCertificate& certificate);

// Verifies a credential against `trust` at `now`; the signature key must equal the
// certificate's device key. nullopt with `why` filled on any failure (never throws).
std::optional<Member> verify_member(const cert::TrustStore& trust, const mls::Credential& credential,
                                    crypto::ByteView signature_key, std::int64_t now,
                                    std::string* why = nullptr);

// The MLS CredentialPolicy over verify_member. `trust` must outlive the policy; `now` is
// read at each call.
mls::CredentialPolicy make_credential_policy(const cert::TrustStore& trust,
                                             std::function<std::int64_t()> now);

}  // namespace lagrum::core::pki
