// lagrum init | cert import | passwd | revocation import: the device's profile.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "lagrum/core/pki/organisation.h"
#include "lagrum/core/store/profile_key.h"

namespace lagrum::cli {

namespace {

crypto::Argon2Params kdf_named(const std::string& name) {
    if (name == "store") return crypto::kArgon2Store;
    if (name == "interactive") return crypto::kArgon2Interactive;
    if (name == "test") return crypto::kArgon2Test;
    throw core::Error(core::Errc::bad_input, "--kdf must be store, interactive or test");
}

}  // namespace

void add_profile_commands(CLI::App& app, Context& ctx) {
    // lagrum init --relay ADDR [--relay-ca FILE] --trust FILE... [--json]
    {
        auto* cmd = app.add_subcommand(
            "init", "create this device's profile (device key, encrypted store)");
        auto relay = std::make_shared<std::string>();
        auto relay_ca = std::make_shared<std::string>();
        auto trust = std::make_shared<std::vector<std::string>>();
        auto kdf = std::make_shared<std::string>("store");
        auto json = std::make_shared<bool>(false);
        cmd->add_option("--relay", *relay, "relay address: unix:PATH or host:port (TLS)")
            ->required();
        cmd->add_option("--relay-ca", *relay_ca, "PEM file pinning the relay's TLS certificate");
        cmd->add_option("--trust", *trust, "organisation anchor files (anchor.txtpb)")->required();
        cmd->add_option("--kdf", *kdf,
                        "Argon2id parameters: store (default) | interactive | test (tests only)");
        cmd->add_flag("--json", *json, "print {\"device_key\"}");
        cmd->callback([&ctx, relay, relay_ca, trust, kdf, json] {
            ctx.run = [&ctx, relay, relay_ca, trust, kdf, json] {
                core::messaging::InitOptions o;
                o.relay = *relay;
                if (!relay_ca->empty()) o.relay_ca = read_text_file(*relay_ca);
                for (const auto& f : *trust) o.trust.push_back(core::pki::read_anchor(f));
                o.kdf = kdf_named(*kdf);
                const auto dir = ctx.profile_dir();
                const auto key = crypto::to_hex(core::messaging::Client::init(
                    dir, ctx.passphrase("New passphrase / Ny lösenfras: ", true), o));
                if (*json) {
                    std::cout << nlohmann::ordered_json{{"device_key", key}}.dump() << "\n";
                } else {
                    std::cout << "profile created in " << dir.string() << "\n"
                              << "device key: " << key << "\n"
                              << "next: have your organisation issue a certificate for this key,\n"
                                 "then run: lagrum cert import FILE\n";
                }
                return kExitOk;
            };
        });
    }
    // lagrum cert import FILE
    {
        auto* cert = app.add_subcommand("cert", "the member certificate");
        cert->require_subcommand(1);
        auto* imp = cert->add_subcommand(
            "import", "install the member certificate and register with the relay");
        auto file = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        imp->add_option("FILE", *file, "certificate from lagrum org issue")->required();
        imp->add_flag("--json", *json, "print the result as JSON");
        imp->callback([&ctx, file, json] {
            ctx.run = [&ctx, file, json] {
                const auto c = core::pki::read_certificate_file(*file);
                auto client = ctx.open_client();
                const bool online = client->import_certificate(c);
                const auto self = client->self();
                if (*json) {
                    std::cout << nlohmann::ordered_json{{"address", self ? self->address() : ""},
                                                        {"registered", online}}
                                     .dump()
                              << "\n";
                } else {
                    std::cout
                        << "certificate installed for " << (self ? self->address() : "?") << "\n"
                        << (online ? "registered with the relay\n"
                                   : "relay unreachable: registration happens at the next sync\n");
                }
                return kExitOk;
            };
        });
    }
    // lagrum passwd
    {
        auto* cmd =
            app.add_subcommand("passwd", "change the profile passphrase (re-wraps the key only)");
        cmd->callback([&ctx] {
            ctx.run = [&ctx] {
                const auto dir = ctx.profile_dir();
                const auto old_pass = ctx.passphrase("Current passphrase / Nuvarande lösenfras: ");
                const auto new_pass = ctx.new_passphrase();
                core::messaging::Client::change_passphrase(dir, old_pass, new_pass);
                std::cout << "passphrase changed\n";
                return kExitOk;
            };
        });
    }
    // lagrum revocation import FILE
    {
        auto* rev = app.add_subcommand("revocation", "revocation lists");
        rev->require_subcommand(1);
        auto* imp = rev->add_subcommand(
            "import", "install a signed revocation list (and give it to the relay)");
        auto file = std::make_shared<std::string>();
        imp->add_option("FILE", *file, "revocation list from lagrum org revoke")->required();
        imp->callback([&ctx, file] {
            ctx.run = [&ctx, file] {
                const auto list = core::pki::read_revocation_list_file(*file);
                auto client = ctx.open_client();
                client->import_revocation_list(list);
                std::cout << "revocation list installed\n";
                return kExitOk;
            };
        });
    }
    // lagrum trust add FILE
    {
        auto* trust = app.add_subcommand("trust", "pinned organisation anchors");
        trust->require_subcommand(1);
        auto* add = trust->add_subcommand("add", "pin another organisation's anchor");
        auto file = std::make_shared<std::string>();
        add->add_option("FILE", *file, "anchor.txtpb")->required();
        add->callback([&ctx, file] {
            ctx.run = [&ctx, file] {
                const auto root = core::pki::read_anchor(*file);
                auto client = ctx.open_client();
                client->add_trust_anchor(root);
                std::cout << "anchor pinned: " << root.organisation_id() << "\n";
                return kExitOk;
            };
        });
    }
}

}  // namespace lagrum::cli
