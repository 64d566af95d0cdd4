// The consent register and the disclosure log in-process, against the fake relay
// (tests/messaging/fake_relay.h): consents from the register allow a 10 kap. 1 § share,
// a withdrawal between drafting and sending holds the queued message with the reason, a
// case close ends every consent, consent rows edited in the database are not used, and
// the log detects an edit, a deletion, an insertion, a reordering or a truncation of
// its stored entries (done on the SQLCipher database directly) at the exact entry.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fake_relay.h"
#include "fixture.h"
#include "lagrum/cert/cert.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/core/messaging/render.h"
#include "lagrum/core/records/render.h"
#include "lagrum/core/store/database.h"
#include "lagrum/core/store/profile_key.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "log.pb.h"
#include "messaging/schema.h"
#include "records/pseudonym.h"

namespace lagrum::records_test {
namespace {

namespace fs = std::filesystem;
namespace legal = core::legal;
using core::Errc;
using core::Error;
using core::messaging::Client;
using core::messaging::SendRequest;

using messaging_test::catalog;
using messaging_test::Device;
using messaging_test::kNow;
using messaging_test::kPass;
using messaging_test::MessengerTest;
using messaging_test::Org;
using messaging_test::str;

// At kNow (2026-03-02) the subject (200801012386) is 18 and may consent alone.
constexpr const char* kSubject = "200801012386";
constexpr const char* kOther = "201001012382";

crypto::ByteView bv(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// The one function behind the case pseudonym (log, consents, handover) and the meeting
// agenda's (records/pseudonym.h): every written form of a number agrees, the key
// separates, and a bad number is refused without being repeated.
TEST(Pseudonym, EveryWrittenFormOfANumberGivesOnePseudonym) {
    const crypto::Bytes key(32, 7);
    const legal::Date today{2026, 12, 6};
    const crypto::Bytes p = core::messaging::keyed_pseudonym(key, kSubject, today);
    EXPECT_EQ(p.size(), core::messaging::kPseudonymSize);
    for (const char* form : {"20080101-2386", "080101-2386", "0801012386"})
        EXPECT_EQ(core::messaging::keyed_pseudonym(key, form, today), p) << form;
    EXPECT_NE(core::messaging::keyed_pseudonym(crypto::Bytes(32, 8), kSubject, today), p);
    EXPECT_NE(core::messaging::keyed_pseudonym(key, kOther, today), p);
    try {
        (void)core::messaging::keyed_pseudonym(key, "200801012387", today);  // check digit
        ADD_FAILURE() << "a bad number was taken";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::bad_input);
        EXPECT_EQ(std::string(e.what()).find("0801"), std::string::npos) << e.what();
    }
}

class RecordsTest : public MessengerTest {
  protected:
    RecordsTest()
        : MessengerTest(
              {{"se.boras.soc", "Borås stad, socialtjänsten",
                cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES},
               {"se.polisen", "Polismyndigheten", cert::v1::AUTHORITY_TYPE_POLICE},
               {"se.boras.skola", "Borås stad, grundskola", cert::v1::AUTHORITY_TYPE_SCHOOL}},
              "lagrum-records") {}

    // Runs `fn` on the profile's SQLCipher database opened directly (the client closed
    // first, reopened after): what someone with the profile key could do to the file.
    void tamper(Device& d, const std::function<void(core::store::Database&)>& fn) {
        d.client.reset();
        {
            auto key = core::store::open_profile_key(d.dir / "key", kPass);
            auto db = core::store::Database::open(d.dir / "store.db", key,
                                                  core::messaging::profile_migrations(), false);
            fn(db);
        }
        open(d);
    }

    static core::records::ConsentRequest consent_to(std::vector<std::string> recipients,
                                                    const char* subject = kSubject) {
        core::records::ConsentRequest r;
        r.subject = subject;
        // The first subject is 18 and consents alone; the other is 16 (the guardian).
        r.given_by = std::string(subject) == kSubject ? "subject" : "guardian";
        r.recipients = std::move(recipients);
        r.purpose = "samverkan kring skolgång";
        return r;
    }

    static SendRequest by_consent(const std::string& room, const std::string& text,
                                  const char* subject = kSubject) {
        SendRequest r;
        r.room = room;
        r.subject = subject;
        r.provision = "osl-10-1";
        // A guardian's consent counts unless secrecy applies against the guardian.
        if (std::string(subject) != kSubject) {
            r.facts_json = R"({"secrecy_applies_against_guardian":false})";
        }
        r.text = text;
        return r;
    }

    static std::vector<std::string> kinds(Client& c) {
        std::vector<std::string> out;
        for (const auto& e : c.log()) out.push_back(e.kind);
        return out;
    }

    Org& soc_ = org(0);
    Org& pol_ = org(1);
    Org& school_ = org(2);
};

// ---- the consent register -------------------------------------------------------------

TEST_F(RecordsTest, ConsentFromTheRegisterAllowsTheShareAndIsLogged) {
    auto& anna = make("anna", soc_);
    auto& cecilia = make("cecilia", pol_);
    anna->create_room("fall-1", {cecilia.address});
    cecilia->sync();

    // Nothing in the register: 10 kap. 1 § has no consent to rest on.
    auto refused = anna->send(by_consent("fall-1", "utan samtycke"));
    EXPECT_FALSE(refused.allowed);
    EXPECT_NE(refused.verdict_json.find("consent_missing"), std::string::npos)
        << refused.verdict_json;

    auto c = anna->add_consent(consent_to({"police"}));
    EXPECT_GT(c.id, 0);
    EXPECT_EQ(c.status, "given");
    EXPECT_EQ(c.subject, anna->subject_pseudonym(kSubject));
    EXPECT_TRUE(c.signature_ok);
    auto r = anna->send(by_consent("fall-1", "med samtycke"));
    EXPECT_TRUE(r.allowed) << r.verdict_json;
    EXPECT_TRUE(r.sent);
    cecilia->sync();
    auto in = cecilia->inbox("fall-1");
    ASSERT_EQ(in.size(), 1u);
    EXPECT_EQ(in[0].text, "med samtycke");
    EXPECT_EQ(in[0].marking.provision(), "osl-10-1");
    EXPECT_TRUE(in[0].flags.empty()) << in[0].flag_reasons;

    EXPECT_EQ(kinds(*anna.client), (std::vector<std::string>{"refused", "consent_given", "sent"}));
    const auto log = anna->log();
    EXPECT_EQ(log[1].subject, c.subject);
    EXPECT_EQ(log[1].recipients, std::vector<std::string>{"police"});
    EXPECT_EQ(log[1].provision, "osl-10-1");
    const auto details = nlohmann::json::parse(log[1].details_json);
    EXPECT_EQ(details["consent_id"], c.id);
    EXPECT_EQ(details["purpose"], "samverkan kring skolgång");
    EXPECT_TRUE(anna->verify_log().ok);
    EXPECT_TRUE(cecilia->verify_log().ok);
}

TEST_F(RecordsTest, ConsentScopeDoesNotReachTheSchool) {
    auto& anna = make("anna", soc_);
    auto& dora = make("dora", school_);
    anna->create_room("skola", {dora.address});
    anna->add_consent(consent_to({"police"}));
    auto r = anna->send(by_consent("skola", "till skolan"));
    EXPECT_FALSE(r.allowed);
    EXPECT_NE(r.verdict_json.find("consent_scope"), std::string::npos) << r.verdict_json;
}

TEST_F(RecordsTest, WithdrawnBetweenDraftingAndSendingIsHeldWithTheReason) {
    auto& anna = make("anna", soc_);
    auto& cecilia = make("cecilia", pol_);
    anna->create_room("fall-1", {cecilia.address});
    cecilia->sync();
    const auto c = anna->add_consent(consent_to({"police"}));
    // A message about another young person stays untouched.
    anna->add_consent(consent_to({"police"}, kOther));

    anna.link->offline = true;
    auto r = anna->send(by_consent("fall-1", "utkast"));
    ASSERT_TRUE(r.allowed) << r.verdict_json;
    EXPECT_FALSE(r.sent);
    auto other = anna->send(by_consent("fall-1", "om någon annan", kOther));
    ASSERT_TRUE(other.allowed) << other.verdict_json;
    ASSERT_EQ(anna->outbox().size(), 2u);
    EXPECT_NE(anna->outbox()[0].state, "sent");  // queued or encrypted, not yet sent

    const auto change = anna->withdraw_consent(c.id);
    ASSERT_EQ(change.consents.size(), 1u);
    EXPECT_EQ(change.consents[0].status, "withdrawn");
    ASSERT_EQ(change.held.size(), 1u);
    auto box = anna->outbox();
    ASSERT_EQ(box.size(), 2u);
    EXPECT_EQ(box[0].state, "held");
    EXPECT_NE(box[0].reason.find("consent_withdrawn"), std::string::npos) << box[0].reason;
    EXPECT_NE(box[1].state, "held");
    EXPECT_NE(core::messaging::outbox_json(box).find("consent_withdrawn"), std::string::npos);

    // Back online: the held message stays held, the other one goes.
    anna.link->offline = false;
    auto report = anna->sync();
    EXPECT_EQ(report.sent, 1u);
    box = anna->outbox();
    EXPECT_EQ(box[0].state, "held");
    EXPECT_EQ(box[1].state, "sent");
    cecilia->sync();
    auto in = cecilia->inbox("fall-1");
    ASSERT_EQ(in.size(), 1u);
    EXPECT_EQ(in[0].text, "om någon annan");

    // A second withdrawal is a conflict; a new send is refused as withdrawn.
    try {
        anna->withdraw_consent(c.id);
        ADD_FAILURE() << "withdrew twice";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict);
    }
    EXPECT_THROW(anna->withdraw_consent(999), Error);
    auto again = anna->send(by_consent("fall-1", "igen"));
    EXPECT_FALSE(again.allowed);
    EXPECT_NE(again.verdict_json.find("consent_withdrawn"), std::string::npos);
    const auto k = kinds(*anna.client);
    EXPECT_NE(std::find(k.begin(), k.end(), "consent_withdrawn"), k.end());
    EXPECT_TRUE(anna->verify_log().ok);
}

TEST_F(RecordsTest, CaseCloseEndsEveryConsentAndHoldsQueuedMessages) {
    auto& anna = make("anna", soc_);
    auto& cecilia = make("cecilia", pol_);
    anna->create_room("fall-1", {cecilia.address});
    anna->add_consent(consent_to({"police"}));
    anna->add_consent(consent_to({"police", "school"}));
    anna->add_consent(consent_to({"police"}, kOther));
    anna.link->offline = true;
    ASSERT_TRUE(anna->send(by_consent("fall-1", "utkast")).allowed);

    const auto change = anna->close_case(kSubject);
    EXPECT_EQ(change.consents.size(), 2u);
    EXPECT_EQ(change.held.size(), 1u);
    for (const auto& c : anna->consents(std::string(kSubject))) {
        EXPECT_EQ(c.status, "case_closed");
        EXPECT_NE(c.ended_at, 0);
    }
    // The other young person's consent is untouched.
    const auto others = anna->consents(std::string(kOther));
    ASSERT_EQ(others.size(), 1u);
    EXPECT_EQ(others[0].status, "given");
    EXPECT_EQ(anna->consents().size(), 3u);
    const auto box = anna->outbox();
    ASSERT_EQ(box.size(), 1u);
    EXPECT_EQ(box[0].state, "held");
    EXPECT_NE(box[0].reason.find("consent_case_closed"), std::string::npos) << box[0].reason;
    auto r = anna->send(by_consent("fall-1", "efter avslut"));
    EXPECT_FALSE(r.allowed);
    EXPECT_NE(r.verdict_json.find("consent_case_closed"), std::string::npos) << r.verdict_json;
    const auto log = anna->log();
    auto closed =
        std::find_if(log.begin(), log.end(), [](const auto& e) { return e.kind == "case_closed"; });
    ASSERT_NE(closed, log.end());
    EXPECT_EQ(closed->subject, anna->subject_pseudonym(kSubject));
    EXPECT_EQ(nlohmann::json::parse(closed->details_json)["consents_ended"].size(), 2u);
    EXPECT_TRUE(anna->verify_log().ok);
}

TEST_F(RecordsTest, ConsentEditedInTheDatabaseIsNotUsed) {
    auto& anna = make("anna", soc_);
    auto& dora = make("dora", school_);
    anna->create_room("skola", {dora.address});
    const auto c = anna->add_consent(consent_to({"police"}));
    // Widen the scope to the school behind Lagrum's back.
    tamper(anna, [&](core::store::Database& db) {
        db.prepare("UPDATE consents SET recipients = 'police,school' WHERE id = ?")
            .bind(1, c.id)
            .run();
    });
    const auto list = anna->consents();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_FALSE(list[0].signature_ok);
    try {
        anna->send(by_consent("skola", "till skolan"));
        ADD_FAILURE() << "a tampered consent was used";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::corrupt_store);
    }
    EXPECT_TRUE(dora->inbox().empty());
}

TEST_F(RecordsTest, ConsentDocumentIsStoredAndItsHashLogged) {
    auto& anna = make("anna", soc_);
    auto req = consent_to({"police"});
    req.valid_until = legal::Date{2026, 6, 30};
    req.given_by = "guardian";
    req.subject = kOther;  // 16 on kNow: a guardian may consent
    req.document = core::records::ConsentDocument{"samtycke.pdf", std::string("%PDF-1.4 signerat")};
    const auto c = anna->add_consent(req);
    EXPECT_EQ(c.document_name, "samtycke.pdf");
    EXPECT_EQ(c.document_sha256.size(), 64u);
    EXPECT_EQ(c.valid_until, (legal::Date{2026, 6, 30}));
    const auto log = anna->log();
    ASSERT_EQ(log.size(), 1u);
    const auto d = nlohmann::json::parse(log[0].details_json);
    EXPECT_EQ(d["document"]["sha256"], c.document_sha256);
    EXPECT_EQ(d["given_by"], "guardian");
    // The document's bytes are covered too.
    tamper(anna, [&](core::store::Database& db) {
        db.prepare("UPDATE consents SET document = x'00' WHERE id = ?").bind(1, c.id).run();
    });
    EXPECT_FALSE(anna->consents()[0].signature_ok);
    // Bounds and bad input.
    auto big = consent_to({"police"});
    big.document = core::records::ConsentDocument{
        "x.pdf", std::string(core::records::kMaxConsentDocument + 1, 'x')};
    EXPECT_THROW(anna->add_consent(big), Error);
    auto bad = consent_to({"the_moon"});
    EXPECT_THROW(anna->add_consent(bad), Error);
    bad = consent_to({"police"});
    bad.given_by = "neighbour";
    EXPECT_THROW(anna->add_consent(bad), Error);
    bad = consent_to({"police"});
    bad.subject = "200801012384";  // wrong check digit
    EXPECT_THROW(anna->add_consent(bad), Error);
    EXPECT_EQ(anna->consents().size(), 1u);
}

// ---- log tampering ----------------------------------------------------------------------

class LogTamperTest : public RecordsTest {
  protected:
    // Five entries: consents given and withdrawn, a case closed.
    Device& five_entries() {
        auto& anna = make("anna", soc_);
        const auto a = anna->add_consent(consent_to({"police"}));
        anna->add_consent(consent_to({"school"}));
        anna->withdraw_consent(a.id);
        anna->add_consent(consent_to({"police"}, kOther));
        anna->close_case(kSubject);
        EXPECT_EQ(anna->log().size(), 5u);
        EXPECT_TRUE(anna->verify_log().ok);
        return anna;
    }

    static crypto::Bytes column(core::store::Database& db, const char* col, int position) {
        auto st = db.prepare(std::string("SELECT ") + col + " FROM log WHERE position = ?");
        st.bind(1, position);
        EXPECT_TRUE(st.step());
        return st.blob(0);
    }

    static void expect_bad(Client& c, std::int64_t position, const std::string& words) {
        const auto v = c.verify_log();
        EXPECT_FALSE(v.ok);
        EXPECT_EQ(v.first_bad, position) << v.problem;
        EXPECT_NE(v.problem.find(words), std::string::npos) << v.problem;
        EXPECT_NE(core::records::verification_text(v).find("entry " + std::to_string(position)),
                  std::string::npos);
    }
};

TEST_F(LogTamperTest, EditedEntry) {
    auto& anna = five_entries();
    tamper(anna, [&](core::store::Database& db) {
        auto bytes = column(db, "record", 3);
        log::v1::LogRecord r;
        ASSERT_TRUE(r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
        r.set_kind("consent_given");  // "withdrawn" rewritten as "given"
        const std::string edited = r.SerializeAsString();
        db.prepare("UPDATE log SET record = ? WHERE position = 3").bind(1, bv(edited)).run();
    });
    expect_bad(*anna.client, 3, "changed");
}

TEST_F(LogTamperTest, EditedEntryWithRecomputedHash) {
    // The editor recomputes the chain hash but cannot sign it.
    auto& anna = five_entries();
    tamper(anna, [&](core::store::Database& db) {
        auto bytes = column(db, "record", 2);
        log::v1::LogRecord r;
        ASSERT_TRUE(r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
        r.clear_recipients();
        r.add_recipients("police");
        const std::string edited = r.SerializeAsString();
        crypto::Bytes in;
        const std::string label = "lagrum-log/1";
        in.assign(label.begin(), label.end());
        in.insert(in.end(), r.previous_hash().begin(), r.previous_hash().end());
        in.insert(in.end(), edited.begin(), edited.end());
        db.prepare("UPDATE log SET record = ?, hash = ? WHERE position = 2")
            .bind(1, bv(edited))
            .bind(2, crypto::sha256(in))
            .run();
    });
    expect_bad(*anna.client, 2, "signature");
}

TEST_F(LogTamperTest, DeletedEntry) {
    auto& anna = five_entries();
    tamper(anna, [](core::store::Database& db) { db.exec("DELETE FROM log WHERE position = 2"); });
    expect_bad(*anna.client, 2, "missing");
}

TEST_F(LogTamperTest, InsertedEntry) {
    // A copy of entry 2 slipped in as the new entry 3; the rest move up by one.
    auto& anna = five_entries();
    tamper(anna, [&](core::store::Database& db) {
        const auto record = column(db, "record", 2), hash = column(db, "hash", 2),
                   sig = column(db, "signature", 2);
        db.exec("UPDATE log SET position = -position WHERE position >= 3");
        db.exec("UPDATE log SET position = 1 - position WHERE position < 0");
        db.prepare("INSERT INTO log(position, record, hash, signature) VALUES (3, ?, ?, ?)")
            .bind(1, record)
            .bind(2, hash)
            .bind(3, sig)
            .run();
    });
    expect_bad(*anna.client, 3, "position");
}

TEST_F(LogTamperTest, ReorderedEntries) {
    auto& anna = five_entries();
    tamper(anna, [&](core::store::Database& db) {
        db.exec("UPDATE log SET position = -1 WHERE position = 2");
        db.exec("UPDATE log SET position = 2 WHERE position = 4");
        db.exec("UPDATE log SET position = 4 WHERE position = -1");
    });
    expect_bad(*anna.client, 2, "position");
}

TEST_F(LogTamperTest, TruncatedLog) {
    auto& anna = five_entries();
    tamper(anna, [](core::store::Database& db) { db.exec("DELETE FROM log WHERE position >= 4"); });
    expect_bad(*anna.client, 4, "cut off");
}

TEST_F(LogTamperTest, AppendingContinuesAnIntactChain) {
    auto& anna = five_entries();
    anna.client.reset();
    open(anna);
    anna->add_consent(consent_to({"police"}));
    const auto v = anna->verify_log();
    EXPECT_TRUE(v.ok) << v.problem;
    EXPECT_EQ(v.entries, 6);
}

// ---- rendering --------------------------------------------------------------------------

TEST_F(RecordsTest, ExportJsonSaysWhoWhatToWhomOnWhichBasisWhen) {
    auto& anna = make("anna", soc_);
    auto& cecilia = make("cecilia", pol_);
    anna->create_room("fall-1", {cecilia.address});
    anna->add_consent(consent_to({"police"}));
    anna->add_consent(consent_to({"police"}, kOther));
    SendRequest r = by_consent("fall-1", "med samtycke");
    r.categories = {"health"};
    auto sent = anna->send(r);
    ASSERT_TRUE(sent.allowed) << sent.verdict_json;
    core::records::LogFilter f;
    f.subject = kSubject;
    const auto entries = anna->log(f);
    ASSERT_EQ(entries.size(), 2u);  // the other subject's consent is left out
    core::records::LogExportOptions o;
    o.actor = anna.address;
    o.subject = anna->subject_pseudonym(kSubject);
    o.exported_at = kNow;
    o.verification = anna->verify_log();
    o.catalog = &catalog();
    const auto j = nlohmann::json::parse(core::records::log_export_json(entries, o));
    EXPECT_EQ(j["format"], "lagrum-log-export/1");
    EXPECT_EQ(j["verification"]["ok"], true);
    ASSERT_EQ(j["entries"].size(), 2u);
    const auto& e = j["entries"][1];
    EXPECT_EQ(e["kind"], "sent");
    EXPECT_EQ(e["who"], anna.address);
    EXPECT_EQ(e["to"], nlohmann::json::array({cecilia.address}));
    EXPECT_EQ(e["categories"], nlohmann::json::array({"health"}));
    EXPECT_EQ(e["provision"], "osl-10-1");
    EXPECT_FALSE(e["citation"].get<std::string>().empty());
    EXPECT_EQ(e["at"], "2026-03-02T12:00:00Z");
    EXPECT_EQ(e["subject"], o.subject);
    // No personnummer anywhere in the export.
    EXPECT_EQ(j.dump().find("200801012386"), std::string::npos);
    EXPECT_EQ(j.dump().find("0801012386"), std::string::npos);

    // The table (PDF and the app's log view) names categories in the reader's language,
    // never by the catalog's code (the app's screenshot showed "health").
    const auto table_cell = [&](const core::records::ReportLayout& l, const std::string& col) {
        for (const auto& sec : l.sections) {
            for (std::size_t i = 0; i < sec.table_header.size(); ++i) {
                if (sec.table_header[i] == col && sec.rows.size() == 2) return sec.rows[1][i];
            }
        }
        return std::string("(no such column)");
    };
    const auto layout = core::records::log_export_layout(entries, o);
    EXPECT_EQ(layout.title, "Utlämnandelogg");
    EXPECT_EQ(table_cell(layout, "Uppgifter"), "hälsouppgifter");
    o.lang = "en";
    const auto layout_en = core::records::log_export_layout(entries, o);
    EXPECT_EQ(layout_en.title, "Disclosure log");
    EXPECT_EQ(table_cell(layout_en, "Categories"), "health information");
}

// A flagged receipt and a refused send, as the log stores them (codes, and the verdict
// with its sentences): the export's event column says them in the reader's language, never
// as "marking_invalid" or "recipient_not_allowed" (a printed case file is read by people).
TEST(LogExport, FlagsAndRefusalReasonsAreWordsNotCodes) {
    core::records::LogEntry received;
    received.position = 1;
    received.kind = "received";
    received.details_json =
        R"({"validation":"flagged","flags":"marking_invalid,binding_mismatch,newer_code"})";
    core::records::LogEntry refused;
    refused.position = 2;
    refused.kind = "refused";
    refused.details_json =
        R"({"verdict":{"reasons":[{"code":"conditions_met"},)"
        R"({"code":"recipient_not_allowed","sv":"Får inte.","en":"May not."}]}})";
    core::records::LogEntry old_refused = refused;
    old_refused.position = 3;
    old_refused.details_json = R"({"verdict":{"reasons":[{"code":"subject_too_old"}]}})";
    const std::vector<core::records::LogEntry> entries{received, refused, old_refused};
    const auto events = [&](const std::string& lang) {
        core::records::LogExportOptions o;
        o.lang = lang;
        const auto layout = core::records::log_export_layout(entries, o);
        std::vector<std::string> out;
        for (const auto& sec : layout.sections) {
            for (const auto& row : sec.rows) out.push_back(row.at(2));
        }
        return out;
    };
    const auto sv = events("sv");
    ASSERT_EQ(sv.size(), 3u);
    EXPECT_EQ(sv[0],
              "Mottaget\n(flaggat: Sekretessmarkeringen klarade inte kontrollen; Meddelandet hör "
              "inte till den här konversationen; Innehållet kunde inte kontrolleras)");
    EXPECT_EQ(sv[1], "Nekat av rättskontrollen\n(Får inte.)");
    // An entry without the sentences (none today) still says something: its code.
    EXPECT_EQ(sv[2], "Nekat av rättskontrollen\n(subject_too_old)");
    const auto en = events("en");
    ASSERT_EQ(en.size(), 3u);
    EXPECT_NE(en[0].find("flagged: The secrecy marking did not pass validation; The message "
                         "does not belong to this conversation"),
              std::string::npos)
        << en[0];
    EXPECT_EQ(en[1], "Refused by the legal check\n(May not.)");
    EXPECT_EQ(core::messaging::flag_title("marking_missing", false), "Ingen sekretessmarkering");
}

}  // namespace
}  // namespace lagrum::records_test
