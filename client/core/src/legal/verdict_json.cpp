#include "lagrum/core/legal/verdict_json.h"

#include <nlohmann/json.hpp>

namespace lagrum::core::legal {

namespace {

using ojson = nlohmann::ordered_json;

struct Template {
    const char* sv;
    const char* en;
};

Template reason_template(ReasonCode c) {
    switch (c) {
        case ReasonCode::conditions_met:
            return {"Alla villkor i bestämmelsen är uppfyllda.",
                    "All conditions of the provision are met."};
        case ReasonCode::not_in_force:
            return {"Bestämmelsen gällde inte på datumet.",
                    "The provision was not in force on the date."};
        case ReasonCode::no_longer_in_force:
            return {"Bestämmelsen hade upphört att gälla på datumet.",
                    "The provision had ceased to apply on the date."};
        case ReasonCode::sender_not_allowed:
            return {"Bestämmelsen bryter inte avsändarens sekretess.",
                    "The provision does not lift the sender's secrecy."};
        case ReasonCode::subject_too_old:
            return {"Personen är över bestämmelsens åldersgräns på datumet.",
                    "The person is above the provision's age limit on the date."};
        case ReasonCode::condition_not_met:
            return {"Ett villkor i bestämmelsen är inte uppfyllt",
                    "A required condition is not met"};
        case ReasonCode::exclusion_applies:
            return {"Ett undantag i bestämmelsen är tillämpligt",
                    "An exclusion in the provision applies"};
        case ReasonCode::threshold_not_met:
            return {"Straffgränsen är inte nådd", "The penalty threshold is not reached"};
        case ReasonCode::facts_missing:
            return {"Uppgifter som behövs för bedömningen saknas (se missing_facts).",
                    "Facts needed to decide are missing (see missing_facts)."};
        case ReasonCode::consent_missing:
            return {"Inget samtycke har lämnats.", "No consent has been given."};
        case ReasonCode::consent_withdrawn:
            return {"Samtycket har återkallats.", "The consent has been withdrawn."};
        case ReasonCode::consent_expired:
            return {"Samtycket hade gått ut före datumet.", "The consent expired before the date."};
        case ReasonCode::consent_case_closed:
            return {"Ärendet är avslutat; samtycket har upphört.",
                    "The case is closed; the consent has ended."};
        case ReasonCode::consent_giver_invalid:
            return {"Samtycket lämnades inte av någon som har rätt att lämna det.",
                    "The consent was not given by someone entitled to give it."};
        case ReasonCode::recipient_allowed:
            return {"Den här mottagaren får ta emot uppgiften.",
                    "This recipient may receive the information."};
        case ReasonCode::recipient_not_allowed:
            return {"Bestämmelsen tillåter inte utlämnande till mottagarens myndighet.",
                    "The provision does not allow disclosure to this recipient's authority."};
        case ReasonCode::consent_scope:
            return {"Samtycket omfattar inte mottagarens myndighet.",
                    "The consent does not cover this recipient's authority."};
    }
    return {"", ""};
}

}  // namespace

Text reason_text(const Reason& r) {
    const auto t = reason_template(r.code);
    if (r.fact.empty()) return Text{t.sv, t.en};
    return Text{std::string(t.sv) + " (" + r.fact + ").", std::string(t.en) + " (" + r.fact + ")."};
}

Text warning_text(const Warning& w, const Catalog& catalog) {
    if (w.code == WarningCode::minimisation && w.category >= 0 &&
        static_cast<std::size_t>(w.category) < catalog.categories.size()) {
        return catalog.categories[static_cast<std::size_t>(w.category)].warning;
    }
    if (w.code == WarningCode::minimisation) {
        return Text{"Känslig uppgift: skicka bara det som behövs.",
                    "Sensitive information: send only what is needed."};
    }
    return catalog.warning_texts[static_cast<std::size_t>(w.code)];
}

namespace {

ojson reason_json(const Reason& r) {
    ojson j = ojson::object();
    j["code"] = to_string(r.code);
    if (!r.fact.empty()) j["fact"] = r.fact;
    const auto t = reason_text(r);
    j["sv"] = t.sv;
    j["en"] = t.en;
    return j;
}

ojson reasons_json(const std::vector<Reason>& rs) {
    ojson a = ojson::array();
    for (const auto& r : rs) a.push_back(reason_json(r));
    return a;
}

}  // namespace

std::string verdict_to_json(const Verdict& v, const Catalog& catalog) {
    ojson j = ojson::object();
    j["format"] = "lagrum-verdict/1";
    j["verdict"] = to_string(v.verdict);
    j["provision"] = v.provision;
    j["citation"] = v.citation;
    j["status"] = to_string(v.status);
    j["date"] = to_string(v.date);
    ojson subject = ojson::object();
    subject["age"] = v.age;
    subject["age_basis"] = to_string(v.age_basis);
    j["subject"] = std::move(subject);

    ojson recipients = ojson::array();
    for (const auto& r : v.recipients) {
        ojson o = ojson::object();
        o["id"] = r.id;
        o["authority"] = to_string(r.authority);
        o["verdict"] = to_string(r.verdict);
        o["reasons"] = reasons_json(r.reasons);
        recipients.push_back(std::move(o));
    }
    j["recipients"] = std::move(recipients);
    j["reasons"] = reasons_json(v.reasons);
    j["missing_facts"] = v.missing_facts;

    ojson warnings = ojson::array();
    for (const auto& w : v.warnings) {
        ojson o = ojson::object();
        o["code"] = to_string(w.code);
        if (w.code == WarningCode::minimisation && w.category >= 0) {
            o["category"] = catalog.categories[static_cast<std::size_t>(w.category)].name;
        } else {
            o["category"] = nullptr;
        }
        const auto t = warning_text(w, catalog);
        o["sv"] = t.sv;
        o["en"] = t.en;
        warnings.push_back(std::move(o));
    }
    j["warnings"] = std::move(warnings);

    ojson suggestions = ojson::array();
    for (const auto& s : v.suggestions) {
        ojson o = ojson::object();
        o["provision"] = s.provision;
        o["recipients"] = s.recipients;
        o["why_sv"] = s.why.sv;
        o["why_en"] = s.why.en;
        suggestions.push_back(std::move(o));
    }
    j["suggestions"] = std::move(suggestions);

    if (v.marking) {
        ojson m = ojson::object();
        m["provision"] = v.marking->provision ? ojson(*v.marking->provision) : ojson(nullptr);
        m["date"] = to_string(v.marking->date);
        m["authority"] = to_string(v.marking->authority);
        m["legal_basis"] = v.marking->legal_basis;
        j["marking"] = std::move(m);
    } else {
        j["marking"] = nullptr;
    }
    // Recipient ids come from the input and are valid UTF-8 (the parser checks), but replace
    // rather than throw should that ever change.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace lagrum::core::legal
