#include "lagrum/core/legal/check.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <type_traits>

#include "lagrum/core/error.h"

namespace lagrum::core::legal {

namespace {

// Message-level state gathered while running the steps of check-format.md §6.
struct State {
    const Catalog& cat;
    const Draft& draft;
    std::vector<Reason> reasons;
    std::vector<std::string> missing;

    void add(ReasonCode code, std::string fact = {}) {
        Reason r{code, std::move(fact)};
        // A gateway and its duty can report the same reason; report it once.
        if (std::find(reasons.begin(), reasons.end(), r) == reasons.end()) {
            reasons.push_back(std::move(r));
        }
    }
    void need(FactId f) { missing.push_back(cat.facts[f].name); }
    const FactValue& fact(FactId f) const { return draft.facts[f]; }
};

void in_force(State& s, const RuleEntry& e) {
    if (s.draft.date < e.effective_from) s.add(ReasonCode::not_in_force);
    if (e.effective_to && *e.effective_to < s.draft.date) s.add(ReasonCode::no_longer_in_force);
}

// Step 4 for one rule set: required facts, conditions, exclusions, groups, values, thresholds.
void facts(State& s, const RuleSet& r) {
    for (FactId f : r.required) {
        if (!s.fact(f).present) s.need(f);
    }
    for (FactId f : r.must_be_true) {
        const auto& v = s.fact(f);
        if (v.present && !v.boolean) s.add(ReasonCode::condition_not_met, s.cat.facts[f].name);
    }
    for (FactId f : r.must_be_false) {
        const auto& v = s.fact(f);
        if (v.present && v.boolean) s.add(ReasonCode::exclusion_applies, s.cat.facts[f].name);
    }
    for (const auto& group : r.any_of) {
        bool any_true = false;
        bool any_absent = false;
        for (FactId f : group) {
            const auto& v = s.fact(f);
            if (!v.present) {
                any_absent = true;
            } else if (v.boolean) {
                any_true = true;
            }
        }
        if (any_true) continue;
        if (!any_absent) {
            std::string joined;
            for (FactId f : group) {
                if (!joined.empty()) joined += '|';
                joined += s.cat.facts[f].name;
            }
            s.add(ReasonCode::condition_not_met, std::move(joined));
        } else {
            for (FactId f : group) {
                if (!s.fact(f).present) s.need(f);
            }
        }
    }
    for (const auto& vc : r.value_conditions) {
        const auto& v = s.fact(vc.fact);
        if (v.present && v.enum_index >= 0 && !((vc.allowed >> v.enum_index) & 1u)) {
            s.add(ReasonCode::condition_not_met, s.cat.facts[vc.fact].name);
        }
    }
    if (r.threshold) {
        const auto& t = *r.threshold;
        const auto& value = s.fact(t.fact);
        const auto& flag = s.fact(t.flag);
        if (value.present && flag.present) {
            const double min = flag.boolean ? t.min_if_flag_true : t.min_if_flag_false;
            if (value.number < min) s.add(ReasonCode::threshold_not_met, s.cat.facts[t.fact].name);
        }
    }
}

struct ConsentOutcome {
    bool only_guardian = false;  // valid only through the guardian (child_view)
};

// §6.1: consent for the consent provision.
ConsentOutcome consent(State& s, const ConsentRules& cr, int age) {
    ConsentOutcome out;
    const auto& c = s.draft.consent;
    if (!c) {
        s.missing.emplace_back("consent");
        return out;
    }
    switch (c->status) {
        case ConsentStatus::none:
            s.add(ReasonCode::consent_missing);
            return out;
        case ConsentStatus::withdrawn:
            s.add(ReasonCode::consent_withdrawn);
            return out;
        case ConsentStatus::given:
            break;
    }
    if (c->valid_until && *c->valid_until < s.draft.date) s.add(ReasonCode::consent_expired);
    if (c->case_closed) s.add(ReasonCode::consent_case_closed);
    if (age >= cr.adult_age) {
        if (!c->given_by_subject) s.add(ReasonCode::consent_giver_invalid);
        return out;
    }
    bool guardian_valid = false;
    bool subject_valid = false;
    std::vector<FactId> undecided;
    if (c->given_by_guardian) {
        const auto& f = s.fact(cr.guardian_secrecy_fact);
        if (!f.present) {
            undecided.push_back(cr.guardian_secrecy_fact);
        } else {
            guardian_valid = !f.boolean;
        }
    }
    if (c->given_by_subject) {
        const auto& f = s.fact(cr.subject_mature_fact);
        if (!f.present) {
            undecided.push_back(cr.subject_mature_fact);
        } else {
            subject_valid = f.boolean;
        }
    }
    if (!guardian_valid && !subject_valid) {
        if (!undecided.empty()) {
            for (FactId f : undecided) s.need(f);
        } else {
            s.add(ReasonCode::consent_giver_invalid);
        }
    }
    out.only_guardian = guardian_valid && !subject_valid && age >= cr.child_view_min_age;
    return out;
}

void replace_all(std::string& text, std::string_view key, const std::string& value) {
    for (auto pos = text.find(key); pos != std::string::npos;
         pos = text.find(key, pos + value.size())) {
        text.replace(pos, key.size(), value);
    }
}

// Fills a gateway citation template: {provision} and {duty} are replaced.
std::string fill_citation(std::string tpl, const std::string& provision, const std::string& duty) {
    replace_all(tpl, "{provision}", provision);
    replace_all(tpl, "{duty}", duty);
    return tpl;
}

const Text kSplitWhy{
    "Alla mottagare får inte ta emot uppgiften. Skicka inte till någon; en delad kopia kan "
    "skickas till dessa mottagare efter en ny kontroll.",
    "Not every recipient may receive this. Send to no one; a split copy may go to these "
    "recipients after a new check."};
const Text kConsentWhy{
    "Bestämmelsen tillåter inte utlämnande till dessa mottagares myndigheter. Pröva om den "
    "enskilde (eller vårdnadshavaren) samtycker (10 kap. 1 § jfr 12 kap. OSL).",
    "The provision does not allow disclosure to these recipients' authorities. Consider asking "
    "for the individual's (or guardian's) consent (10 kap. 1 § jfr 12 kap. OSL)."};

bool valid_authority(Authority a) {
    return static_cast<int>(a) < kAuthorityCount;
}

// Draft is a public struct the client core may fill in directly, so the invariants that
// parse_check_input establishes are checked again here: a malformed draft must never
// reach the steps below (which index facts and dereference the provision) and must never
// come out as `allowed`. Throws core::Error(bad_input) naming the first violation.
void require_valid(const Draft& d, const Catalog& cat) {
    auto bad = [](const std::string& why) {
        throw Error(Errc::bad_input, "invalid draft for the legal check: " + why);
    };
    if (d.provision == nullptr) bad("no provision");
    const bool from_catalog = std::any_of(cat.provisions.begin(), cat.provisions.end(),
                                          [&](const Provision& p) { return &p == d.provision; });
    if (!from_catalog) bad("the provision is not from this catalog");
    if (d.recipients.empty()) bad("no recipients");
    if (!valid_authority(d.sender)) bad("unknown sender authority");
    for (const auto& r : d.recipients) {
        if (!valid_authority(r.authority)) bad("unknown recipient authority");
    }
    if (d.facts.size() != cat.facts.size()) bad("facts do not match the catalog");
    for (std::size_t i = 0; i < d.facts.size(); ++i) {
        const auto& v = d.facts[i];
        const auto& def = cat.facts[i];
        if (!v.present || def.type != FactType::enumeration) continue;
        if (v.enum_index < 0 || static_cast<std::size_t>(v.enum_index) >= def.values.size()) {
            bad("fact " + def.name + " has no such value");
        }
    }
    for (int c : d.categories) {
        if (c < 0 || static_cast<std::size_t>(c) >= cat.categories.size()) {
            bad("unknown category");
        }
    }
}

}  // namespace

std::string_view to_string(AgeBasis b) {
    switch (b) {
        case AgeBasis::personnummer:
            return "personnummer";
        case AgeBasis::samordningsnummer:
            return "samordningsnummer";
        case AgeBasis::birth_date:
            return "birth_date";
        case AgeBasis::presumed_age:
            return "presumed_age";
    }
    return "birth_date";
}

std::string_view to_string(VerdictKind v) {
    switch (v) {
        case VerdictKind::allowed:
            return "allowed";
        case VerdictKind::blocked:
            return "blocked";
        case VerdictKind::incomplete:
            return "incomplete";
    }
    return "blocked";
}

std::string_view to_string(ReasonCode c) {
    switch (c) {
        case ReasonCode::conditions_met:
            return "conditions_met";
        case ReasonCode::not_in_force:
            return "not_in_force";
        case ReasonCode::no_longer_in_force:
            return "no_longer_in_force";
        case ReasonCode::sender_not_allowed:
            return "sender_not_allowed";
        case ReasonCode::subject_too_old:
            return "subject_too_old";
        case ReasonCode::condition_not_met:
            return "condition_not_met";
        case ReasonCode::exclusion_applies:
            return "exclusion_applies";
        case ReasonCode::threshold_not_met:
            return "threshold_not_met";
        case ReasonCode::facts_missing:
            return "facts_missing";
        case ReasonCode::consent_missing:
            return "consent_missing";
        case ReasonCode::consent_withdrawn:
            return "consent_withdrawn";
        case ReasonCode::consent_expired:
            return "consent_expired";
        case ReasonCode::consent_case_closed:
            return "consent_case_closed";
        case ReasonCode::consent_giver_invalid:
            return "consent_giver_invalid";
        case ReasonCode::recipient_allowed:
            return "recipient_allowed";
        case ReasonCode::recipient_not_allowed:
            return "recipient_not_allowed";
        case ReasonCode::consent_scope:
            return "consent_scope";
    }
    return "conditions_met";
}

std::optional<ReasonCode> reason_code_from_string(std::string_view name) {
    // Every value of the underlying type: a value that names no enumerator falls out of
    // to_string's switch as "conditions_met", which code 0 has already matched.
    for (unsigned i = 0; i <= std::numeric_limits<std::underlying_type_t<ReasonCode>>::max(); ++i) {
        const auto c = static_cast<ReasonCode>(i);
        if (to_string(c) == name) return c;
    }
    return std::nullopt;
}

bool is_blocking(ReasonCode c) {
    switch (c) {
        case ReasonCode::conditions_met:
        case ReasonCode::facts_missing:
        case ReasonCode::recipient_allowed:
            return false;
        default:
            return true;
    }
}

int subject_age(const Subject& s, const Date& on) {
    if (s.basis == AgeBasis::presumed_age) return s.presumed_age;
    return age_on(s.birth_date, on);
}

Verdict check(const Draft& draft, const Catalog& catalog) {
    require_valid(draft, catalog);
    const Provision& p = *draft.provision;
    const Date& date = draft.date;
    const RuleSet& rules = p.rules_on(date);
    State s{catalog, draft, {}, {}};

    Verdict v;
    v.provision = p.id;
    v.citation = p.citation_sv;
    v.status = rules.status;
    v.date = date;
    v.age = subject_age(draft.subject, date);
    v.age_basis = draft.subject.basis;

    // Gateway (10 kap. 28 §): the duty named by a fact supplies the parties and facts.
    const Duty* duty = nullptr;
    const RuleSet* duty_rules = nullptr;
    bool gateway_undecided = false;
    if (p.duty_fact) {
        const auto& f = s.fact(*p.duty_fact);
        if (f.present) duty = catalog.duty_for_value(*p.duty_fact, f.enum_index);
        if (duty == nullptr) {
            gateway_undecided = true;
        } else {
            duty_rules = &duty->rules_on(date);
            const bool outside_osl =
                catalog.authorities[static_cast<std::size_t>(draft.sender)].outside_osl;
            v.citation =
                fill_citation(outside_osl ? p.duty_citation_outside_osl : p.duty_citation_osl,
                              p.citation_sv, duty_rules->law_citation_sv);
            if (duty_rules->status == Status::unverified) v.status = Status::unverified;
        }
    }

    // Step 1: in force.
    in_force(s, p);
    if (duty) in_force(s, *duty);

    // Step 2: sender. A gateway's own parties (if the catalog gives them) apply as well as
    // the duty's: a recipient must be allowed by both.
    const RuleSet* parties = duty_rules ? duty_rules : &rules;
    auto sender_ok = [&](const RuleSet* r) {
        return r == nullptr || !r->senders || r->senders->contains(draft.sender);
    };
    if (p.duty_fact && !sender_ok(&rules)) {
        s.add(ReasonCode::sender_not_allowed);
    } else if (!gateway_undecided && !sender_ok(parties)) {
        s.add(ReasonCode::sender_not_allowed);
    }

    // Step 3: age limit.
    if ((rules.age_under && v.age >= *rules.age_under) ||
        (duty_rules && duty_rules->age_under && v.age >= *duty_rules->age_under)) {
        s.add(ReasonCode::subject_too_old);
    }

    // Step 4: facts (and consent).
    ConsentOutcome consent_outcome;
    if (gateway_undecided) {
        s.missing.push_back(catalog.facts[*p.duty_fact].name);
    } else {
        if (!p.duty_fact) facts(s, rules);
        if (duty_rules) facts(s, *duty_rules);
        if (p.consent) consent_outcome = consent(s, *p.consent, v.age);
    }
    std::sort(s.missing.begin(), s.missing.end());
    s.missing.erase(std::unique(s.missing.begin(), s.missing.end()), s.missing.end());
    if (!s.missing.empty()) s.add(ReasonCode::facts_missing);

    std::vector<Reason> blocking;
    for (const auto& r : s.reasons) {
        if (is_blocking(r.code)) blocking.push_back(r);
    }

    // Steps 5–6: recipients.
    bool any_blocked = false;
    bool any_incomplete = false;
    v.recipients.reserve(draft.recipients.size());
    for (const auto& rcp : draft.recipients) {
        RecipientVerdict rv;
        rv.id = rcp.id;
        rv.authority = rcp.authority;
        if (p.consent) {
            const auto& c = draft.consent;
            if (c && c->recipient_authorities) {
                rv.reasons.push_back({c->recipient_authorities->contains(rcp.authority)
                                          ? ReasonCode::recipient_allowed
                                          : ReasonCode::consent_scope,
                                      {}});
            }
        } else if (p.duty_fact && rules.recipients && !rules.recipients->contains(rcp.authority)) {
            // The gateway itself never reaches this authority, whatever the duty.
            rv.reasons.push_back({ReasonCode::recipient_not_allowed, {}});
        } else if (!gateway_undecided && parties->recipients) {
            rv.reasons.push_back({parties->recipients->contains(rcp.authority)
                                      ? ReasonCode::recipient_allowed
                                      : ReasonCode::recipient_not_allowed,
                                  {}});
        }
        bool own_blocking = false;
        for (const auto& r : rv.reasons) own_blocking = own_blocking || is_blocking(r.code);
        rv.reasons.insert(rv.reasons.end(), blocking.begin(), blocking.end());
        if (own_blocking || !blocking.empty()) {
            rv.verdict = VerdictKind::blocked;
            any_blocked = true;
        } else if (!s.missing.empty()) {
            rv.verdict = VerdictKind::incomplete;
            any_incomplete = true;
        } else {
            rv.verdict = VerdictKind::allowed;
        }
        v.recipients.push_back(std::move(rv));
    }

    // Step 7: overall verdict. Message-level blocking reasons block on their own, not
    // only through a recipient, so the verdict never rests on the recipient list alone.
    any_blocked = any_blocked || !blocking.empty();
    any_incomplete = any_incomplete || !s.missing.empty() || v.recipients.empty();
    v.verdict = any_blocked      ? VerdictKind::blocked
                : any_incomplete ? VerdictKind::incomplete
                                 : VerdictKind::allowed;
    if (v.verdict == VerdictKind::allowed) {
        v.reasons = {Reason{ReasonCode::conditions_met, {}}};
    } else {
        v.reasons = std::move(s.reasons);
    }
    v.missing_facts = std::move(s.missing);

    // Warnings: minimisation first, then the fixed order of §9.2.
    for (int c : draft.categories) v.warnings.push_back({WarningCode::minimisation, c});
    const bool unverified = v.status == Status::unverified || p.warn_unverified_always ||
                            (duty_rules && duty_rules->unverified_senders.contains(draft.sender)) ||
                            rules.unverified_senders.contains(draft.sender);
    if (unverified) v.warnings.push_back({WarningCode::unverified_rule, -1});
    if (draft.subject.basis == AgeBasis::presumed_age && !p.presumed_age_statutory) {
        v.warnings.push_back({WarningCode::age_presumed, -1});
    }
    if (consent_outcome.only_guardian) v.warnings.push_back({WarningCode::child_view, -1});
    if (p.public_interest_warning_senders.contains(draft.sender)) {
        v.warnings.push_back({WarningCode::public_interest_secrecy, -1});
    }
    if (p.warn_restrictive) v.warnings.push_back({WarningCode::restrictive_provision, -1});
    // Authority warnings (e.g. independent_school): the sender, or an allowed recipient, is
    // an authority whose catalog entry names a warning. Each code once, in §9.2 order.
    std::array<bool, kWarningCodeCount> authority_warning{};
    auto note_authority = [&](Authority a) {
        const auto& w = catalog.authorities[static_cast<std::size_t>(a)].warning;
        if (w) authority_warning[static_cast<std::size_t>(*w)] = true;
    };
    note_authority(draft.sender);
    for (const auto& rv : v.recipients) {
        if (rv.verdict == VerdictKind::allowed) note_authority(rv.authority);
    }
    for (int i = 0; i < kWarningCodeCount; ++i) {
        if (!authority_warning[static_cast<std::size_t>(i)]) continue;
        const auto code = static_cast<WarningCode>(i);
        const bool present = std::any_of(v.warnings.begin(), v.warnings.end(),
                                         [&](const Warning& w) { return w.code == code; });
        if (!present) v.warnings.push_back({code, -1});
    }
    std::stable_sort(v.warnings.begin(), v.warnings.end(), [](const Warning& a, const Warning& b) {
        return static_cast<int>(a.code) < static_cast<int>(b.code);
    });

    // Suggestions S1, S2, S3 (§7).
    if (v.verdict == VerdictKind::blocked) {
        Suggestion split{SuggestionKind::split, p.id, {}, kSplitWhy};
        for (const auto& rv : v.recipients) {
            if (rv.verdict != VerdictKind::blocked) split.recipients.push_back(rv.id);
        }
        if (!split.recipients.empty()) v.suggestions.push_back(std::move(split));
    }
    for (const auto& es : p.exclusion_suggestions) {
        const bool applies = std::any_of(v.reasons.begin(), v.reasons.end(), [&](const Reason& r) {
            return r.code == ReasonCode::exclusion_applies && r.fact == catalog.facts[es.fact].name;
        });
        if (!applies || !es.senders.contains(draft.sender)) continue;
        Suggestion sg{SuggestionKind::committed_crime, es.provision, {}, es.why};
        for (const auto& rcp : draft.recipients) {
            if (es.recipients.contains(rcp.authority)) sg.recipients.push_back(rcp.id);
        }
        if (!sg.recipients.empty()) v.suggestions.push_back(std::move(sg));
        break;  // each suggestion at most once
    }
    if (!p.consent) {
        if (const Provision* cp = catalog.consent_provision()) {
            Suggestion sg{SuggestionKind::consent, cp->id, {}, kConsentWhy};
            for (const auto& rv : v.recipients) {
                const bool not_allowed = std::any_of(
                    rv.reasons.begin(), rv.reasons.end(),
                    [](const Reason& r) { return r.code == ReasonCode::recipient_not_allowed; });
                if (not_allowed) sg.recipients.push_back(rv.id);
            }
            if (!sg.recipients.empty()) v.suggestions.push_back(std::move(sg));
        }
    }

    // Sekretessmarkering (OSL 5 kap. 5 §) only on an allowed message.
    if (v.verdict == VerdictKind::allowed) {
        Marking m;
        const auto& info = catalog.authorities[static_cast<std::size_t>(draft.sender)];
        if (!info.source_secrecy.empty()) m.provision = info.source_secrecy;
        m.date = date;
        m.authority = draft.sender;
        m.legal_basis = v.citation;
        v.marking = std::move(m);
    }
    return v;
}

}  // namespace lagrum::core::legal
