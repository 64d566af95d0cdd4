// A full risk meeting with the real lagrum-relay and three `lagrum` processes (issue 10,
// part 2): social services chairs, the police and a school take part; three agenda items;
// a share under 10 kap. 18 a § OSL is refused because the school member is in the room
// (exit 3, recorded in the minutes); the chair closes; every participant receives the
// signed minutes, verifies them and logs them, and every disclosure log verifies. The
// minutes as PDF: page count and pdftotext with the citations and the Swedish headings.
//
//   LAGRUM_CLIENT_KEEP_TMP=1  keep the world folder (profiles, relay log, PDFs)
#include <gtest/gtest.h>

#include <cstdlib>

#include "client_harness.h"

namespace lagrum::clienttest {
namespace {

constexpr const char* kRoom = "Unga i riskzon";
constexpr const char* kYoung1 = "201005121239";
constexpr const char* kYoung2 = "201108234566";
constexpr const char* kYoung3 = "200903012342";
constexpr const char* kFacts15a =
    R"({"purpose_15a":"prevent_criminal_activity","needed_for_purpose":true,)"
    R"("protected_interest_outweighs":false})";

bool have(const char* tool) {
    const std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
}

// Runs a shell command; its stdout.
std::string capture(const std::string& cmd) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
    return out;
}

class MeetingIntegration : public ::testing::Test {
  protected:
    void SetUp() override {
        w.add_org("soc", "se.boras.soc", "Borås stad socialtjänst", "social_services");
        w.add_org("pol", "se.polisen.vast", "Polisen Region Väst", "police");
        w.add_org("sch", "se.boras.skola", "Sjöängsskolan", "school");
        w.start_relay();
        anna = &w.add_member("anna", "soc", "anna", "Anna Andersson", "socialsekreterare");
        cecilia = &w.add_member("cecilia", "pol", "cecilia", "Cecilia Carlsson", "polis");
        dora = &w.add_member("dora", "sch", "dora", "Dora Dahl", "rektor");
        facts15a = w.dir() / "facts15a.json";
        write_file(facts15a, kFacts15a);
    }

    World w;
    Member* anna = nullptr;
    Member* cecilia = nullptr;
    Member* dora = nullptr;
    fs::path facts15a;
};

TEST_F(MeetingIntegration, FullRiskMeetingWithSignedMinutes) {
    auto created = w.must(*anna, {"meeting", "create", kRoom, "--title", "Unga i riskzon december",
                                  "--at", "2026-12-07 09:00", "--members",
                                  cecilia->address() + "," + dora->address(), "--json"});
    EXPECT_EQ(created.j().at("state"), "scheduled");
    EXPECT_EQ(created.j().at("chair"), anna->address());
    std::vector<std::string> pseudonyms;
    for (const char* pnr : {kYoung1, kYoung2, kYoung3}) {
        auto r = w.must(*anna, {"meeting", "agenda", kRoom, "add", "--subject", pnr, "--json"});
        pseudonyms.push_back(r.j().at("pseudonym").get<std::string>());
        EXPECT_EQ(r.out.find(pnr), std::string::npos);  // never the personnummer
    }
    w.must(*anna, {"meeting", "open", kRoom});

    for (auto* m : {cecilia, dora}) {
        auto agenda = w.must(*m, {"meeting", "agenda", kRoom, "--json"}).j();
        EXPECT_EQ(agenda.at("state"), "open");
        EXPECT_EQ(agenda.at("chair"), anna->address());
        ASSERT_EQ(agenda.at("agenda").size(), 3u);
        for (std::size_t i = 0; i < 3; ++i)
            EXPECT_EQ(agenda.at("agenda")[i].at("pseudonym"), pseudonyms[i]);
        EXPECT_EQ(agenda.dump().find(kYoung1), std::string::npos);
    }

    // Item 1: social services and the police share under 10 kap. 15 a § OSL.
    auto s1 = w.must(
        *anna, {"meeting", "share", kRoom, "--item", "1", "--provision", "osl-10-15a", "--facts",
                facts15a.string(), "--text", "Soc: orosanmälan från skolan i maj", "--json"});
    EXPECT_EQ(s1.j().at("sent"), true);
    w.must(*cecilia, {"meeting", "share", kRoom, "--item", "1", "--subject", kYoung1, "--provision",
                      "osl-10-15a", "--facts", facts15a.string(), "--text",
                      "Polis: anträffad vid Knalleland två gånger"});
    // Item 2: 18 a § allows social services to tell the police, not the school member
    // in the room: refused, exit 3, nothing sent.
    auto refused = w.as(
        *anna, {"meeting", "share", kRoom, "--item", "2", "--provision", "osl-10-18a", "--facts",
                w.facts().string(), "--text", "HEMLIGT: rekryteras till narkotikaförsäljning"});
    ASSERT_EQ(refused.exit_code, 3) << refused.describe();
    auto verdict = refused.j();
    EXPECT_EQ(verdict.at("verdict"), "blocked");
    bool school_blocked = false;
    for (const auto& r : verdict.at("recipients")) {
        if (r.at("id") == dora->address()) school_blocked = r.at("verdict") == "blocked";
    }
    EXPECT_TRUE(school_blocked);
    // Item 3: the school shares.
    w.must(*dora, {"meeting", "share", kRoom, "--item", "3", "--subject", kYoung3, "--provision",
                   "osl-10-15a", "--facts", facts15a.string(), "--text",
                   "Skola: hög frånvaro sedan oktober"});
    // A non-chair cannot decide or close.
    EXPECT_EQ(w.as(*cecilia, {"meeting", "decide", kRoom, "--item", "1", "--text", "x"}).exit_code,
              1);
    EXPECT_EQ(w.as(*dora, {"meeting", "close", kRoom}).exit_code, 1);

    w.must(*anna, {"meeting", "decide", kRoom, "--item", "1", "--text",
                   "Gemensamt hembesök av socialtjänst och polis", "--follow-up",
                   "Uppföljning på nästa möte"});
    w.must(*anna, {"meeting", "decide", kRoom, "--item", "2", "--text",
                   "Socialtjänsten informerar polisen direkt"});
    w.must(*anna, {"meeting", "decide", kRoom, "--item", "3", "--text",
                   "Elevhälsan kallar till möte med vårdnadshavare"});
    auto closed = w.must(*anna, {"meeting", "close", kRoom, "--json"}).j();
    EXPECT_EQ(closed.at("signature").at("verified"), true);
    const std::string hash = closed.at("signature").at("minutes_sha256");
    ASSERT_EQ(closed.at("items").size(), 3u);
    EXPECT_EQ(closed.at("items")[0].at("shares").size(), 2u);
    EXPECT_EQ(closed.at("items")[1].at("shares").size(), 0u);
    ASSERT_EQ(closed.at("items")[1].at("refused_shares").size(), 1u);
    EXPECT_EQ(closed.at("items")[1].at("refused_shares")[0].at("citation"), "10 kap. 18 a § OSL");
    EXPECT_EQ(closed.at("items")[1].at("refused_shares")[0].at("by"), anna->address());
    EXPECT_EQ(closed.at("items")[2].at("shares")[0].at("authority"), "school");
    EXPECT_EQ(closed.at("attendance").size(), 3u);
    EXPECT_EQ(closed.dump().find("HEMLIGT"), std::string::npos);

    // Every participant receives, verifies and logs the same signed minutes.
    for (auto* m : {cecilia, dora}) {
        w.must(*m, {"sync"});
        auto mm = w.must(*m, {"meeting", "minutes", kRoom, "--format", "json"}).j();
        EXPECT_EQ(mm.at("signature").at("verified"), true);
        EXPECT_EQ(mm.at("signature").at("minutes_sha256"), hash);
        EXPECT_EQ(mm, closed);
        auto log = w.must(*m, {"log", "export", "--format", "json", "--out",
                               (w.dir() / (m->key + "-log.json")).string()});
        const auto exported = read_file(w.dir() / (m->key + "-log.json"));
        EXPECT_NE(exported.find("meeting_minutes"), std::string::npos) << m->key;
        EXPECT_NE(exported.find(hash), std::string::npos) << m->key;
        w.must(*m, {"log", "verify"});
    }
    w.must(*anna, {"log", "verify"});
    EXPECT_EQ(w.must(*anna, {"meeting", "show", kRoom, "--json"}).j().at("state"), "closed");

    // The minutes as PDF (Swedish by default, English with --lang en).
    if (!have("pdftotext") || !have("pdfinfo")) GTEST_SKIP() << "poppler-utils not installed";
    const auto pdf = w.dir() / "protokoll.pdf";
    auto wrote =
        w.must(*cecilia, {"meeting", "minutes", kRoom, "--format", "pdf", "--out", pdf.string()});
    ASSERT_TRUE(fs::exists(pdf)) << wrote.describe();
    const std::string info = capture("pdfinfo '" + pdf.string() + "'");
    EXPECT_NE(info.find("Pages:"), std::string::npos);
    const int pages = std::atoi(info.substr(info.find("Pages:") + 6).c_str());
    EXPECT_GE(pages, 1);
    EXPECT_LE(pages, 4);
    EXPECT_NE(wrote.out.find("(" + std::to_string(pages) + " page"), std::string::npos)
        << wrote.out;
    const std::string text = capture("pdftotext -layout '" + pdf.string() + "' -");
    for (const char* needle :
         {"Protokoll", "Närvarande", "Punkt 1", "Punkt 3", "Beslut", "Uppföljning",
          "Stoppade utlämnanden", "Underskrift", "10 kap. 15 a § OSL", "10 kap. 18 a § OSL",
          "Socialtjänsten", "Polisen", "Skolan", "Signaturen stämmer"}) {
        EXPECT_NE(text.find(needle), std::string::npos) << needle << "\n" << text;
    }
    EXPECT_EQ(text.find(kYoung1), std::string::npos);
    // The text minutes (the app's view) name the authorities as the PDF does: one table
    // (pki::authority_label), not "skola" in one and "Skola" in the other.
    const std::string minutes_sv =
        w.must(*cecilia, {"meeting", "minutes", kRoom, "--format", "text"}).out;
    for (const char* needle : {"  Polisen: ", "  Skolan: ", "  Socialtjänsten: ", "(Skolan), "}) {
        EXPECT_NE(minutes_sv.find(needle), std::string::npos) << needle << "\n" << minutes_sv;
    }
    // A refused share's reasons in words, in the text and the PDF: the minutes store the
    // check's codes, and "recipient_not_allowed" in a protokoll helps nobody.
    EXPECT_NE(minutes_sv.find("Bestämmelsen tillåter inte utlämnande till mottagarens"),
              std::string::npos)
        << minutes_sv;
    EXPECT_EQ(minutes_sv.find("recipient_not_allowed"), std::string::npos) << minutes_sv;
    EXPECT_NE(minutes_sv.find("Mottagare som inte omfattas: Dora Dahl (Skolan)"), std::string::npos)
        << minutes_sv;
    EXPECT_NE(text.find("Bestämmelsen tillåter inte"), std::string::npos) << text;
    EXPECT_EQ(text.find("recipient_not_allowed"), std::string::npos) << text;
    const auto pdf_en = w.dir() / "minutes.pdf";
    w.must(*dora, {"meeting", "minutes", kRoom, "--format", "pdf", "--lang", "en", "--out",
                   pdf_en.string()});
    const std::string en = capture("pdftotext -layout '" + pdf_en.string() + "' -");
    for (const char* needle :
         {"Minutes", "Present", "Decision", "Refused shares", "10 kap. 18 a § OSL",
          "The signature ver" /* pdftotext prints the "fi" ligature */}) {
        EXPECT_NE(en.find(needle), std::string::npos) << needle << "\n" << en;
    }
}

TEST_F(MeetingIntegration, BadInputExitsTwoWithOneLine) {
    auto r = w.as(*anna, {"meeting", "create", kRoom, "--title", "T", "--at", "2026-13-01 09:00",
                          "--members", dora->address()});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    w.must(*anna, {"meeting", "create", kRoom, "--title", "T", "--at", "2026-12-07 09:00",
                   "--members", dora->address()});
    r = w.as(*anna, {"meeting", "agenda", kRoom, "add", "--subject", "201005121238"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    r = w.as(*anna, {"meeting", "agenda", kRoom, "remove"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    r = w.as(*anna, {"meeting", "minutes", kRoom, "--format", "pdf"});
    EXPECT_EQ(r.exit_code, 2) << r.describe();
}

}  // namespace
}  // namespace lagrum::clienttest
