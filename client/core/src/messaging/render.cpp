#include "lagrum/core/messaging/render.h"

#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string_view>

#include "client_impl.h"

namespace lagrum::core::messaging {

using json = nlohmann::ordered_json;

namespace {

json room_obj(const Room& r) {
    json members = json::array();
    for (const auto& m : r.members) {
        json keys = json::array();
        for (const auto& k : m.device_keys) keys.push_back(crypto::to_hex(k));
        members.push_back(json{{"address", m.address},
                               {"name", m.display_name},
                               {"role", m.role},
                               {"authority", m.authority},
                               {"devices", keys},
                               {"self", m.self},
                               {"verified", m.verified}});
    }
    return json{{"name", r.name},
                {"direct", r.direct},
                {"active", r.active},
                {"epoch", r.epoch},
                {"members", members},
                {"unread", r.unread},
                {"queued", r.queued},
                {"forked", r.forked},
                {"forked_epoch", r.forked ? json(r.forked_epoch) : json(nullptr)},
                {"fork_reason", r.fork_reason},
                {"epoch_code", r.epoch_code}};
}

json message_obj(const Message& m) {
    json marking = nullptr;
    if (m.has_marking) {
        marking = json{{"provision", m.marking.provision()},
                       {"citation", m.marking.citation()},
                       {"date", m.marking.date()},
                       {"authority", m.marking.authority()},
                       {"secrecy_provision", m.marking.secrecy_provision()},
                       {"legal_basis", m.marking.legal_basis()}};
    }
    json flags = json::array();
    for (const auto& f : m.flags) flags.push_back(f);
    return json{{"id", m.id},
                {"room", m.room},
                {"sender", json{{"organisation_id", m.sender_organisation},
                                {"member_id", m.sender_member},
                                {"name", m.sender_name},
                                {"authority", m.sender_authority}}},
                {"provision", m.provision},
                {"marking", marking},
                {"flags", flags},
                {"flag_reasons", m.flag_reasons},
                {"text", m.text},
                {"attachment", m.attachment_name.empty() ? json(nullptr) : json(m.attachment_name)},
                {"outgoing", m.outgoing},
                {"sent_at", iso8601(m.sent_at)},
                {"received_at", iso8601(m.received_at)},
                {"via_handover", m.via_handover},
                {"handed_over_by", m.via_handover ? json(m.handed_over_by) : json(nullptr)}};
}

}  // namespace

std::string flag_title(const std::string& code, bool english) {
    struct Title {
        std::string_view code, sv, en;
    };
    static constexpr Title kTitles[] = {
        {"marking_missing", "Ingen sekretessmarkering", "No secrecy marking"},
        {"marking_invalid", "Sekretessmarkeringen klarade inte kontrollen",
         "The secrecy marking did not pass validation"},
        {"sender_rejected", "Avsändarens certifikat kan inte verifieras",
         "The sender's certificate does not verify"},
        {"binding_mismatch", "Meddelandet hör inte till den här konversationen",
         "The message does not belong to this conversation"}};
    for (const auto& t : kTitles) {
        if (t.code == code) return std::string(english ? t.en : t.sv);
    }
    return english ? "The content could not be validated" : "Innehållet kunde inte kontrolleras";
}

std::string iso8601(std::int64_t unix_seconds) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string rooms_json(const std::vector<Room>& rooms) {
    json a = json::array();
    for (const auto& r : rooms) a.push_back(room_obj(r));
    return a.dump();
}

std::string room_json(const Room& room) {
    return room_obj(room).dump();
}

std::string messages_json(const std::vector<Message>& messages) {
    json a = json::array();
    for (const auto& m : messages) a.push_back(message_obj(m));
    return a.dump();
}

std::string outbox_json(const std::vector<OutboxEntry>& entries) {
    json a = json::array();
    for (const auto& e : entries) {
        a.push_back(json{{"id", e.id},
                         {"room", e.room},
                         {"provision", e.provision},
                         {"state", e.state},
                         {"reason", e.reason},
                         {"created_at", iso8601(e.created_at)},
                         {"sent_at", e.sent_at ? json(iso8601(e.sent_at)) : json(nullptr)}});
    }
    return a.dump();
}

std::string sync_json(const SyncReport& r) {
    json problems = json::array();
    for (const auto& p : r.problems) {
        problems.push_back({{"seq", p.seq}, {"kind", p.kind}, {"reason", p.reason}});
    }
    return json{{"relay_reachable", r.relay_reachable},
                {"deliveries", r.deliveries},
                {"messages", r.messages},
                {"flagged", r.flagged},
                {"joined", r.joined},
                {"commits", r.commits},
                {"errors", r.errors},
                {"sent", r.sent},
                {"held", r.held},
                {"forks", r.forks},
                {"problems", problems}}
        .dump();
}

std::string messages_text(const std::vector<Message>& messages) {
    std::ostringstream os;
    for (const auto& m : messages) {
        os << "#" << m.id << " [" << m.room << "] " << iso8601(m.sent_at) << " "
           << (m.outgoing ? "to room"
                          : "from " + m.sender_name + " (" + m.sender_organisation + "/" +
                                m.sender_member + ", " + m.sender_authority + ")")
           << "\n";
        if (m.has_marking) {
            os << "  Sekretessmarkering: " << m.marking.citation() << " (" << m.marking.provision()
               << "), " << m.marking.date() << ", " << m.marking.authority() << "\n";
        } else {
            os << "  Sekretessmarkering: —\n";
        }
        if (!m.flags.empty()) {
            os << "  ⚠ FLAGGED / FLAGGAD:";
            for (const auto& f : m.flags) os << " " << f;
            os << "\n    " << m.flag_reasons << "\n";
        }
        if (m.via_handover) {
            os << "  received by handover / överlämnat av " << m.handed_over_by << "\n";
        }
        if (!m.text.empty()) os << "  " << m.text << "\n";
        if (!m.attachment_name.empty())
            os << "  attachment / bilaga: " << m.attachment_name << "\n";
    }
    if (messages.empty()) os << "(no messages / inga meddelanden)\n";
    return os.str();
}

std::string forks_text(const std::vector<Room>& rooms) {
    std::ostringstream os;
    for (const auto& r : rooms) {
        if (!r.forked) continue;
        os << "⚠ FORKED / KLUVET RUM: \"" << r.name << "\" split at epoch " << r.forked_epoch
           << ": " << r.fork_reason << ".\n"
           << "  Rummet har delats av servern: alla medlemmar ser inte samma meddelanden.\n"
           << "  Compare the epoch code " << r.epoch_code
           << " with the other members' (lagrum room list --json: epoch_code), then create a new"
              " room for the case"
              " / skapa ett nytt rum för ärendet.\n";
    }
    return os.str();
}

std::string rooms_text(const std::vector<Room>& rooms) {
    std::ostringstream os;
    for (const auto& r : rooms) {
        os << r.name << (r.active ? "" : " (left / lämnat)")
           << (r.forked ? " (FORKED / KLUVET)" : "") << "  epoch " << r.epoch << ", " << r.unread
           << " unread, " << r.queued << " queued\n";
        for (const auto& m : r.members) {
            os << "  " << m.address << "  " << m.display_name << " (" << m.authority
               << (m.role.empty() ? "" : ", " + m.role) << ")" << (m.self ? "  ← you" : "") << "\n";
        }
    }
    if (rooms.empty()) os << "(no rooms / inga rum)\n";
    os << forks_text(rooms);
    return os.str();
}

std::string outbox_text(const std::vector<OutboxEntry>& entries) {
    std::ostringstream os;
    for (const auto& e : entries) {
        os << "#" << e.id << " [" << e.room << "] " << e.provision << " " << e.state;
        if (!e.reason.empty()) os << ": " << e.reason;
        os << "\n";
    }
    if (entries.empty()) os << "(outbox empty / utkorgen är tom)\n";
    return os.str();
}

std::string sync_text(const SyncReport& r) {
    std::ostringstream os;
    if (!r.relay_reachable) os << "relay unreachable: working offline\n";
    os << r.messages << " new message(s)";
    if (r.flagged) os << " (" << r.flagged << " flagged)";
    os << ", " << r.joined << " room(s) joined, " << r.sent << " sent";
    if (r.held) os << ", " << r.held << " held";
    if (r.errors) os << ", " << r.errors << " delivery error(s)";
    os << "\n";
    if (r.forks) os << "⚠ " << r.forks << " room(s) found FORKED / KLUVNA: see lagrum room list\n";
    // What each error was (a duplicate or a message from before we joined is listed in
    // --json only: nothing for the user to do).
    for (const auto& p : r.problems) {
        if (p.kind == "duplicate" || p.kind == "before_join") continue;
        if (p.kind == "held_commit") {  // ours, not a delivery (rooms.cpp)
            os << "  held / hålls kvar: " << p.reason << "\n";
            continue;
        }
        os << "  delivery " << p.seq << " not processed / inte behandlad (" << p.kind
           << "): " << p.reason << "\n";
    }
    return os.str();
}

}  // namespace lagrum::core::messaging
