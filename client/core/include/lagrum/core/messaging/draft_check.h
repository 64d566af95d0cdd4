// The legal check of a send request, alone: the lagrum-check/1 input that Client::send
// builds from a SendRequest (check-format.md §2), judged by legal::check. Client::send
// and meeting shares call it after they have resolved the recipients from the verified
// group state and the consent from the register; the desktop app calls it for the live
// verdict of the compose and share wizards, with the recipients it shows, so the preview
// and the real send can never judge a draft differently. Nothing is logged, queued or
// sent, and nothing needs the relay.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/date.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::core::messaging {

struct DraftCheck {
    // false: the draft could not be checked (a malformed request or facts object, an
    // unknown provision, no recipients...); input_error says why, with the JSON path and
    // the stable code, e.g. "unknown fact \"x\" (at $.facts.x) [unknown_fact]".
    bool checked = false;
    std::string input_error;
    std::string input_code;  // check-format.md error code; "" when checked
    legal::Verdict verdict;  // only when checked
};

// `sender_authority`: check-format.md §2.1 name of the sender's authority ("other" when
// unknown). `date`: the day the check is for (Client::send uses this device's today).
// `consent_json`: a §2.6 consent object (inline or from the register), "" for none; the
// request's own consent_json is used when this is empty.
DraftCheck check_draft(const legal::Catalog& catalog, std::string_view sender_authority,
                       const std::vector<legal::RecipientRef>& recipients,
                       const SendRequest& request, const legal::Date& date,
                       std::string_view consent_json = {});

}  // namespace lagrum::core::messaging
