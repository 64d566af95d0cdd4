// core::messaging::check_draft (draft_check.h): the legal check of a send request on its
// own, as the desktop app's live verdict uses it, and reports malformed drafts as input
// errors with a stable code instead of throwing. Client::send makes the same call; that
// its verdict is exactly `lagrum check`'s for the same draft is asserted in
// messaging_test.cpp (RefusedSendQueuesNothing).
#include "lagrum/core/messaging/draft_check.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "lagrum/core/legal/verdict_json.h"

namespace lagrum::draft_check_test {
namespace {

namespace legal = core::legal;
using core::messaging::check_draft;
using core::messaging::SendRequest;

constexpr const char* kSubject = "200801012386";  // 18 on kDay
const legal::Date kDay{2026, 3, 2};               // the day of the legal examples

// The provision catalog of client/provisions, loaded once.
const legal::Catalog& catalog() {
    static const legal::Catalog c = [] {
        auto r = legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        if (auto* e = std::get_if<legal::CatalogError>(&r)) {
            ADD_FAILURE() << e->to_string();
            std::abort();
        }
        return std::get<legal::Catalog>(std::move(r));
    }();
    return c;
}

SendRequest eighteen_a(const std::string& room) {
    SendRequest r;
    r.room = room;
    r.subject = kSubject;
    r.provision = "osl-10-18a";
    r.facts_json = R"({"risk_of_criminal_activity":true,"may_help_prevent":true,)"
                   R"("not_inappropriate":true,"concerns_committed_crime":false})";
    r.text = "Oro för 18-åring";
    return r;
}

TEST(DraftCheck, PoliceAllowedSchoolBlockedWithReasons) {
    const std::vector<legal::RecipientRef> police{{"se.polisen/anna", legal::Authority::police}};
    auto r = check_draft(catalog(), "social_services", police, eighteen_a("x"), kDay);
    ASSERT_TRUE(r.checked) << r.input_error;
    EXPECT_EQ(r.verdict.verdict, legal::VerdictKind::allowed);
    EXPECT_EQ(r.verdict.citation, "10 kap. 18 a § OSL");

    auto both = police;
    both.push_back({"se.skola/bo", legal::Authority::school});
    r = check_draft(catalog(), "social_services", both, eighteen_a("x"), kDay);
    ASSERT_TRUE(r.checked) << r.input_error;
    EXPECT_EQ(r.verdict.verdict, legal::VerdictKind::blocked);
    ASSERT_EQ(r.verdict.recipients.size(), 2u);
    EXPECT_EQ(r.verdict.recipients[0].verdict, legal::VerdictKind::allowed);
    EXPECT_EQ(r.verdict.recipients[1].verdict, legal::VerdictKind::blocked);
    EXPECT_FALSE(r.verdict.recipients[1].reasons.empty());
    // The one-click fix the app offers: only the police.
    ASSERT_FALSE(r.verdict.suggestions.empty());
    EXPECT_EQ(r.verdict.suggestions[0].recipients, std::vector<std::string>{"se.polisen/anna"});
}

TEST(DraftCheck, MissingFactsAreIncomplete) {
    auto req = eighteen_a("x");
    req.facts_json = R"({"risk_of_criminal_activity":true})";
    const auto r = check_draft(catalog(), "social_services",
                               {{"se.polisen/anna", legal::Authority::police}}, req, kDay);
    ASSERT_TRUE(r.checked) << r.input_error;
    EXPECT_EQ(r.verdict.verdict, legal::VerdictKind::incomplete);
    EXPECT_FALSE(r.verdict.missing_facts.empty());
}

TEST(DraftCheck, MalformedDraftsAreInputErrorsWithCodes) {
    const std::vector<legal::RecipientRef> police{{"se.polisen/anna", legal::Authority::police}};
    auto req = eighteen_a("x");
    req.facts_json = "[1, 2";
    auto r = check_draft(catalog(), "social_services", police, req, kDay);
    EXPECT_FALSE(r.checked);
    EXPECT_EQ(r.input_code, "bad_json");

    r = check_draft(catalog(), "social_services", {}, eighteen_a("x"), kDay);
    EXPECT_FALSE(r.checked);
    EXPECT_EQ(r.input_code, "no_recipients");

    req = eighteen_a("x");
    req.provision = "no-such-provision";
    r = check_draft(catalog(), "social_services", police, req, kDay);
    EXPECT_FALSE(r.checked);
    EXPECT_FALSE(r.input_code.empty());
    EXPECT_NE(r.input_error.find(r.input_code), std::string::npos) << r.input_error;

    req = eighteen_a("x");
    req.subject = "200801012387";  // wrong check digit
    r = check_draft(catalog(), "social_services", police, req, kDay);
    EXPECT_FALSE(r.checked);
    EXPECT_NE(r.input_error.find("$.subject"), std::string::npos) << r.input_error;

    req = eighteen_a("x");
    req.facts_json = R"({"no_such_fact":true})";
    r = check_draft(catalog(), "social_services", police, req, kDay);
    EXPECT_FALSE(r.checked);
    EXPECT_NE(r.input_error.find("no_such_fact"), std::string::npos) << r.input_error;
}

}  // namespace
}  // namespace lagrum::draft_check_test
