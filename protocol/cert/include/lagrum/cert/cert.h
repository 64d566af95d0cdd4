// Member-certificate and revocation-list verification (protocol/cert.proto).
//
// Deliberately small and free of MLS, gRPC and storage so the relay and the client share it:
// lagrum_cert links only lagrum_protocol and lagrum_crypto.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cert.pb.h"
#include "lagrum/crypto/bytes.h"
#include "lagrum/result.h"

namespace lagrum::cert {

using crypto::Bytes;
using crypto::ByteView;

inline constexpr std::string_view kMemberCertificateLabel = "lagrum.cert.v1.MemberCertificate";
inline constexpr std::string_view kRevocationListLabel = "lagrum.cert.v1.RevocationList";
// Upper bound on an encoded certificate or revocation list body we are willing to parse.
inline constexpr std::size_t kMaxBodySize = 64 * 1024;

// label || 0x00 || body: the exact bytes a signature covers (see cert.proto).
Bytes signed_bytes(std::string_view label, ByteView body);

enum class CertErrc {
    malformed,
    unknown_organisation,
    bad_signature,
    not_yet_valid,
    expired,
    revoked,
    stale,  // revocation list not newer than the installed one
};
const char* cert_errc_name(CertErrc code) noexcept;

struct CertError {
    CertErrc code;
    std::string message;
};

// The project-wide lagrum::Result ([[nodiscard]]); still a std::variant<T, CertError>
// underneath, so std::get_if callers compile unchanged.
template <class T>
using CertResult = lagrum::Result<T, CertError>;

// The value of a CertResult that has none (as relay::Unit for StoreResult<Unit>).
struct Unit {};

// The organisation roots one party pins, plus the newest revocation list per root.
// Thread-safe: verification may run concurrently with installing revocation lists.
class TrustStore {
  public:
    // Adds a pinned root. Fails (malformed) on an empty id or a key that is not 32 bytes.
    CertResult<Unit> add_root(const v1::OrganisationRoot& root);
    std::size_t root_count() const;
    bool has_root(const std::string& organisation_id) const;
    // Replaces the pinned roots (a configuration reload). Returns the organisation ids
    // that were pinned before and are not any more; their revocation lists are kept.
    // Fails (malformed, nothing changed) like add_root on any bad entry.
    CertResult<std::vector<std::string>> replace_roots(
        const std::vector<v1::OrganisationRoot>& roots);

    // Verifies signature, organisation, validity at `now` and revocation; returns the
    // parsed body on success.
    CertResult<v1::MemberCertificateBody> verify(const v1::MemberCertificate& cert,
                                                 std::int64_t now) const;

    // Installs a revocation list signed by a pinned root if its sequence is newer than
    // the installed one (any sequence, 0 included, when none is installed: the first
    // list of an organisation is never stale). Returns the parsed body.
    CertResult<v1::RevocationListBody> install_revocation_list(const v1::RevocationList& list);

    bool is_revoked(const std::string& organisation_id, std::uint64_t serial,
                    ByteView device_key) const;

  private:
    struct Revocations {
        bool installed = false;  // sequence 0 is a real sequence, not "none"
        std::uint64_t sequence = 0;
        std::set<std::uint64_t> serials;
        std::set<Bytes> device_keys;
    };
    bool is_revoked_locked(const std::string& organisation_id, std::uint64_t serial,
                           ByteView device_key) const;

    mutable std::shared_mutex mu_;
    std::map<std::string, v1::OrganisationRoot> roots_;
    std::map<std::string, Revocations> revocations_;
};

// Issuing side (organisation tooling, tests, --init-demo): deterministic body bytes and
// the root's signature. `root_seed` is the 32-byte Ed25519 seed of the root.
CertResult<v1::MemberCertificate> issue_certificate(const v1::MemberCertificateBody& body,
                                                    ByteView root_seed);
CertResult<v1::RevocationList> issue_revocation_list(const v1::RevocationListBody& body,
                                                     ByteView root_seed);

}  // namespace lagrum::cert
