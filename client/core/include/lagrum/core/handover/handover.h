// Case handover (överlämning) as the client core presents it: what `lagrum handover`
// did on the predecessor's device, and what `lagrum handover verify` finds on the
// successor's. The work is in client/core/src/handover/handover.cpp; the wire format in
// protocol/handover.proto.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lagrum::handover::v1 {
class HandoverBundle;
}

namespace lagrum::core::handover {

struct HandoverRequest {
    std::string subject;    // personnummer of the young person whose case is handed over
    std::string successor;  // ORG/MEMBER, a colleague in the same organisation
    // Test hook (a "modified predecessor" or a relay that could alter plaintext): alters
    // the bundle after it was signed, before encryption. Never set outside tests.
    std::function<void(lagrum::handover::v1::HandoverBundle&)> tamper_for_testing;
};

struct HandoverResult {
    std::string handover_id;  // 32 hex digits
    std::string successor;
    std::string room;                 // the direct conversation the bundle went in
    std::vector<std::string> rooms;   // the case's rooms the successor was added to
    std::vector<std::string> direct;  // direct conversations: history only
    std::size_t messages = 0;         // handed-over messages
    std::size_t log_entries = 0;      // log excerpt entries
    std::size_t consents = 0;
};

// One handover this device took part in.
struct HandoverRecord {
    std::string handover_id;  // 32 hex digits
    std::string direction;    // "sent" | "received"
    std::string counterpart;  // ORG/MEMBER: the successor (sent) or predecessor (received)
    std::string subject;      // this device's pseudonym of the subject, 32 hex digits
    std::string room;         // the direct conversation
    // sent: "sent" (waiting for the receipt) | "completed" | "failed"
    // received: "verified" (removal and receipt pending) | "done" | "rejected"
    std::string state;
    std::string problem;  // why rejected/failed, English
    std::vector<std::string> rooms;
    std::size_t messages = 0;
    std::size_t log_entries = 0;
    std::size_t consents = 0;
    std::int64_t created_at = 0;
    std::int64_t completed_at = 0;
};

// `lagrum handover verify`: every received bundle checked again from what is stored.
struct HandoverCheck {
    HandoverRecord handover;
    bool ok = false;
    std::string problem;  // English; "" when ok
};
struct HandoverVerification {
    bool ok = true;  // every received bundle verifies (and there is at least one)
    std::vector<HandoverCheck> bundles;
};

}  // namespace lagrum::core::handover
