// lagrum meeting create|list|show|agenda|open|share|decide|close|minutes: risk meetings
// ("unga i riskzon", SSPF) over lagrum/core/meetings/meeting.h. The minutes' JSON and
// text come from the core (meetings/minutes_json.cpp); the PDF from lagrum_report
// (report/minutes.h, shared with the desktop app).
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "lagrum/core/meetings/meeting.h"
#ifdef LAGRUM_HAVE_REPORT
#include "lagrum/report/minutes.h"
#include "lagrum/report/pdf.h"
#endif

namespace lagrum::cli {

namespace {

namespace mt = core::meetings;

int write_minutes_pdf(const mt::Minutes& m, bool en, const std::string& out) {
#ifdef LAGRUM_HAVE_REPORT
    try {
        return report::write_minutes_pdf(m, en, out);
    } catch (const report::ReportError& e) {
        throw core::Error(core::Errc::io_error, e.what());
    }
#else
    (void)m;
    (void)en;
    (void)out;
    throw core::Error(core::Errc::bad_input,
                      "this lagrum was built without Qt: --format pdf is not available");
#endif
}

// `lagrum meeting VERB NAME [--json]`: the shape several subcommands share. `act` runs
// with the profile opened (online: after the relay is reached, else offline).
using NamedAction =
    std::function<void(core::messaging::Client& client, const std::string& name, bool json)>;

void add_named(CLI::App* meeting, Context& ctx, const char* verb, const char* what,
               const char* json_help, bool online, NamedAction act) {
    auto* cmd = meeting->add_subcommand(verb, what);
    auto name = std::make_shared<std::string>();
    auto json = std::make_shared<bool>(false);
    cmd->add_option("NAME", *name, "the meeting")->required();
    cmd->add_flag("--json", *json, json_help);
    cmd->callback([&ctx, name, json, online, act = std::move(act)] {
        ctx.run = [&ctx, name, json, online, act] {
            auto client = online ? ctx.open_client() : ctx.open_client_offline();
            act(*client, *name, *json);
            return kExitOk;
        };
    });
}

}  // namespace

void add_meeting_commands(CLI::App& app, Context& ctx) {
    auto* meeting = app.add_subcommand("meeting", "risk meetings with signed minutes (protokoll)");
    meeting->require_subcommand(1);
    // lagrum meeting create NAME --title TEXT --at "YYYY-MM-DD HH:MM" --members A,B,...
    {
        auto* cmd = meeting->add_subcommand("create", "create a meeting room; you chair it");
        struct Args {
            std::string name, title, at;
            std::vector<std::string> members;
            bool json = false;
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("NAME", a->name, "the meeting's room name")->required();
        cmd->add_option("--title", a->title, "the meeting's title")->required();
        cmd->add_option("--at", a->at, "\"YYYY-MM-DD HH:MM\"")->required();
        cmd->add_option("--members", a->members, "ORG/MEMBER,... (comma-separated)")
            ->required()
            ->delimiter(',');
        cmd->add_flag("--json", a->json, "print the meeting as JSON");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                auto client = ctx.open_client();
                auto m = client->meeting_create(a->name, a->title, a->at, a->members);
                std::cout << (a->json ? mt::meeting_json(m) + "\n" : mt::meeting_text(m));
                return kExitOk;
            };
        });
    }
    // lagrum meeting list [--json]
    {
        auto* cmd = meeting->add_subcommand("list", "the meetings this device knows");
        auto json = std::make_shared<bool>(false);
        cmd->add_flag("--json", *json, "JSON array");
        cmd->callback([&ctx, json] {
            ctx.run = [&ctx, json] {
                auto client = ctx.open_client_offline();
                std::string out = *json ? "[" : "";
                bool first = true;
                for (const auto& m : client->meetings()) {
                    if (*json) {
                        out += (first ? "" : ",") + mt::meeting_json(m);
                    } else {
                        out += mt::meeting_text(m);
                    }
                    first = false;
                }
                if (*json) out += "]\n";
                if (!*json && first) out = "(inga möten / no meetings)\n";
                std::cout << out;
                return kExitOk;
            };
        });
    }
    // lagrum meeting agenda NAME [add --subject PNR] [--json]
    {
        auto* cmd = meeting->add_subcommand("agenda", "show the agenda, or add a young person");
        struct Args {
            std::string name, action, subject;
            bool json = false;
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("NAME", a->name, "the meeting")->required();
        cmd->add_option("ACTION", a->action, "add");
        cmd->add_option("--subject", a->subject, "the young person's personnummer (add)");
        cmd->add_flag("--json", a->json, "JSON");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                if (!a->action.empty() && a->action != "add") {
                    throw core::Error(core::Errc::bad_input,
                                      "unknown agenda action \"" + a->action + "\" (add)");
                }
                if (a->action == "add") {
                    if (a->subject.empty())
                        throw core::Error(core::Errc::bad_input, "agenda add needs --subject PNR");
                    auto client = ctx.open_client();
                    auto item = client->meeting_agenda_add(a->name, a->subject);
                    if (a->json) {
                        std::cout << nlohmann::json{{"item", item.number},
                                                    {"pseudonym", item.pseudonym}}
                                         .dump()
                                  << "\n";
                    } else {
                        std::cout << "punkt / item " << item.number << ": ungdom / young person "
                                  << item.pseudonym.substr(0, 8) << "\n";
                    }
                    return kExitOk;
                }
                if (!a->subject.empty())
                    throw core::Error(core::Errc::bad_input, "--subject goes with `agenda add`");
                auto client = ctx.open_client();
                client->sync();
                auto m = client->meeting(a->name);
                std::cout << (a->json ? mt::meeting_json(m) + "\n" : mt::meeting_text(m));
                return kExitOk;
            };
        });
    }
    // lagrum meeting show NAME [--json]
    add_named(meeting, ctx, "show", "the meeting: state, chair, agenda", "JSON", false,
              [](core::messaging::Client& client, const std::string& name, bool json) {
                  auto m = client.meeting(name);
                  std::cout << (json ? mt::meeting_json(m) + "\n" : mt::meeting_text(m));
              });
    // lagrum meeting open NAME [--json]
    add_named(meeting, ctx, "open", "open the meeting (chair)", "JSON", true,
              [](core::messaging::Client& client, const std::string& name, bool json) {
                  auto m = client.meeting_open(name);
                  std::cout << (json ? mt::meeting_json(m) + "\n"
                                     : "mötet är öppnat / the meeting is open: " + m.title + "\n");
              });
    // lagrum meeting share NAME --item N --provision ID [--facts FILE] --text TEXT
    //   [--subject PNR] [--category C]... [--json]
    {
        auto* cmd = meeting->add_subcommand(
            "share", "share information on an agenda item (the same legal check as send)");
        struct Args {
            std::string name, provision, facts, text, subject;
            std::uint32_t item = 0;
            std::vector<std::string> categories;
            bool json = false;
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("NAME", a->name, "the meeting")->required();
        cmd->add_option("--item", a->item, "agenda item number")->required();
        cmd->add_option("--provision", a->provision, "provision id (lagrum provisions list)")
            ->required();
        cmd->add_option("--facts", a->facts, "JSON file with the facts (check-format.md §2.5)");
        cmd->add_option("--text", a->text, "what you share")->required();
        cmd->add_option("--subject", a->subject,
                        "the item's young person (the chair's client knows it; others give it)");
        cmd->add_option("--category", a->categories, "sensitive category (repeatable)");
        cmd->add_flag("--json", a->json, "print {verdict, sent, queued, ...}");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                mt::ShareRequest req;
                req.meeting = a->name;
                req.item = a->item;
                req.provision = a->provision;
                if (!a->facts.empty()) req.facts_json = read_text_file(a->facts);
                req.text = a->text;
                if (!a->subject.empty()) req.subject = a->subject;
                req.categories = a->categories;
                auto client = ctx.open_client();
                auto r = client->meeting_share(req);
                if (!r.allowed) {
                    std::cout << r.verdict_json << "\n";
                    std::cerr << "lagrum: not shared: the legal check says "
                              << core::legal::to_string(r.verdict.verdict)
                              << " (the refusal is recorded in the minutes)\n";
                    return kExitRefused;
                }
                if (a->json) {
                    std::cout << "{\"verdict\":" << r.verdict_json
                              << ",\"room\":" << nlohmann::json(r.room).dump()
                              << ",\"item\":" << a->item << ",\"message_id\":" << r.message_id
                              << ",\"sent\":" << (r.sent ? "true" : "false")
                              << ",\"queued\":" << (r.sent ? "false" : "true") << "}\n";
                } else {
                    std::cout << (r.sent ? "shared in " : "queued for ") << r.room << ", item "
                              << a->item << ", under " << r.verdict.citation << "\n";
                }
                return kExitOk;
            };
        });
    }
    // lagrum meeting decide NAME --item N --text TEXT [--follow-up TEXT]
    {
        auto* cmd = meeting->add_subcommand("decide", "record a decision on an item (chair)");
        struct Args {
            std::string name, text, follow_up;
            std::uint32_t item = 0;
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("NAME", a->name, "the meeting")->required();
        cmd->add_option("--item", a->item, "agenda item number")->required();
        cmd->add_option("--text", a->text, "the decision (beslut)")->required();
        cmd->add_option("--follow-up", a->follow_up, "follow-up (uppföljning)");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                auto client = ctx.open_client();
                client->meeting_decide(a->name, a->item, a->text, a->follow_up);
                std::cout << "beslut antecknat / decision recorded, item " << a->item << "\n";
                return kExitOk;
            };
        });
    }
    // lagrum meeting close NAME [--json]
    add_named(meeting, ctx, "close",
              "close the meeting: sign the minutes and send them to everyone (chair)",
              "print the minutes as JSON", true,
              [](core::messaging::Client& client, const std::string& name, bool json) {
                  auto m = client.meeting_close(name);
                  if (json) {
                      std::cout << mt::minutes_json(m) << "\n";
                  } else {
                      std::cout << "mötet är avslutat, protokollet är signerat och skickat / the "
                                   "meeting is closed, the minutes are signed and sent\n"
                                << "SHA-256 " << m.hash << "\n";
                  }
              });
    // lagrum meeting minutes NAME [--format json|pdf|text] [--out FILE] [--lang sv|en]
    {
        auto* cmd = meeting->add_subcommand("minutes", "the signed minutes (protokoll)");
        struct Args {
            std::string name, format = "text", out, lang = "sv";
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("NAME", a->name, "the meeting")->required();
        cmd->add_option("--format", a->format, "json, pdf or text")
            ->check(CLI::IsMember({"json", "pdf", "text"}));
        cmd->add_option("--out", a->out, "write to FILE (pdf: required)");
        cmd->add_option("--lang", a->lang, "sv (default) or en")
            ->check(CLI::IsMember({"sv", "en"}));
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                if (a->format == "pdf" && a->out.empty())
                    throw core::Error(core::Errc::bad_input, "--format pdf needs --out FILE");
                auto client = ctx.open_client_offline();
                auto m = client->meeting_minutes(a->name);
                if (a->format == "pdf") {
                    const int pages = write_minutes_pdf(m, a->lang == "en", a->out);
                    std::cout << "wrote " << a->out << " (" << pages << " page"
                              << (pages == 1 ? "" : "s") << ")\n";
                } else {
                    const std::string text = a->format == "json" ? mt::minutes_json(m) + "\n"
                                                                 : mt::minutes_text(m, a->lang);
                    if (a->out.empty()) {
                        std::cout << text;
                    } else {
                        write_file_atomic(a->out, text);
                    }
                }
                if (!m.verified) {
                    std::cerr << "lagrum: the minutes' signature does not verify\n";
                    return kExitVerify;
                }
                return kExitOk;
            };
        });
    }
}

}  // namespace lagrum::cli
