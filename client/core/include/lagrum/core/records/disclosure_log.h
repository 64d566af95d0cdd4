// The disclosure log as the client core presents it (DESIGN.md, "Disclosure log"):
// every entry of the device's append-only, hash-chained, signed log (protocol/log.proto),
// and the result of verifying the chain. The subject of an entry is a keyed pseudonym
// of the personnummer (this device's key), never the number itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/core/legal/date.h"

namespace lagrum::core::records {

struct LogEntry {
    std::int64_t position = 0;  // 1, 2, ...
    std::int64_t at = 0;        // Unix seconds
    std::string kind;           // log.proto LogRecord.kind
    std::string actor;          // ORG/MEMBER of this device
    std::string subject;        // pseudonym, 32 hex digits; "" when none
    std::string room;
    std::vector<std::string> recipients;
    std::string counterpart;
    std::string provision;
    std::string citation;
    std::vector<std::string> categories;
    std::string content_hash;  // 64 hex digits; "" when none
    std::string details_json;  // a JSON object ("{}" when none)
    std::string hash;          // this entry's chain hash, 64 hex digits
};

struct LogFilter {
    std::optional<std::string> subject;  // a personnummer (turned into its pseudonym)
    std::optional<legal::Date> from;     // inclusive, this device's UTC day
    std::optional<legal::Date> to;       // inclusive
};

// `lagrum log verify`: ok, or the first entry (position) that is wrong and what is.
struct LogVerification {
    bool ok = true;
    std::int64_t entries = 0;    // entries read
    std::int64_t first_bad = 0;  // position of the first bad entry; 0 when ok
    std::string problem;         // English, for people; "" when ok
};

}  // namespace lagrum::core::records
