// The catalog as data: every provision of provisions.md, its dates, and load validation
// (errors name the file and line).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lagrum/core/legal/catalog.h"
#include "support.h"

namespace legal = lagrum::core::legal;
using lagrum::legal_test::catalog;

namespace {

std::string read(const std::string& name) {
    std::ifstream in(std::filesystem::path(LAGRUM_CATALOG_SOURCE_DIR) / name, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::vector<std::pair<std::string, std::string>> real_files() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const char* f :
         {"00-vocabulary.textpb", "10-osl-10.textpb", "11-osl-26.textpb", "20-duties.textpb"}) {
        out.emplace_back(f, read(f));
        EXPECT_FALSE(out.back().second.empty()) << f;
    }
    return out;
}

legal::CatalogError load_error(const std::vector<std::pair<std::string, std::string>>& files) {
    auto r = legal::load_catalog_from_texts(files);
    if (std::holds_alternative<legal::Catalog>(r)) {
        ADD_FAILURE() << "catalog unexpectedly loaded";
        return {};
    }
    return std::get<legal::CatalogError>(r);
}

// Replaces the first occurrence of `from` in the named file.
std::vector<std::pair<std::string, std::string>> patched(const std::string& file,
                                                         const std::string& from,
                                                         const std::string& to) {
    auto files = real_files();
    for (auto& [name, text] : files) {
        if (name != file) continue;
        const auto pos = text.find(from);
        EXPECT_NE(pos, std::string::npos) << from;
        if (pos != std::string::npos) text.replace(pos, from.size(), to);
    }
    return files;
}

int line_of(const std::string& file, const std::string& needle) {
    const auto text = read(file);
    const auto pos = text.find(needle);
    EXPECT_NE(pos, std::string::npos) << needle;
    return 1 +
           static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(pos), '\n'));
}

}  // namespace

TEST(Catalog, HasVersionAndReviewDate) {
    const auto& c = catalog();
    EXPECT_FALSE(c.header.catalog_version.empty());
    EXPECT_EQ(legal::to_string(c.header.last_reviewed), "2026-12-06");  // revision 2026-12-06
}

TEST(Catalog, EveryProvisionOfTheStatuteWithItsEffectiveDate) {
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"osl-10-1", "2009-06-30"},   {"osl-10-2", "2009-06-30"},   {"osl-10-15a", "2025-12-01"},
        {"osl-10-18a", "2013-01-01"}, {"osl-10-18b", "2020-08-01"}, {"osl-10-18c", "2021-08-01"},
        {"osl-10-20", "2009-06-30"},  {"osl-10-21", "2009-06-30"},  {"osl-10-22", "2018-01-01"},
        {"osl-10-23", "2009-06-30"},  {"osl-10-24", "2009-06-30"},  {"osl-10-27", "2009-06-30"},
        {"osl-10-28", "2009-06-30"},  {"osl-26-9a", "2025-07-01"}};
    const auto& c = catalog();
    EXPECT_EQ(c.provisions.size(), expected.size());
    for (const auto& [id, from] : expected) {
        const auto* p = c.find_provision(id);
        ASSERT_NE(p, nullptr) << id;
        EXPECT_EQ(legal::to_string(p->effective_from), from) << id;
        EXPECT_FALSE(p->effective_to) << id;
        EXPECT_FALSE(p->citation_sv.empty()) << id;
        EXPECT_FALSE(p->questions.empty()) << id;
        EXPECT_FALSE(p->text.sv.empty()) << id;
        EXPECT_FALSE(p->text.en.empty()) << id;
    }
    EXPECT_EQ(c.find_provision("osl-10-19"), nullptr);
    EXPECT_EQ(c.find_provision("osl-10-22a"), nullptr);
}

TEST(Catalog, VersionDates) {
    const auto& c = catalog();
    auto froms = [&](const char* id) {
        std::vector<std::string> out;
        for (const auto& v : c.find_provision(id)->versions)
            out.push_back(legal::to_string(v.from));
        return out;
    };
    EXPECT_EQ(froms("osl-10-18a"),
              (std::vector<std::string>{"2013-01-01", "2020-08-01", "2025-04-01"}));
    EXPECT_EQ(froms("osl-10-18b"), (std::vector<std::string>{"2020-08-01", "2025-04-01"}));
    EXPECT_EQ(froms("osl-10-18c"), (std::vector<std::string>{"2021-08-01", "2025-04-01"}));
    EXPECT_EQ(froms("osl-10-23"), (std::vector<std::string>{"2009-06-30", "2025-04-01"}));
    EXPECT_EQ(froms("osl-10-24"), (std::vector<std::string>{"2009-06-30", "2025-04-01"}));
    const auto* p24 = c.find_provision("osl-10-24");
    EXPECT_EQ(p24->rules_on(legal::Date{2025, 3, 31}).status, legal::Status::unverified);
    EXPECT_EQ(p24->rules_on(legal::Date{2025, 4, 1}).status, legal::Status::verified);
    // Before the first version the earliest applies.
    EXPECT_EQ(&c.find_provision("osl-10-18a")->version_on(legal::Date{2000, 1, 1}),
              &c.find_provision("osl-10-18a")->versions.front());
}

TEST(Catalog, DutiesOfTheGateway) {
    const auto& c = catalog();
    for (const char* id : {"sol_report_child_at_risk", "lul_6", "crime_fighting_2025",
                           "crime_fighting_2025_unrequested", "school_report_crime"}) {
        EXPECT_NE(c.find_duty(id), nullptr) << id;
    }
    // Revision 2026-12-06: 7 § of SFS 2025:170 was read; VERIFIED for schools, `other`
    // senders warn through unverified_senders.
    for (const char* id : {"crime_fighting_2025", "crime_fighting_2025_unrequested"}) {
        const auto& r = c.find_duty(id)->rules_on(legal::Date{2026, 1, 1});
        EXPECT_EQ(r.status, legal::Status::verified) << id;
        EXPECT_TRUE(r.unverified_senders.contains(legal::Authority::other)) << id;
        EXPECT_EQ(legal::to_string(c.find_duty(id)->effective_from), "2025-04-01") << id;
    }
    EXPECT_EQ(legal::to_string(c.find_duty("school_report_crime")->effective_from), "2025-07-01");
}

TEST(Catalog, LoadsFromDirectory) {
    auto r = legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
    ASSERT_TRUE(std::holds_alternative<legal::Catalog>(r))
        << std::get<legal::CatalogError>(r).to_string();
    auto missing = legal::load_catalog("/nonexistent/lagrum/catalog");
    ASSERT_TRUE(std::holds_alternative<legal::CatalogError>(missing));
}

TEST(CatalogErrors, UnknownFactNamesFileAndLine) {
    const std::string needle = "must_be_true { fact: \"necessary_for_own_task\" }";
    const auto e = load_error(
        patched("10-osl-10.textpb", needle, "must_be_true { fact: \"necessary_for_own_tsak\" }"));
    EXPECT_EQ(e.file, "10-osl-10.textpb");
    EXPECT_EQ(e.line, line_of("10-osl-10.textpb", needle));
    EXPECT_NE(e.message.find("unknown fact \"necessary_for_own_tsak\""), std::string::npos)
        << e.message;
    EXPECT_NE(e.to_string().find("10-osl-10.textpb:"), std::string::npos);
}

TEST(CatalogErrors, OverlappingVersions) {
    const auto e = load_error(
        patched("10-osl-10.textpb",
                "from: \"2020-08-01\"\n    sfs: \"SFS 2020:575\"\n    note: \"Säkerhetspolisen",
                "from: \"2013-01-01\"\n    sfs: \"SFS 2020:575\"\n    note: \"Säkerhetspolisen"));
    EXPECT_EQ(e.file, "10-osl-10.textpb");
    EXPECT_GT(e.line, 0);
    EXPECT_NE(e.message.find("overlapping effective ranges"), std::string::npos) << e.message;
}

TEST(CatalogErrors, MissingCitation) {
    const std::string needle = "citation_sv: \"10 kap. 2 § OSL\"";
    const auto e = load_error(patched("10-osl-10.textpb", needle, ""));
    EXPECT_EQ(e.file, "10-osl-10.textpb");
    EXPECT_NE(e.message.find("missing citation"), std::string::npos) << e.message;
    EXPECT_EQ(e.line, line_of("10-osl-10.textpb", "id: \"osl-10-2\"") - 1);  // the provision block
    const auto d = load_error(patched("20-duties.textpb", "law_citation_sv: \"6 § LUL\"", ""));
    EXPECT_EQ(d.file, "20-duties.textpb");
    EXPECT_NE(d.message.find("missing citation"), std::string::npos) << d.message;
}

TEST(CatalogErrors, SyntaxErrorAndUnknownField) {
    const auto e = load_error(
        patched("20-duties.textpb", "name_sv: \"Underrättelse", "nmae_sv: \"Underrättelse"));
    EXPECT_EQ(e.file, "20-duties.textpb");
    EXPECT_EQ(e.line, line_of("20-duties.textpb", "name_sv: \"Underrättelse"));
    const auto s = load_error(
        patched("00-vocabulary.textpb", "fact { name: \"attempt\"", "fact { name: \"attempt\" {"));
    EXPECT_EQ(s.file, "00-vocabulary.textpb");
    EXPECT_EQ(s.line, line_of("00-vocabulary.textpb", "fact { name: \"attempt\""));
}

TEST(CatalogErrors, DuplicatesAndBadDates) {
    auto e = load_error(patched("10-osl-10.textpb", "id: \"osl-10-2\"", "id: \"osl-10-1\""));
    EXPECT_NE(e.message.find("defined twice"), std::string::npos) << e.message;
    e = load_error(patched("10-osl-10.textpb", "effective_from: \"2025-12-01\"",
                           "effective_from: \"2025-02-30\""));
    EXPECT_EQ(e.line, line_of("10-osl-10.textpb", "effective_from: \"2025-12-01\""));
    e = load_error(patched("00-vocabulary.textpb", "last_reviewed: \"2026-12-06\"",
                           "last_reviewed: \"5 Jan\""));
    EXPECT_EQ(e.file, "00-vocabulary.textpb");
    e = load_error(patched("10-osl-10.textpb", "allowed: [\"brb3\", \"brb4\"",
                           "allowed: [\"brb9\", \"brb4\""));
    EXPECT_NE(e.message.find("brb9"), std::string::npos) << e.message;
    // A duty value of the gateway without a duty entry.
    auto files = real_files();
    files.pop_back();
    e = load_error(files);
    EXPECT_NE(e.message.find("has no duty entry"), std::string::npos) << e.message;
}

TEST(CatalogErrors, ConditionFactMustBeRequired) {
    const auto e = load_error(patched(
        "10-osl-10.textpb",
        "required { fact: [\"interest_obviously_prevails\", \"disclosure_conflicts_with_law\"] }",
        "required { fact: [\"interest_obviously_prevails\"] }"));
    EXPECT_NE(e.message.find("disclosure_conflicts_with_law"), std::string::npos) << e.message;
}

TEST(CatalogAsData, AnAmendmentIsACatalogChangeNotACodeChange) {
    // A hypothetical amendment from 2027-01-01 letting schools receive under 18 a: only the
    // textpb changes; the same engine applies it from its date and never before.
    const std::string anchor =
        "  amended { sfs: \"SFS 2014:633\" in_force: \"2015-01-01\" note: \"Myndighetsnamn.\" }\n  "
        "amended { sfs: \"SFS 2020:575\"";
    const std::string version =
        "  versions {\n    from: \"2027-01-01\"\n    sfs: \"SFS 2026:999\"\n    rules {\n"
        "      recipients { authority: [AUTHORITY_POLICE, AUTHORITY_SECURITY_SERVICE, "
        "AUTHORITY_SCHOOL] }\n"
        "      required { fact: [\"risk_of_criminal_activity\", \"not_inappropriate\", "
        "\"concerns_committed_crime\"] }\n"
        "      must_be_true { fact: [\"risk_of_criminal_activity\", \"not_inappropriate\"] }\n"
        "      must_be_false { fact: \"concerns_committed_crime\" }\n    }\n  }\n";
    auto r = legal::load_catalog_from_texts(patched("10-osl-10.textpb", anchor, version + anchor));
    ASSERT_TRUE(std::holds_alternative<legal::Catalog>(r))
        << std::get<legal::CatalogError>(r).to_string();
    const auto& cat = std::get<legal::Catalog>(r);
    auto in = lagrum::legal_test::input("osl-10-18a", {{"risk_of_criminal_activity", true},
                                                       {"not_inappropriate", true},
                                                       {"concerns_committed_crime", false}});
    in["recipients"] = {{{"id", "bo"}, {"authority", "school"}}};
    auto verdict = [&](const char* date) {
        in["date"] = date;
        auto d = legal::parse_check_input(in.dump(), cat);
        return std::string(legal::to_string(legal::check(std::get<legal::Draft>(d), cat).verdict));
    };
    EXPECT_EQ(verdict("2026-12-31"), "blocked");
    EXPECT_EQ(verdict("2027-01-01"), "allowed");
}

TEST(CatalogAsData, EffectiveToEndsAProvisionAfterItsLastDay) {
    auto r =
        legal::load_catalog_from_texts(patched("10-osl-10.textpb", "id: \"osl-10-2\"",
                                               "id: \"osl-10-2\"\n  effective_to: \"2026-01-01\""));
    ASSERT_TRUE(std::holds_alternative<legal::Catalog>(r))
        << std::get<legal::CatalogError>(r).to_string();
    const auto& cat = std::get<legal::Catalog>(r);
    auto in = lagrum::legal_test::input("osl-10-2", {{"necessary_for_own_task", true}});
    auto run_on = [&](const char* date) {
        in["date"] = date;
        auto d = legal::parse_check_input(in.dump(), cat);
        return legal::check(std::get<legal::Draft>(d), cat);
    };
    EXPECT_EQ(run_on("2026-01-01").verdict, legal::VerdictKind::allowed);
    const auto v = run_on("2026-01-02");
    EXPECT_EQ(v.verdict, legal::VerdictKind::blocked);
    EXPECT_TRUE(lagrum::legal_test::has_reason(v.reasons, legal::ReasonCode::no_longer_in_force));
    // effective_to before effective_from is a load error.
    const auto e = load_error(patched("10-osl-10.textpb", "id: \"osl-10-2\"",
                                      "id: \"osl-10-2\"\n  effective_to: \"2001-01-01\""));
    EXPECT_NE(e.message.find("effective_to"), std::string::npos) << e.message;
}

// Enum facts' value_labels (issue 11): the app shows these words, never the codes.
TEST(Catalog, EveryEnumFactHasALabelPerValueInBothLanguages) {
    const auto& cat = catalog();
    int enums = 0;
    for (const auto& f : cat.facts) {
        if (f.type != legal::FactType::enumeration) {
            EXPECT_TRUE(f.value_labels.empty()) << f.name;
            continue;
        }
        ++enums;
        ASSERT_EQ(f.value_labels.size(), f.values.size()) << f.name;
        for (std::size_t i = 0; i < f.values.size(); ++i) {
            EXPECT_FALSE(f.value_labels[i].sv.empty()) << f.name << " " << f.values[i];
            EXPECT_FALSE(f.value_labels[i].en.empty()) << f.name << " " << f.values[i];
            EXPECT_NE(f.value_labels[i].sv, f.values[i]) << "a label, not the code";
            EXPECT_NE(f.value_labels[i].en, f.values[i]) << "a label, not the code";
        }
    }
    EXPECT_EQ(enums, 4);  // purpose_15a, duty, crime_against_child_chapter, supply_to_under_18
    const auto purpose = cat.find_fact("purpose_15a");
    ASSERT_TRUE(purpose);
    const auto& p = cat.facts[*purpose];
    ASSERT_EQ(p.values.front(), "prevent_criminal_activity");
    EXPECT_NE(p.value_labels.front().sv.find("förhindra"), std::string::npos)
        << p.value_labels.front().sv;
    EXPECT_NE(p.value_labels.front().en.find("criminal activity"), std::string::npos)
        << p.value_labels.front().en;
}

TEST(CatalogErrors, ValueLabelsMustMatchTheValues) {
    // One label too few: refused, naming the fact and both counts, at the fact's line.
    const std::string needle =
        "  value_labels { sv: \"Utreda brott (p. 2)\" en: \"Investigate crime (point 2)\" }\n";
    auto e = load_error(patched("00-vocabulary.textpb", needle, ""));
    EXPECT_EQ(e.file, "00-vocabulary.textpb");
    EXPECT_NE(e.message.find("purpose_15a"), std::string::npos) << e.message;
    EXPECT_NE(e.message.find("3 value_labels for 4 values"), std::string::npos) << e.message;
    EXPECT_EQ(e.line, line_of("00-vocabulary.textpb", "fact { name: \"purpose_15a\"") + 1)
        << e.to_string();
    // One too many.
    e = load_error(patched("00-vocabulary.textpb", needle, needle + needle));
    EXPECT_NE(e.message.find("5 value_labels for 4 values"), std::string::npos) << e.message;
    // A label without its English text.
    e = load_error(patched("00-vocabulary.textpb", "en: \"Investigate crime (point 2)\"", ""));
    EXPECT_NE(e.message.find("\"investigate_crime\" needs a label with both sv and en"),
              std::string::npos)
        << e.message;
    EXPECT_EQ(e.line, line_of("00-vocabulary.textpb", needle.substr(2)));
    // Labels on a fact that is not an enumeration.
    e = load_error(patched("00-vocabulary.textpb", "fact { name: \"attempt\" type: FACT_TYPE_BOOL",
                           "fact { name: \"attempt\" type: FACT_TYPE_BOOL value_labels { sv: "
                           "\"Ja\" en: \"Yes\" }"));
    EXPECT_NE(e.message.find("not an enum fact"), std::string::npos) << e.message;
    // Without labels an enum fact still loads (the app then shows the code).
    auto files = real_files();
    for (auto& [name, text] : files) {
        if (name != "00-vocabulary.textpb") continue;
        std::string out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) {
            if (line.find("value_labels") == std::string::npos) out += line + "\n";
        }
        text = out;
    }
    auto r = legal::load_catalog_from_texts(files);
    ASSERT_TRUE(std::holds_alternative<legal::Catalog>(r))
        << std::get<legal::CatalogError>(r).to_string();
    const auto& plain = std::get<legal::Catalog>(r);
    const auto id = plain.find_fact("purpose_15a");
    ASSERT_TRUE(id);
    EXPECT_TRUE(plain.facts[*id].value_labels.empty());
}
