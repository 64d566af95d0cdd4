// lagrum verify ORG/MEMBER: the safety number of this device and a contact's devices.
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
    cmd->add_option("ORG/MEMBER", *address, "the contact")->required();
    cmd->add_flag("--json", *json, "print {\"safety_number\",\"groups\"}");
    cmd->callback([&ctx, address, json] {
        ctx.run = [&ctx, address, json] {
            auto client = ctx.open_client_offline();
            auto sn = client->safety_number(*address);
            if (*json) {
                std::cout << nlohmann::ordered_json{{"contact", *address},
                                                    {"safety_number", sn.digits},
                                                    {"groups", sn.groups}}
                                 .dump()
                          << "\n";
                return kExitOk;
            }
            std::cout << "Safety number with / Säkerhetsnummer med " << *address << ":\n\n";
            for (std::size_t i = 0; i < sn.groups.size(); ++i) {
                std::cout << (i % 4 == 0 ? "  " : " ") << sn.groups[i] << (i % 4 == 3 ? "\n" : "");
            }
            std::cout << "\n"
                      << core::pki::qr_terminal(sn.qr_payload) << "\n"
                      << "Compare these digits with " << *address
                      << " in person or by phone; if they differ, do not send.\n";
            return kExitOk;
        };
    });
}

}  // namespace lagrum::cli
