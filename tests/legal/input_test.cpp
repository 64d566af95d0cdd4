// Every malformed-input class of check-format.md §2.9 is rejected with its code.
#include <gtest/gtest.h>

#include "support.h"

using namespace lagrum::legal_test;

namespace {

json good() {
    return input("osl-10-18a", {{"risk_of_criminal_activity", true}});
}

}  // namespace

TEST(Input, GoodInputIsAccepted) {
    EXPECT_EQ(error_code(good()), "");
    auto in = good();
    in["format"] = "lagrum-check/1";
    in["sender"]["id"] = "handlaggare-1";
    in["consent"] = nullptr;
    in["categories"] = nullptr;
    in["facts"]["not_inappropriate"] = nullptr;
    EXPECT_EQ(error_code(in), "");
}

TEST(Input, JsonLevel) {
    EXPECT_EQ(error_code_text("{"), "invalid_json");
    EXPECT_EQ(error_code_text(""), "invalid_json");
    EXPECT_EQ(error_code_text("{} trailing"), "invalid_json");
    EXPECT_EQ(error_code_text("{\"date\": \"2026-03-02\",}"), "invalid_json");
    EXPECT_EQ(error_code_text("\xff\xfe{}"), "invalid_json");
    EXPECT_EQ(error_code_text(std::string(100, '[') + std::string(100, ']')), "invalid_json");
    EXPECT_EQ(error_code_text("[]"), "not_object");
    EXPECT_EQ(error_code_text("\"x\""), "not_object");
    EXPECT_EQ(error_code_text("null"), "not_object");
    EXPECT_EQ(error_code_text(std::string(legal::kMaxInputBytes + 1, ' ')), "io_error");
}

TEST(Input, UnknownAndMissingKeys) {
    auto in = good();
    in["colour"] = "red";
    EXPECT_EQ(error_code(in), "unknown_key");
    in = good();
    in["sender"]["name"] = "x";
    EXPECT_EQ(error_code(in), "unknown_key");
    in = good();
    in["recipients"][0]["role"] = "x";
    EXPECT_EQ(error_code(in), "unknown_key");
    in = good();
    in["subject"]["name"] = "x";
    EXPECT_EQ(error_code(in), "unknown_key");
    in = good();
    in["consent"] = {{"status", "none"}, {"scope", "x"}};
    EXPECT_EQ(error_code(in), "unknown_key");
    for (const char* k : {"date", "sender", "recipients", "subject", "provision"}) {
        in = good();
        in.erase(k);
        EXPECT_EQ(error_code(in), "missing_key") << k;
    }
    in = good();
    in["sender"].erase("authority");
    EXPECT_EQ(error_code(in), "missing_key");
    in = good();
    in["recipients"][0].erase("id");
    EXPECT_EQ(error_code(in), "missing_key");
}

TEST(Input, TypesAndFormat) {
    auto in = good();
    in["format"] = "lagrum-check/2";
    EXPECT_EQ(error_code(in), "bad_format_version");
    in = good();
    in["sender"] = "social_services";
    EXPECT_EQ(error_code(in), "bad_type");
    in = good();
    in["recipients"] = json::array();
    EXPECT_NE(error_code(in), "");
    in = good();
    in["recipients"] = {{"id", "anna"}};
    EXPECT_NE(error_code(in), "");
    in = good();
    in["recipients"][0]["id"] = "";
    EXPECT_NE(error_code(in), "");
    in = good();
    in["recipients"][0]["id"] = std::string(65, 'a');
    EXPECT_NE(error_code(in), "");
    in["recipients"][0]["id"] = std::string(64, 'a');
    EXPECT_EQ(error_code(in), "");
    in = good();
    in["facts"] = json::array();
    EXPECT_NE(error_code(in), "");
    in = good();
    in["categories"] = "health";
    EXPECT_NE(error_code(in), "");
    in = good();
    in["provision"] = 18;
    EXPECT_NE(error_code(in), "");
}

TEST(Input, Dates) {
    for (const char* d :
         {"2026-02-30", "2026-2-03", "02-03-2026", "2026-03-02T00:00", "", "2025-13-01"}) {
        auto in = good();
        in["date"] = d;
        EXPECT_EQ(error_code(in), "invalid_date") << d;
    }
    auto in = good();
    in["subject"] = {{"birth_date", "2009-02-29"}};
    EXPECT_EQ(error_code(in), "invalid_date");
    in = good();
    in["consent"] = {{"status", "withdrawn"}, {"valid_until", "2026-04-31"}};
    EXPECT_EQ(error_code(in), "invalid_date");
}

TEST(Input, Authorities) {
    auto in = good();
    in["sender"]["authority"] = "customs";
    EXPECT_EQ(error_code(in), "unknown_authority");
    in = good();
    in["recipients"][0]["authority"] = "Police";
    EXPECT_EQ(error_code(in), "unknown_authority");
    in = good();
    in["consent"] = {
        {"status", "given"}, {"given_by", {"subject"}}, {"recipient_authorities", {"tullverket"}}};
    EXPECT_EQ(error_code(in), "unknown_authority");
    in = good();
    in["recipients"] = {{{"id", "a"}, {"authority", "police"}},
                        {{"id", "a"}, {"authority", "school"}}};
    EXPECT_EQ(error_code(in), "duplicate_recipient");
}

TEST(Input, Subject) {
    auto in = good();
    in["subject"] = json::object();
    EXPECT_EQ(error_code(in), "bad_subject");
    in["subject"] = {{"birth_date", "2009-05-14"}, {"presumed_age", 16}};
    EXPECT_EQ(error_code(in), "bad_subject");
    in["subject"] = {{"birth_date", "2009-05-14"}, {"presumed_age", nullptr}};
    EXPECT_EQ(error_code(in), "");
    for (const char* pn : {"200801012384", "20080101+2386", "0801012384", "080230-1230",
                           "0801 012386", "abc", "080160-1239"}) {
        in["subject"] = {{"personnummer", pn}};
        EXPECT_EQ(error_code(in), "invalid_personnummer") << pn;
    }
    in["subject"] = {{"personnummer", 8112189876}};
    EXPECT_EQ(error_code(in), "invalid_personnummer");
    in["subject"] = {{"personnummer", "202603031234"}};
    EXPECT_EQ(error_code(in), "future_birth_date");
    in["subject"] = {{"birth_date", "2026-03-03"}};
    EXPECT_EQ(error_code(in), "future_birth_date");
    in["subject"] = {{"birth_date", "2026-03-02"}};
    EXPECT_EQ(error_code(in), "");
    for (json age : {json(-1), json(131), json(15.5), json("15"), json(true), json(1e20)}) {
        in["subject"] = {{"presumed_age", age}};
        EXPECT_EQ(error_code(in), "bad_age") << age.dump();
    }
    for (int age : {0, 130}) {
        in["subject"] = {{"presumed_age", age}};
        EXPECT_EQ(error_code(in), "") << age;
    }
}

TEST(Input, ProvisionsFactsCategories) {
    auto in = good();
    for (const char* p : {"osl-10-19", "osl-10-22a", "OSL-10-18A", "", "10:18a"}) {
        in["provision"] = p;
        EXPECT_EQ(error_code(in), "unknown_provision") << p;
    }
    in = good();
    in["facts"]["risk_of_crime"] = true;
    EXPECT_EQ(error_code(in), "unknown_fact");
    in = good();
    in["facts"]["risk_of_criminal_activity"] = "yes";
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in["facts"]["risk_of_criminal_activity"] = 1;
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in = good();
    in["facts"]["crime_against_child_chapter"] = "brb5";
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in["facts"]["crime_against_child_chapter"] = "brb4";
    EXPECT_EQ(error_code(in), "");  // not used by 18 a: ignored, but still validated
    in["facts"]["min_penalty_years"] = -0.5;
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in["facts"]["min_penalty_years"] = 101;
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in["facts"]["min_penalty_years"] = "1";
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in["facts"]["min_penalty_years"] = 100;
    EXPECT_EQ(error_code(in), "");
    in["facts"]["duty"] = "gdpr";
    EXPECT_EQ(error_code(in), "bad_fact_value");
    in = good();
    in["categories"] = {"health", "gossip"};
    EXPECT_EQ(error_code(in), "unknown_category");
    in["categories"] = {"health", 3};
    EXPECT_NE(error_code(in), "");
}

TEST(Input, Consent) {
    auto in = good();
    const std::vector<json> bad = {
        json{{"given_by", {"subject"}}},
        json{{"status", "maybe"}},
        json{{"status", "given"}, {"recipient_authorities", {"school"}}},
        json{{"status", "given"},
             {"given_by", json::array()},
             {"recipient_authorities", {"school"}}},
        json{{"status", "given"}, {"given_by", {"subject"}}},
        json{{"status", "given"},
             {"given_by", {"subject"}},
             {"recipient_authorities", json::array()}},
        json{{"status", "given"}, {"given_by", {"mother"}}, {"recipient_authorities", {"school"}}},
        json{{"status", "none"}, {"case_closed", "no"}},
        json{{"status", true}},
        json("given"),
    };
    for (const auto& c : bad) {
        in["consent"] = c;
        EXPECT_EQ(error_code(in), "bad_consent") << c.dump();
    }
    in["consent"] = {{"status", "given"},
                     {"given_by", {"subject", "guardian"}},
                     {"recipient_authorities", {"school", "police"}},
                     {"valid_until", "2026-12-31"},
                     {"case_closed", false}};
    EXPECT_EQ(error_code(in), "");
}

TEST(Input, ErrorsNeverEchoThePersonnummer) {
    auto in = good();
    for (const char* pn : {"200801012384", "811218-9875", "20260303-1234"}) {
        in["subject"] = {{"personnummer", pn}};
        auto r = legal::parse_check_input(in.dump(), catalog());
        ASSERT_TRUE(std::holds_alternative<legal::InputError>(r));
        const auto line = legal::error_json(std::get<legal::InputError>(r));
        std::string digits;
        for (char c : std::string(pn)) {
            if (c >= '0' && c <= '9') digits += c;
        }
        EXPECT_EQ(line.find(pn), std::string::npos) << line;
        EXPECT_EQ(line.find(digits.substr(digits.size() - 10, 6)), std::string::npos) << line;
    }
}

TEST(Input, MutatedInputsNeverCrash) {
    // Deterministic byte mutations of a full input: every result is a verdict or a typed error.
    auto in = good();
    in["consent"] = {
        {"status", "given"}, {"given_by", {"subject"}}, {"recipient_authorities", {"police"}}};
    in["categories"] = {"health"};
    in["subject"] = {{"personnummer", "811218-9876"}};
    const std::string base = in.dump();
    const char replacements[] = {'"', '{', '}', '[', ']', ',',  ':',
                                 '0', '9', '-', '+', 'x', '\\', ' '};
    int verdicts = 0;
    int errors = 0;
    for (std::size_t pos = 0; pos < base.size(); ++pos) {
        for (char c : replacements) {
            std::string m = base;
            m[pos] = c;
            auto r = legal::parse_check_input(m, catalog());
            if (auto* d = std::get_if<legal::Draft>(&r)) {
                auto v = legal::check(*d, catalog());
                EXPECT_FALSE(v.provision.empty());
                ++verdicts;
            } else {
                EXPECT_FALSE(std::get<legal::InputError>(r).code.empty());
                ++errors;
            }
        }
        std::string cut = base.substr(0, pos);
        auto r = legal::parse_check_input(cut, catalog());
        EXPECT_TRUE(std::holds_alternative<legal::InputError>(r));
    }
    EXPECT_GT(verdicts, 0);
    EXPECT_GT(errors, 0);
}
