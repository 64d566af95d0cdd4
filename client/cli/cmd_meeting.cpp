// lagrum meeting create|list|show|agenda|open|share|decide|close|minutes: risk meetings
// ("unga i riskzon", SSPF) over lagrum/core/meetings/meeting.h. The minutes' JSON and
// text come from the core (meetings/minutes_json.cpp); the PDF is laid out here on
// lagrum_report's Document (Qt Gui, offscreen), as `log export` does.
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "lagrum/core/meetings/meeting.h"
#ifdef LAGRUM_HAVE_REPORT
#include "lagrum/report/pdf.h"
#endif

namespace lagrum::cli {

namespace {

namespace mt = core::meetings;

std::string authority_name(const std::string& a, bool en) {
    static const std::map<std::string, std::pair<std::string, std::string>> names = {
        {"social_services", {"Socialtjänsten", "Social services"}},
        {"police", {"Polisen", "Police"}},
        {"school", {"Skola", "School"}},
        {"school_independent", {"Fristående skola", "Independent school"}},
        {"health_care", {"Hälso- och sjukvård", "Health care"}},
        {"prosecutor", {"Åklagarmyndigheten", "Prosecution Authority"}},
        {"security_service", {"Säkerhetspolisen", "Security Service"}},
        {"other", {"Annan myndighet", "Other authority"}}};
    auto it = names.find(a);
    if (it == names.end()) return a;
    return en ? it->second.second : it->second.first;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

int write_minutes_pdf(const mt::Minutes& m, bool en, const std::string& out) {
#ifdef LAGRUM_HAVE_REPORT
    auto t = [en](const char* sv, const char* eng) { return std::string(en ? eng : sv); };
    report::Document doc;
    doc.title(t("Protokoll", "Minutes") + " — " + m.title);
    doc.subtitle(t("Samverkansmöte ", "Cooperation meeting ") + m.room + ", " + m.scheduled_at +
                 ". " + t("Öppnat ", "Opened ") + mt::minute_time(m.opened_at) +
                 t(", avslutat ", ", closed ") + mt::minute_time(m.closed_at) + " (UTC). " +
                 t("Ordförande: ", "Chair: ") + m.chair.name + " (" +
                 authority_name(m.chair.authority, en) + ")");
    doc.heading(t("Närvarande", "Present"));
    std::vector<std::vector<std::string>> present;
    std::map<std::string, std::vector<const mt::Participant*>> by_auth;
    for (const auto& p : m.attendance) by_auth[p.authority].push_back(&p);
    for (const auto& [a, people] : by_auth) {
        for (const auto* p : people) {
            present.push_back({authority_name(a, en), p->name, p->role, p->address});
        }
    }
    doc.table(
        {t("Myndighet", "Authority"), t("Namn", "Name"), t("Roll", "Role"), t("Adress", "Address")},
        present);
    for (const auto& it : m.items) {
        doc.heading(t("Punkt ", "Item ") + std::to_string(it.number) +
                    t(" — ungdom ", " — young person ") + it.pseudonym.substr(0, 8));
        if (it.shares.empty()) {
            doc.paragraph(t("Inga uppgifter lämnades ut.", "No information was shared."));
        } else {
            std::vector<std::vector<std::string>> rows;
            for (const auto& s : it.shares) {
                rows.push_back({mt::minute_time(s.at),
                                s.by_name + " (" + authority_name(s.authority, en) + ")",
                                s.citation,
                                s.text + (s.flags.empty() ? "" : " [" + s.flags + "]")});
            }
            doc.paragraph(t("Utlämnade uppgifter:", "Information shared:"));
            doc.table({t("Tid", "Time"), t("Av", "By"), t("Lagrum", "Provision"),
                       t("Uppgift", "Information")},
                      rows);
        }
        for (const auto& d : it.decisions) {
            doc.paragraph(t("Beslut: ", "Decision: ") + d.text);
            if (!d.follow_up.empty())
                doc.paragraph(t("Uppföljning: ", "Follow-up: ") + d.follow_up);
        }
        if (it.decisions.empty()) doc.paragraph(t("Inget beslut.", "No decision."));
        if (!it.refused.empty()) {
            std::vector<std::vector<std::string>> rows;
            for (const auto& r : it.refused) {
                rows.push_back({mt::minute_time(r.at),
                                r.by_name + " (" + authority_name(r.authority, en) + ")",
                                r.citation, join(r.reasons, ", "),
                                join(r.recipients_refused, ", ")});
            }
            doc.paragraph(
                t("Stoppade utlämnanden (rättslig kontroll):", "Refused shares (legal check):"));
            doc.table(
                {t("Tid", "Time"), t("Av", "By"), t("Lagrum", "Provision"), t("Skäl", "Reasons"),
                 t("Mottagare som inte omfattas", "Recipients refused")},
                rows);
        }
    }
    doc.heading(t("Underskrift", "Signature"));
    doc.paragraph(t("Protokollet är signerat av ordförandens enhet (Ed25519).",
                    "The minutes are signed by the chair's device (Ed25519).") +
                  " SHA-256: " + m.hash + ". " +
                  t("Ordförandens enhetsnyckel: ", "Chair's device key: ") + m.chair_key + ". " +
                  (m.verified ? t("Signaturen stämmer.", "The signature verifies.")
                              : t("SIGNATUREN STÄMMER INTE.", "THE SIGNATURE DOES NOT VERIFY.")));
    doc.footnote(t("Utskrivet ur Lagrum. Ungdomar anges med mötespseudonym, aldrig personnummer.",
                   "Printed from Lagrum. Young people appear by meeting pseudonym, never by "
                   "personnummer."));
    try {
        return doc.write_pdf(out);
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
    // lagrum meeting show NAME [--json] (after a sync)
    {
        auto* cmd = meeting->add_subcommand("show", "the meeting: state, chair, agenda");
        auto name = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("NAME", *name, "the meeting")->required();
        cmd->add_flag("--json", *json, "JSON");
        cmd->callback([&ctx, name, json] {
            ctx.run = [&ctx, name, json] {
                auto client = ctx.open_client_offline();
                auto m = client->meeting(*name);
                std::cout << (*json ? mt::meeting_json(m) + "\n" : mt::meeting_text(m));
                return kExitOk;
            };
        });
    }
    // lagrum meeting open NAME
    {
        auto* cmd = meeting->add_subcommand("open", "open the meeting (chair)");
        auto name = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("NAME", *name, "the meeting")->required();
        cmd->add_flag("--json", *json, "JSON");
        cmd->callback([&ctx, name, json] {
            ctx.run = [&ctx, name, json] {
                auto client = ctx.open_client();
                auto m = client->meeting_open(*name);
                std::cout << (*json ? mt::meeting_json(m) + "\n"
                                    : "mötet är öppnat / the meeting is open: " + m.title + "\n");
                return kExitOk;
            };
        });
    }
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
    {
        auto* cmd = meeting->add_subcommand(
            "close", "close the meeting: sign the minutes and send them to everyone (chair)");
        auto name = std::make_shared<std::string>();
        auto json = std::make_shared<bool>(false);
        cmd->add_option("NAME", *name, "the meeting")->required();
        cmd->add_flag("--json", *json, "print the minutes as JSON");
        cmd->callback([&ctx, name, json] {
            ctx.run = [&ctx, name, json] {
                auto client = ctx.open_client();
                auto m = client->meeting_close(*name);
                if (*json) {
                    std::cout << mt::minutes_json(m) << "\n";
                } else {
                    std::cout << "mötet är avslutat, protokollet är signerat och skickat / the "
                                 "meeting is closed, the minutes are signed and sent\n"
                              << "SHA-256 " << m.hash << "\n";
                }
                return kExitOk;
            };
        });
    }
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
