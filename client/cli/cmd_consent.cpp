// lagrum consent add | withdraw | list, lagrum case close: the consent register
// (lagrum/core/records/consent.h). Offline: the register is local; a withdrawal or a case
// close holds unsent outbox entries at once, without the relay.
#include <charconv>
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "lagrum/core/records/render.h"

namespace lagrum::cli {

namespace {

std::vector<std::string> split_commas(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& a : args) {
        std::size_t p = 0;
        while (p <= a.size()) {
            auto q = a.find(',', p);
            if (q == std::string::npos) q = a.size();
            if (q > p) out.push_back(a.substr(p, q - p));
            p = q + 1;
        }
    }
    return out;
}

core::records::ConsentDocument read_document(const std::string& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) throw core::Error(core::Errc::bad_input, "cannot read the consent document " + file);
    if (size > core::records::kMaxConsentDocument) {
        throw core::Error(core::Errc::bad_input, "the consent document is larger than 10 MiB");
    }
    core::records::ConsentDocument doc;
    doc.name = std::filesystem::path(file).filename().string();
    doc.data = read_text_file(file);
    if (doc.data.size() > core::records::kMaxConsentDocument) {
        throw core::Error(core::Errc::bad_input, "the consent document is larger than 10 MiB");
    }
    return doc;
}

std::int64_t parse_id(const std::string& text) {
    std::int64_t id = 0;
    const auto* end = text.data() + text.size();
    auto [p, ec] = std::from_chars(text.data(), end, id);
    if (ec != std::errc() || p != end || id <= 0) {
        throw core::Error(core::Errc::bad_input,
                          "a consent ID is a positive number (lagrum consent list)");
    }
    return id;
}

}  // namespace

void add_consent_commands(CLI::App& app, Context& ctx) {
    auto* consent = app.add_subcommand("consent", "the consent register (samtycken)");
    consent->require_subcommand(1);
    // lagrum consent add --subject PNR --given-by subject|guardian --recipients AUTH,...
    //   [--purpose TEXT] [--until YYYY-MM-DD] [--document FILE] [--json]
    {
        auto* cmd = consent->add_subcommand("add", "record a consent, signed and logged");
        struct Args {
            std::string subject, given_by, purpose, until, document;
            std::vector<std::string> recipients;
            bool json = false;
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("--subject", a->subject, "the young person's personnummer")->required();
        cmd->add_option("--given-by", a->given_by, "subject | guardian")->required();
        cmd->add_option("--recipients", a->recipients,
                        "recipient authorities, e.g. police,school (lagrum provisions list)")
            ->required();
        cmd->add_option("--purpose", a->purpose, "what the consent is for");
        cmd->add_option("--until", a->until, "last day it is valid, YYYY-MM-DD");
        cmd->add_option("--document", a->document, "the signed consent (at most 10 MiB)");
        cmd->add_flag("--json", a->json, "print the new consent (with its id) as JSON");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                core::records::ConsentRequest req;
                req.subject = a->subject;
                req.given_by = a->given_by;
                req.recipients = split_commas(a->recipients);
                req.purpose = a->purpose;
                if (!a->until.empty()) {
                    req.valid_until = core::legal::parse_date(a->until);
                    if (!req.valid_until) {
                        throw core::Error(core::Errc::bad_input, "--until must be YYYY-MM-DD");
                    }
                }
                if (!a->document.empty()) req.document = read_document(a->document);
                auto client = ctx.open_client_offline();
                const auto c = client->add_consent(req);
                std::cout << (a->json ? core::records::consent_json(c) + "\n"
                                      : core::records::consents_text({c}));
                return kExitOk;
            };
        });
    }
    // lagrum consent withdraw ID [--json]
    {
        auto* cmd =
            consent->add_subcommand("withdraw", "withdraw a consent; holds unsent messages");
        auto id = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("ID", *id, "the consent's id (lagrum consent list)")->required();
        cmd->add_flag("--json", *json, "print the consent and the held outbox entries as JSON");
        cmd->callback([&ctx, id, json] {
            ctx.run = [&ctx, id, json] {
                const auto n = parse_id(*id);
                auto client = ctx.open_client_offline();
                const auto change = client->withdraw_consent(n);
                std::cout << (*json ? core::records::consent_change_json(change) + "\n"
                                    : core::records::consent_change_text(change));
                return kExitOk;
            };
        });
    }
    // lagrum consent list [--subject PNR] [--json]
    {
        auto* cmd = consent->add_subcommand("list", "the register, oldest first");
        auto subject = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("--subject", *subject, "only this young person's consents");
        cmd->add_flag("--json", *json, "JSON array");
        cmd->callback([&ctx, subject, json] {
            ctx.run = [&ctx, subject, json] {
                auto client = ctx.open_client_offline();
                std::optional<std::string> s;
                if (!subject->empty()) s = *subject;
                const auto list = client->consents(s);
                std::cout << (*json ? core::records::consents_json(list) + "\n"
                                    : core::records::consents_text(list));
                return kExitOk;
            };
        });
    }
    // lagrum case close --subject PNR [--json]
    auto* kase = app.add_subcommand("case", "the social-services case (ärendet)");
    kase->require_subcommand(1);
    {
        auto* cmd = kase->add_subcommand("close", "close the case: every consent of it ends");
        auto subject = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("--subject", *subject, "the young person's personnummer")->required();
        cmd->add_flag("--json", *json, "print the ended consents and held outbox entries");
        cmd->callback([&ctx, subject, json] {
            ctx.run = [&ctx, subject, json] {
                auto client = ctx.open_client_offline();
                const auto change = client->close_case(*subject);
                if (*json) {
                    std::cout << core::records::consent_change_json(change) << "\n";
                } else {
                    std::cout << "case closed: " << change.consents.size() << " consent(s) ended\n"
                              << core::records::consent_change_text(change);
                }
                return kExitOk;
            };
        });
    }
}

}  // namespace lagrum::cli
