// JSON and text renderings of a meeting and its signed minutes (protokoll), beside the
// types they render. Key names are a contract: scripts read `lagrum meeting ... --json`
// and `lagrum meeting minutes --format json`. Texts are Swedish by default (the
// GLOSSARY's words), English with lang "en".
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/verdict_json.h"
#include "lagrum/core/meetings/meeting.h"
#include "lagrum/core/pki/organisation.h"

namespace lagrum::core::meetings {

using json = nlohmann::ordered_json;

namespace {

json participant_json(const Participant& p) {
    return {{"address", p.address},
            {"name", p.name},
            {"authority", p.authority},
            {"role", p.role},
            {"organisation", p.organisation}};
}

std::string iso(std::int64_t t) {
    if (t == 0) return "";
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace

std::string refusal_reason(const std::string& code, bool english) {
    // Not a ReasonCode: the share named no answer for a fact the provision needs
    // (meeting.cpp records the verdict's missing_facts under this word).
    if (code == "missing_facts") {
        return english ? "Facts needed to decide were missing."
                       : "Uppgifter som behövs för bedömningen saknades.";
    }
    if (const auto c = legal::reason_code_from_string(code)) {
        const auto t = legal::reason_text(legal::Reason{*c, {}});
        return english ? t.en : t.sv;
    }
    return code;
}

std::string participant_label(const Minutes& m, const std::string& address, bool english) {
    for (const auto& p : m.attendance) {
        if (p.address == address) {
            return p.name + " (" + pki::authority_label(p.authority, english) + ")";
        }
    }
    return address;
}

std::string minute_time(std::int64_t unix_seconds) {
    if (unix_seconds == 0) return "-";
    const std::time_t tt = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

std::string meeting_json(const Meeting& m) {
    json agenda = json::array();
    for (const auto& a : m.agenda) {
        agenda.push_back(
            {{"item", a.number}, {"pseudonym", a.pseudonym}, {"subject_known", a.subject_known}});
    }
    json people = json::array();
    for (const auto& p : m.participants) people.push_back(participant_json(p));
    json j = {{"name", m.name},
              {"title", m.title},
              {"at", m.scheduled_at},
              {"chair", m.chair},
              {"chair_is_self", m.chair_is_self},
              {"state", m.state},
              {"opened_at", m.opened_at ? json(iso(m.opened_at)) : json(nullptr)},
              {"closed_at", m.closed_at ? json(iso(m.closed_at)) : json(nullptr)},
              {"agenda", agenda},
              {"participants", people}};
    return j.dump();
}

std::string meeting_text(const Meeting& m) {
    std::ostringstream os;
    os << m.title << " (" << m.name << ")  " << m.scheduled_at << "  " << m.state << "\n";
    os << "  ordförande / chair: " << m.chair << (m.chair_is_self ? "  ← you" : "") << "\n";
    if (m.agenda.empty()) {
        os << "  (dagordningen är tom / the agenda is empty)\n";
    }
    for (const auto& a : m.agenda) {
        os << "  punkt / item " << a.number << ": ungdom / young person "
           << a.pseudonym.substr(0, 8) << "\n";
    }
    return os.str();
}

std::string minutes_json(const Minutes& m) {
    json items = json::array();
    for (const auto& it : m.items) {
        json shares = json::array();
        for (const auto& s : it.shares) {
            shares.push_back({{"by", s.by},
                              {"by_name", s.by_name},
                              {"authority", s.authority},
                              {"provision", s.provision},
                              {"citation", s.citation},
                              {"marking_date", s.marking_date},
                              {"legal_basis", s.legal_basis},
                              {"at", iso(s.at)},
                              {"text", s.text},
                              {"flags", s.flags}});
        }
        json decisions = json::array();
        for (const auto& d : it.decisions) {
            decisions.push_back({{"text", d.text}, {"follow_up", d.follow_up}, {"at", iso(d.at)}});
        }
        json refused = json::array();
        for (const auto& r : it.refused) {
            refused.push_back({{"by", r.by},
                               {"by_name", r.by_name},
                               {"authority", r.authority},
                               {"provision", r.provision},
                               {"citation", r.citation},
                               {"reasons", r.reasons},
                               {"recipients_refused", r.recipients_refused},
                               {"at", iso(r.at)}});
        }
        items.push_back({{"item", it.number},
                         {"pseudonym", it.pseudonym},
                         {"shares", shares},
                         {"decisions", decisions},
                         {"refused_shares", refused}});
    }
    json attendance = json::array();
    for (const auto& p : m.attendance) attendance.push_back(participant_json(p));
    json j = {{"format", "lagrum-minutes/1"},
              {"room", m.room},
              {"title", m.title},
              {"scheduled_at", m.scheduled_at},
              {"opened_at", iso(m.opened_at)},
              {"closed_at", iso(m.closed_at)},
              {"chair", participant_json(m.chair)},
              {"attendance", attendance},
              {"items", items},
              {"signature",
               {{"algorithm", "Ed25519"},
                {"chair_key", m.chair_key},
                {"minutes_sha256", m.hash},
                {"signature", m.signature},
                {"verified", m.verified}}}};
    return j.dump();
}

std::string minutes_text(const Minutes& m, const std::string& lang) {
    const bool en = lang == "en";
    auto auth = [&](const std::string& a) { return pki::authority_label(a, en); };
    std::ostringstream os;
    os << (en ? "MINUTES — " : "PROTOKOLL — ") << m.title << "\n";
    os << (en ? "Meeting: " : "Möte: ") << m.room << ", " << m.scheduled_at << "\n";
    os << (en ? "Opened " : "Öppnat ") << minute_time(m.opened_at)
       << (en ? ", closed " : ", avslutat ") << minute_time(m.closed_at) << " (UTC)\n";
    os << (en ? "Chair: " : "Ordförande: ") << m.chair.name << " (" << m.chair.address << ", "
       << auth(m.chair.authority) << ")\n\n";
    os << (en ? "Present, by authority\n" : "Närvarande, per myndighet\n");
    std::map<std::string, std::vector<const Participant*>> by_auth;
    for (const auto& p : m.attendance) by_auth[p.authority].push_back(&p);
    for (const auto& [a, people] : by_auth) {
        os << "  " << auth(a) << ":";
        bool first = true;
        for (const auto* p : people) {
            os << (first ? " " : ", ") << p->name << " (" << p->role << ")";
            first = false;
        }
        os << "\n";
    }
    for (const auto& it : m.items) {
        os << "\n"
           << (en ? "Item " : "Punkt ") << it.number << (en ? " — young person " : " — ungdom ")
           << it.pseudonym.substr(0, 8) << "\n";
        os << (en ? "  Shared:\n" : "  Utlämnade uppgifter:\n");
        if (it.shares.empty()) os << (en ? "    (none)\n" : "    (inga)\n");
        for (const auto& s : it.shares) {
            os << "    " << minute_time(s.at) << " " << s.by_name << " (" << auth(s.authority)
               << "), " << s.citation << ": " << s.text << "\n";
            if (!s.flags.empty())
                os << "      " << (en ? "flags: " : "flaggor: ") << s.flags << "\n";
        }
        os << (en ? "  Decisions:\n" : "  Beslut:\n");
        if (it.decisions.empty()) os << (en ? "    (none)\n" : "    (inga)\n");
        for (const auto& d : it.decisions) {
            os << "    " << d.text << "\n";
            if (!d.follow_up.empty())
                os << "      " << (en ? "Follow-up: " : "Uppföljning: ") << d.follow_up << "\n";
        }
        if (!it.refused.empty()) {
            os << (en ? "  Refused shares:\n" : "  Stoppade utlämnanden:\n");
            for (const auto& r : it.refused) {
                os << "    " << minute_time(r.at) << " " << r.by_name << " (" << auth(r.authority)
                   << "), " << r.citation << ":";
                for (const auto& x : r.reasons) os << " " << refusal_reason(x, en);
                os << "\n";
                if (!r.recipients_refused.empty()) {
                    os << (en ? "      Recipients refused: "
                              : "      Mottagare som inte omfattas: ");
                    for (std::size_t i = 0; i < r.recipients_refused.size(); ++i) {
                        os << (i ? ", " : "") << participant_label(m, r.recipients_refused[i], en);
                    }
                    os << "\n";
                }
            }
        }
    }
    os << "\n"
       << (en ? "Signed by the chair's device (Ed25519), SHA-256 "
              : "Signerat av ordförandens enhet (Ed25519), SHA-256 ")
       << m.hash << ": "
       << (m.verified ? (en ? "the signature verifies" : "signaturen stämmer")
                      : (en ? "THE SIGNATURE DOES NOT VERIFY" : "SIGNATUREN STÄMMER INTE"))
       << "\n";
    return os.str();
}

}  // namespace lagrum::core::meetings
