// JSON and text renderings of the messenger's views, beside what they render (the CLI
// prints them; the app uses the structs directly). Key names are a contract: scripts
// read `lagrum inbox --json`, `room list --json`, `outbox --json`.
#pragma once

#include <string>
#include <vector>

#include "lagrum/core/messaging/client.h"

namespace lagrum::core::messaging {

// One JSON array on one line.
// Each room: name, direct, active, epoch, members[], unread, queued, forked,
// forked_epoch (number|null), fork_reason, epoch_code.
std::string rooms_json(const std::vector<Room>& rooms);
std::string room_json(const Room& room);
// Each message: id, room, sender{organisation_id, member_id, name, authority},
// provision, marking{provision, citation, date, authority, secrecy_provision,
// legal_basis}|null, flags[], flag_reasons, text, attachment|null, outgoing,
// sent_at, received_at (ISO 8601 UTC), via_handover, handed_over_by (ORG/MEMBER|null).
std::string messages_json(const std::vector<Message>& messages);
std::string outbox_json(const std::vector<OutboxEntry>& entries);
std::string sync_json(const SyncReport& report);

std::string messages_text(const std::vector<Message>& messages);
std::string rooms_text(const std::vector<Room>& rooms);
std::string outbox_text(const std::vector<OutboxEntry>& entries);
std::string sync_text(const SyncReport& report);
// A warning (Swedish and English) for each forked room, with what to do; empty when no
// room has forked. Part of rooms_text; the CLI's inbox prints it above the messages.
std::string forks_text(const std::vector<Room>& rooms);

std::string iso8601(std::int64_t unix_seconds);

// What a received message's flag code (Message::flags) means, in a few words, Swedish or
// English: the app's message view and the disclosure log's export both say these. A code
// this table does not know (content_invalid, or a newer client's) is said as the general
// "the content could not be validated", never shown bare.
std::string flag_title(const std::string& code, bool english);

}  // namespace lagrum::core::messaging
