// Revision 2026-12-06 of the legal spec (provisions.md §1.1, §3.14, §6; check-format.md §2.1,
// §2.4, §4, §6 step 4, §8, §9.2): independent schools, the text of SFS 2025:170 and
// 26 kap. 9 a § OSL. Each rule with its boundaries (dates, senders, recipients, rooms).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lagrum/core/legal/verdict_json.h"
#include "support.h"

using namespace lagrum::legal_test;
using legal::ReasonCode;
using legal::WarningCode;

namespace {

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

std::vector<std::string> warning_codes(const legal::Verdict& v) {
    std::vector<std::string> out;
    for (const auto& w : v.warnings) out.emplace_back(legal::to_string(w.code));
    return out;
}

// Facts that satisfy each provision (with a suitable sender and recipient chosen per test).
json good_facts(const std::string& provision) {
    if (provision == "osl-10-2") return {{"necessary_for_own_task", true}};
    if (provision == "osl-10-15a")
        return {{"purpose_15a", "prevent_criminal_activity"},
                {"needed_for_purpose", true},
                {"protected_interest_outweighs", false}};
    if (provision == "osl-10-18a")
        return {{"risk_of_criminal_activity", true},
                {"not_inappropriate", true},
                {"concerns_committed_crime", false}};
    if (provision == "osl-10-18b")
        return {{"needed_against_terrorism", true}, {"concerns_committed_crime", false}};
    if (provision == "osl-10-18c")
        return {{"risk_of_serious_crime_against_relative", true},
                {"not_inappropriate", true},
                {"concerns_committed_crime", false}};
    if (provision == "osl-10-20")
        return {{"encountered_by_staff", true},
                {"immediate_police_intervention_needed", true},
                {"caught_committing_crime", true}};
    if (provision == "osl-10-21")
        return {{"concerns_committed_crime", true},
                {"crime_against_child_chapter", "brb3"},
                {"victim_under_18", true}};
    if (provision == "osl-10-22")
        return {{"concerns_committed_crime", true}, {"supply_to_under_18", "narcotics"}};
    if (provision == "osl-10-23")
        return {{"concerns_committed_crime", true}, {"min_penalty_years", 1}, {"attempt", false}};
    if (provision == "osl-10-24")
        return {{"concerns_committed_crime", true}, {"prison_in_scale", true}};
    if (provision == "osl-10-27")
        return {{"interest_obviously_prevails", true}, {"disclosure_conflicts_with_law", false}};
    if (provision == "osl-26-9a")
        return {{"recipient_made_report", true}, {"only_investigation_status", true}};
    return json::object();
}

json school_report_facts() {
    return {{"duty", "school_report_crime"},
            {"pupil_suspected_of_crime", true},
            {"crime_in_school_activity", true},
            {"overriding_reasons_against", false}};
}

json feedback_input() {
    auto in = input("osl-26-9a", good_facts("osl-26-9a"));
    in["recipients"] = recipients({{"olle", "school_independent"}});
    in["subject"] = {{"birth_date", "2010-05-14"}};
    return in;
}

}  // namespace

// ---- vocabulary ----

TEST(Revision2026Authority, SchoolIndependentIsInTheVocabulary) {
    const auto a = legal::parse_authority("school_independent");
    ASSERT_TRUE(a);
    EXPECT_EQ(legal::to_string(*a), "school_independent");
    // The old values keep their names (the messaging code maps certificates through them).
    for (const char* n : {"social_services", "police", "security_service", "prosecutor", "school",
                          "health_care", "other"}) {
        ASSERT_TRUE(legal::parse_authority(n)) << n;
        EXPECT_EQ(legal::to_string(*legal::parse_authority(n)), n);
    }
    EXPECT_FALSE(legal::parse_authority("friskola"));
    const auto& info = catalog().authorities[static_cast<std::size_t>(*a)];
    EXPECT_TRUE(info.outside_osl);
    EXPECT_EQ(info.source_secrecy, "29 kap. 14 § skollagen (tystnadsplikt)");
    ASSERT_TRUE(info.warning);
    EXPECT_EQ(*info.warning, WarningCode::independent_school);
    // Consent scope may name it.
    auto in = input("osl-10-1");
    in["recipients"] = recipients({{"olle", "school_independent"}});
    in["consent"] = {{"status", "given"},
                     {"given_by", {"subject"}},
                     {"recipient_authorities", {"school_independent"}}};
    in["subject"] = {{"birth_date", "2000-01-01"}};
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["consent"]["recipient_authorities"] = {"fristaende"};
    EXPECT_EQ(error_code(in), "unknown_authority");
}

// ---- school_independent as sender (provisions.md §1.1) ----

TEST(Revision2026Sender, IndependentSchoolCanUseNoOslProvisionButConsentAndItsDuties) {
    for (const auto& p : catalog().provisions) {
        if (p.consent || p.duty_fact) continue;
        auto in = input(p.id, good_facts(p.id));
        in["sender"] = {{"authority", "school_independent"}};
        const auto v = run(in);
        EXPECT_TRUE(has_reason(v.reasons, ReasonCode::sender_not_allowed)) << p.id;
        EXPECT_EQ(verdict_of(v), "blocked") << p.id;
        // The warning is emitted whenever the sender is an independent school.
        EXPECT_TRUE(has_warning(v, WarningCode::independent_school)) << p.id;
        EXPECT_FALSE(v.marking) << p.id;
    }
}

TEST(Revision2026Sender, ConsentLiftsTheTystnadsplikt) {
    auto in = input("osl-10-1");
    in["sender"] = {{"authority", "school_independent"}};
    in["recipients"] = recipients({{"soc", "social_services"}});
    in["subject"] = {{"birth_date", "2000-01-01"}};
    in["consent"] = {{"status", "given"},
                     {"given_by", {"subject"}},
                     {"recipient_authorities", {"social_services"}}};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "10 kap. 1 § jfr 12 kap. 2–3 §§ OSL");
    ASSERT_TRUE(v.marking);
    EXPECT_EQ(*v.marking->provision, "29 kap. 14 § skollagen (tystnadsplikt)");
    EXPECT_EQ(v.marking->authority, legal::Authority::school_independent);
    EXPECT_EQ(v.marking->legal_basis, "10 kap. 1 § jfr 12 kap. 2–3 §§ OSL");
    EXPECT_EQ(warning_codes(v), (std::vector<std::string>{"independent_school"}));
}

TEST(Revision2026Sender, DutyCitationIsTheDutysOwnProvisionOutsideOsl) {
    auto in = input("osl-10-28", school_report_facts());
    in["sender"] = {{"authority", "school_independent"}};
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "6 a kap. 10 § skollagen");
    ASSERT_TRUE(v.marking);
    EXPECT_EQ(v.marking->legal_basis, "6 a kap. 10 § skollagen");
    EXPECT_EQ(*v.marking->provision, "29 kap. 14 § skollagen (tystnadsplikt)");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_TRUE(has_warning(v, WarningCode::independent_school));
    // The same duty from a municipal school goes through 10 kap. 28 § OSL.
    in["sender"] = {{"authority", "school"}};
    v = run(in);
    EXPECT_EQ(v.citation, "10 kap. 28 § OSL jfr 6 a kap. 10 § skollagen");
    EXPECT_EQ(*v.marking->provision, "23 kap. 2 § OSL");
    EXPECT_FALSE(has_warning(v, WarningCode::independent_school));

    // Report of concern: the law in force on the date, without 10 kap. 28 §.
    in = input("osl-10-28",
               {{"duty", "sol_report_child_at_risk"}, {"child_at_risk_known_or_suspected", true}});
    in["sender"] = {{"authority", "school_independent"}};
    in["recipients"] = recipients({{"soc", "social_services"}});
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "19 kap. 1 § SoL (2025:400)");
    in["date"] = "2025-06-30";
    EXPECT_EQ(run(in).citation, "14 kap. 1 § SoL (2001:453)");
    in["date"] = "2009-06-30";  // the gateway's own date (OSL in force)
    in["subject"] = {{"birth_date", "1995-01-01"}};
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    // Age limit of the duty: under 18.
    in["date"] = "2026-03-02";
    in["subject"] = {{"birth_date", "2008-03-02"}};  // 18 on the date
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::subject_too_old));

    // Duty law 2025:170.
    in = input("osl-10-28", {{"duty", "crime_fighting_2025"}, {"duty_conditions_met", true}});
    in["sender"] = {{"authority", "school_independent"}};
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "7 § lagen (2025:170)");
    in["sender"] = {{"authority", "school"}};
    EXPECT_EQ(run(in).citation, "10 kap. 28 § OSL jfr 7 § lagen (2025:170)");
}

TEST(Revision2026Sender, LulIsNotADutyOfAnIndependentSchool) {
    auto in =
        input("osl-10-28", {{"duty", "lul_6"}, {"reasonable_suspicion_prison_offence", true}});
    in["sender"] = {{"authority", "school_independent"}};
    in["recipients"] = recipients({{"soc", "social_services"}});
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::sender_not_allowed));
}

// ---- school_independent as recipient ----

TEST(Revision2026Recipient, OnlyConsentNecessityAndFeedbackReachAnIndependentSchool) {
    // Provisions whose senders include social services or school (pick one that may send).
    for (const auto& p : catalog().provisions) {
        if (p.consent || p.duty_fact) continue;
        auto in = input(p.id, good_facts(p.id));
        const auto& rules = p.rules_on(legal::Date{2026, 3, 2});
        if (!rules.senders->contains(legal::Authority::social_services)) {
            in["sender"] = {{"authority", "school"}};
        }
        in["recipients"] = recipients({{"olle", "school_independent"}});
        const auto v = run(in);
        const bool may = p.id == "osl-10-2" || p.id == "osl-26-9a";
        EXPECT_EQ(recipient_verdict(v, "olle"), may ? "allowed" : "blocked") << p.id;
        EXPECT_EQ(has_reason(v.recipients[0].reasons, ReasonCode::recipient_not_allowed), !may)
            << p.id;
        EXPECT_EQ(has_warning(v, WarningCode::independent_school), may) << p.id;
        if (!may) {
            EXPECT_EQ(suggestion(v, "osl-10-1"), std::vector<std::string>{"olle"}) << p.id;
        }
    }
}

TEST(Revision2026Recipient, GatewayNeverReachesAnIndependentSchool) {
    auto in = input("osl-10-28", {{"duty", "crime_fighting_2025"}, {"duty_conditions_met", true}});
    in["sender"] = {{"authority", "school"}};
    in["recipients"] = recipients({{"anna", "police"}, {"olle", "school_independent"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(recipient_verdict(v, "anna"), "allowed");
    EXPECT_EQ(recipient_verdict(v, "olle"), "blocked");
    EXPECT_EQ(suggestion(v, "osl-10-28"), std::vector<std::string>{"anna"});
    EXPECT_EQ(suggestion(v, "osl-10-1"), std::vector<std::string>{"olle"});
    // The independent school is blocked, so no independent_school warning.
    EXPECT_FALSE(has_warning(v, WarningCode::independent_school));
    // Also while the duty is still undecided: 10 kap. 28 § itself says "till en annan myndighet".
    in["facts"] = json::object();
    v = run(in);
    EXPECT_EQ(recipient_verdict(v, "olle"), "blocked");
    EXPECT_EQ(recipient_verdict(v, "anna"), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"duty"});
}

TEST(Revision2026Recipient, NecessityToAnIndependentSchoolWarnsAfterRestrictive) {
    auto in = input("osl-10-2", {{"necessary_for_own_task", true}});
    in["recipients"] = recipients({{"olle", "school_independent"}});
    in["categories"] = {"health"};
    const auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(warning_codes(v), (std::vector<std::string>{"minimisation", "restrictive_provision",
                                                          "independent_school"}));
    // The sender's marking, not the recipient's.
    EXPECT_EQ(*v.marking->provision, "26 kap. 1 § OSL");
    const auto j = json::parse(legal::verdict_to_json(v, catalog()));
    EXPECT_EQ(j["warnings"][2]["code"], "independent_school");
    EXPECT_TRUE(j["warnings"][2]["category"].is_null());
    EXPECT_NE(j["warnings"][2]["sv"].get<std::string>().find("29 kap. 14 § skollagen"),
              std::string::npos);
    EXPECT_FALSE(j["warnings"][2]["en"].get<std::string>().empty());
    // An independent school may not send under 10 kap. 2 §.
    in["sender"] = {{"authority", "school_independent"}};
    in["recipients"] = recipients({{"soc", "social_services"}});
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

TEST(Revision2026Room, MunicipalAndIndependentSchoolSplitUnder15a) {
    auto in = input("osl-10-15a", good_facts("osl-10-15a"));
    in["recipients"] = recipients({{"karin", "school"}, {"olle", "school_independent"}});
    in["subject"] = {{"birth_date", "2010-05-14"}};
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(recipient_verdict(v, "karin"), "allowed");
    EXPECT_EQ(recipient_verdict(v, "olle"), "blocked");
    EXPECT_EQ(suggestion(v, "osl-10-15a"), std::vector<std::string>{"karin"});
    EXPECT_EQ(suggestion(v, "osl-10-1"), std::vector<std::string>{"olle"});
    EXPECT_FALSE(v.marking);
    // The split copy to the municipal school alone is allowed, with no independent_school warning.
    in["recipients"] = recipients({{"karin", "school"}});
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_FALSE(has_warning(v, WarningCode::independent_school));
    // Under 10 kap. 27 § from a municipal school the same room splits the same way.
    in = input("osl-10-27", good_facts("osl-10-27"));
    in["sender"] = {{"authority", "school"}};
    in["recipients"] = recipients({{"karin", "school"}, {"olle", "school_independent"}});
    v = run(in);
    EXPECT_EQ(recipient_verdict(v, "karin"), "allowed");
    EXPECT_EQ(recipient_verdict(v, "olle"), "blocked");
    // Under 10 kap. 2 § both may receive.
    in = input("osl-10-2", good_facts("osl-10-2"));
    in["recipients"] = recipients({{"karin", "school"}, {"olle", "school_independent"}});
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::independent_school));
}

// ---- 26 kap. 9 a § ----

TEST(Revision2026Feedback, FromJuly2025ToWhoeverMadeTheReport) {
    auto in = feedback_input();
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "26 kap. 9 a § OSL");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_EQ(*v.marking->provision, "26 kap. 1 § OSL");
    EXPECT_EQ(v.marking->legal_basis, "26 kap. 9 a § OSL");
    EXPECT_EQ(warning_codes(v), (std::vector<std::string>{"independent_school"}));
    in["date"] = "2025-07-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-06-30";
    v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::not_in_force));
    // Every authority value may have made the report: all may receive, no age limit.
    in["date"] = "2026-03-02";
    in["subject"] = {{"birth_date", "1950-01-01"}};
    for (const char* a : {"social_services", "police", "security_service", "prosecutor", "school",
                          "school_independent", "health_care", "other"}) {
        in["recipients"] = recipients({{"r", a}});
        v = run(in);
        EXPECT_EQ(verdict_of(v), "allowed") << a;
        EXPECT_FALSE(has_warning(v, WarningCode::restrictive_provision)) << a;
        EXPECT_EQ(has_warning(v, WarningCode::unverified_rule), false) << a;
    }
}

TEST(Revision2026Feedback, OnlySocialServicesAndOnlyTheStatus) {
    auto in = feedback_input();
    for (const char* a : {"police", "security_service", "prosecutor", "school",
                          "school_independent", "health_care", "other"}) {
        in["sender"] = {{"authority", a}};
        EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed)) << a;
    }
    in["sender"] = {{"authority", "social_services"}};
    in["facts"]["only_investigation_status"] = false;
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::condition_not_met, "only_investigation_status"));
    in["facts"] = {{"recipient_made_report", false}, {"only_investigation_status", true}};
    EXPECT_TRUE(
        has_reason(run(in).reasons, ReasonCode::condition_not_met, "recipient_made_report"));
    in["facts"] = json::object();
    v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts,
              (std::vector<std::string>{"only_investigation_status", "recipient_made_report"}));
    EXPECT_FALSE(has_warning(v, WarningCode::independent_school));  // olle is not allowed
    EXPECT_TRUE(has_reason(v.reasons, ReasonCode::facts_missing));
    // The facts are booleans.
    in["facts"] = {{"recipient_made_report", "yes"}};
    EXPECT_EQ(error_code(in), "bad_fact_value");
}

// ---- SFS 2025:170 (7–8 §§) ----

TEST(Revision2026DutyLaw, OnRequestSchoolsVerifiedOtherUnverifiedNoSocialServices) {
    auto in = input("osl-10-28", {{"duty", "crime_fighting_2025"}, {"duty_conditions_met", true}});
    in["sender"] = {{"authority", "school"}};
    in["recipients"] = recipients(
        {{"anna", "police"}, {"sapo", "security_service"}, {"ak", "prosecutor"}, {"x", "other"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_FALSE(has_warning(v, WarningCode::unverified_rule));
    in["sender"] = {{"authority", "other"}};
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_TRUE(has_warning(v, WarningCode::unverified_rule));
    EXPECT_EQ(v.citation, "10 kap. 28 § OSL jfr 7 § lagen (2025:170)");
    // 8 §: social-services and health-care secrecy are excluded; nor police etc.
    for (const char* a :
         {"social_services", "health_care", "police", "security_service", "prosecutor"}) {
        in["sender"] = {{"authority", a}};
        EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed)) << a;
    }
    // Dates: from 2025-04-01.
    in["sender"] = {{"authority", "school"}};
    in["date"] = "2025-03-31";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2025-04-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    // Recipients: not schools or social services.
    in["recipients"] = recipients({{"soc", "social_services"}, {"karin", "school"}});
    v = run(in);
    EXPECT_EQ(recipient_verdict(v, "soc"), "blocked");
    EXPECT_EQ(recipient_verdict(v, "karin"), "blocked");
    in["recipients"] = recipients({{"anna", "police"}});
    in["facts"]["duty_conditions_met"] = false;
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::condition_not_met, "duty_conditions_met"));
    in["facts"].erase("duty_conditions_met");
    v = run(in);
    EXPECT_EQ(verdict_of(v), "incomplete");
    EXPECT_EQ(v.missing_facts, std::vector<std::string>{"duty_conditions_met"});
}

TEST(Revision2026DutyLaw, UnrequestedToThePoliceOnly) {
    auto in = input("osl-10-28",
                    {{"duty", "crime_fighting_2025_unrequested"}, {"duty_conditions_met", true}});
    in["sender"] = {{"authority", "school_independent"}};
    in["recipients"] = recipients({{"anna", "police"}});
    auto v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "7 § lagen (2025:170)");
    EXPECT_EQ(v.status, legal::Status::verified);
    EXPECT_FALSE(has_warning(v, WarningCode::unverified_rule));
    in["sender"] = {{"authority", "school"}};
    v = run(in);
    EXPECT_EQ(verdict_of(v), "allowed");
    EXPECT_EQ(v.citation, "10 kap. 28 § OSL jfr 7 § lagen (2025:170)");
    in["sender"] = {{"authority", "other"}};
    EXPECT_TRUE(has_warning(run(in), WarningCode::unverified_rule));
    for (const char* a : {"social_services", "health_care", "police"}) {
        in["sender"] = {{"authority", a}};
        EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed)) << a;
    }
    in["sender"] = {{"authority", "school"}};
    in["recipients"] = recipients(
        {{"anna", "police"}, {"sapo", "security_service"}, {"ak", "prosecutor"}, {"x", "other"}});
    v = run(in);
    EXPECT_EQ(verdict_of(v), "blocked");
    EXPECT_EQ(recipient_verdict(v, "anna"), "allowed");
    for (const char* id : {"sapo", "ak", "x"}) {
        EXPECT_EQ(recipient_verdict(v, id), "blocked") << id;
    }
    EXPECT_EQ(suggestion(v, "osl-10-28"), std::vector<std::string>{"anna"});
    in["recipients"] = recipients({{"anna", "police"}});
    in["date"] = "2025-03-31";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2025-04-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
}

TEST(Revision2026DutyLaw, RectorsReportFromIndependentSchoolsByDate) {
    auto in = input("osl-10-28", school_report_facts());
    in["sender"] = {{"authority", "school_independent"}};
    in["subject"] = {{"birth_date", "1990-01-01"}};  // no age limit
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["date"] = "2025-06-30";
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::not_in_force));
    in["date"] = "2025-07-01";
    EXPECT_EQ(verdict_of(run(in)), "allowed");
    in["recipients"] = recipients({{"sapo", "security_service"}});
    EXPECT_EQ(verdict_of(run(in)), "blocked");
    in["sender"] = {{"authority", "social_services"}};
    in["recipients"] = recipients({{"anna", "police"}});
    EXPECT_TRUE(has_reason(run(in).reasons, ReasonCode::sender_not_allowed));
}

// ---- output through the binary ----

TEST(Revision2026Cli, ProvisionsListAndShowFeedback) {
    const auto r = run_cli({"provisions", "list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto list = json::parse(r.out);
    EXPECT_EQ(list["provisions"].size(), 14u);
    EXPECT_EQ(list["provisions"][13]["id"], "osl-26-9a");
    EXPECT_EQ(list["last_reviewed"], "2026-12-06");
    // The wizard order names the feedback provision and the new duty.
    bool feedback = false;
    bool unrequested = false;
    for (const auto& step : list["wizard"]) {
        for (const auto& p : step["provisions"]) feedback = feedback || p == "osl-26-9a";
        for (const auto& d : step["duties"])
            unrequested = unrequested || d == "crime_fighting_2025_unrequested";
    }
    EXPECT_TRUE(feedback);
    EXPECT_TRUE(unrequested);
    const auto text = run_cli({"provisions", "list"});
    EXPECT_NE(text.out.find("osl-26-9a\t26 kap. 9 a § OSL\t2025-07-01"), std::string::npos);

    const auto show = run_cli({"provisions", "show", "osl-26-9a"});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("Återkoppling till anmälaren"), std::string::npos);
    EXPECT_NE(show.out.find("utredning har inletts"), std::string::npos);          // Swedish text
    EXPECT_NE(show.out.find("investigation has been opened"), std::string::npos);  // English
    EXPECT_NE(show.out.find("recipient_made_report"), std::string::npos);
    const auto j = json::parse(run_cli({"provisions", "show", "osl-26-9a", "--json"}).out);
    EXPECT_EQ(j["citation"], "26 kap. 9 a § OSL");
    EXPECT_EQ(j["questions"].size(), 2u);
    EXPECT_FALSE(j["text_sv"].get<std::string>().empty());
    EXPECT_FALSE(j["text_en"].get<std::string>().empty());
    const auto gw = json::parse(run_cli({"provisions", "show", "osl-10-28", "--json"}).out);
    bool found = false;
    for (const auto& d : gw["duties"]) {
        if (d["id"] == "crime_fighting_2025_unrequested") {
            found = true;
            EXPECT_FALSE(d["questions"].empty());
        }
    }
    EXPECT_TRUE(found);
}

TEST(Revision2026Cli, VerdictJsonForAnIndependentSchoolSender) {
    auto in = input("osl-10-28", school_report_facts());
    in["sender"] = {{"authority", "school_independent"}};
    const auto r = run_cli({"check", "--json", "-"}, in.dump());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto out = json::parse(r.out);
    EXPECT_EQ(out["citation"], "6 a kap. 10 § skollagen");
    EXPECT_EQ(out["marking"]["provision"], "29 kap. 14 § skollagen (tystnadsplikt)");
    EXPECT_EQ(out["marking"]["authority"], "school_independent");
    EXPECT_EQ(out["marking"]["legal_basis"], "6 a kap. 10 § skollagen");
    EXPECT_EQ(out["warnings"].back()["code"], "independent_school");
    std::vector<std::string> keys;
    for (auto it = out.begin(); it != out.end(); ++it) keys.push_back(it.key());
    (void)keys;  // key order is checked by CheckOutput.KeyOrderAndDeterminism
}

// ---- the law as data: an amendment in the catalog files alone changes the verdict ----

namespace {

struct TempCatalog {
    std::filesystem::path dir;
    TempCatalog() {
        char tmpl[] = "/tmp/lagrum-catalog-XXXXXX";
        dir = mkdtemp(tmpl);
        for (const auto& e : std::filesystem::directory_iterator(LAGRUM_CATALOG_SOURCE_DIR)) {
            if (e.path().extension() == ".textpb")
                std::filesystem::copy_file(e.path(), dir / e.path().filename());
        }
    }
    ~TempCatalog() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    void replace(const std::string& file, const std::string& from, const std::string& to) {
        std::ifstream in(dir / file, std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        std::string text = ss.str();
        const auto pos = text.find(from);
        ASSERT_NE(pos, std::string::npos) << from;
        text.replace(pos, from.size(), to);
        std::ofstream out(dir / file, std::ios::binary | std::ios::trunc);
        out << text;
    }
    std::string verdict(const json& in) const {
        const auto r = run_cli({"--catalog", dir.string(), "check", "--json", "-"}, in.dump());
        EXPECT_EQ(r.exit_code, 0) << r.err;
        if (r.exit_code != 0) return "<exit " + std::to_string(r.exit_code) + ">";
        return json::parse(r.out)["verdict"].get<std::string>();
    }
};

}  // namespace

TEST(Revision2026AsData, TheProposed2027ReformIsAVersionInTheCatalog) {
    // provisions.md §1.1 watch: if juridical-person huvudmän become equal to authorities from
    // 2027-01-01, 15 a reaches them from that date. Only the textpb changes.
    TempCatalog cat;
    auto in = input("osl-10-15a", good_facts("osl-10-15a"));
    in["recipients"] = recipients({{"karin", "school"}, {"olle", "school_independent"}});
    in["date"] = "2027-01-01";
    EXPECT_EQ(cat.verdict(in), "blocked");
    cat.replace("10-osl-10.textpb", "  amended { sfs: \"SFS 2025:934\"",
                "  versions { from: \"2025-12-01\" sfs: \"SFS 2025:934\" }\n"
                "  versions {\n    from: \"2027-01-01\"\n    sfs: \"SFS 2026:999\"\n    rules {\n"
                "      recipients { authority: [AUTHORITY_SOCIAL_SERVICES, AUTHORITY_POLICE, "
                "AUTHORITY_SECURITY_SERVICE, AUTHORITY_PROSECUTOR, AUTHORITY_SCHOOL, "
                "AUTHORITY_SCHOOL_INDEPENDENT, AUTHORITY_HEALTH_CARE, AUTHORITY_OTHER] }\n"
                "    }\n  }\n  amended { sfs: \"SFS 2025:934\"");
    EXPECT_EQ(cat.verdict(in), "allowed");
    in["date"] = "2026-12-31";
    EXPECT_EQ(cat.verdict(in), "blocked");  // never applied before its date
}

TEST(Revision2026AsData, FeedbackDateAndRecipientsAreData) {
    TempCatalog cat;
    auto in = feedback_input();
    in["date"] = "2025-06-01";
    EXPECT_EQ(cat.verdict(in), "blocked");
    cat.replace("11-osl-26.textpb", "effective_from: \"2025-07-01\"",
                "effective_from: \"2025-01-01\"");
    EXPECT_EQ(cat.verdict(in), "allowed");
    cat.replace("11-osl-26.textpb", "AUTHORITY_SCHOOL, AUTHORITY_SCHOOL_INDEPENDENT,",
                "AUTHORITY_SCHOOL,");
    EXPECT_EQ(cat.verdict(in), "blocked");
}

TEST(Revision2026AsData, CitationAndMarkingOutsideOslAreData) {
    TempCatalog cat;
    auto in = input("osl-10-28", school_report_facts());
    in["sender"] = {{"authority", "school_independent"}};
    cat.replace("10-osl-10.textpb", "outside_osl_sender: \"{duty}\"",
                "outside_osl_sender: \"{duty} (utanför OSL)\"");
    cat.replace("00-vocabulary.textpb",
                "source_secrecy: \"29 kap. 14 § skollagen (tystnadsplikt)\"",
                "source_secrecy: \"29 kap. 14 § skollagen\"");
    const auto r = run_cli({"--catalog", cat.dir.string(), "check", "--json", "-"}, in.dump());
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto out = json::parse(r.out);
    EXPECT_EQ(out["citation"], "6 a kap. 10 § skollagen (utanför OSL)");
    EXPECT_EQ(out["marking"]["provision"], "29 kap. 14 § skollagen");
    // The duty's senders are data too: drop independent schools from the rector's report.
    cat.replace("20-duties.textpb",
                "senders { authority: [AUTHORITY_SCHOOL, AUTHORITY_SCHOOL_INDEPENDENT] }",
                "senders { authority: AUTHORITY_SCHOOL }");
    EXPECT_EQ(cat.verdict(in), "blocked");
}

TEST(Revision2026AsData, SchemaValidation) {
    TempCatalog cat;
    cat.replace("00-vocabulary.textpb", "warning: \"independent_school\"",
                "warning: \"independent_scool\"");
    auto r = run_cli({"--catalog", cat.dir.string(), "provisions", "list"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("unknown warning code \"independent_scool\""), std::string::npos) << r.err;

    TempCatalog wiz;
    wiz.replace("00-vocabulary.textpb", "provisions: \"osl-26-9a\"", "provisions: \"osl-26-9b\"");
    r = run_cli({"--catalog", wiz.dir.string(), "provisions", "list"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("unknown provision \"osl-26-9b\""), std::string::npos) << r.err;

    TempCatalog text;
    text.replace("00-vocabulary.textpb", "warning { code: \"independent_school\"",
                 "warning { code: \"child_view\"");
    r = run_cli({"--catalog", text.dir.string(), "provisions", "list"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("defined twice"), std::string::npos) << r.err;

    TempCatalog cite;
    cite.replace("10-osl-10.textpb", "outside_osl_sender: \"{duty}\"",
                 "outside_osl_sender: \"6 a kap.\"");
    r = run_cli({"--catalog", cite.dir.string(), "provisions", "list"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("{duty}"), std::string::npos) << r.err;
}
