// Hardening review (issue 14): a Draft built directly (not by parse_check_input) is
// rejected inside the check, never allowed; a filesystem error while loading the catalog
// is a CatalogError and an exit code, never an abort; `lagrum --help` and `--version`.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>

#include "lagrum/core/error.h"
#include "support.h"

using namespace lagrum::legal_test;

namespace {

namespace fs = std::filesystem;

json facts_18a() {
    return {{"risk_of_criminal_activity", true},
            {"not_inappropriate", true},
            {"concerns_committed_crime", false}};
}

// A draft the parser accepts and the check allows; each test breaks one invariant.
legal::Draft valid_draft() {
    auto parsed = legal::parse_check_input(input("osl-10-18a", facts_18a()).dump(), catalog());
    EXPECT_TRUE(std::holds_alternative<legal::Draft>(parsed));
    return std::get<legal::Draft>(parsed);
}

void expect_rejected(const legal::Draft& d) {
    try {
        const auto v = legal::check(d, catalog());
        ADD_FAILURE() << "checked as " << legal::to_string(v.verdict);
    } catch (const lagrum::core::Error& e) {
        EXPECT_EQ(e.code(), lagrum::core::Errc::bad_input);
        EXPECT_NE(std::string(e.what()).find("invalid draft"), std::string::npos) << e.what();
    }
}

}  // namespace

TEST(CheckDraftInvariants, ValidDraftIsAllowed) {
    EXPECT_EQ(legal::check(valid_draft(), catalog()).verdict, legal::VerdictKind::allowed);
}

// Before the fix the overall verdict came from the recipients only: no recipients gave
// `allowed` with a sekretessmarkering.
TEST(CheckDraftInvariants, NoRecipientsIsRejectedNotAllowed) {
    auto d = valid_draft();
    d.recipients.clear();
    expect_rejected(d);
}

TEST(CheckDraftInvariants, NullProvisionIsRejected) {
    auto d = valid_draft();
    d.provision = nullptr;
    expect_rejected(d);
}

TEST(CheckDraftInvariants, ProvisionFromAnotherCatalogIsRejected) {
    const legal::Catalog other = catalog();  // a copy: same content, other addresses
    auto d = valid_draft();
    d.provision = other.find_provision("osl-10-18a");
    ASSERT_NE(d.provision, nullptr);
    expect_rejected(d);
}

TEST(CheckDraftInvariants, FactsNotSizedToTheCatalogAreRejected) {
    auto d = valid_draft();
    d.facts.clear();  // indexed by FactId without a bound before the fix
    expect_rejected(d);
    d = valid_draft();
    d.facts.resize(d.facts.size() + 1);
    expect_rejected(d);
}

TEST(CheckDraftInvariants, OutOfRangeValuesAreRejected) {
    const auto& cat = catalog();
    auto d = valid_draft();
    d.sender = static_cast<legal::Authority>(200);
    expect_rejected(d);

    d = valid_draft();
    d.recipients[0].authority = static_cast<legal::Authority>(legal::kAuthorityCount);
    expect_rejected(d);

    d = valid_draft();
    d.categories = {static_cast<int>(cat.categories.size())};
    expect_rejected(d);

    for (std::size_t i = 0; i < cat.facts.size(); ++i) {
        if (cat.facts[i].type != legal::FactType::enumeration) continue;
        d = valid_draft();
        d.facts[i] = legal::FactValue{true, false, static_cast<int>(cat.facts[i].values.size()), 0};
        expect_rejected(d);
        return;
    }
    ADD_FAILURE() << "the catalog has no enumeration fact";
}

namespace {

// A catalog folder holding one symlink loop named like a catalog file: stat() fails
// with ELOOP, which the throwing filesystem overloads turn into an exception.
struct LoopCatalog {
    fs::path dir;
    LoopCatalog() {
        dir = fs::temp_directory_path() /
              ("lagrum-loop-catalog-" + std::to_string(::getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir);
        fs::create_directories(dir);
        fs::create_symlink("loop.textpb", dir / "loop.textpb");
    }
    ~LoopCatalog() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
};

}  // namespace

TEST(CatalogRobustness, FilesystemErrorIsACatalogError) {
    LoopCatalog loop;
    std::variant<legal::Catalog, legal::CatalogError> r = legal::CatalogError{};
    ASSERT_NO_THROW(r = legal::load_catalog(loop.dir));
    ASSERT_TRUE(std::holds_alternative<legal::CatalogError>(r));
    EXPECT_NE(std::get<legal::CatalogError>(r).file.find("loop.textpb"), std::string::npos);
}

TEST(CliRobustness, CatalogFilesystemErrorExitsOneWithOneLine) {
    LoopCatalog loop;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--catalog", loop.dir.string(), "provisions", "list"},
             {"--catalog", loop.dir.string(), "check", "--json", "-"}}) {
        const auto r = run_cli(args, "{}");
        EXPECT_EQ(r.exit_code, 1) << r.err;  // an abort before the fix
        EXPECT_NE(r.err.find("lagrum: catalog error"), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
}

TEST(CliRobustness, HelpAndVersionExitZeroNoCommandIsUsage) {
    const auto help = run_cli({"--help"});
    EXPECT_EQ(help.exit_code, 0) << help.err;
    EXPECT_NE(help.out.find("send"), std::string::npos);
    EXPECT_NE(help.out.find("provisions"), std::string::npos);
    EXPECT_EQ(run_cli({"-h"}).exit_code, 0);

    const auto version = run_cli({"--version"});
    EXPECT_EQ(version.exit_code, 0) << version.err;
    EXPECT_TRUE(std::regex_match(version.out, std::regex("lagrum [0-9]+\\.[0-9]+\\.[0-9]+\n")))
        << version.out;

    const auto none = run_cli({});
    EXPECT_EQ(none.exit_code, 64);
    EXPECT_NE(none.err.find("usage: lagrum"), std::string::npos);
    EXPECT_EQ(run_cli({"no-such-command"}).exit_code, 64);
}
