// lagrum log verify | export: the disclosure log (lagrum/core/records/disclosure_log.h).
// The PDF goes through lagrum_report (Qt Gui, offscreen); the layout and the JSON come
// from the core (records/log_json.cpp).
#include <ctime>
#include <iostream>

#include "cli.h"
#include "lagrum/core/records/render.h"
#ifdef LAGRUM_HAVE_REPORT
#include "lagrum/report/layout.h"
#include "lagrum/report/pdf.h"
#endif

namespace lagrum::cli {

namespace {

std::optional<core::legal::Date> date_option(const std::string& text, const char* flag) {
    if (text.empty()) return std::nullopt;
    auto d = core::legal::parse_date(text);
    if (!d) throw core::Error(core::Errc::bad_input, std::string(flag) + " must be YYYY-MM-DD");
    return d;
}

int write_pdf(const core::records::ReportLayout& layout, const std::string& out) {
#ifdef LAGRUM_HAVE_REPORT
    try {
        return report::write_layout_pdf(layout, out);
    } catch (const report::ReportError& e) {
        throw core::Error(core::Errc::io_error, e.what());
    }
#else
    (void)layout;
    (void)out;
    throw core::Error(core::Errc::bad_input,
                      "this lagrum was built without Qt: --format pdf is not available");
#endif
}

}  // namespace

void add_log_commands(CLI::App& app, Context& ctx) {
    auto* log = app.add_subcommand("log", "the disclosure log (utlämnandelogg)");
    log->require_subcommand(1);
    // lagrum log verify [--json]: exit 0 intact, 4 with the first bad entry.
    {
        auto* cmd = log->add_subcommand("verify", "check the chain and every signature");
        auto json = std::make_shared<bool>(false);
        cmd->add_flag("--json", *json, "print {ok, entries, first_bad, problem}");
        cmd->callback([&ctx, json] {
            ctx.run = [&ctx, json] {
                auto client = ctx.open_client_offline();
                const auto v = client->verify_log();
                if (*json) {
                    std::cout << core::records::verification_json(v) << "\n";
                } else if (v.ok) {
                    std::cout << core::records::verification_text(v);
                }
                if (!v.ok) {
                    std::cerr << "lagrum: " << core::records::verification_text(v);
                    return kExitVerify;
                }
                return kExitOk;
            };
        });
    }
    // lagrum log export [--subject PNR] [--from DATE] [--to DATE] --format json|pdf
    //   --out FILE [--lang sv|en]
    {
        auto* cmd = log->add_subcommand("export", "the log for a case file, as JSON or PDF");
        struct Args {
            std::string subject, from, to, format, out, lang = "sv";
        };
        auto a = std::make_shared<Args>();
        cmd->add_option("--subject", a->subject, "only entries about this young person");
        cmd->add_option("--from", a->from, "first day, YYYY-MM-DD (UTC)");
        cmd->add_option("--to", a->to, "last day, YYYY-MM-DD (UTC)");
        cmd->add_option("--format", a->format, "json | pdf")->required();
        cmd->add_option("--out", a->out, "the file to write")->required();
        cmd->add_option("--lang", a->lang, "sv (default) | en: the PDF's language");
        cmd->callback([&ctx, a] {
            ctx.run = [&ctx, a] {
                if (a->format != "json" && a->format != "pdf") {
                    throw core::Error(core::Errc::bad_input, "--format must be json or pdf");
                }
                if (a->lang != "sv" && a->lang != "en") {
                    throw core::Error(core::Errc::bad_input, "--lang must be sv or en");
                }
                core::records::LogFilter filter;
                filter.from = date_option(a->from, "--from");
                filter.to = date_option(a->to, "--to");
                if (filter.from && filter.to && *filter.to < *filter.from) {
                    throw core::Error(core::Errc::bad_input, "--to is before --from");
                }
                if (!a->subject.empty()) filter.subject = a->subject;
                auto client = ctx.open_client_offline();
                core::records::LogExportOptions o;
                if (auto me = client->self()) o.actor = me->address();
                if (filter.subject) o.subject = client->subject_pseudonym(*filter.subject);
                o.from = filter.from;
                o.to = filter.to;
                o.exported_at = static_cast<std::int64_t>(std::time(nullptr));
                o.verification = client->verify_log();
                o.lang = a->lang;
                o.catalog = &ctx.catalog();
                const auto entries = client->log(filter);
                if (a->format == "json") {
                    write_file_atomic(a->out, core::records::log_export_json(entries, o) + "\n");
                    std::cout << "wrote " << a->out << " (" << entries.size() << " entries)\n";
                } else {
                    const int pages =
                        write_pdf(core::records::log_export_layout(entries, o), a->out);
                    std::cout << "wrote " << a->out << " (" << entries.size() << " entries, "
                              << pages << " page(s))\n";
                }
                return kExitOk;
            };
        });
    }
}

}  // namespace lagrum::cli
