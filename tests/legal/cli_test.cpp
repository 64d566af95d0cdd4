// The lagrum binary as a separate process: every shared example, exit codes, stderr format,
// determinism, provisions list/show.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "lagrum/test/shared.h"
#include "support.h"

using namespace lagrum::legal_test;

namespace {

std::vector<std::filesystem::path> example_files() {
    const auto dir = lagrum::test::shared_dir() / "legal" / "examples";
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        if (e.path().extension() == ".json") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// Compares a run against an example's "expect" block as check-format.md §10 describes.
void expect_matches(const json& expect, const ProcessResult& r, const std::string& name) {
    const int exit_code = expect.value("exit", 0);
    ASSERT_EQ(r.exit_code, exit_code) << name << "\nstderr: " << r.err;
    if (exit_code == 2) {
        EXPECT_TRUE(r.out.empty()) << name;
        return;
    }
    ASSERT_FALSE(r.out.empty()) << name;
    ASSERT_EQ(r.out.back(), '\n') << name;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << name;
    auto out = json::parse(r.out);
    if (expect.contains("verdict")) {
        EXPECT_EQ(out.at("verdict"), expect.at("verdict")) << name;
    }
    if (expect.contains("recipients")) {
        json got = json::object();
        for (const auto& rc : out.at("recipients"))
            got[rc.at("id").get<std::string>()] = rc.at("verdict");
        EXPECT_EQ(got, expect["recipients"]) << name;
    }
    if (expect.contains("missing_facts")) {
        const auto want = expect["missing_facts"].get<std::set<std::string>>();
        const auto got = out["missing_facts"].get<std::set<std::string>>();
        EXPECT_EQ(got, want) << name;
    }
    if (expect.contains("warning_categories")) {
        std::set<std::string> got;
        for (const auto& w : out.at("warnings")) {
            if (w.at("code") == "minimisation") got.insert(w.at("category").get<std::string>());
        }
        EXPECT_EQ(got, expect["warning_categories"].get<std::set<std::string>>()) << name;
    }
    if (expect.contains("warning_codes")) {  // each listed code appears (§10)
        std::set<std::string> got;
        for (const auto& w : out.at("warnings")) got.insert(w.at("code").get<std::string>());
        for (const auto& code : expect["warning_codes"]) {
            EXPECT_TRUE(got.contains(code.get<std::string>()))
                << name << ": missing warning " << code << "\n"
                << r.out;
        }
    }
    if (expect.contains("suggestions")) {
        for (const auto& want : expect["suggestions"]) {
            bool found = false;
            for (const auto& s : out.at("suggestions")) {
                found = found || (s.at("provision") == want.at("provision") &&
                                  s.at("recipients") == want.at("recipients"));
            }
            EXPECT_TRUE(found) << name << ": missing suggestion " << want.dump() << "\n" << r.out;
        }
    }
}

std::string write_temp(const std::string& text) {
    char path[] = "/tmp/lagrum-legal-input-XXXXXX";
    const int fd = mkstemp(path);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    const auto n = write(fd, text.data(), text.size());
    close(fd);
    if (n != static_cast<ssize_t>(text.size())) throw std::runtime_error("short write");
    return path;
}

}  // namespace

TEST(CliExamples, EverySharedExamplePassesThroughTheBinary) {
    const auto files = example_files();
    ASSERT_FALSE(files.empty()) << "no examples in "
                                << (lagrum::test::shared_dir() / "legal" / "examples");
    int checked = 0;
    for (const auto& f : files) {
        const auto rel = std::filesystem::path("legal") / "examples" / f.filename();
        const auto example = lagrum::test::load_shared_json(rel);
        ASSERT_TRUE(example.contains("input") && example.contains("expect")) << f;
        // As a file argument (the harness's way) and on standard input.
        const auto path = write_temp(example["input"].dump());
        const auto by_file = run_cli({"check", "--json", path});
        std::filesystem::remove(path);
        expect_matches(example["expect"], by_file, f.filename().string());
        const auto by_stdin = run_cli({"check", "--json", "-"}, example["input"].dump(2));
        EXPECT_EQ(by_stdin.out, by_file.out) << f;
        EXPECT_EQ(by_stdin.exit_code, by_file.exit_code) << f;
        ++checked;
    }
    EXPECT_EQ(checked, static_cast<int>(files.size()));
    std::cout << "[ examples ] " << checked << " shared examples passed through " << LAGRUM_CLI_PATH
              << "\n";
}

TEST(Cli, ByteIdenticalOutput) {
    const auto in = input("osl-10-18a", {{"risk_of_criminal_activity", true}}).dump();
    const auto a = run_cli({"check", "--json", "-"}, in);
    const auto b = run_cli({"check", "--json", "-"}, in);
    EXPECT_EQ(a.exit_code, 0);
    EXPECT_EQ(a.out, b.out);
    EXPECT_TRUE(a.err.empty());
}

TEST(Cli, InputErrorsExitTwoWithOneJsonLineOnStderr) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"{not json", "invalid_json"},
        {"[1]", "not_object"},
        {R"({"date":"2026-03-02","sender":{"authority":"police"},"recipients":[{"id":"a","authority":"police"}],"subject":{"personnummer":"200801012384"},"provision":"osl-10-27"})",
         "invalid_personnummer"},
        {R"({"date":"2026-03-02","sender":{"authority":"police"},"recipients":[{"id":"a","authority":"police"}],"subject":{"presumed_age":3},"provision":"osl-10-19"})",
         "unknown_provision"},
        {R"({"date":"2026-03-02","sender":{"authority":"tull"},"recipients":[{"id":"a","authority":"police"}],"subject":{"presumed_age":3},"provision":"osl-10-27"})",
         "unknown_authority"},
    };
    for (const auto& [text, code] : cases) {
        const auto r = run_cli({"check", "--json", "-"}, text);
        EXPECT_EQ(r.exit_code, 2) << text;
        EXPECT_TRUE(r.out.empty()) << text;
        ASSERT_FALSE(r.err.empty());
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        auto e = json::parse(r.err);
        EXPECT_EQ(e["error"], code) << r.err;
        ASSERT_TRUE(e.contains("path"));
        EXPECT_TRUE(e["message"].is_string());
        EXPECT_EQ(r.err.find("200801012384"), std::string::npos);
        EXPECT_EQ(std::distance(e.begin(), e.end()), 3);
    }
    const auto missing = run_cli({"check", "--json", "/nonexistent/input.json"});
    EXPECT_EQ(missing.exit_code, 2);
    EXPECT_EQ(json::parse(missing.err)["error"], "io_error");
}

TEST(Cli, CatalogOverride) {
    const auto in = input("osl-10-18a", {{"risk_of_criminal_activity", true}}).dump();
    const auto ok = run_cli({"--catalog", LAGRUM_CATALOG_SOURCE_DIR, "check", "--json", "-"}, in);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    const auto bad = run_cli({"--catalog", "/nonexistent/catalog", "check", "--json", "-"}, in);
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("/nonexistent/catalog"), std::string::npos);
}

TEST(Cli, ProvisionsListShowsEveryProvisionWithDates) {
    const auto r = run_cli({"provisions", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    for (const char* id :
         {"osl-10-1\t", "osl-10-2\t", "osl-10-15a\t", "osl-10-18a\t", "osl-10-18b\t",
          "osl-10-18c\t", "osl-10-20\t", "osl-10-21\t", "osl-10-22\t", "osl-10-23\t", "osl-10-24\t",
          "osl-10-27\t", "osl-10-28\t", "osl-26-9a\t"}) {
        EXPECT_NE(r.out.find(id), std::string::npos) << id;
    }
    EXPECT_NE(r.out.find("2025-12-01"), std::string::npos);
    EXPECT_NE(r.out.find("2013-01-01, 2020-08-01, 2025-04-01"), std::string::npos);

    const auto j = run_cli({"provisions", "list", "--json", "--date", "2025-06-01"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    auto list = json::parse(j.out);
    std::set<std::string> ids;
    for (const auto& p : list.at("provisions")) ids.insert(p.at("id").get<std::string>());
    EXPECT_EQ(ids.size(), 12u);  // 15 a and 26:9 a are not yet in force
    EXPECT_FALSE(ids.contains("osl-10-15a"));
    EXPECT_FALSE(ids.contains("osl-26-9a"));
    EXPECT_EQ(list["catalog_version"], "2026.12.1");  // revision 2026-12-06
    EXPECT_EQ(list["last_reviewed"], "2026-12-06");
    const auto all = json::parse(run_cli({"provisions", "list", "--json"}).out);
    EXPECT_EQ(all.at("provisions").size(), 14u);

    auto old = json::parse(run_cli({"provisions", "list", "--json", "--date", "2025-03-31"}).out);
    for (const auto& p : old.at("provisions")) {
        if (p.at("id") == "osl-10-24") {
            EXPECT_EQ(p.at("status"), "UNVERIFIED");
        }
    }
    EXPECT_EQ(run_cli({"provisions", "list", "--date", "2025-02-30"}).exit_code, 2);
}

TEST(Cli, ProvisionsShow) {
    const auto r = run_cli({"provisions", "show", "osl-10-18a"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("10 kap. 18 a § OSL"), std::string::npos);
    EXPECT_NE(r.out.find("risk_of_criminal_activity"), std::string::npos);
    EXPECT_NE(r.out.find("questions:"), std::string::npos);
    EXPECT_NE(r.out.find("sources:"), std::string::npos);
    auto j = json::parse(run_cli({"provisions", "show", "osl-10-28", "--json"}).out);
    EXPECT_EQ(j["citation"], "10 kap. 28 § OSL");
    EXPECT_EQ(j["duties"].size(), 5u);  // + crime_fighting_2025_unrequested (2026-12-06)
    EXPECT_FALSE(j["questions"].empty());
    auto dated = json::parse(
        run_cli({"provisions", "show", "osl-10-23", "--json", "--date", "2025-03-31"}).out);
    ASSERT_EQ(dated["versions"].size(), 1u);
    EXPECT_EQ(dated["versions"][0]["threshold"]["min_if_flag_false"], 1.0);
    const auto unknown = run_cli({"provisions", "show", "osl-10-19"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_TRUE(unknown.out.empty());
}

// The text form names each choice of an enumeration question with its code (what `check`
// takes) and the catalog's words; the JSON stays as it was (a contract).
TEST(Cli, ProvisionsShowNamesTheChoicesOfAnEnumQuestion) {
    const auto r = run_cli({"provisions", "show", "osl-10-15a"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(
        r.out.find("choices (code – sv / en):\n  purpose_15a:\n    prevent_criminal_activity – "
                   "Förebygga, förhindra eller upptäcka brottslig verksamhet (p. 1) / "
                   "Prevent, hinder or detect criminal activity (point 1)\n"),
        std::string::npos)
        << r.out;
    EXPECT_EQ(run_cli({"provisions", "show", "osl-10-18a"}).out.find("choices"), std::string::npos);
    const auto j = json::parse(run_cli({"provisions", "show", "osl-10-15a", "--json"}).out);
    EXPECT_FALSE(j.contains("choices"));
    EXPECT_EQ(j.dump().find("Förebygga"), std::string::npos);
}

TEST(Cli, Usage) {
    EXPECT_EQ(run_cli({}).exit_code, 64);
    EXPECT_EQ(run_cli({"frobnicate"}).exit_code, 64);
    EXPECT_EQ(run_cli({"check"}).exit_code, 64);
}
