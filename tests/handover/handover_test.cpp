// Case handover in-process against the in-memory relay (tests/messaging/fake_relay.h):
// the whole handover between two socialsekreterare with the police in the case's room,
// a bundle changed after signing (signature, a message) rejected with the reason and
// nothing stored, and bad requests.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_relay.h"
#include "fixture.h"
#include "handover.pb.h"
#include "lagrum/cert/cert.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"

namespace lagrum::messaging_test {
namespace {

namespace fs = std::filesystem;
namespace legal = core::legal;
using core::Errc;
using core::Error;
using core::handover::HandoverRequest;
using core::messaging::Client;
using core::messaging::Message;
using core::messaging::SendRequest;
using json = nlohmann::json;

// 18 at kNow (2026-03-02).
constexpr const char* kSubject = "200801012386";

class HandoverTest : public MessengerTest {
  protected:
    HandoverTest()
        : MessengerTest({{"se.boras.soc", "Borås stad, socialtjänsten",
                          cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES, "socialsekreterare"},
                         {"se.polisen.vast", "Polisen, region Väst",
                          cert::v1::AUTHORITY_TYPE_POLICE, "socialsekreterare"}},
                        "lagrum-handover") {}

    // osl-10-2 (necessary for the sender's own task): allowed from and to anyone.
    static SendRequest to_room(const std::string& room, const std::string& text) {
        SendRequest r;
        r.room = room;
        r.subject = kSubject;
        r.provision = "osl-10-2";
        r.facts_json = R"({"necessary_for_own_task":true})";
        r.text = text;
        return r;
    }

    // Anna and Cecilia share the case room "case-1", with two messages about the subject
    // (one each way) and one about somebody else.
    void case_room() {
        anna_ = &make("anna", soc_);
        bertil_ = &make("bertil", soc_);
        cecilia_ = &make("cecilia", pol_);
        (*anna_)->create_room("case-1", {cecilia_->address});
        ASSERT_TRUE((*anna_)->send(to_room("case-1", "Anna: hembesök gjort")).sent);
        auto other = to_room("case-1", "Anna: om ett annat barn");
        other.subject = "201001022381";
        ASSERT_TRUE((*anna_)->send(other).sent);
        (*cecilia_)->sync();
        ASSERT_TRUE((*cecilia_)->send(to_room("case-1", "Cecilia: anmälan upprättad")).sent);
        (*anna_)->sync();
    }

    static std::vector<Message> handed_over(Device& d) {
        std::vector<Message> out;
        for (auto& m : d->inbox()) {
            if (m.via_handover) out.push_back(std::move(m));
        }
        return out;
    }

    static std::vector<std::string> kinds(Device& d) {
        std::vector<std::string> out;
        for (const auto& e : d->log()) out.push_back(e.kind);
        return out;
    }

    static bool has(const std::vector<std::string>& v, const std::string& x) {
        return std::find(v.begin(), v.end(), x) != v.end();
    }

    static bool in_room(Device& d, const std::string& room, const std::string& address) {
        for (const auto& m : d->room(room).members) {
            if (m.address == address) return true;
        }
        return false;
    }

    Org& soc_ = org(0);
    Org& pol_ = org(1);
    Device* anna_ = nullptr;
    Device* bertil_ = nullptr;
    Device* cecilia_ = nullptr;
};

TEST_F(HandoverTest, SuccessorGetsHistoryAndPredecessorLosesTheRoom) {
    case_room();
    auto& anna = *anna_;
    auto& bertil = *bertil_;
    auto& cecilia = *cecilia_;
    HandoverRequest req;
    req.subject = kSubject;
    req.successor = bertil.address;
    const auto r = anna->hand_over(req);
    EXPECT_EQ(r.rooms, std::vector<std::string>{"case-1"});
    // Only what Anna's device knows to be about the subject (her own message: a received
    // one carries the sender's per-device pseudonym).
    EXPECT_EQ(r.messages, 1u);
    EXPECT_GE(r.log_entries, 1u);
    EXPECT_TRUE(in_room(anna, "case-1", bertil.address));

    const auto report = bertil->sync();
    EXPECT_EQ(report.errors, 0u);
    const auto got = handed_over(bertil);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].room, "case-1");
    EXPECT_EQ(got[0].text, "Anna: hembesök gjort");
    EXPECT_EQ(got[0].sender_organisation + "/" + got[0].sender_member, anna.address);
    EXPECT_EQ(got[0].handed_over_by, anna.address);
    ASSERT_TRUE(got[0].has_marking);
    EXPECT_EQ(got[0].marking.provision(), "osl-10-2");
    EXPECT_FALSE(got[0].outgoing);
    // The message about another child stayed behind.
    for (const auto& m : bertil->inbox()) EXPECT_NE(m.text, "Anna: om ett annat barn");

    const auto v = bertil->verify_handovers();
    EXPECT_TRUE(v.ok);
    ASSERT_EQ(v.bundles.size(), 1u);
    EXPECT_EQ(v.bundles[0].handover.handover_id, r.handover_id);
    // Bertil removed Anna from the case room after verifying the bundle.
    EXPECT_FALSE(in_room(bertil, "case-1", anna.address));
    EXPECT_TRUE(has(kinds(bertil), "handover_received"));
    EXPECT_TRUE(bertil->verify_log().ok);
    // The handed-over messages carry Bertil's pseudonym of the subject: he can find them.
    EXPECT_EQ(bertil->log().back().subject.empty(), false);

    anna->sync();
    EXPECT_FALSE(anna->room("case-1").active);
    const auto mine = anna->handovers();
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].state, "completed");
    EXPECT_TRUE(has(kinds(anna), "handover_sent"));
    EXPECT_TRUE(has(kinds(anna), "handover_completed"));
    EXPECT_TRUE(anna->verify_log().ok);

    // Later messages reach Bertil, not Anna.
    ASSERT_TRUE(cecilia->send(to_room("case-1", "Cecilia: efter överlämningen")).sent);
    bertil->sync();
    bool bertil_has = false;
    for (const auto& m : bertil->inbox("case-1")) {
        if (m.text == "Cecilia: efter överlämningen") bertil_has = true;
    }
    EXPECT_TRUE(bertil_has);
    const auto after = anna->sync();
    EXPECT_EQ(after.messages, 0u);
    for (const auto& m : anna->inbox()) EXPECT_NE(m.text, "Cecilia: efter överlämningen");
}

TEST_F(HandoverTest, ChangedSignatureIsRejectedAndNothingStored) {
    case_room();
    auto& anna = *anna_;
    auto& bertil = *bertil_;
    HandoverRequest req;
    req.subject = kSubject;
    req.successor = bertil.address;
    req.tamper_for_testing = [](lagrum::handover::v1::HandoverBundle& b) {
        std::string sig = b.signature();
        sig[5] = static_cast<char>(sig[5] ^ 0x01);
        b.set_signature(sig);
    };
    anna->hand_over(req);
    const auto report = bertil->sync();
    EXPECT_EQ(report.errors, 1u);
    EXPECT_TRUE(handed_over(bertil).empty());
    const auto v = bertil->verify_handovers();
    EXPECT_FALSE(v.ok);
    ASSERT_EQ(v.bundles.size(), 1u);
    EXPECT_NE(v.bundles[0].problem.find("signature"), std::string::npos) << v.bundles[0].problem;
    EXPECT_TRUE(has(kinds(bertil), "handover_rejected"));
    EXPECT_FALSE(has(kinds(bertil), "handover_received"));
    // Anna keeps the room: nobody removed her.
    EXPECT_TRUE(in_room(bertil, "case-1", anna.address));
    anna->sync();
    EXPECT_TRUE(anna->room("case-1").active);
    ASSERT_EQ(anna->handovers().size(), 1u);
    EXPECT_EQ(anna->handovers()[0].state, "failed");
    EXPECT_TRUE(has(kinds(anna), "handover_failed"));
}

TEST_F(HandoverTest, ChangedMessageIsRejectedByItsHash) {
    case_room();
    auto& anna = *anna_;
    auto& bertil = *bertil_;
    HandoverRequest req;
    req.subject = kSubject;
    req.successor = bertil.address;
    req.tamper_for_testing = [](lagrum::handover::v1::HandoverBundle& b) {
        lagrum::handover::v1::HandedOverMessage m;
        ASSERT_TRUE(m.ParseFromString(b.messages(0)));
        m.set_text("Anna: inget att rapportera");
        b.set_messages(0, m.SerializeAsString());
    };
    anna->hand_over(req);
    bertil->sync();
    EXPECT_TRUE(handed_over(bertil).empty());
    const auto v = bertil->verify_handovers();
    EXPECT_FALSE(v.ok);
    ASSERT_EQ(v.bundles.size(), 1u);
    EXPECT_EQ(v.bundles[0].problem, "message 1 of the bundle does not match its signed hash");
}

TEST_F(HandoverTest, DroppedMessageIsRejected) {
    case_room();
    auto& anna = *anna_;
    auto& bertil = *bertil_;
    HandoverRequest req;
    req.subject = kSubject;
    req.successor = bertil.address;
    req.tamper_for_testing = [](lagrum::handover::v1::HandoverBundle& b) { b.clear_messages(); };
    anna->hand_over(req);
    bertil->sync();
    const auto v = bertil->verify_handovers();
    EXPECT_FALSE(v.ok);
    ASSERT_EQ(v.bundles.size(), 1u);
    EXPECT_NE(v.bundles[0].problem.find("lists 1"), std::string::npos) << v.bundles[0].problem;
}

TEST_F(HandoverTest, BadRequests) {
    case_room();
    auto& anna = *anna_;
    auto code = [&](const std::string& subject, const std::string& to) {
        HandoverRequest req;
        req.subject = subject;
        req.successor = to;
        try {
            anna->hand_over(req);
        } catch (const Error& e) {
            return e.code();
        }
        return Errc::internal;  // "no error" marker: every case below must throw
    };
    EXPECT_EQ(code(kSubject, cecilia_->address), Errc::bad_input);  // another organisation
    EXPECT_EQ(code(kSubject, anna_->address), Errc::bad_input);     // yourself
    EXPECT_EQ(code(kSubject, "no-slash"), Errc::bad_input);
    EXPECT_EQ(code("200801012387", bertil_->address), Errc::bad_input);  // bad check digit
    EXPECT_EQ(code("", bertil_->address), Errc::bad_input);
    EXPECT_EQ(code("201203042385", bertil_->address), Errc::not_found);  // nothing about them
    // Nothing was handed over: Bertil has no bundle, `handover verify` would say so.
    bertil_->client->sync();
    EXPECT_FALSE(bertil_->client->verify_handovers().ok);
    EXPECT_TRUE(bertil_->client->verify_handovers().bundles.empty());
}

}  // namespace
}  // namespace lagrum::messaging_test
