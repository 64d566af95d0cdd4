// The local legal check (check-format.md §6–§7): one pure function from the message's
// metadata, the facts the caseworker asserts, the consent record, the catalog and the date
// to a verdict. No clock, no network, no randomness; it never sees message text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/date.h"

namespace lagrum::core::legal {

// One asserted fact. `present` false means absent (or JSON null).
struct FactValue {
    bool present = false;
    bool boolean = false;
    int enum_index = -1;
    double number = 0;
};

// Facts indexed by FactId (size = catalog.facts.size()).
using Facts = std::vector<FactValue>;

struct RecipientRef {
    std::string id;
    Authority authority = Authority::other;
};

enum class AgeBasis { personnummer, samordningsnummer, birth_date, presumed_age };
std::string_view to_string(AgeBasis b);

// The person the message is about. Only the birth date (or presumed age) survives parsing;
// the personnummer itself is never kept.
struct Subject {
    AgeBasis basis = AgeBasis::birth_date;
    Date birth_date;       // personnummer, samordningsnummer, birth_date
    int presumed_age = 0;  // presumed_age
};

enum class ConsentStatus { given, withdrawn, none };

struct Consent {
    ConsentStatus status = ConsentStatus::none;
    bool given_by_subject = false;
    bool given_by_guardian = false;
    std::optional<AuthoritySet> recipient_authorities;
    std::optional<Date> valid_until;
    bool case_closed = false;
};

// Everything the check looks at (the "draft" without its text).
struct Draft {
    Date date;
    Authority sender = Authority::other;
    std::vector<RecipientRef> recipients;
    Subject subject;
    const Provision* provision = nullptr;  // from the same catalog
    Facts facts;
    std::optional<Consent> consent;
    std::vector<int> categories;  // indices into catalog.categories, distinct, in given order
};

enum class VerdictKind { allowed, blocked, incomplete };
std::string_view to_string(VerdictKind v);

enum class ReasonCode : std::uint8_t {
    conditions_met,
    not_in_force,
    no_longer_in_force,
    sender_not_allowed,
    subject_too_old,
    condition_not_met,
    exclusion_applies,
    threshold_not_met,
    facts_missing,
    consent_missing,
    consent_withdrawn,
    consent_expired,
    consent_case_closed,
    consent_giver_invalid,
    recipient_allowed,
    recipient_not_allowed,
    consent_scope,
};
std::string_view to_string(ReasonCode c);
// The code whose to_string is `name`, for text stored as codes (signed minutes, the
// log's verdicts); nullopt for a name no code has. Covers every enumerator without a
// list to keep up to date: it asks to_string, whose switch the compiler checks.
std::optional<ReasonCode> reason_code_from_string(std::string_view name);
bool is_blocking(ReasonCode c);

struct Reason {
    ReasonCode code;
    std::string fact;  // only for fact-related codes

    friend bool operator==(const Reason&, const Reason&) = default;
};

struct Warning {
    WarningCode code;
    int category = -1;  // minimisation only: index into catalog.categories
};

struct RecipientVerdict {
    std::string id;
    Authority authority = Authority::other;
    VerdictKind verdict = VerdictKind::allowed;
    std::vector<Reason> reasons;
};

enum class SuggestionKind { split, committed_crime, consent };

struct Suggestion {
    SuggestionKind kind = SuggestionKind::split;
    std::string provision;
    std::vector<std::string> recipients;
    Text why;
};

struct Marking {
    std::optional<std::string> provision;  // sender's secrecy provision; null for `other`
    Date date;
    Authority authority = Authority::other;
    std::string legal_basis;
};

struct Verdict {
    VerdictKind verdict = VerdictKind::allowed;
    std::string provision;
    std::string citation;
    Status status = Status::verified;
    Date date;
    int age = 0;
    AgeBasis age_basis = AgeBasis::birth_date;
    std::vector<RecipientVerdict> recipients;
    std::vector<Reason> reasons;
    std::vector<std::string> missing_facts;  // sorted, unique
    std::vector<Warning> warnings;
    std::vector<Suggestion> suggestions;
    std::optional<Marking> marking;
};

// Age of the subject on the draft's date (completed years; presumed age as given).
int subject_age(const Subject& s, const Date& on);

// The check. `draft.provision` must point into `catalog`. A draft that breaks the
// invariants parse_check_input establishes (no provision or one from another catalog, no
// recipients, facts not sized to the catalog, an out-of-range enum value, category or
// authority) throws core::Error(bad_input): it is never checked, let alone allowed.
Verdict check(const Draft& draft, const Catalog& catalog);

}  // namespace lagrum::core::legal
