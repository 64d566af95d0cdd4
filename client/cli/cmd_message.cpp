// lagrum send | sync | daemon | inbox | outbox: provision-checked messages.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "lagrum/core/messaging/render.h"

namespace lagrum::cli {

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
    g_stop = 1;
}

}  // namespace

void add_message_commands(CLI::App& app, Context& ctx) {
    // lagrum send (--room NAME | --to ORG/MEMBER) --subject PNR --provision ID
    //   [--facts FILE] [--consent FILE] [--category C]... (--text TEXT | --file PATH)
    {
        auto* cmd = app.add_subcommand("send", "check the legal basis, then encrypt and send");
        struct Args {
            std::string room, to, subject, provision, facts, consent, text, file;
            std::vector<std::string> categories;
            bool json = false;
        };
        auto a = std::make_shared<Args>();
        auto* room = cmd->add_option("--room", a->room, "room name");
        auto* to = cmd->add_option("--to", a->to, "ORG/MEMBER (a direct conversation)");
        room->excludes(to);
        cmd->add_option("--subject", a->subject, "the young person's personnummer")->required();
        cmd->add_option("--provision", a->provision, "provision id (lagrum provisions list)")
            ->required();
        cmd->add_option("--facts", a->facts, "JSON file with the facts (check-format.md §2.5)");
        cmd->add_option("--consent", a->consent,
                        "JSON file with the consent (check-format.md §2.6)");
        cmd->add_option("--category", a->categories, "sensitive category (repeatable)");
        auto* text = cmd->add_option("--text", a->text, "message text");
        auto* file = cmd->add_option("--file", a->file, "send a file");
        text->excludes(file);
        cmd->add_flag("--json", a->json, "print {\"verdict\",\"sent\",\"queued\",...} on success");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                if (a->room.empty() == a->to.empty()) {
                    throw core::Error(core::Errc::bad_input, "give exactly one of --room and --to");
                }
                if (a->text.empty() && a->file.empty()) {
                    throw core::Error(core::Errc::bad_input, "give --text TEXT or --file PATH");
                }
                core::messaging::SendRequest req;
                if (!a->room.empty()) req.room = a->room;
                if (!a->to.empty()) req.to = a->to;
                req.subject = a->subject;
                req.provision = a->provision;
                if (!a->facts.empty()) req.facts_json = read_text_file(a->facts);
                if (!a->consent.empty()) req.consent_json = read_text_file(a->consent);
                req.categories = a->categories;
                req.text = a->text;
                if (!a->file.empty()) {
                    content::v1::Attachment att;
                    att.set_name(std::filesystem::path(a->file).filename().string());
                    att.set_data(read_text_file(a->file));
                    req.attachment = std::move(att);
                }
                auto client = ctx.open_client();
                auto r = client->send(req);
                if (!r.allowed) {
                    // The verdict, exactly as `lagrum check` prints it; nothing was queued.
                    std::cout << r.verdict_json << "\n";
                    std::cerr << "lagrum: not sent: the legal check says "
                              << core::legal::to_string(r.verdict.verdict) << "\n";
                    return kExitRefused;
                }
                if (a->json) {
                    std::cout << "{\"verdict\":" << r.verdict_json
                              << ",\"room\":" << nlohmann::json(r.room).dump()
                              << ",\"message_id\":" << r.message_id
                              << ",\"sent\":" << (r.sent ? "true" : "false")
                              << ",\"queued\":" << (r.sent ? "false" : "true") << "}\n";
                } else if (r.sent) {
                    std::cout << "sent to " << r.room << " under " << r.verdict.citation << "\n";
                } else {
                    std::cout << "queued for " << r.room << " under " << r.verdict.citation
                              << " (relay unreachable; lagrum sync delivers it)\n";
                }
                return kExitOk;
            };
        });
    }
    // lagrum sync [--wait SECONDS] [--json]
    {
        auto* cmd = app.add_subcommand("sync", "receive from the relay, then deliver the outbox");
        auto wait = std::make_shared<double>(0);
        auto json = std::make_shared<bool>(false);
        cmd->add_option("--wait", *wait, "wait up to SECONDS for something new")
            ->check(CLI::Range(0.0, 86400.0));
        cmd->add_flag("--json", *json, "print counts as JSON");
        cmd->callback([&ctx, wait, json] {
            ctx.run = [&ctx, wait, json] {
                auto client = ctx.open_client();
                auto r = client->sync(
                    std::chrono::milliseconds(static_cast<std::int64_t>(*wait * 1000)));
                std::cout << (*json ? core::messaging::sync_json(r) + "\n"
                                    : core::messaging::sync_text(r));
                return kExitOk;
            };
        });
    }
    // lagrum daemon
    {
        auto* cmd = app.add_subcommand(
            "daemon", "stay connected: receive as messages arrive, deliver the outbox");
        cmd->callback([&ctx] {
            ctx.run = [&ctx] {
                auto client = ctx.open_client();
                std::signal(SIGINT, on_signal);
                std::signal(SIGTERM, on_signal);
                std::cout << "lagrum daemon: connected to " << client->relay_address()
                          << " (Ctrl-C stops)" << std::endl;
                client->run_daemon([] { return g_stop != 0; },
                                   [](const core::messaging::SyncReport& r) {
                                       std::cout << core::messaging::sync_text(r) << std::flush;
                                   });
                return kExitOk;
            };
        });
    }
    // lagrum inbox [--room NAME] [--json]
    {
        auto* cmd = app.add_subcommand("inbox", "messages, with their provision tags and flags");
        auto room = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("--room", *room, "only this room");
        cmd->add_flag("--json", *json, "JSON array");
        cmd->callback([&ctx, room, json] {
            ctx.run = [&ctx, room, json] {
                auto client = ctx.open_client_offline();
                std::optional<std::string> r;
                if (!room->empty()) r = *room;
                const auto messages = client->inbox(r);
                // A forked room is said above its messages (docs/security.md (5)).
                if (!*json) std::cout << core::messaging::forks_text(client->rooms());
                std::cout << (*json ? core::messaging::messages_json(messages) + "\n"
                                    : core::messaging::messages_text(messages));
                client->mark_read(r);
                return kExitOk;
            };
        });
    }
    // lagrum outbox [--json]
    {
        auto* cmd = app.add_subcommand("outbox", "messages waiting to be delivered, and held ones");
        auto json = std::make_shared<bool>(false);
        cmd->add_flag("--json", *json, "JSON array");
        cmd->callback([&ctx, json] {
            ctx.run = [&ctx, json] {
                auto client = ctx.open_client_offline();
                const auto entries = client->outbox();
                std::cout << (*json ? core::messaging::outbox_json(entries) + "\n"
                                    : core::messaging::outbox_text(entries));
                return kExitOk;
            };
        });
    }
}

}  // namespace lagrum::cli
