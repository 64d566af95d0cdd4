// lagrum org init|issue|revoke: the organisation's certificate authority
// (core/pki/organisation.h). Scripts and tests drive these: flags and JSON keys are a
// contract.
#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

#include "cli.h"
#include "lagrum/core/pki/organisation.h"

namespace lagrum::cli {

namespace {

using ojson = nlohmann::ordered_json;
namespace pki = core::pki;

struct InitArgs {
    std::string dir;
    std::string id;
    std::string name;
    std::string authority;
    std::string kdf = "store";
    bool json = false;
};

struct IssueArgs {
    std::string dir;
    std::string member;
    std::string name;
    std::string role;
    std::string device_key;
    std::int64_t days = 365;
    std::string out;
    bool json = false;
};

struct RevokeArgs {
    std::string dir;
    std::vector<std::uint64_t> serials;
    std::vector<std::string> device_keys;
    std::string out;
    bool json = false;
};

std::int64_t now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

crypto::Argon2Params kdf_params(const std::string& name) {
    if (name == "interactive") return crypto::kArgon2Interactive;
    if (name == "test") return crypto::kArgon2Test;
    return crypto::kArgon2Store;
}

crypto::Bytes device_key(const std::string& text) {
    crypto::Bytes key = unhex(text);
    if (key.size() != 32) {
        throw core::Error(
            core::Errc::bad_input,
            "--device-key must be 32 bytes (64 hex digits), got " + std::to_string(key.size()));
    }
    return key;
}

std::string bytes_string(const std::string& s) {
    return crypto::to_hex({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

int run_init(const InitArgs& a, const Context& ctx) {
    // Everything is checked before the passphrase is asked for.
    const auto authority = pki::parse_authority(a.authority);
    const auto params = kdf_params(a.kdf);
    const std::string pass = ctx.passphrase(
        "New passphrase for the organisation root / "
        "Ny lösenfras för organisationens rot: ",
        /*confirm=*/true);
    const auto ca = pki::OrganisationCa::init(a.dir, a.id, a.name, authority, pass, params);
    const auto& root = ca.anchor();
    const std::string key_hex = bytes_string(root.root_public_key());
    if (a.json) {
        ojson j{{"organisation_id", root.organisation_id()},
                {"root_public_key", key_hex},
                {"authority", pki::authority_name(root.authority_type())}};
        std::cout << j.dump() << "\n";
    } else {
        std::cout << "Organisation " << root.organisation_id() << " (" << root.name() << ", "
                  << pki::authority_name(root.authority_type()) << ") created in " << a.dir
                  << "\nroot public key: " << key_hex << "\nanchor to pin:   "
                  << (std::filesystem::path(a.dir) / "anchor.txtpb").string() << "\n";
    }
    return kExitOk;
}

int run_issue(const IssueArgs& a, const Context& ctx) {
    pki::IssueRequest req;
    req.member_id = a.member;
    req.display_name = a.name;
    req.role = a.role;
    req.device_public_key = device_key(a.device_key);
    req.days = a.days;
    req.now = now();
    if (a.days < 1 || a.days > 3650) {
        throw core::Error(core::Errc::bad_input, "--days must be between 1 and 3650");
    }
    auto ca = pki::OrganisationCa::open(a.dir, ctx.passphrase("Organisation passphrase / "
                                                              "Organisationens lösenfras: "));
    const auto certificate = ca.issue(req);
    cert::v1::MemberCertificateBody body;
    if (!body.ParseFromString(certificate.body())) {
        throw core::Error(core::Errc::internal, "issued certificate does not parse");
    }
    write_file_atomic(a.out, certificate.SerializeAsString());
    if (a.json) {
        ojson j{{"serial", body.serial()},
                {"organisation_id", body.organisation_id()},
                {"member_id", body.member_id()},
                {"device_key", bytes_string(body.device_public_key())},
                {"not_before", body.not_before()},
                {"not_after", body.not_after()}};
        std::cout << j.dump() << "\n";
    } else {
        std::cout << "Certificate " << body.serial() << " for " << body.organisation_id() << "/"
                  << body.member_id() << " written to " << a.out << "\nvalid "
                  << iso_time(body.not_before()) << " to " << iso_time(body.not_after()) << "\n";
    }
    return kExitOk;
}

int run_revoke(const RevokeArgs& a, const Context& ctx) {
    pki::RevokeRequest req;
    req.serials = a.serials;
    for (const auto& k : a.device_keys) req.device_keys.push_back(device_key(k));
    req.now = now();
    if (req.serials.empty() && req.device_keys.empty()) {
        throw core::Error(core::Errc::bad_input, "give --serial N or --device-key HEX");
    }
    auto ca = pki::OrganisationCa::open(a.dir, ctx.passphrase("Organisation passphrase / "
                                                              "Organisationens lösenfras: "));
    const auto list = ca.revoke(req);
    cert::v1::RevocationListBody body;
    if (!body.ParseFromString(list.body())) {
        throw core::Error(core::Errc::internal, "issued revocation list does not parse");
    }
    write_file_atomic(a.out, list.SerializeAsString());
    if (a.json) {
        ojson serials = ojson::array(), keys = ojson::array();
        for (auto s : body.revoked_serials()) serials.push_back(s);
        for (const auto& k : body.revoked_device_keys()) keys.push_back(bytes_string(k));
        ojson j{{"organisation_id", body.organisation_id()},
                {"sequence", body.sequence()},
                {"revoked_serials", std::move(serials)},
                {"revoked_device_keys", std::move(keys)}};
        std::cout << j.dump() << "\n";
    } else {
        std::cout << "Revocation list " << body.sequence() << " for " << body.organisation_id()
                  << " written to " << a.out << ": " << body.revoked_serials_size()
                  << " serial(s), " << body.revoked_device_keys_size()
                  << " device key(s) revoked\nDistribute it to relays and clients.\n";
    }
    return kExitOk;
}

}  // namespace

void add_org_commands(CLI::App& app, Context& ctx) {
    auto* org = app.add_subcommand("org", "the organisation's certificate authority");
    org->require_subcommand(1);

    auto init_args = std::make_shared<InitArgs>();
    auto* init = org->add_subcommand("init", "create a new organisation root in DIR");
    init->add_option("DIR", init_args->dir, "CA folder")->required();
    init->add_option("--id", init_args->id, "organisation id, e.g. se.malmo.socialtjansten")
        ->required();
    init->add_option("--name", init_args->name, "organisation name")->required();
    init->add_option("--authority", init_args->authority,
                     "social_services, police, security_service, prosecutor, school, "
                     "health_care or other")
        ->required();
    init->add_option("--kdf", init_args->kdf,
                     "TEST ONLY: Argon2id cost for the root key (store = default; "
                     "interactive and test are weaker and only for automated tests)")
        ->check(CLI::IsMember({"store", "interactive", "test"}));
    init->add_flag("--json", init_args->json, "print the result as one JSON line");
    init->callback(
        [init_args, &ctx] { ctx.run = [init_args, &ctx] { return run_init(*init_args, ctx); }; });

    auto issue_args = std::make_shared<IssueArgs>();
    auto* issue = org->add_subcommand("issue", "issue a member certificate for one device");
    issue->add_option("DIR", issue_args->dir, "CA folder")->required();
    issue->add_option("--member", issue_args->member, "member id")->required();
    issue->add_option("--name", issue_args->name, "display name")->required();
    issue->add_option("--role", issue_args->role, "role, e.g. socialsekreterare")->required();
    issue
        ->add_option("--device-key", issue_args->device_key,
                     "the device's Ed25519 public key (64 hex digits)")
        ->required();
    issue->add_option("--days", issue_args->days, "validity in days (default 365)");
    issue->add_option("--out", issue_args->out, "certificate file to write (binary)")->required();
    issue->add_flag("--json", issue_args->json, "print the result as one JSON line");
    issue->callback([issue_args, &ctx] {
        ctx.run = [issue_args, &ctx] { return run_issue(*issue_args, ctx); };
    });

    auto revoke_args = std::make_shared<RevokeArgs>();
    auto* revoke = org->add_subcommand(
        "revoke", "sign the next revocation list (everything revoked so far plus this)");
    revoke->add_option("DIR", revoke_args->dir, "CA folder")->required();
    revoke->add_option("--serial", revoke_args->serials, "certificate serial (repeatable)");
    revoke->add_option("--device-key", revoke_args->device_keys,
                       "device public key, 64 hex digits (repeatable)");
    revoke->add_option("--out", revoke_args->out, "revocation list file to write (binary)")
        ->required();
    revoke->add_flag("--json", revoke_args->json, "print the result as one JSON line");
    revoke->callback([revoke_args, &ctx] {
        ctx.run = [revoke_args, &ctx] { return run_revoke(*revoke_args, ctx); };
    });
}

}  // namespace lagrum::cli
