// The check input of a send request (moved out of send.cpp so that the app's live verdict
// is the very same computation as Client::send's).
#include "lagrum/core/messaging/draft_check.h"

#include <nlohmann/json.hpp>

#include "lagrum/core/legal/check_input.h"

namespace lagrum::core::messaging {

using json = nlohmann::ordered_json;

DraftCheck check_draft(const legal::Catalog& catalog, std::string_view sender_authority,
                       const std::vector<legal::RecipientRef>& recipients,
                       const SendRequest& request, const legal::Date& date,
                       std::string_view consent_json) {
    DraftCheck out;
    auto fail = [&out](std::string code, std::string message) {
        out.input_code = std::move(code);
        out.input_error = std::move(message) + " [" + out.input_code + "]";
        return out;
    };
    auto object = [](std::string_view text) {
        if (text.empty()) return json::object();
        json j = json::parse(text, nullptr, false);
        return (j.is_discarded() || !j.is_object()) ? json() : j;
    };
    const json facts = object(request.facts_json);
    if (!facts.is_object()) return fail("bad_json", "the facts must be one JSON object");
    const json consent =
        object(consent_json.empty() ? std::string_view(request.consent_json) : consent_json);
    if (!consent.is_object()) return fail("bad_json", "the consent must be one JSON object");
    if (recipients.empty()) return fail("no_recipients", "the draft has no recipients");

    json in = json::object();
    in["format"] = "lagrum-check/1";
    in["date"] = legal::to_string(date);
    in["sender"] =
        json{{"authority", std::string(sender_authority.empty() ? "other" : sender_authority)}};
    json rs = json::array();
    for (const auto& r : recipients) {
        rs.push_back(json{{"id", r.id}, {"authority", std::string(legal::to_string(r.authority))}});
    }
    in["recipients"] = rs;
    in["subject"] = json{{"personnummer", request.subject}};
    in["provision"] = request.provision;
    in["facts"] = facts;
    if (!consent.empty()) in["consent"] = consent;
    json cats = json::array();
    for (const auto& c : request.categories) cats.push_back(c);
    in["categories"] = cats;

    auto parsed = legal::parse_check_input(in.dump(), catalog);
    if (const auto* e = std::get_if<legal::InputError>(&parsed)) {
        out.input_code = e->code;
        out.input_error =
            e->message + (e->path.empty() ? "" : " (at " + e->path + ")") + " [" + e->code + "]";
        return out;
    }
    out.checked = true;
    out.verdict = legal::check(std::get<legal::Draft>(parsed), catalog);
    return out;
}

}  // namespace lagrum::core::messaging
