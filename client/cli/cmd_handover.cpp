// lagrum handover --subject PNR --to ORG/MEMBER | handover verify | handover list:
// case handover between case officers (client/core/src/handover).
#include <iostream>

#include "cli.h"
#include "lagrum/core/handover/render.h"

namespace lagrum::cli {

void add_handover_commands(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "handover", "hand a case over to a colleague: rooms, signed history, log excerpt");
    cmd->require_subcommand(0, 1);
    struct Args {
        std::string subject, to;
        bool json = false;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("--subject", a->subject, "the young person's personnummer");
    cmd->add_option("--to", a->to, "ORG/MEMBER: the successor, of your organisation");
    cmd->add_flag("--json", a->json, "print the handover as JSON");

    // lagrum handover verify [--json]: exit 0 when every received bundle verifies, 4 not.
    auto* verify = cmd->add_subcommand("verify", "verify the handover bundles received here");
    auto vjson = std::make_shared<bool>(false);
    verify->add_flag("--json", *vjson, "print {\"ok\",\"bundles\":[...]}");
    verify->callback([&ctx, vjson] {
        ctx.run = [&ctx, vjson] {
            auto client = ctx.open_client_offline();
            const auto v = client->verify_handovers();
            std::cout << (*vjson ? core::handover::verification_json(v) + "\n"
                                 : core::handover::verification_text(v));
            if (!v.ok) {
                std::string why = "no handover was received here";
                for (const auto& c : v.bundles) {
                    if (!c.ok) {
                        why = "handover " + c.handover.handover_id + ": " + c.problem;
                        break;
                    }
                }
                std::cerr << "lagrum: not verified: " << why << "\n";
                return kExitVerify;
            }
            return kExitOk;
        };
    });
    // lagrum handover list [--json]
    auto* list = cmd->add_subcommand("list", "handovers sent and received here");
    auto ljson = std::make_shared<bool>(false);
    list->add_flag("--json", *ljson, "JSON array");
    list->callback([&ctx, ljson] {
        ctx.run = [&ctx, ljson] {
            auto client = ctx.open_client_offline();
            const auto records = client->handovers();
            std::cout << (*ljson ? core::handover::records_json(records) + "\n"
                                 : core::handover::records_text(records));
            return kExitOk;
        };
    });

    // lagrum handover --subject PNR --to ORG/MEMBER [--json]
    cmd->callback([&ctx, a, cmd] {
        if (!cmd->get_subcommands().empty()) {
            if (!a->subject.empty() || !a->to.empty()) {
                throw CLI::ValidationError("--subject/--to",
                                           "belong to `lagrum handover`, not its subcommands");
            }
            return;  // verify / list set ctx.run
        }
        ctx.run = [&ctx, a] {
            if (a->subject.empty() || a->to.empty()) {
                throw core::Error(core::Errc::bad_input,
                                  "give --subject PNR and --to ORG/MEMBER (or: handover verify)");
            }
            core::handover::HandoverRequest req;
            req.subject = a->subject;
            req.successor = a->to;
            auto client = ctx.open_client();
            const auto r = client->hand_over(req);
            std::cout << (a->json ? core::handover::result_json(r) + "\n"
                                  : core::handover::result_text(r));
            return kExitOk;
        };
    });
}

}  // namespace lagrum::cli
