// Risk meetings ("unga i riskzon", SSPF; DESIGN.md, "Meetings") as the client core
// presents them: a room with a title, a time, a chair, an agenda of young people shown
// by pseudonym, and signed minutes (protokoll). The wire format is protocol/meeting.proto.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lagrum::core::meetings {

struct AgendaItem {
    std::uint32_t number = 0;
    std::string pseudonym;       // meeting pseudonym, 32 hex digits (the same on every device)
    bool subject_known = false;  // this device holds the personnummer (the chair's)
};

struct Participant {
    std::string address;  // ORG/MEMBER
    std::string name;
    std::string authority;
    std::string role;
    std::string organisation;
};

struct Meeting {
    std::string name;  // the room
    std::string title;
    std::string scheduled_at;  // "YYYY-MM-DD HH:MM"
    std::string chair;         // ORG/MEMBER
    bool chair_is_self = false;
    std::string state;  // scheduled | open | closed
    std::int64_t opened_at = 0;
    std::int64_t closed_at = 0;
    std::vector<AgendaItem> agenda;
    std::vector<Participant> participants;  // the room's members now
};

struct Share {
    std::string by, by_name, authority;
    std::string provision, citation, marking_date, legal_basis;
    std::int64_t at = 0;
    std::string text;
    std::string flags;
};

struct Decision {
    std::string text, follow_up;
    std::int64_t at = 0;
};

struct Refusal {
    std::string by, by_name, authority;
    std::string provision, citation;
    std::vector<std::string> reasons;
    std::vector<std::string> recipients_refused;
    std::int64_t at = 0;
};

struct MinutesItem {
    std::uint32_t number = 0;
    std::string pseudonym;
    std::vector<Share> shares;
    std::vector<Decision> decisions;
    std::vector<Refusal> refused;
};

// The signed minutes as stored on this device, with the signature checked again when read.
struct Minutes {
    std::string room, title, scheduled_at;
    std::int64_t opened_at = 0, closed_at = 0;
    Participant chair;
    std::vector<Participant> attendance;
    std::vector<MinutesItem> items;
    std::string hash;       // SHA-256 of the signed bytes, 64 hex digits
    std::string signature;  // 128 hex digits
    std::string chair_key;  // the chair's device key, 64 hex digits
    bool verified = false;  // the signature verifies against chair_key
};

// A share within a meeting (`lagrum meeting share`).
struct ShareRequest {
    std::string meeting;
    std::uint32_t item = 0;
    std::string provision;
    std::string facts_json;
    std::string text;
    // The young person's personnummer: optional for the chair (the item's own), required
    // for everyone else, and checked against the item's pseudonym.
    std::optional<std::string> subject;
    std::vector<std::string> categories;
};

// Rendering (minutes_json.cpp). lang: "sv" or "en" (text only; JSON keys are English).
std::string meeting_json(const Meeting& m);
std::string meeting_text(const Meeting& m);
std::string minutes_json(const Minutes& m);
std::string minutes_text(const Minutes& m, const std::string& lang = "sv");
// "2026-12-06 10:15" (UTC) for the texts and the PDF.
std::string minute_time(std::int64_t unix_seconds);
// A refused share's reason (RefusedShare::reasons holds the legal check's codes, so the
// signed minutes stay language-free) as the check says it to people, in Swedish or
// English; an unknown code (a newer client's) as it is.
std::string refusal_reason(const std::string& code, bool english);
// A member named in the minutes by address (a refused recipient) as people know them:
// "Dora Dahl (Skolan)" from the attendance; the address when they were not present.
std::string participant_label(const Minutes& m, const std::string& address, bool english);

}  // namespace lagrum::core::meetings
