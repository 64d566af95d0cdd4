// Renderings of the consent register and the disclosure log (lagrum/core/records/render.h).
// The export says, per entry, what a case file needs — who, which categories, to whom, on
// which legal basis, when — in Swedish by default and in English on request, and carries
// the chain verification of the whole log at export time, so a printed export says
// whether the log behind it was intact.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lagrum/core/messaging/render.h"
#include "lagrum/core/records/render.h"

namespace lagrum::core::records {

namespace {

using json = nlohmann::ordered_json;
using messaging::iso8601;

json consent_object(const Consent& c) {
    json j = {{"id", c.id},
              {"subject", c.subject},
              {"given_by", c.given_by},
              {"recipients", c.recipients},
              {"purpose", c.purpose},
              {"valid_until", c.valid_until ? json(legal::to_string(*c.valid_until)) : json()},
              {"document", json()},
              {"status", c.status},
              {"given_at", iso8601(c.given_at)},
              {"ended_at", c.ended_at != 0 ? json(iso8601(c.ended_at)) : json()},
              {"signature_ok", c.signature_ok}};
    if (!c.document_sha256.empty()) {
        j["document"] = {
            {"name", c.document_name}, {"sha256", c.document_sha256}, {"size", c.document_size}};
    }
    return j;
}

bool sv(const LogExportOptions& o) {
    return o.lang != "en";
}

std::string tr(const LogExportOptions& o, const char* s, const char* e) {
    return sv(o) ? s : e;
}

std::string kind_label(const LogExportOptions& o, const std::string& kind) {
    struct K {
        const char *kind, *sv, *en;
    };
    static const K kKinds[] = {
        {"sent", "Skickat", "Sent"},
        {"received", "Mottaget", "Received"},
        {"refused", "Nekat av rättskontrollen", "Refused by the legal check"},
        {"consent_given", "Samtycke lämnat", "Consent given"},
        {"consent_withdrawn", "Samtycke återkallat", "Consent withdrawn"},
        {"case_closed", "Ärendet avslutat", "Case closed"},
        {"meeting_minutes", "Mötesprotokoll", "Meeting minutes"},
        {"handover_sent", "Ärendet överlämnat", "Case handed over"},
        {"handover_received", "Ärendet mottaget", "Case taken over"},
        {"handover_completed", "Överlämningen klar", "Handover completed"},
    };
    for (const auto& k : kKinds) {
        if (kind == k.kind) return sv(o) ? k.sv : k.en;
    }
    return kind;
}

// Consent entries name authorities, not members: print the catalog's name for them.
std::string recipient_label(const LogExportOptions& o, const std::string& r) {
    if (o.catalog != nullptr && r.find('/') == std::string::npos) {
        if (auto a = legal::parse_authority(r)) {
            const auto& info = o.catalog->authorities[static_cast<std::size_t>(*a)];
            const auto& name = sv(o) ? info.name_sv : info.name_en;
            if (!name.empty()) return name;
        }
    }
    return r;
}

// The catalog's category names (00-vocabulary.textpb) as a case file reads them; an
// unknown name (a newer catalog) is printed as it is.
std::string category_label(const LogExportOptions& o, const std::string& c) {
    struct Label {
        const char* name;
        const char* sv;
        const char* en;
    };
    static constexpr Label kCategories[] = {
        {"health", "hälsouppgifter", "health information"},
        {"third_party_health", "tredje persons hälsa", "a third person's health"},
        {"third_party_information", "uppgifter om tredje person", "third-person information"},
        {"sexual_life", "sexualliv", "sex life"},
        {"ethnicity_religion", "etnicitet eller religion", "ethnicity or religion"},
        {"substance_use", "missbruk", "substance use"},
        {"criminal_offences", "lagöverträdelser", "criminal offences"},
        {"protected_address", "skyddad adress", "protected address"},
    };
    for (const auto& k : kCategories) {
        if (c == k.name) return sv(o) ? k.sv : k.en;
    }
    return c;
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

std::string who(const LogEntry& e) {
    return e.kind == "received" ? e.counterpart : e.actor;
}

// One line of kind-specific detail under the event's name.
std::string detail_line(const LogExportOptions& o, const LogEntry& e) {
    const json d = json::parse(e.details_json, nullptr, false);
    if (!d.is_object()) return "";
    std::vector<std::string> parts;
    if (d.contains("consent_id") && d["consent_id"].is_number_integer()) {
        parts.push_back(tr(o, "samtycke nr ", "consent no. ") +
                        std::to_string(d["consent_id"].get<std::int64_t>()));
    }
    if (d.contains("given_by") && d["given_by"].is_string()) {
        const auto g = d["given_by"].get<std::string>();
        parts.push_back(g == "guardian" ? tr(o, "av vårdnadshavare", "by the guardian")
                                        : tr(o, "av den unge själv", "by the young person"));
    }
    if (d.contains("valid_until") && d["valid_until"].is_string()) {
        parts.push_back(tr(o, "t.o.m. ", "until ") + d["valid_until"].get<std::string>());
    }
    if (d.contains("document") && d["document"].is_object()) {
        parts.push_back(tr(o, "med dokument", "with document"));
    }
    if (d.contains("held_outbox") && d["held_outbox"].is_array() && !d["held_outbox"].empty()) {
        parts.push_back(std::to_string(d["held_outbox"].size()) +
                        tr(o, " meddelande(n) stoppade", " message(s) held"));
    }
    if (d.contains("consents_ended") && d["consents_ended"].is_array()) {
        parts.push_back(std::to_string(d["consents_ended"].size()) +
                        tr(o, " samtycke(n) upphörde", " consent(s) ended"));
    }
    if (e.kind == "received" && d.contains("validation") && d["validation"] == "flagged") {
        // The stored flags are codes, comma-separated (sync.cpp); a case file says them.
        std::vector<std::string> titles;
        const std::string codes =
            d.contains("flags") && d["flags"].is_string() ? d["flags"].get<std::string>() : "";
        for (std::size_t at = 0; at <= codes.size();) {
            const std::size_t end = std::min(codes.find(',', at), codes.size());
            if (end > at)
                titles.push_back(messaging::flag_title(codes.substr(at, end - at), !sv(o)));
            at = end + 1;
        }
        parts.push_back(tr(o, "flaggat: ", "flagged: ") + join(titles, "; "));
    }
    if (e.kind == "refused" && d.contains("verdict") && d["verdict"].is_object()) {
        const auto& v = d["verdict"];
        if (v.contains("reasons") && v["reasons"].is_array()) {
            for (const auto& r : v["reasons"]) {
                if (r.is_object() && r.contains("code") && r["code"].is_string() &&
                    r["code"] != "conditions_met") {
                    // The verdict kept the check's own sentence in both languages; the code
                    // only if an entry has none.
                    const char* lang = sv(o) ? "sv" : "en";
                    parts.push_back(r.contains(lang) && r[lang].is_string()
                                        ? r[lang].get<std::string>()
                                        : r["code"].get<std::string>());
                    break;
                }
            }
        }
    }
    return join(parts, ", ");
}

std::string period(const LogExportOptions& o) {
    if (!o.from && !o.to) return tr(o, "Hela loggen", "The whole log");
    return tr(o, "Period: ", "Period: ") + (o.from ? legal::to_string(*o.from) : "…") + " – " +
           (o.to ? legal::to_string(*o.to) : "…");
}

std::string verification_sentence(const LogExportOptions& o) {
    const auto& v = o.verification;
    if (v.ok) {
        return sv(o) ? "Loggkedjan är obruten: alla " + std::to_string(v.entries) +
                           " poster och deras signaturer verifierar."
                     : "The log chain is intact: all " + std::to_string(v.entries) +
                           " entries and their signatures verify.";
    }
    return sv(o) ? "LOGGKEDJAN ÄR BRUTEN vid post " + std::to_string(v.first_bad) + ": " + v.problem
                 : "THE LOG CHAIN IS BROKEN at entry " + std::to_string(v.first_bad) + ": " +
                       v.problem;
}

}  // namespace

std::string consent_json(const Consent& c) {
    return consent_object(c).dump();
}

std::string consents_json(const std::vector<Consent>& consents) {
    json a = json::array();
    for (const auto& c : consents) a.push_back(consent_object(c));
    return a.dump();
}

std::string consents_text(const std::vector<Consent>& consents) {
    std::ostringstream os;
    for (const auto& c : consents) {
        os << "#" << c.id << " " << c.status << " subject " << c.subject << " given by "
           << c.given_by << " to " << join(c.recipients, ",");
        if (c.valid_until) os << " until " << legal::to_string(*c.valid_until);
        if (!c.purpose.empty()) os << " purpose \"" << c.purpose << "\"";
        if (!c.document_name.empty()) os << " document " << c.document_name;
        if (!c.signature_ok) os << " SIGNATURE INVALID";
        os << "\n";
    }
    if (consents.empty()) os << "(no consents / inga samtycken)\n";
    return os.str();
}

std::string consent_change_json(const ConsentChange& change) {
    json a = json::array();
    for (const auto& c : change.consents) a.push_back(consent_object(c));
    return json{{"consents", a}, {"held_outbox", change.held}, {"reasons", change.reasons}}.dump();
}

std::string consent_change_text(const ConsentChange& change) {
    std::ostringstream os;
    for (const auto& c : change.consents) os << "consent #" << c.id << " " << c.status << "\n";
    for (std::size_t i = 0; i < change.held.size(); ++i) {
        os << "outbox #" << change.held[i] << " held: " << change.reasons[i] << "\n";
    }
    return os.str();
}

std::string verification_json(const LogVerification& v) {
    return json{{"ok", v.ok},
                {"entries", v.entries},
                {"first_bad", v.ok ? json() : json(v.first_bad)},
                {"problem", v.ok ? json() : json(v.problem)}}
        .dump();
}

std::string verification_text(const LogVerification& v) {
    if (v.ok) return "log verified: " + std::to_string(v.entries) + " entries\n";
    return "log entry " + std::to_string(v.first_bad) + ": " + v.problem + "\n";
}

std::string log_export_json(const std::vector<LogEntry>& entries, const LogExportOptions& o) {
    json a = json::array();
    for (const auto& e : entries) {
        json d = json::parse(e.details_json, nullptr, false);
        if (d.is_discarded()) d = json::object();
        a.push_back({{"position", e.position},
                     {"at", iso8601(e.at)},
                     {"kind", e.kind},
                     {"who", who(e)},
                     {"actor", e.actor},
                     {"counterpart", e.counterpart.empty() ? json() : json(e.counterpart)},
                     {"subject", e.subject.empty() ? json() : json(e.subject)},
                     {"room", e.room.empty() ? json() : json(e.room)},
                     {"to", e.recipients},
                     {"categories", e.categories},
                     {"provision", e.provision.empty() ? json() : json(e.provision)},
                     {"citation", e.citation.empty() ? json() : json(e.citation)},
                     {"content_hash", e.content_hash.empty() ? json() : json(e.content_hash)},
                     {"hash", e.hash},
                     {"details", d}});
    }
    json filter = {{"subject", o.subject.empty() ? json() : json(o.subject)},
                   {"from", o.from ? json(legal::to_string(*o.from)) : json()},
                   {"to", o.to ? json(legal::to_string(*o.to)) : json()}};
    return json{{"format", "lagrum-log-export/1"},
                {"actor", o.actor},
                {"exported_at", iso8601(o.exported_at)},
                {"filter", filter},
                {"verification", json::parse(verification_json(o.verification))},
                {"entries", a}}
        .dump(2);
}

ReportLayout log_export_layout(const std::vector<LogEntry>& entries, const LogExportOptions& o) {
    ReportLayout r;
    r.title = tr(o, "Utlämnandelogg", "Disclosure log");
    r.subtitle = tr(o, "Användare: ", "User: ") + (o.actor.empty() ? "–" : o.actor) + "   ·   " +
                 tr(o, "Utskriven: ", "Printed: ") + iso8601(o.exported_at);

    ReportSection sel;
    sel.heading = tr(o, "Urval", "Selection");
    sel.paragraphs.push_back(
        o.subject.empty() ? tr(o, "Alla personer.", "Every person.")
                          : tr(o, "Person (pseudonym): ", "Person (pseudonym): ") + o.subject);
    sel.paragraphs.push_back(period(o) + "   ·   " + std::to_string(entries.size()) +
                             tr(o, " poster", " entries"));
    r.sections.push_back(std::move(sel));

    ReportSection ver;
    ver.heading = tr(o, "Kontroll av loggkedjan", "Log chain verification");
    ver.paragraphs.push_back(verification_sentence(o));
    r.sections.push_back(std::move(ver));

    ReportSection ev;
    ev.heading = tr(o, "Utlämnanden och händelser", "Disclosures and events");
    ev.table_header = {tr(o, "Nr", "No."),
                       tr(o, "Tid (UTC)", "Time (UTC)"),
                       tr(o, "Händelse", "Event"),
                       tr(o, "Av", "By"),
                       tr(o, "Till", "To"),
                       tr(o, "Uppgifter", "Categories"),
                       tr(o, "Rättslig grund", "Legal basis")};
    for (const auto& e : entries) {
        std::string when = iso8601(e.at);
        if (when.size() == 20) when = when.substr(0, 10) + "\n" + when.substr(11, 5);
        std::string event = kind_label(o, e.kind);
        const std::string extra = detail_line(o, e);
        if (!extra.empty()) event += "\n(" + extra + ")";
        std::vector<std::string> to;
        for (const auto& x : e.recipients) to.push_back(recipient_label(o, x));
        std::vector<std::string> categories;
        for (const auto& c : e.categories) categories.push_back(category_label(o, c));
        std::string basis = e.citation;
        if (!e.provision.empty()) basis += (basis.empty() ? "" : "\n") + ("[" + e.provision + "]");
        ev.rows.push_back({std::to_string(e.position), when, event, who(e).empty() ? "–" : who(e),
                           to.empty() ? "–" : join(to, "\n"),
                           e.categories.empty() ? "–" : join(categories, ", "),
                           basis.empty() ? "–" : basis});
    }
    if (entries.empty())
        ev.paragraphs.push_back(tr(o, "Inga poster i urvalet.", "No entries selected."));
    r.sections.push_back(std::move(ev));

    r.footnote = tr(o,
                    "Personen anges med en nyckelad pseudonym som bara den här enheten kan räkna "
                    "fram, aldrig med personnummer. Varje post är signerad med enhetens nyckel och "
                    "kedjad till posten före (lagrum log verify).",
                    "The person appears as a keyed pseudonym only this device can compute, never "
                    "as a personnummer. Every entry is signed by the device key and chained to "
                    "the entry before it (lagrum log verify).");
    return r;
}

}  // namespace lagrum::core::records
