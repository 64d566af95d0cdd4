// The consent register and the disclosure log through the real `lagrum` binary and a real
// lagrum-relay, three client processes (tests/client/client_harness.h): after a normal
// exchange every log verifies (sent and received entries on both sides); a consent
// withdrawn between drafting and sending holds the queued message with the reason; a
// case close ends every consent; an entry deleted from the SQLCipher database makes
// `log verify` exit 4 naming it; `log export` as JSON and as PDF (pdfinfo page count,
// pdftotext with the citations and the Swedish or English headings).
//
//   LAGRUM_CLIENT_KEEP_TMP=1  keep the world folder (profiles, relay log, PDFs)
#include <gtest/gtest.h>

#include <cstdlib>

#include "client_harness.h"
#include "lagrum/core/store/database.h"
#include "lagrum/core/store/profile_key.h"
#include "messaging/schema.h"

namespace lagrum::clienttest {
namespace {

constexpr const char* kYoung = "201005121239";  // 16 in December 2026

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

int pdf_pages(const fs::path& pdf) {
    const auto info = capture("pdfinfo '" + pdf.string() + "'");
    const auto at = info.find("Pages:");
    return at == std::string::npos ? -1 : std::stoi(info.substr(at + 6));
}

// pdftotext with every run of white space as one space (table cells wrap).
std::string pdf_text(const fs::path& pdf) {
    const auto raw = capture("pdftotext '" + pdf.string() + "' -");
    std::string out;
    for (char c : raw) {
        const bool space = c == ' ' || c == '\n' || c == '\t' || c == '\f';
        if (space && (out.empty() || out.back() == ' ')) continue;
        out.push_back(space ? ' ' : c);
    }
    return out;
}

class RecordsIntegration : public ::testing::Test {
  protected:
    void SetUp() override {
        w.add_org("soc", "se.boras.soc", "Borås stad socialtjänst", "social_services");
        w.add_org("pol", "se.polisen.vast", "Polisen Region Väst", "police");
        w.add_org("sch", "se.boras.skola", "Sjöängsskolan", "school");
        w.start_relay();
        anna = &w.add_member("anna", "soc", "anna", "Anna Andersson", "socialsekreterare");
        cecilia = &w.add_member("cecilia", "pol", "cecilia", "Cecilia Carlsson", "polis");
        dora = &w.add_member("dora", "sch", "dora", "Dora Dahl", "rektor");
    }

    std::int64_t add_school_consent() {
        auto r = w.must(
            *anna, {"consent", "add", "--subject", kYoung, "--given-by", "guardian", "--recipients",
                    "school", "--purpose", "Skolgången", "--until", "2099-06-30", "--json"});
        EXPECT_EQ(r.j().at("status"), "given");
        EXPECT_EQ(r.out.find(kYoung), std::string::npos);  // never the personnummer
        return r.j().at("id").get<std::int64_t>();
    }

    RunResult send_consent_based(const std::string& text) {
        // A guardian's consent counts unless secrecy applies against the guardian.
        const auto facts = w.dir() / "facts-guardian.json";
        write_file(facts, R"({"secrecy_applies_against_guardian":false})");
        return w.as(*anna, {"send", "--to", dora->address(), "--subject", kYoung, "--provision",
                            "osl-10-1", "--facts", facts.string(), "--text", text, "--json"});
    }

    World w;
    Member* anna = nullptr;
    Member* cecilia = nullptr;
    Member* dora = nullptr;
};

TEST_F(RecordsIntegration, LogsVerifyAfterAnExchangeAndExportAsJsonAndPdf) {
    w.must(*anna, {"send", "--to", cecilia->address(), "--subject", kSubject, "--provision",
                   "osl-10-18a", "--facts", w.facts().string(), "--text", "Oro kring den unge."});
    add_school_consent();
    auto sent = send_consent_based("Vårdnadshavarna har samtyckt.");
    ASSERT_TRUE(sent.ok()) << sent.describe();
    EXPECT_EQ(sent.j().at("sent"), true) << sent.describe();
    w.must(*cecilia, {"sync"});
    w.must(*dora, {"sync"});

    // Both sides of each exchange are logged, and every log verifies.
    auto anna_v = w.must(*anna, {"log", "verify", "--json"}).j();
    EXPECT_EQ(anna_v.at("ok"), true);
    EXPECT_EQ(anna_v.at("entries"), 3);  // sent, consent_given, sent
    for (auto* m : {cecilia, dora}) {
        auto v = w.must(*m, {"log", "verify", "--json"}).j();
        EXPECT_EQ(v.at("ok"), true) << m->key;
        EXPECT_EQ(v.at("entries"), 1) << m->key;  // received
        auto text = w.must(*m, {"log", "verify"});
        EXPECT_NE(text.out.find("log verified: 1 entries"), std::string::npos) << text.out;
    }

    // JSON export about one young person: who, categories, to whom, basis, when.
    const auto json_out = w.dir() / "logg.json";
    w.must(*anna,
           {"log", "export", "--subject", kYoung, "--format", "json", "--out", json_out.string()});
    auto ex = json::parse(read_file(json_out));
    EXPECT_EQ(ex.at("format"), "lagrum-log-export/1");
    EXPECT_EQ(ex.at("verification").at("ok"), true);
    ASSERT_EQ(ex.at("entries").size(), 2u);
    EXPECT_EQ(ex["entries"][0]["kind"], "consent_given");
    EXPECT_EQ(ex["entries"][1]["kind"], "sent");
    EXPECT_EQ(ex["entries"][1]["who"], anna->address());
    EXPECT_EQ(ex["entries"][1]["to"], json::array({dora->address()}));
    EXPECT_EQ(ex["entries"][1]["provision"], "osl-10-1");
    EXPECT_EQ(read_file(json_out).find(kYoung), std::string::npos);
    auto dora_json = w.dir() / "dora.json";
    w.must(*dora, {"log", "export", "--format", "json", "--out", dora_json.string()});
    auto dx = json::parse(read_file(dora_json));
    ASSERT_EQ(dx.at("entries").size(), 1u);
    EXPECT_EQ(dx["entries"][0]["kind"], "received");
    EXPECT_EQ(dx["entries"][0]["who"], anna->address());

    // PDF, Swedish and English.
    const auto sv = w.dir() / "logg.pdf", en = w.dir() / "log-en.pdf";
    auto pdf = w.must(*anna, {"log", "export", "--format", "pdf", "--out", sv.string()});
    EXPECT_NE(pdf.out.find("1 page(s)"), std::string::npos) << pdf.out;
    w.must(*anna, {"log", "export", "--format", "pdf", "--lang", "en", "--out", en.string()});
    EXPECT_EQ(pdf_pages(sv), 1);
    EXPECT_EQ(pdf_pages(en), 1);
    const auto text_sv = pdf_text(sv), text_en = pdf_text(en);
    for (const char* s :
         {"Utlämnandelogg", "Urval", "Kontroll av loggkedjan", "Utlämnanden och händelser",
          "Rättslig grund", "Uppgifter", "10 kap. 18 a § OSL", "10 kap. 1 §", "Samtycke lämnat",
          "Skickat", "Loggkedjan är obruten", "cecilia"}) {  // addresses wrap in cells
        EXPECT_NE(text_sv.find(s), std::string::npos) << s << "\n" << text_sv;
    }
    for (const char* s : {"Disclosure log", "Legal basis", "Consent given", "10 kap. 18 a § OSL",
                          "The log chain is intact"}) {
        EXPECT_NE(text_en.find(s), std::string::npos) << s << "\n" << text_en;
    }
    EXPECT_EQ(text_sv.find(kYoung), std::string::npos);

    // Bad input exits 2 with one line.
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"log", "export", "--format", "xml", "--out", "x"},
          {"log", "export", "--format", "json", "--from", "2026-13-01", "--out", "x"},
          {"log", "export", "--format", "json", "--lang", "de", "--out", "x"},
          {"consent", "withdraw", "abc"},
          {"consent", "add", "--subject", kYoung, "--given-by", "neighbour", "--recipients",
           "school"},
          {"consent", "add", "--subject", "201005121238", "--given-by", "guardian", "--recipients",
           "school"},
          {"consent", "add", "--subject", kYoung, "--given-by", "guardian", "--recipients",
           "moon"}}) {
        auto r = w.as(*anna, args);
        EXPECT_EQ(r.exit_code, 2) << r.describe();
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.describe();
    }

    // An entry deleted from the database behind Lagrum's back: exit 4, naming it.
    {
        auto key = core::store::open_profile_key(anna->profile / "key", anna->passphrase);
        auto db = core::store::Database::open(anna->profile / "store.db", key,
                                              core::messaging::profile_migrations(), false);
        db.exec("DELETE FROM log WHERE position = 2");
    }
    auto bad = w.as(*anna, {"log", "verify"});
    EXPECT_EQ(bad.exit_code, 4) << bad.describe();
    EXPECT_NE(bad.err.find("log entry 2: entry 2 is missing"), std::string::npos) << bad.err;
    auto bad_json = w.as(*anna, {"log", "verify", "--json"});
    EXPECT_EQ(bad_json.exit_code, 4);
    EXPECT_EQ(bad_json.j().at("first_bad"), 2);
    // The export still works and says the chain is broken.
    w.must(*anna, {"log", "export", "--format", "pdf", "--out", sv.string()});
    EXPECT_NE(pdf_text(sv).find("LOGGKEDJAN ÄR BRUTEN vid post 2"), std::string::npos);
}

TEST_F(RecordsIntegration, WithdrawnBetweenDraftingAndSendingIsHeldAndCaseCloseEndsConsents) {
    const auto id = add_school_consent();
    auto first = send_consent_based("Första meddelandet.");
    ASSERT_TRUE(first.ok()) << first.describe();
    EXPECT_EQ(first.j().at("sent"), true);

    // Drafted while the relay is down: queued.
    w.stop_relay();
    auto queued = send_consent_based("Uppföljning på torsdag.");
    ASSERT_TRUE(queued.ok()) << queued.describe();
    EXPECT_EQ(queued.j().at("sent"), false);
    auto withdrawn = w.must(*anna, {"consent", "withdraw", std::to_string(id), "--json"}).j();
    EXPECT_EQ(withdrawn.at("consents")[0].at("status"), "withdrawn");
    ASSERT_EQ(withdrawn.at("held_outbox").size(), 1u);
    auto box = w.must(*anna, {"outbox", "--json"}).j();
    ASSERT_EQ(box.size(), 2u);
    EXPECT_EQ(box[1].at("state"), "held");
    EXPECT_NE(box[1].at("reason").get<std::string>().find("consent_withdrawn"), std::string::npos)
        << box.dump();
    auto box_text = w.must(*anna, {"outbox"});
    EXPECT_NE(box_text.out.find("held: the consent register no longer allows it"),
              std::string::npos)
        << box_text.out;

    // Back online: the held message never leaves.
    w.start_relay();
    w.must(*anna, {"sync"});
    w.must(*dora, {"sync"});
    auto inbox = w.must(*dora, {"inbox", "--json"}).j();
    ASSERT_EQ(inbox.size(), 1u);
    EXPECT_EQ(inbox[0].at("text"), "Första meddelandet.");
    EXPECT_EQ(w.must(*anna, {"outbox", "--json"}).j()[1].at("state"), "held");
    auto again = send_consent_based("En sak till.");
    EXPECT_EQ(again.exit_code, 3) << again.describe();
    EXPECT_NE(again.out.find("consent_withdrawn"), std::string::npos);
    auto twice = w.as(*anna, {"consent", "withdraw", std::to_string(id)});
    EXPECT_EQ(twice.exit_code, 1) << twice.describe();

    // Case closed: every consent of the case ends.
    add_school_consent();
    w.must(*anna, {"consent", "add", "--subject", kYoung, "--given-by", "guardian", "--recipients",
                   "school,police"});
    auto closed = w.must(*anna, {"case", "close", "--subject", kYoung, "--json"}).j();
    EXPECT_EQ(closed.at("consents").size(), 2u);
    auto list = w.must(*anna, {"consent", "list", "--subject", kYoung, "--json"}).j();
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].at("status"), "withdrawn");
    EXPECT_EQ(list[1].at("status"), "case_closed");
    EXPECT_EQ(list[2].at("status"), "case_closed");
    for (const auto& c : list) EXPECT_EQ(c.at("signature_ok"), true);
    auto after = send_consent_based("Efter avslut.");
    EXPECT_EQ(after.exit_code, 3);
    EXPECT_NE(after.out.find("consent_case_closed"), std::string::npos) << after.out;
    auto v = w.must(*anna, {"log", "verify", "--json"}).j();
    EXPECT_EQ(v.at("ok"), true);
}

}  // namespace
}  // namespace lagrum::clienttest
