// Case handover end to end (issue 10): a real lagrum-relay on a unix socket and three
// `lagrum` processes with their own encrypted profiles. Anna (socialsekreterare, Borås
// socialtjänst) hands the case of one young person over to her colleague Bertil; the
// case's room also holds Cecilia of the police. Afterwards Bertil reads the handed-over
// messages (marked as received by handover, with their original sender and marking),
// `handover verify` exits 0, both disclosure logs verify and hold the handover, and a
// later message of Cecilia's reaches Bertil but not Anna, who was removed.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "client_harness.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::clienttest {
namespace {

constexpr const char* kSoc = "se.boras.soc";
constexpr const char* kPol = "se.polisen.vast";

const core::legal::Catalog& catalog() {
    static const core::legal::Catalog c = [] {
        auto r = core::legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        if (auto* e = std::get_if<core::legal::CatalogError>(&r)) {
            throw std::runtime_error("catalog: " + e->to_string());
        }
        return std::get<core::legal::Catalog>(std::move(r));
    }();
    return c;
}

class HandoverIntegration : public ::testing::Test {
  protected:
    void SetUp() override {
        w.add_org("soc", kSoc, "Borås stad, socialtjänsten", "social_services");
        w.add_org("pol", kPol, "Polisen, region Väst", "police");
        w.start_relay();
        police_facts_ = w.dir() / "police-facts.json";
        write_file(police_facts_, R"({"necessary_for_own_task":true})");
    }

    json run_json(const Member& m, const std::vector<std::string>& args) {
        auto r = w.as(m, args);
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        return r.ok() ? r.j() : json();
    }
    // Social services → police, 10 kap. 18 a § OSL.
    void send_soc(const Member& from, const std::string& room, const std::string& text) {
        auto j =
            run_json(from, {"send", "--room", room, "--subject", kSubject, "--provision",
                            "osl-10-18a", "--facts", w.facts().string(), "--text", text, "--json"});
        EXPECT_EQ(j.value("sent", false), true) << j.dump();
    }
    // Police → social services, 10 kap. 2 § OSL.
    void send_pol(const Member& from, const std::string& room, const std::string& text) {
        auto j = run_json(from,
                          {"send", "--room", room, "--subject", kSubject, "--provision", "osl-10-2",
                           "--facts", police_facts_.string(), "--text", text, "--json"});
        EXPECT_EQ(j.value("sent", false), true) << j.dump();
    }

    // The disclosure log of a profile (no process runs on it now): verified, and its kinds.
    std::vector<std::string> log_kinds(const Member& m, bool* verifies) {
        auto client = core::messaging::Client::open(m.profile, m.passphrase, catalog());
        const auto v = client->verify_log();
        *verifies = v.ok;
        EXPECT_TRUE(v.ok) << m.key << ": entry " << v.first_bad << ": " << v.problem;
        std::vector<std::string> out;
        for (const auto& e : client->log()) out.push_back(e.kind);
        return out;
    }

    static bool has(const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    }

    World w;
    fs::path police_facts_;
};

TEST_F(HandoverIntegration, AnnaHandsTheCaseToBertil) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna Andersson", "socialsekreterare");
    auto& bertil = w.add_member("bertil", "soc", "bertil", "Bertil Berg", "socialsekreterare");
    auto& cecilia = w.add_member("cecilia", "pol", "cecilia", "Cecilia Carlsson", "kommunpolis");

    run_json(anna, {"room", "create", "case-1", "--members", cecilia.address(), "--json"});
    send_soc(anna, "case-1", "Anna: konkret risk, ring innan kontakt med familjen");
    run_json(cecilia, {"sync", "--json"});
    send_pol(cecilia, "case-1", "Cecilia: vi har upprättat en anmälan");
    run_json(anna, {"sync", "--json"});

    // Nothing received yet: `handover verify` on Bertil says so with exit 4.
    {
        auto r = w.as(bertil, {"handover", "verify"});
        EXPECT_EQ(r.exit_code, 4) << r.describe();
    }

    // The handover, from Anna's device.
    auto h =
        run_json(anna, {"handover", "--subject", kSubject, "--to", bertil.address(), "--json"});
    EXPECT_EQ(h.at("rooms"), json::array({"case-1"})) << h.dump();
    EXPECT_EQ(h.at("messages"), 1) << h.dump();
    EXPECT_GE(h.at("log_entries").get<int>(), 1) << h.dump();
    const std::string id = h.at("handover_id");

    // Bertil: joins, verifies, stores, removes Anna, answers.
    auto s = run_json(bertil, {"sync", "--json"});
    EXPECT_EQ(s.at("errors"), 0) << s.dump();
    auto inbox = run_json(bertil, {"inbox", "--json"});
    std::vector<json> handed;
    for (const auto& m : inbox) {
        if (m.at("via_handover").get<bool>()) handed.push_back(m);
    }
    ASSERT_EQ(handed.size(), 1u) << inbox.dump();
    EXPECT_EQ(handed[0].at("room"), "case-1");
    EXPECT_EQ(handed[0].at("text"), "Anna: konkret risk, ring innan kontakt med familjen");
    EXPECT_EQ(handed[0].at("handed_over_by"), anna.address());
    EXPECT_EQ(handed[0].at("sender").at("organisation_id"), kSoc);
    EXPECT_EQ(handed[0].at("sender").at("member_id"), "anna");
    EXPECT_EQ(handed[0].at("sender").at("name"), "Anna Andersson");
    EXPECT_EQ(handed[0].at("marking").at("provision"), "osl-10-18a");
    EXPECT_EQ(handed[0].at("marking").at("citation"), "10 kap. 18 a § OSL");
    EXPECT_EQ(handed[0].at("outgoing"), false);
    // The text view says so too.
    {
        auto r = w.as(bertil, {"inbox", "--room", "case-1"});
        EXPECT_NE(r.out.find("received by handover / överlämnat av se.boras.soc/anna"),
                  std::string::npos)
            << r.describe();
    }
    {
        auto r = w.as(bertil, {"handover", "verify", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
        auto v = r.j();
        EXPECT_EQ(v.at("ok"), true);
        ASSERT_EQ(v.at("bundles").size(), 1u);
        EXPECT_EQ(v.at("bundles")[0].at("handover_id"), id);
        EXPECT_EQ(v.at("bundles")[0].at("state"), "done");
    }
    {
        auto r = w.as(bertil, {"handover", "verify"});
        EXPECT_EQ(r.exit_code, 0) << r.describe();
    }

    // Anna: the receipt, and the room gone.
    run_json(anna, {"sync", "--json"});
    auto list = run_json(anna, {"handover", "list", "--json"});
    ASSERT_EQ(list.size(), 1u) << list.dump();
    EXPECT_EQ(list[0].at("state"), "completed") << list.dump();
    EXPECT_EQ(list[0].at("direction"), "sent");
    for (const auto& r : run_json(anna, {"room", "list", "--json"})) {
        if (r.at("name") == "case-1") {
            EXPECT_EQ(r.at("active"), false) << r.dump();
        }
    }
    run_json(cecilia, {"sync", "--json"});  // Cecilia learns of the commits
    for (const auto& r : run_json(cecilia, {"room", "list", "--json"})) {
        if (r.at("name") != "case-1") continue;
        std::set<std::string> members;
        for (const auto& m : r.at("members")) members.insert(m.at("address"));
        EXPECT_EQ(members, (std::set<std::string>{bertil.address(), cecilia.address()}));
    }

    // A later message of Cecilia's: Bertil reads it, Anna cannot.
    send_pol(cecilia, "case-1", "Cecilia: efter överlämningen");
    run_json(bertil, {"sync", "--json"});
    EXPECT_EQ(
        with_text(run_json(bertil, {"inbox", "--json"}), "Cecilia: efter överlämningen").size(),
        1u);
    auto as = run_json(anna, {"sync", "--json"});
    EXPECT_EQ(as.at("messages"), 0) << as.dump();
    EXPECT_TRUE(
        with_text(run_json(anna, {"inbox", "--json"}), "Cecilia: efter överlämningen").empty());

    // Both logs verify and hold the handover.
    bool ok = false;
    const auto a_kinds = log_kinds(anna, &ok);
    EXPECT_TRUE(ok);
    EXPECT_TRUE(has(a_kinds, "handover_sent"));
    EXPECT_TRUE(has(a_kinds, "handover_completed"));
    const auto b_kinds = log_kinds(bertil, &ok);
    EXPECT_TRUE(ok);
    EXPECT_TRUE(has(b_kinds, "handover_received"));
}

TEST_F(HandoverIntegration, BadInputExitsTwo) {
    auto& anna = w.add_member("anna", "soc", "anna", "Anna Andersson", "socialsekreterare");
    auto& cecilia = w.add_member("cecilia", "pol", "cecilia", "Cecilia Carlsson", "kommunpolis");
    const std::vector<std::vector<std::string>> bad = {
        {"handover", "--to", "se.boras.soc/bertil"},                               // no subject
        {"handover", "--subject", kSubject},                                       // no successor
        {"handover", "--subject", "200801012387", "--to", "se.boras.soc/bertil"},  // check digit
        {"handover", "--subject", kSubject, "--to", cecilia.address()},  // another authority
        {"handover", "--subject", kSubject, "--to", "nobody"},
        {"handover", "--subject", kSubject, "--to", anna.address()},  // yourself
    };
    for (const auto& args : bad) {
        auto r = w.as(anna, args);
        EXPECT_EQ(r.exit_code, 2) << r.describe();
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.describe();
    }
}

}  // namespace
}  // namespace lagrum::clienttest
