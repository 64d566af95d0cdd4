// Client::handover_preview: what the handover wizard shows before the user confirms.
// It counts what hand_over then sends, writes and sends nothing, and refuses the same
// bad requests.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture.h"
#include "lagrum/core/error.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::messaging_test {
namespace {

using core::Errc;
using core::Error;
using core::handover::HandoverRequest;
using core::messaging::SendRequest;

constexpr const char* kSubject = "200801012386";

class HandoverPreviewTest : public MessengerTest {
  protected:
    HandoverPreviewTest()
        : MessengerTest(
              {{"se.boras.soc", "Borås stad, socialtjänsten",
                cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES, "socialsekreterare"},
               {"se.polisen.vast", "Polisen, region Väst", cert::v1::AUTHORITY_TYPE_POLICE}},
              "lagrum-preview") {}

    static SendRequest about(const std::string& subject, const std::string& text) {
        SendRequest r;
        r.subject = subject;
        r.provision = "osl-10-2";
        r.facts_json = R"({"necessary_for_own_task":true})";
        r.text = text;
        return r;
    }
};

TEST_F(HandoverPreviewTest, CountsWhatHandOverSendsAndChangesNothing) {
    auto& anna = make("anna", org(0));
    auto& bertil = make("bertil", org(0));
    auto& cecilia = make("cecilia", org(1));
    anna->create_room("case-1", {cecilia.address});
    auto m = about(kSubject, "Anna: hembesök gjort");
    m.room = "case-1";
    ASSERT_TRUE(anna->send(m).sent);
    auto other = about("201001022381", "Anna: om ett annat barn");
    other.room = "case-1";
    ASSERT_TRUE(anna->send(other).sent);
    auto direct = about(kSubject, "Anna direkt till Cecilia");
    direct.to = cecilia.address;
    ASSERT_TRUE(anna->send(direct).sent);

    const auto log_before = anna->log().size();
    const auto rooms_before = anna->rooms().size();
    HandoverRequest req;
    req.subject = kSubject;
    req.successor = bertil.address;
    const auto p = anna->handover_preview(req);
    EXPECT_TRUE(p.handover_id.empty());
    EXPECT_EQ(p.successor, bertil.address);
    EXPECT_EQ(p.rooms, std::vector<std::string>{"case-1"});
    EXPECT_EQ(p.direct.size(), 1u);
    EXPECT_EQ(p.messages, 2u);
    EXPECT_GE(p.log_entries, 2u);
    EXPECT_EQ(p.consents, 0u);
    // Nothing written, nothing sent: no handover, no log entry, no new room, Bertil got
    // nothing.
    EXPECT_TRUE(anna->handovers().empty());
    EXPECT_EQ(anna->log().size(), log_before);
    EXPECT_EQ(anna->rooms().size(), rooms_before);
    EXPECT_EQ(bertil->sync().joined, 0u);

    const auto r = anna->hand_over(req);
    EXPECT_EQ(r.rooms, p.rooms);
    EXPECT_EQ(r.direct, p.direct);
    EXPECT_EQ(r.messages, p.messages);
    EXPECT_EQ(r.log_entries, p.log_entries);
    EXPECT_EQ(r.consents, p.consents);
    EXPECT_EQ(r.room, p.room);
}

TEST_F(HandoverPreviewTest, RefusesWhatHandOverRefuses) {
    auto& anna = make("anna", org(0));
    auto& bertil = make("bertil", org(0));
    auto& cecilia = make("cecilia", org(1));
    anna->create_room("case-1", {cecilia.address});
    auto m = about(kSubject, "Anna: hembesök gjort");
    m.room = "case-1";
    ASSERT_TRUE(anna->send(m).sent);
    auto code = [&](const std::string& subject, const std::string& successor) {
        HandoverRequest req;
        req.subject = subject;
        req.successor = successor;
        return code_of([&] { anna->handover_preview(req); });
    };
    EXPECT_EQ(code(kSubject, cecilia.address), Errc::bad_input);  // another organisation
    EXPECT_EQ(code(kSubject, anna.address), Errc::bad_input);     // herself
    EXPECT_EQ(code(kSubject, "bertil"), Errc::bad_input);         // not ORG/MEMBER
    EXPECT_EQ(code("", bertil.address), Errc::bad_input);
    EXPECT_EQ(code("200801012387", bertil.address), Errc::bad_input);  // check digit
    EXPECT_EQ(code("201001022381", bertil.address), Errc::not_found);  // nothing about them
    EXPECT_TRUE(anna->handovers().empty());
}

}  // namespace
}  // namespace lagrum::messaging_test
