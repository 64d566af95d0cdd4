// lagrum verify ORG/MEMBER: the safety number of this device and a contact's devices,
// and (--mark / --unmark) whether it was compared in person: the mark holds only while
// the contact's device keys are the ones that were compared.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "lagrum/core/pki/safety_number.h"

namespace lagrum::cli {

void add_verify_commands(CLI::App& app, Context& ctx) {
    auto* cmd =
        app.add_subcommand("verify", "safety number (digits and QR code) to compare in person");
    auto address = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    auto mark = std::make_shared<bool>(false);
    auto unmark = std::make_shared<bool>(false);
    auto number = std::make_shared<std::string>();
    cmd->add_option("ORG/MEMBER", *address, "the contact")->required();
    cmd->add_flag("--json", *json, "print {\"safety_number\",\"groups\",\"verified\"}");
    cmd->add_flag("--mark", *mark,
                  "mark the contact verified: the safety number was compared in person");
    cmd->add_flag("--unmark", *unmark, "remove the verified mark");
    cmd->add_option("--number", *number,
                    "with --mark: the digits that were compared (refused if they changed)");
    cmd->callback([&ctx, address, json, mark, unmark, number] {
        ctx.run = [&ctx, address, json, mark, unmark, number] {
            if (*mark && *unmark) {
                throw core::Error(core::Errc::bad_input, "--mark and --unmark exclude each other");
            }
            if (!number->empty() && !*mark) {
                throw core::Error(core::Errc::bad_input, "--number goes with --mark");
            }
            auto client = ctx.open_client_offline();
            if (*mark) client->mark_verified(*address, *number);
            if (*unmark) client->unmark_verified(*address);
            auto sn = client->safety_number(*address);
            if (*json) {
                std::cout << nlohmann::ordered_json{{"contact", *address},
                                                    {"safety_number", sn.digits},
                                                    {"groups", sn.groups},
                                                    {"verified", sn.verified},
                                                    {"verification_lost", sn.verification_lost}}
                                 .dump()
                          << "\n";
                return kExitOk;
            }
            std::cout << "Safety number with / Säkerhetsnummer med " << *address << ":\n\n";
            for (std::size_t i = 0; i < sn.groups.size(); ++i) {
                std::cout << (i % 4 == 0 ? "  " : " ") << sn.groups[i] << (i % 4 == 3 ? "\n" : "");
            }
            std::cout << "\n" << core::pki::qr_terminal(sn.qr_payload) << "\n";
            if (sn.verified) {
                std::cout << "Verified / Verifierad: " << *address
                          << " was marked verified for these device keys.\n";
            } else if (sn.verification_lost) {
                std::cout << "No longer verified / Inte längre verifierad: " << *address
                          << "'s device keys changed since the number was compared; compare "
                             "it again.\n";
            } else {
                std::cout << "Not verified / Inte verifierad.\n";
            }
            std::cout << "Compare these digits with " << *address
                      << " in person or by phone; if they differ, do not send.\n";
            return kExitOk;
        };
    });
}

}  // namespace lagrum::cli
