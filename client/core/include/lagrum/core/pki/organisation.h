// An organisation's certificate authority on disk (`lagrum org ...`): the Ed25519 root,
// its public anchor, member certificates and revocation lists (protocol/cert.proto).
//
// DIR/anchor.txtpb   the public OrganisationRoot (text format) that relays and clients pin
// DIR/root.key       the root's seed, wrapped under the passphrase (store/profile_key.h)
// DIR/ca.json        the CA's bookkeeping: next serial, issued certificates (serial,
//                    member, device key), revocation sequence and what is revoked
//
// Signing goes through lagrum_cert (issue_certificate / issue_revocation_list): the one
// place that signs certificates.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cert.pb.h"
#include "lagrum/core/error.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/bytes.h"

namespace lagrum::core::pki {

using crypto::Bytes;

// "social_services" <-> AUTHORITY_TYPE_SOCIAL_SERVICES, ... (check-format.md §2.1
// names). Throws Error(bad_input) for an unknown name.
cert::v1::AuthorityType parse_authority(std::string_view name);
std::string authority_name(cert::v1::AuthorityType type);

// The authority a name code stands for, as people say it: "Polisen" / "Police", "Skolan" /
// "School" (the forms of GLOSSARY.md and the app). The one table of these names: the
// minutes (text and PDF), the consent register and the compose wizard all show these;
// an unknown code is shown as it is.
std::string authority_label(std::string_view code, bool english);

// Reads an OrganisationRoot in text format (anchor.txtpb) and checks it (id, name,
// authority, 32-byte key). Throws bad_input / io_error.
cert::v1::OrganisationRoot read_anchor(const std::filesystem::path& file);
std::string anchor_text(const cert::v1::OrganisationRoot& root);

// Binary or text-format MemberCertificate / RevocationList files (either is accepted).
cert::v1::MemberCertificate read_certificate_file(const std::filesystem::path& file);
cert::v1::RevocationList read_revocation_list_file(const std::filesystem::path& file);

struct IssueRequest {
    std::string member_id;
    std::string display_name;
    std::string role;
    Bytes device_public_key;  // 32 bytes
    std::int64_t days = 365;
    std::int64_t now = 0;  // Unix seconds; not_before = now - 300 (clock skew)
};

struct RevokeRequest {
    std::vector<std::uint64_t> serials;
    std::vector<Bytes> device_keys;
    std::int64_t now = 0;
};

class OrganisationCa {
  public:
    // Creates DIR (may exist but must not hold a CA: profile_exists) with a new root.
    static OrganisationCa init(const std::filesystem::path& dir, const std::string& id,
                               const std::string& name, cert::v1::AuthorityType authority,
                               std::string_view passphrase, const crypto::Argon2Params& kdf);
    // Opens and unlocks (wrong_passphrase, no_profile, corrupt_store).
    static OrganisationCa open(const std::filesystem::path& dir, std::string_view passphrase);

    const cert::v1::OrganisationRoot& anchor() const { return anchor_; }

    // Issues and records the next serial. bad_input for a malformed request.
    cert::v1::MemberCertificate issue(const IssueRequest& request);
    // The next revocation list: everything revoked so far plus this request (an unknown
    // serial is bad_input), with the next sequence number.
    cert::v1::RevocationList revoke(const RevokeRequest& request);

    OrganisationCa(OrganisationCa&&) noexcept;
    OrganisationCa& operator=(OrganisationCa&&) noexcept;
    ~OrganisationCa();

  private:
    struct Impl;
    explicit OrganisationCa(std::unique_ptr<Impl> impl, cert::v1::OrganisationRoot anchor);
    std::unique_ptr<Impl> impl_;
    cert::v1::OrganisationRoot anchor_;
};

}  // namespace lagrum::core::pki
