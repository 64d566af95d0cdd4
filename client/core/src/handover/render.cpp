#include "lagrum/core/handover/render.h"

#include <nlohmann/json.hpp>
#include <sstream>

#include "lagrum/core/messaging/render.h"

namespace lagrum::core::handover {

using json = nlohmann::ordered_json;
using messaging::iso8601;

namespace {

json record_obj(const HandoverRecord& r) {
    return json{{"handover_id", r.handover_id},
                {"direction", r.direction},
                {"counterpart", r.counterpart},
                {"subject", r.subject},
                {"room", r.room},
                {"state", r.state},
                {"problem", r.problem},
                {"rooms", r.rooms},
                {"messages", r.messages},
                {"log_entries", r.log_entries},
                {"consents", r.consents},
                {"created_at", iso8601(r.created_at)},
                {"completed_at", r.completed_at ? json(iso8601(r.completed_at)) : json(nullptr)}};
}

std::string list(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s.empty() ? "—" : s;
}

void record_line(std::ostringstream& os, const HandoverRecord& r) {
    os << r.handover_id << "  " << (r.direction == "sent" ? "to / till " : "from / från ")
       << r.counterpart << "  " << r.state << "  " << iso8601(r.created_at) << "\n"
       << "  rooms / rum: " << list(r.rooms) << "; " << r.messages << " message(s), "
       << r.log_entries << " log entr(ies), " << r.consents << " consent(s)\n";
    if (!r.problem.empty()) os << "  problem: " << r.problem << "\n";
}

}  // namespace

std::string result_json(const HandoverResult& r) {
    return json{{"handover_id", r.handover_id},
                {"successor", r.successor},
                {"room", r.room},
                {"rooms", r.rooms},
                {"history_only", r.direct},
                {"messages", r.messages},
                {"log_entries", r.log_entries},
                {"consents", r.consents}}
        .dump();
}

std::string result_text(const HandoverResult& r) {
    std::ostringstream os;
    os << "handed over to / överlämnat till " << r.successor << " in " << r.room << "\n"
       << "  rooms joined / rum: " << list(r.rooms) << "\n";
    if (!r.direct.empty()) os << "  history only / endast historik: " << list(r.direct) << "\n";
    os << "  " << r.messages << " message(s), " << r.log_entries << " log entr(ies), " << r.consents
       << " consent(s); handover " << r.handover_id << "\n"
       << "  you leave those rooms once " << r.successor
       << " has verified the bundle / du lämnar rummen när mottagaren har verifierat\n";
    return os.str();
}

std::string records_json(const std::vector<HandoverRecord>& records) {
    json a = json::array();
    for (const auto& r : records) a.push_back(record_obj(r));
    return a.dump();
}

std::string records_text(const std::vector<HandoverRecord>& records) {
    std::ostringstream os;
    for (const auto& r : records) record_line(os, r);
    if (records.empty()) os << "(no handovers / inga överlämningar)\n";
    return os.str();
}

std::string verification_json(const HandoverVerification& v) {
    json a = json::array();
    for (const auto& c : v.bundles) {
        json o = record_obj(c.handover);
        o["verified"] = c.ok;
        o["problem"] = c.problem;
        a.push_back(std::move(o));
    }
    return json{{"ok", v.ok}, {"bundles", a}}.dump();
}

std::string verification_text(const HandoverVerification& v) {
    std::ostringstream os;
    for (const auto& c : v.bundles) {
        os << (c.ok ? "verified / verifierad: " : "NOT VERIFIED / EJ VERIFIERAD: ")
           << c.handover.handover_id << " from / från " << c.handover.counterpart << ", "
           << c.handover.messages << " message(s), " << c.handover.log_entries
           << " log entr(ies)\n";
        if (!c.ok) os << "  " << c.problem << "\n";
    }
    if (v.bundles.empty()) os << "no handover received / ingen överlämning mottagen\n";
    return os.str();
}

}  // namespace lagrum::core::handover
