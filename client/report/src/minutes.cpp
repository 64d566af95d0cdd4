// The minutes' PDF, moved here from the CLI (cmd_meeting.cpp) so that the desktop app
// prints exactly the same document.
#include "lagrum/report/minutes.h"

#include <map>
#include <utility>
#include <vector>

#include "lagrum/core/pki/organisation.h"
#include "lagrum/report/pdf.h"

namespace lagrum::report {

namespace mt = core::meetings;

using core::pki::authority_label;

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : sep) + x;
    return s;
}

}  // namespace

int write_minutes_pdf(const mt::Minutes& m, bool en, const std::string& out) {
    auto t = [en](const char* sv, const char* eng) { return std::string(en ? eng : sv); };
    report::Document doc;
    doc.title(t("Protokoll", "Minutes") + " — " + m.title);
    doc.subtitle(t("Samverkansmöte ", "Cooperation meeting ") + m.room + ", " + m.scheduled_at +
                 ". " + t("Öppnat ", "Opened ") + mt::minute_time(m.opened_at) +
                 t(", avslutat ", ", closed ") + mt::minute_time(m.closed_at) + " (UTC). " +
                 t("Ordförande: ", "Chair: ") + m.chair.name + " (" +
                 authority_label(m.chair.authority, en) + ")");
    doc.heading(t("Närvarande", "Present"));
    std::vector<std::vector<std::string>> present;
    std::map<std::string, std::vector<const mt::Participant*>> by_auth;
    for (const auto& p : m.attendance) by_auth[p.authority].push_back(&p);
    for (const auto& [a, people] : by_auth) {
        for (const auto* p : people) {
            present.push_back({authority_label(a, en), p->name, p->role, p->address});
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
                                s.by_name + " (" + authority_label(s.authority, en) + ")",
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
                std::vector<std::string> reasons, refused;
                for (const auto& code : r.reasons) reasons.push_back(mt::refusal_reason(code, en));
                for (const auto& who : r.recipients_refused)
                    refused.push_back(mt::participant_label(m, who, en));
                rows.push_back({mt::minute_time(r.at),
                                r.by_name + " (" + authority_label(r.authority, en) + ")",
                                r.citation, join(reasons, " "), join(refused, ", ")});
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
    return doc.write_pdf(out);
}

}  // namespace lagrum::report
