// The provision catalog in memory: loaded from client/provisions/*.textpb (schema
// protocol/catalog.proto), validated once, then used read-only by the check.
//
// Every date-dependent rule is a Version in the data; the engine only knows the generic
// mechanisms (senders, recipients, age limits, required facts, exclusions, thresholds,
// consent, duties), so a change in the law is a catalog change, not a code change.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "lagrum/core/legal/date.h"
#include "lagrum/result.h"

namespace lagrum::core::legal {

enum class Authority : std::uint8_t {
    social_services = 0,
    police,
    security_service,
    prosecutor,
    school,
    health_care,
    other,
    school_independent,  // revision 2026-12-06: a fristående skola, not an OSL authority
};
inline constexpr int kAuthorityCount = 8;

std::string_view to_string(Authority a);
std::optional<Authority> parse_authority(std::string_view name);

// A set of authorities as a bit mask (bit i = Authority i).
class AuthoritySet {
  public:
    constexpr AuthoritySet() = default;
    constexpr void add(Authority a) {
        bits_ |= static_cast<std::uint8_t>(1u << static_cast<int>(a));
    }
    constexpr bool contains(Authority a) const { return (bits_ >> static_cast<int>(a)) & 1u; }
    constexpr bool empty() const { return bits_ == 0; }
    std::vector<Authority> members() const;

  private:
    std::uint8_t bits_ = 0;
};

// Warning codes of check-format.md §9.2, in their output order (minimisation first).
enum class WarningCode : std::uint8_t {
    minimisation,
    unverified_rule,
    age_presumed,
    child_view,
    public_interest_secrecy,
    restrictive_provision,
    independent_school,
};
inline constexpr int kWarningCodeCount = 7;
std::string_view to_string(WarningCode c);
std::optional<WarningCode> parse_warning_code(std::string_view name);

enum class Status { verified, unverified };
std::string_view to_string(Status s);

struct Text {
    std::string sv;
    std::string en;
};

enum class FactType { boolean, enumeration, number };

using FactId = std::uint16_t;

struct FactDef {
    std::string name;
    FactType type = FactType::boolean;
    std::vector<std::string> values;  // enumeration
    double min = 0;                   // number
    double max = 0;
    Text description;
    // enumeration: the display words of values[i] (empty when the catalog gives none; else
    // exactly one per value, both languages non-empty, checked at load).
    std::vector<Text> value_labels;
};

struct CategoryDef {
    std::string name;
    Text warning;
};

struct AuthorityInfo {
    Authority authority = Authority::other;
    std::string name_sv;
    std::string name_en;
    std::string source_secrecy;  // empty: unknown (marking.provision is null)
    std::string source_secrecy_note;
    bool outside_osl = false;            // not an authority under OSL (provisions.md §1.1)
    std::optional<WarningCode> warning;  // when sender or an allowed recipient
};

struct ValueCondition {
    FactId fact = 0;
    std::uint64_t allowed = 0;  // bit i = enum value i allowed
};

struct Threshold {
    FactId fact = 0;
    FactId flag = 0;
    double min_if_flag_false = 0;
    double min_if_flag_true = 0;
};

// The rules of an entry on one date: the entry's base fields with one version's fields
// replacing them (merged at load time).
struct RuleSet {
    Status status = Status::verified;
    std::optional<AuthoritySet> senders;     // absent: decided elsewhere (duty, consent)
    std::optional<AuthoritySet> recipients;  // absent: decided elsewhere
    std::vector<FactId> required;
    std::vector<FactId> must_be_true;
    std::vector<FactId> must_be_false;
    std::vector<std::vector<FactId>> any_of;
    std::vector<ValueCondition> value_conditions;
    std::optional<Threshold> threshold;
    std::optional<int> age_under;
    std::string law_citation_sv;
    AuthoritySet unverified_senders;
    std::vector<std::string> breaks;
    std::string breaks_text;
};

struct DatedRules {
    Date from;
    std::string sfs;
    std::string note;
    RuleSet rules;
};

struct Amendment {
    std::string sfs;
    std::string in_force;
    std::string note;
};

struct Question {
    std::string id;
    Text text;
    std::vector<std::string> facts;
};

struct ConsentRules {
    int adult_age = 18;
    FactId subject_mature_fact = 0;
    FactId guardian_secrecy_fact = 0;
    int child_view_min_age = 12;
};

struct ExclusionSuggestion {
    FactId fact = 0;
    AuthoritySet senders;
    std::string provision;
    AuthoritySet recipients;
    Text why;
};

// Common part of provisions and duties: dated rule sets.
struct RuleEntry {
    std::string id;
    std::string name_sv;
    std::string name_en;
    Date effective_from;
    std::optional<Date> effective_to;
    // Never empty; sorted by `from`. An entry without versions has one at effective_from.
    std::vector<DatedRules> versions;
    bool has_explicit_versions = false;
    std::string status_note;
    Text text;
    std::vector<std::string> sources;

    // The version in force on `d` (the last whose from <= d), else the earliest.
    const DatedRules& version_on(const Date& d) const;
    const RuleSet& rules_on(const Date& d) const { return version_on(d).rules; }
    bool in_force_on(const Date& d) const {
        return !(d < effective_from) && !(effective_to && *effective_to < d);
    }
};

struct Duty : RuleEntry {
    std::vector<Question> questions;
};

struct Provision : RuleEntry {
    std::string citation_sv;
    std::vector<Amendment> amended;
    std::vector<Question> questions;
    std::optional<ConsentRules> consent;
    std::optional<FactId> duty_fact;
    bool warn_restrictive = false;
    bool warn_unverified_always = false;
    AuthoritySet public_interest_warning_senders;
    bool presumed_age_statutory = false;
    std::vector<ExclusionSuggestion> exclusion_suggestions;
    // Gateway citation templates ({provision}, {duty}); see catalog.proto DutyCitation.
    std::string duty_citation_osl = "{provision} jfr {duty}";
    std::string duty_citation_outside_osl = "{provision} jfr {duty}";
};

struct WizardStep {
    std::string id;
    Text question;
    std::vector<std::string> provisions;
    std::vector<std::string> duties;
    AuthoritySet senders;  // empty: every sender
    Text note;
};

struct CatalogHeader {
    std::string catalog_version;
    Date last_reviewed;
    std::string format;
    Text note;
};

class Catalog {
  public:
    CatalogHeader header;
    std::array<AuthorityInfo, kAuthorityCount> authorities;
    std::vector<FactDef> facts;
    std::vector<CategoryDef> categories;
    std::vector<Provision> provisions;  // in file order
    std::vector<Duty> duties;
    std::array<Text, kWarningCodeCount> warning_texts;  // index: WarningCode (minimisation unused)
    std::vector<WizardStep> wizard;                     // provisions.md §8 question order
    std::vector<std::string> files;                     // the files it was loaded from, sorted

    const Provision* find_provision(std::string_view id) const;
    const Duty* find_duty(std::string_view id) const;
    std::optional<FactId> find_fact(std::string_view name) const;
    std::optional<int> find_category(std::string_view name) const;
    // The provision whose basis is consent (suggestion S3), if any.
    const Provision* consent_provision() const;
    // Duty for each value of a gateway provision's duty fact (index = enum value index).
    const Duty* duty_for_value(FactId duty_fact, int value) const;

    // Built by the loader: index into `duties` per [fact][enum value], -1 if none. Indices,
    // not pointers, so a Catalog can be moved and copied freely.
    std::vector<std::vector<int>> duty_index_by_value_;
};

// A load error names the file and line (1-based; 0 when no line applies).
struct CatalogError {
    std::string file;
    int line = 0;
    std::string message;
    std::string to_string() const;
};

// Loads every *.textpb in `dir` (sorted by name), merges and validates them.
// The project-wide lagrum::Result ([[nodiscard]]); a std::variant<Catalog, CatalogError>
// underneath, so std::get_if callers compile unchanged.
using CatalogResult = lagrum::Result<Catalog, CatalogError>;

CatalogResult load_catalog(const std::filesystem::path& dir);

// Same from in-memory files (name, text), for tests.
CatalogResult load_catalog_from_texts(
    const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace lagrum::core::legal
