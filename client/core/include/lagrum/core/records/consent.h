// The consent register (DESIGN.md, "Consent register"; provisions.md §5): consents to
// share information about a young person, given by the young person or a guardian, for
// named recipient authorities, until a date, with the signed document when there is one.
// A consent can be withdrawn at any time and ends when the social-services case closes.
//
// Each consent is stored with the device key's signature over its canonical encoding
// (records/consent.cpp) and checked whenever it is read; a consent whose signature does
// not verify is never used for a disclosure. The subject is kept as this device's keyed
// pseudonym only, never the personnummer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/core/legal/date.h"

namespace lagrum::core::records {

// A signed consent document, at most this large (`--document FILE`).
inline constexpr std::size_t kMaxConsentDocument = 10 * 1024 * 1024;

struct ConsentDocument {
    std::string name;  // the file name, no folders
    std::string data;  // the bytes
};

struct ConsentRequest {
    std::string subject;                  // personnummer / samordningsnummer
    std::string given_by;                 // "subject" | "guardian"
    std::vector<std::string> recipients;  // authority names (check-format.md §2.1)
    std::string purpose;                  // free text; may be empty
    std::optional<legal::Date> valid_until;
    std::optional<ConsentDocument> document;
};

struct Consent {
    std::int64_t id = 0;
    std::string subject;  // pseudonym, 32 hex digits
    std::string given_by;
    std::vector<std::string> recipients;  // sorted
    std::string purpose;
    std::optional<legal::Date> valid_until;
    std::string document_name;    // "" when none
    std::string document_sha256;  // 64 hex digits; "" when none
    std::int64_t document_size = 0;
    // given | withdrawn | case_closed as stored; "expired" when given but valid_until
    // has passed (today, this device's UTC day).
    std::string status;
    std::int64_t given_at = 0;  // Unix seconds
    std::int64_t ended_at = 0;  // withdrawn or case closed; 0 while given
    bool signature_ok = true;   // false: the stored record was changed outside Lagrum
};

// What a withdrawal or a case close did.
struct ConsentChange {
    std::vector<Consent> consents;     // the consents it ended (withdraw: exactly one)
    std::vector<std::int64_t> held;    // outbox entries held because they no longer pass
    std::vector<std::string> reasons;  // the reason shown in `outbox`, per held entry
};

}  // namespace lagrum::core::records
