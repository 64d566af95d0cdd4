// The check (check-format.md §6–§7) per provision: conditions, exclusions, effective dates,
// ages, consent, rooms and suggestions.
#include <gtest/gtest.h>

#include "lagrum/core/legal/verdict_json.h"
#include "support.h"

using namespace lagrum::legal_test;
using legal::ReasonCode;
using legal::WarningCode;

namespace {

json facts_18a() {
    return {{"risk_of_criminal_activity", true},
            {"not_inappropriate", true},
            {"concerns_committed_crime", false}};
}

json recipients(std::initializer_list<std::pair<const char*, const char*>> rs) {
    json a = json::array();
    for (const auto& [id, auth] : rs) a.push_back({{"id", id}, {"authority", auth}});
    return a;
}

std::vector<std::string> suggestion(const legal::Verdict& v, const std::string& provision) {
    for (const auto& s : v.suggestions) {
        if (s.provision == provision) return s.recipients;
    }
    return {"<none>"};
}

}  // namespace

// ---- 10 kap. 18 a § ----

TEST(Check18a, AllowedWithTwoConditionsFrom2025) {
    const auto v = run(input("osl-10-18a", facts_18a()));
    EXPECT_EQ(verdict_of(v), "allowed");
    ASSERT_EQ(v.reasons.size(), 1u);
    EXPECT_EQ(v.reasons[0].code, ReasonCode::conditions_met);
    ASSERT_TRUE(v.marking);
    EXPECT_EQ(*v.marking->provision, "26 kap. 1 § OSL");
    EXPECT_EQ(v.marking->legal_basis, "10 kap. 18 a § OSL");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_TRUE(v.warnings.empty());
}

TEST(Check18a, BeforeApril2025ThreeConditions) {
    auto in = input("osl-10-18a", facts_18a());
    in["date"] = "2025-03-31";
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"may_help_prevent"});
    in["facts"]["may_help_prevent"] = false;
    v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::condition_not_met, "may_help_prevent"));
    in["date"] = "2025-04-01";  // the condition is gone from this day
    EXPECT_EQ(verdict_of(run(in)), "allowed");
}

TEST(Check18a, SecurityServiceOnlyFromAugust2020) {
    auto in = input("osl-10-18a", facts_18a());
    in["facts"]["may_help_prevent"] = true;
    in["recipients"] = recipients({{"sapo", "security_service"}, {"anna", "police"}});
    in["subject"] = {{"birth_date", "2000-01-01"}};
    in["date"] = "2020-07-31";
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(recipient_verdict(v, "sapo"), "blocked");
    EXPECT_EQ(recipient_verdict(v, "anna"), "allowed");
    EXPECT_EQ(suggestion(v, "osl-10-18a"), std::vector<std::string>{"anna"});
    EXPECT_EQ(suggestion(v, "osl-10-1"), std::vector<std::string>{"sapo"});
    in["date"] = "2020-08-01";
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
}

TEST(Check18a, NotInForceBefore2013) {
    auto in = input("osl-10-18a", facts_18a());
    in["facts"]["may_help_prevent"] = true;
    in["subject"] = {{"birth_date", "2000-01-01"}};
    in["date"] = "2012-12-31";
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::not_in_force));
    in["date"] = "2013-01-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
}

TEST(Check18a, AgeBoundaryOn21stBirthday) {
    auto in = input("osl-10-18a", facts_18a());
    in["subject"] = {{"birth_date", "2005-03-02"}};
    auto v = run(in);
    EXPECT_EQ(v.age, 21);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::subject_too_old));
    in["subject"] = {{"birth_date", "2005-03-03"}};
    v = run(in);
    EXPECT_EQ(v.age, 20);
    EXPECT_EQ(verdict_of(v), "allowed");
}

TEST(Check18a, LeapDayBirthTurns21On28February) {
    auto in = input("osl-10-18a", facts_18a());
    in["facts"]["may_help_prevent"] = true;  // still a condition before 2025-04-01
    in["subject"] = {{"birth_date", "2004-02-29"}};
    in["date"] = "2025-02-27";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-02-28";
    EXPECT_EQ(verdict_of(run(in)), "blocked");
}

TEST(Check18a, CommittedCrimeExclusionSuggests23) {
    auto in = input("osl-10-18a", facts_18a());
    in["facts"]["concerns_committed_crime"] = true;
    in["recipients"] =
        recipients({{"anna", "police"}, {"bo", "school"}, {"sapo", "security_service"}});
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::exclusion_applies, "concerns_committed_crime"));
    EXPECT_EQ(suggestion(v, "osl-10-23"), (std::vector<std::string>{"anna", "sapo"}));
    EXPECT_EQ(suggestion(v, "osl-10-1"), std::vector<std::string>{"bo"});
    // All recipients are blocked by the message-level exclusion: no split suggestion.
    EXPECT_EQ(suggestion(v, "osl-10-18a"), std::vector<std::string>{"<none>"});
    ASSERT_EQ(v.suggestions.size(), 2u);
    EXPECT_EQ(v.suggestions[0].provision, "osl-10-23");  // S2 before S3
}

TEST(Check18a, SenderMustBeSocialServices) {
    auto in = input("osl-10-18a", facts_18a());
    in["sender"] = {{"authority", "school"}};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::sender_not_allowed));
}

TEST(Check18a, PresumedAgeWarns) {
    auto in = input("osl-10-18a", facts_18a());
    in["subject"] = {{"presumed_age", 17}};
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::age_presumed));
    in["subject"] = {{"presumed_age", 21}};
    EXPECT_EQ(verdict_of(run(in)), "blocked");
}

TEST(Check18a, CustomsIsNotInTheVocabularySoOtherStaysBlocked) {
    auto in = input("osl-10-18a", facts_18a());
    in["recipients"] = recipients({{"tull", "other"}});
    const auto v = run(in);
    EXPECT_EQ(recipient_verdict(v, "tull"), "blocked");
    EXPECT_TRUE(has_reason(v.recipients[0].reasons, ReasonCode::recipient_not_allowed));
}

// ---- 10 kap. 18 b § ----

TEST(Check18b, HealthCareSenderOnlyFromApril2025) {
    auto in = input("osl-10-18b",
                    {{"needed_against_terrorism", true}, {"concerns_committed_crime", false}});
    in["sender"] = {{"authority", "health_care"}};
    in["date"] = "2025-03-31";
    auto v = run(in);
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::sender_not_allowed));
    in["date"] = "2025-04-01";
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(*v.marking->provision, "25 kap. 1 § OSL");
}

TEST(Check18b, CommittedCrimeExcludedFrom2025AndNotBefore) {
    auto in = input("osl-10-18b",
                    {{"needed_against_terrorism", true}, {"concerns_committed_crime", true}});
    in["recipients"] = recipients({{"sapo", "security_service"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["date"] = "2024-01-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2020-07-31";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["facts"] = json::object();
    in["date"] = "2026-03-02";
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts,
              (std::vector<std::string>{"concerns_committed_crime", "needed_against_terrorism"}));
}

TEST(Check18b, ProsecutorIsNotARecipient) {
    auto in = input("osl-10-18b",
                    {{"needed_against_terrorism", true}, {"concerns_committed_crime", false}});
    in["recipients"] = recipients({{"ake", "prosecutor"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
}

// ---- 10 kap. 18 c § ----

TEST(Check18c, VersionsAndRecipients) {
    json f = {{"risk_of_serious_crime_against_relative", true},
              {"not_inappropriate", true},
              {"concerns_committed_crime", false}};
    auto in = input("osl-10-18c", f);
    in["sender"] = {{"authority", "health_care"}};
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-03-31";
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"may_help_prevent"});
    in["date"] = "2021-07-31";
    in["facts"]["may_help_prevent"] = true;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2021-08-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["recipients"] = recipients({{"sapo", "security_service"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["recipients"] = recipients({{"anna", "police"}});
    in["date"] = "2026-03-02";
    in["facts"]["concerns_committed_crime"] = true;
    EXPECT_TRUE(
        has_reason(run(in).reasons, ReasonCode::exclusion_applies, "concerns_committed_crime"));
    in["sender"] = {{"authority", "school"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

// ---- 10 kap. 20 § ----

TEST(Check20, AnyOfGroup) {
    json f = {{"encountered_by_staff", true}, {"immediate_police_intervention_needed", true}};
    auto in = input("osl-10-20", f);
    in["subject"] = {{"presumed_age", 15}};
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, (std::vector<std::string>{"caught_committing_crime",
                                                         "serious_risk_to_health_or_development"}));
    in["facts"]["caught_committing_crime"] = false;
    v = run(in);
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"serious_risk_to_health_or_development"});
    in["facts"]["serious_risk_to_health_or_development"] = false;
    v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::condition_not_met,
                           "serious_risk_to_health_or_development|caught_committing_crime"));
    in["facts"]["serious_risk_to_health_or_development"] = true;
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_FALSE(has_warning(v, WarningCode::age_presumed));  // presumed age is the statute's test
    in["facts"]["caught_committing_crime"] = nullptr;  // null = absent, but one true is enough
    EXPECT_EQ(verdict_of(run(in)), "allowed");
}

TEST(Check20, UnderEighteenAndPoliceOnly) {
    json f = {{"encountered_by_staff", true},
              {"immediate_police_intervention_needed", true},
              {"caught_committing_crime", true}};
    auto in = input("osl-10-20", f);
    in["subject"] = {{"presumed_age", 18}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::subject_too_old));
    in["subject"] = {{"birth_date", "2008-03-03"}};  // 18 tomorrow
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["subject"] = {{"birth_date", "2008-03-02"}};  // 18 today
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["subject"] = {{"presumed_age", 15}};
    in["recipients"] = recipients({{"sapo", "security_service"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["facts"]["immediate_police_intervention_needed"] = false;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::condition_not_met,
                           "immediate_police_intervention_needed"));
}

// ---- 10 kap. 21 § and 22 § ----

TEST(Check21, ChapterAndVictim) {
    json f = {{"concerns_committed_crime", true},
              {"crime_against_child_chapter", "brb3"},
              {"victim_under_18", true}};
    auto in = input("osl-10-21", f);
    in["recipients"] = recipients({{"anna", "police"}, {"ake", "prosecutor"}});
    in["subject"] = {{"birth_date", "1980-01-01"}};  // the suspect: no age limit
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    for (const char* ch : {"brb4", "brb6", "fgm"}) {
        in["facts"]["crime_against_child_chapter"] = ch;
        EXPECT_EQ(verdict_of(run(in)), "allowed") << ch;
    }
    in["facts"]["crime_against_child_chapter"] = "other";
    EXPECT_TRUE(
        has_reason(run(in).reasons, ReasonCode::condition_not_met, "crime_against_child_chapter"));
    in["facts"]["crime_against_child_chapter"] = "brb3";
    in["facts"]["victim_under_18"] = false;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::condition_not_met, "victim_under_18"));
    in["facts"]["victim_under_18"] = true;
    in["sender"] = {{"authority", "health_care"}};
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["sender"] = {{"authority", "school"}};
    EXPECT_EQ(verdict_of(run(in)), "blocked");
}

TEST(Check22, SupplyToUnder18) {
    json f = {{"concerns_committed_crime", true}, {"supply_to_under_18", "alcohol"}};
    auto in = input("osl-10-22", f);
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["facts"]["supply_to_under_18"] = "none";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::condition_not_met, "supply_to_under_18"));
    in["facts"]["supply_to_under_18"] = "narcotics";
    in["date"] = "2017-12-31";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2018-01-01";
    in["recipients"] = recipients({{"anna", "police"}, {"bo", "school"}});
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(suggestion(v, "osl-10-22"), std::vector<std::string>{"anna"});
    EXPECT_EQ(suggestion(v, "osl-10-1"), std::vector<std::string>{"bo"});
}

// ---- 10 kap. 23 § ----

TEST(Check23, ThresholdsBeforeAndFromApril2025) {
    json f = {{"concerns_committed_crime", true}, {"min_penalty_years", 0.5}, {"attempt", false}};
    auto in = input("osl-10-23", f);
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-03-31";
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::threshold_not_met, "min_penalty_years"));
    in["facts"]["min_penalty_years"] = 1;
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["facts"]["attempt"] = true;
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["facts"]["min_penalty_years"] = 2;
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-04-01";
    in["facts"]["min_penalty_years"] = 1;
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["facts"]["min_penalty_years"] = 0.5;
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["facts"]["attempt"] = false;
    in["facts"]["min_penalty_years"] = 0.25;
    EXPECT_EQ(verdict_of(run(in)), "blocked");
}

TEST(Check23, MissingFactsAndParties) {
    auto in = input("osl-10-23", {{"concerns_committed_crime", true}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, (std::vector<std::string>{"attempt", "min_penalty_years"}));
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::facts_missing));
    in["facts"] = {
        {"concerns_committed_crime", false}, {"min_penalty_years", 4}, {"attempt", false}};
    EXPECT_TRUE(
        has_reason(run(in).reasons, ReasonCode::condition_not_met, "concerns_committed_crime"));
    in["facts"]["concerns_committed_crime"] = true;
    in["recipients"] = recipients({{"x", "other"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["recipients"] = recipients({{"sapo", "security_service"}, {"ake", "prosecutor"}});
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["sender"] = {{"authority", "police"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

// ---- 10 kap. 24 § ----

TEST(Check24, UnverifiedBefore2025WithFineCondition) {
    json f = {{"concerns_committed_crime", true}, {"prison_in_scale", true}};
    auto in = input("osl-10-24", f);
    in["sender"] = {{"authority", "school"}};
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_FALSE(has_warning(v, WarningCode::unverified_rule));
    EXPECT_EQ(*v.marking->provision, "23 kap. 2 § OSL");
    in["date"] = "2025-03-31";
    v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"sanction_beyond_fine_expected"});
    in["facts"]["sanction_beyond_fine_expected"] = true;
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.status, legal::Status::unverified);
    EXPECT_TRUE(has_warning(v, WarningCode::unverified_rule));
    in["sender"] = {{"authority", "social_services"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
    in["sender"] = {{"authority", "health_care"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

TEST(Check24, OtherSenderHasNoMarkingProvision) {
    auto in = input("osl-10-24", {{"concerns_committed_crime", true}, {"prison_in_scale", true}});
    in["sender"] = {{"authority", "other"}};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    ASSERT_TRUE(v.marking);
    EXPECT_FALSE(v.marking->provision);
    in["facts"]["prison_in_scale"] = false;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::condition_not_met, "prison_in_scale"));
}

// ---- 10 kap. 27 §, 2 §, 15 a § ----

TEST(Check27, GeneralClause) {
    auto in = input("osl-10-27", {{"interest_obviously_prevails", true},
                                  {"disclosure_conflicts_with_law", false}});
    in["sender"] = {{"authority", "police"}};
    in["recipients"] = recipients({{"bo", "school"}});
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["facts"]["disclosure_conflicts_with_law"] = true;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::exclusion_applies,
                           "disclosure_conflicts_with_law"));
    in["facts"]["disclosure_conflicts_with_law"] = false;
    in["sender"] = {{"authority", "social_services"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
    in["sender"] = {{"authority", "health_care"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

TEST(Check2, AlwaysRestrictiveWarning) {
    auto in = input("osl-10-2", {{"necessary_for_own_task", true}});
    in["recipients"] = recipients({{"x", "other"}, {"h", "health_care"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::restrictive_provision));
    in["facts"]["necessary_for_own_task"] = false;
    v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_warning(v, WarningCode::restrictive_provision));
}

TEST(Check15a, FromDecember2025NotHealthCare) {
    json f = {{"purpose_15a", "prevent_criminal_activity"},
              {"needed_for_purpose", true},
              {"protected_interest_outweighs", false}};
    auto in = input("osl-10-15a", f);
    in["recipients"] = recipients({{"bo", "school"}, {"anna", "police"}});
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-11-30";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2025-12-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["sender"] = {{"authority", "health_care"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
    in["sender"] = {{"authority", "police"}};
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::public_interest_secrecy));
    in["facts"]["protected_interest_outweighs"] = true;
    EXPECT_TRUE(
        has_reason(run(in).reasons, ReasonCode::exclusion_applies, "protected_interest_outweighs"));
    in["facts"] = {{"needed_for_purpose", true}, {"protected_interest_outweighs", false}};
    v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"purpose_15a"});
}

// ---- 10 kap. 28 § ----

TEST(Check28, DutyMissingOnlyAsksForDuty) {
    auto in = input("osl-10-28", {{"child_at_risk_known_or_suspected", true}});
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"duty"});
    EXPECT_EQ(v.citation, "10 kap. 28 § OSL");
}

TEST(Check28, ReportOfConcern) {
    auto in = input("osl-10-28", {{"duty", "sol_report_child_at_risk"},
                                  {"child_at_risk_known_or_suspected", true}});
    in["sender"] = {{"authority", "school"}};
    in["recipients"] = recipients({{"soc", "social_services"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "10 kap. 28 § OSL jfr 19 kap. 1 § SoL (2025:400)");
    in["date"] = "2025-06-30";
    EXPECT_EQ(run(in).citation, "10 kap. 28 § OSL jfr 14 kap. 1 § SoL (2001:453)");
    in["date"] = "2026-03-02";
    in["subject"] = {{"birth_date", "2008-03-02"}};  // 18 today
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::subject_too_old));
    in["subject"] = {{"birth_date", "2009-05-14"}};
    in["recipients"] = recipients({{"anna", "police"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["recipients"] = recipients({{"soc", "social_services"}});
    in["facts"]["child_at_risk_known_or_suspected"] = false;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::condition_not_met,
                           "child_at_risk_known_or_suspected"));
    in["facts"].erase("child_at_risk_known_or_suspected");
    v = run(in);
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"child_at_risk_known_or_suspected"});
}

TEST(Check28, ReportOfConcernSendersByDate) {
    auto in = input("osl-10-28", {{"duty", "sol_report_child_at_risk"},
                                  {"child_at_risk_known_or_suspected", true}});
    in["recipients"] = recipients({{"soc", "social_services"}});
    in["sender"] = {{"authority", "security_service"}};
    in["date"] = "2025-06-30";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
    in["date"] = "2025-07-01";
    in["subject"] = {{"birth_date", "2010-01-01"}};
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["sender"] = {{"authority", "prosecutor"}};
    in["date"] = "2026-01-14";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
    in["date"] = "2026-01-15";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["sender"] = {{"authority", "other"}};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::unverified_rule));
    EXPECT_EQ(v.status, legal::Status::verified);
}

TEST(Check28, Lul6AndSchoolAndCrimeFighting) {
    auto in =
        input("osl-10-28", {{"duty", "lul_6"}, {"reasonable_suspicion_prison_offence", true}});
    in["sender"] = {{"authority", "police"}};
    in["recipients"] = recipients({{"soc", "social_services"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "10 kap. 28 § OSL jfr 6 § LUL");
    EXPECT_EQ(*v.marking->provision, "35 kap. 1 § OSL");

    in = input("osl-10-28", {{"duty", "school_report_crime"},
                             {"pupil_suspected_of_crime", true},
                             {"crime_in_school_activity", true},
                             {"overriding_reasons_against", false}});
    in["sender"] = {{"authority", "school"}};
    in["subject"] = {{"birth_date", "1990-01-01"}};  // no age limit
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-06-30";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2026-03-02";
    in["facts"]["overriding_reasons_against"] = true;
    EXPECT_TRUE(
        has_reason(run(in).reasons, ReasonCode::exclusion_applies, "overriding_reasons_against"));

    // Revision 2026-12-06: 7 § SFS 2025:170 names "en rektor inom skolväsendet" (VERIFIED);
    // 8 § excludes social-services secrecy, so social services is no longer a sender; an
    // `other` sender stays unverified.
    in = input("osl-10-28", {{"duty", "crime_fighting_2025"}, {"duty_conditions_met", true}});
    in["recipients"] = recipients({{"anna", "police"}, {"x", "other"}});
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
    in["sender"] = {{"authority", "school"}};
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_FALSE(has_warning(v, WarningCode::unverified_rule));
    in["sender"] = {{"authority", "other"}};
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::unverified_rule));
    in["date"] = "2025-03-31";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2026-03-02";
    in["sender"] = {{"authority", "health_care"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

// ---- 10 kap. 1 § (consent) ----

namespace {

json consent_input(json consent, json facts = json::object()) {
    auto in = input("osl-10-1", std::move(facts));
    in["recipients"] = recipients({{"carl", "school"}});
    in["subject"] = {{"birth_date", "2011-06-15"}};  // 14
    in["consent"] = std::move(consent);
    return in;
}

json given(std::vector<std::string> by, std::vector<std::string> to) {
    return {{"status", "given"}, {"given_by", by}, {"recipient_authorities", to}};
}

}  // namespace

TEST(CheckConsent, GuardianForChild) {
    auto in = consent_input(given({"guardian"}, {"school"}),
                            {{"secrecy_applies_against_guardian", false}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::child_view));
    in["facts"]["secrecy_applies_against_guardian"] = true;
    v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::consent_giver_invalid));
    in["facts"] = json::object();
    v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"secrecy_applies_against_guardian"});
}

TEST(CheckConsent, ChildViewOnlyFrom12) {
    auto in = consent_input(given({"guardian"}, {"school"}),
                            {{"secrecy_applies_against_guardian", false}});
    in["subject"] = {{"birth_date", "2014-03-03"}};  // 11, 12 tomorrow
    EXPECT_FALSE(has_warning(run(in), WarningCode::child_view));
    in["subject"] = {{"birth_date", "2014-03-02"}};  // 12 today
    EXPECT_TRUE(has_warning(run(in), WarningCode::child_view));
    // A mature child who consented too: no warning.
    in["consent"]["given_by"] = {"guardian", "subject"};
    in["facts"]["subject_mature_enough"] = true;
    EXPECT_FALSE(has_warning(run(in), WarningCode::child_view));
}

TEST(CheckConsent, MatureChildAlone) {
    auto in = consent_input(given({"subject"}, {"school"}), {{"subject_mature_enough", true}});
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["facts"]["subject_mature_enough"] = false;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::consent_giver_invalid));
    in["facts"] = json::object();
    EXPECT_EQ(run(in).missing_facts, std::vector<std::string>{"subject_mature_enough"});
    // Both paths undecided: both facts missing.
    in["consent"]["given_by"] = {"subject", "guardian"};
    EXPECT_EQ(run(in).missing_facts, (std::vector<std::string>{"secrecy_applies_against_guardian",
                                                               "subject_mature_enough"}));
}

TEST(CheckConsent, AdultOnlyHimselfOnTheBirthday) {
    auto in = consent_input(given({"guardian"}, {"school"}),
                            {{"secrecy_applies_against_guardian", false}});
    in["subject"] = {{"birth_date", "2008-03-02"}};  // 18 today: guardian consent void
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::consent_giver_invalid));
    in["subject"] = {{"birth_date", "2008-03-03"}};  // 17
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["subject"] = {{"personnummer", "811218-9876"}};
    in["consent"]["given_by"] = {"subject"};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.age_basis, legal::AgeBasis::personnummer);
}

TEST(CheckConsent, ScopeWithdrawalExpiryAndClosedCase) {
    auto in = consent_input(given({"subject"}, {"school"}), {{"subject_mature_enough", true}});
    in["recipients"] = recipients({{"carl", "school"}, {"anna", "police"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(recipient_verdict(v, "carl"), "allowed");
    EXPECT_EQ(recipient_verdict(v, "anna"), "blocked");
    EXPECT_TRUE(has_reason(v.recipients[1].reasons, ReasonCode::consent_scope));
    EXPECT_EQ(suggestion(v, "osl-10-1"),
              std::vector<std::string>{"carl"});  // split, same provision
    ASSERT_EQ(v.suggestions.size(), 1u);          // no S3 for consent

    in["recipients"] = recipients({{"carl", "school"}});
    in["consent"]["valid_until"] = "2026-03-02";  // inclusive
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["consent"]["valid_until"] = "2026-03-01";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::consent_expired));
    in["consent"].erase("valid_until");
    in["consent"]["case_closed"] = true;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::consent_case_closed));
    in["consent"]["case_closed"] = false;
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["consent"] = {{"status", "withdrawn"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::consent_withdrawn));
    in["consent"] = {{"status", "none"}};
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::consent_missing));
    in.erase("consent");
    v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"consent"});
}

TEST(CheckConsent, PoliceSenderWarnsPublicInterestSecrecy) {
    auto in = consent_input(given({"subject"}, {"school"}), {{"subject_mature_enough", true}});
    in["sender"] = {{"authority", "police"}};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::public_interest_secrecy));
    EXPECT_EQ(*v.marking->provision, "35 kap. 1 § OSL");
}

// ---- rooms, warnings, output ----

TEST(CheckRoom, EveryRecipientCheckedAndOrderKept) {
    auto in = input("osl-10-18a", facts_18a());
    in["recipients"] = recipients({{"z", "school"},
                                   {"anna", "police"},
                                   {"sapo", "security_service"},
                                   {"h", "health_care"},
                                   {"a", "police"}});
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    ASSERT_EQ(v.recipients.size(), 5u);
    EXPECT_EQ(v.recipients[0].id, "z");
    EXPECT_EQ(suggestion(v, "osl-10-18a"), (std::vector<std::string>{"anna", "sapo", "a"}));
    EXPECT_EQ(suggestion(v, "osl-10-1"), (std::vector<std::string>{"z", "h"}));
    EXPECT_FALSE(v.marking);
}

TEST(CheckRoom, IncompleteAndBlockedMixed) {
    auto in = input("osl-10-18a", {{"risk_of_criminal_activity", true}});
    in["recipients"] = recipients({{"anna", "police"}, {"bo", "school"}});
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(recipient_verdict(v, "anna"), "incomplete");
    EXPECT_EQ(recipient_verdict(v, "bo"), "blocked");
    EXPECT_EQ(suggestion(v, "osl-10-18a"), std::vector<std::string>{"anna"});
}

TEST(CheckWarnings, MinimisationInOrderFirstGivenWhateverTheVerdict) {
    auto in = input("osl-10-18a", facts_18a());
    in["categories"] = {"substance_use", "health", "substance_use", "third_party_information"};
    in["sender"] = {{"authority", "school"}};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    ASSERT_EQ(v.warnings.size(), 3u);
    const auto& cat = catalog();
    EXPECT_EQ(cat.categories[static_cast<std::size_t>(v.warnings[0].category)].name,
              "substance_use");
    EXPECT_EQ(cat.categories[static_cast<std::size_t>(v.warnings[1].category)].name, "health");
    EXPECT_EQ(cat.categories[static_cast<std::size_t>(v.warnings[2].category)].name,
              "third_party_information");
}

TEST(CheckOutput, KeyOrderAndDeterminism) {
    auto in = input("osl-10-18a", facts_18a());
    in["categories"] = {"health"};
    in["subject"] = {{"presumed_age", 16}};
    const auto a = legal::verdict_to_json(run(in), catalog());
    const auto b = legal::verdict_to_json(run(in), catalog());
    EXPECT_EQ(a, b);
    const std::vector<std::string> keys = {
        "\"format\"",   "\"verdict\"",     "\"provision\"",  "\"citation\"", "\"status\"",
        "\"date\"",     "\"subject\"",     "\"recipients\"", "\"reasons\"",  "\"missing_facts\"",
        "\"warnings\"", "\"suggestions\"", "\"marking\""};
    std::size_t pos = 0;
    for (const auto& k : keys) {
        const auto p = a.find(k, pos);
        ASSERT_NE(p, std::string::npos) << k;
        pos = p;
    }
    const auto j = json::parse(a);
    EXPECT_EQ(j["format"], "lagrum-verdict/1");
    EXPECT_EQ(j["subject"]["age_basis"], "presumed_age");
    EXPECT_EQ(j["warnings"][0]["category"], "health");
    EXPECT_TRUE(j["warnings"][1]["category"].is_null());
    EXPECT_EQ(j["warnings"][1]["code"], "age_presumed");
    EXPECT_EQ(j["marking"]["legal_basis"], "10 kap. 18 a § OSL");
}

// Reading a stored code back: every code round-trips, in order, and nothing else parses.
TEST(CheckOutput, EveryReasonCodeNameReadsBackAsItsCode) {
    int codes = 0;
    for (int i = 0; i <= 255; ++i) {
        const auto c = static_cast<ReasonCode>(i);
        const auto back = legal::reason_code_from_string(legal::to_string(c));
        ASSERT_TRUE(back.has_value()) << i;
        if (*back != c) break;  // past the last code: to_string's fallback names code 0
        ++codes;
    }
    EXPECT_GE(codes, static_cast<int>(ReasonCode::consent_scope) + 1);
    EXPECT_EQ(legal::reason_code_from_string("recipient_not_allowed"),
              ReasonCode::recipient_not_allowed);
    EXPECT_FALSE(legal::reason_code_from_string("").has_value());
    EXPECT_FALSE(legal::reason_code_from_string("Recipient_not_allowed").has_value());
    EXPECT_FALSE(legal::reason_code_from_string("missing_facts").has_value());
}

TEST(CheckOutput, EveryReasonAndWarningHasSwedishAndEnglish) {
    for (int c = 0; c <= static_cast<int>(ReasonCode::consent_scope); ++c) {
        const auto t = legal::reason_text({static_cast<ReasonCode>(c), ""});
        EXPECT_FALSE(t.sv.empty()) << c;
        EXPECT_FALSE(t.en.empty()) << c;
        EXPECT_NE(t.sv, t.en) << c;
    }
    const auto f = legal::reason_text({ReasonCode::condition_not_met, "victim_under_18"});
    EXPECT_NE(f.en.find("victim_under_18"), std::string::npos);
    for (int c = 0; c <= static_cast<int>(WarningCode::restrictive_provision); ++c) {
        const auto t = legal::warning_text({static_cast<WarningCode>(c), -1}, catalog());
        EXPECT_FALSE(t.sv.empty()) << c;
        EXPECT_FALSE(t.en.empty()) << c;
    }
}

TEST(CheckSubject, SamordningsnummerBasis) {
    auto in = input("osl-10-18a", facts_18a());
    in["subject"] = {{"personnummer", "0801612383"}};
    const auto v = run(in);
    EXPECT_EQ(v.age_basis, legal::AgeBasis::samordningsnummer);
    EXPECT_EQ(v.age, 18);
    const auto out = legal::verdict_to_json(v, catalog());
    EXPECT_EQ(out.find("0801612383"), std::string::npos);
    EXPECT_EQ(out.find("2008-01-01"), std::string::npos);
}
