// Risk meetings in-process (issue 10, part 2): three clients (social services chairs,
// police, school) against the in-memory relay of tests/messaging. The state machine, the
// agenda by pseudonym, shares through the legal check, a refused share in the minutes,
// signed minutes verified by every participant, and what a receiver must reject: a state
// change from someone other than the chair, forged minutes, a Created event from a member
// who did not create the room.
#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "fake_relay.h"
#include "fixture.h"
#include "lagrum/cert/cert.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/meetings/meeting.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"
#include "meeting.pb.h"

namespace lagrum::messaging_test {
namespace {

namespace fs = std::filesystem;
namespace legal = core::legal;
using core::Errc;
using core::Error;
using core::messaging::Client;

constexpr const char* kYoung1 = "201005121239";
constexpr const char* kYoung2 = "201108234566";
constexpr const char* kYoung3 = "200903012342";
// 10 kap. 15 a § OSL: allowed between social services, police and school.
constexpr const char* kFacts15a =
    R"({"purpose_15a":"prevent_criminal_activity","needed_for_purpose":true,)"
    R"("protected_interest_outweighs":false})";
// 10 kap. 18 a § OSL: social services to the police only; a school in the room refuses it.
constexpr const char* kFacts18a =
    R"({"risk_of_criminal_activity":true,"not_inappropriate":true,"concerns_committed_crime":false})";

class MeetingTest : public MessengerTest {
  protected:
    MeetingTest()
        : MessengerTest(
              {{"se.boras.soc", "Borås socialtjänst", cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES},
               {"se.polisen", "Polisen", cert::v1::AUTHORITY_TYPE_POLICE},
               {"se.boras.skola", "Sjöängsskolan", cert::v1::AUTHORITY_TYPE_SCHOOL}},
              "lagrum-meet") {}

    void SetUp() override {
        anna_ = &make("anna", soc_);
        cecilia_ = &make("cecilia", pol_);
        dora_ = &make("dora", school_);
    }

    // The chair's meeting with everyone joined and the Created event received.
    void create_meeting() {
        auto m = (*anna_)->meeting_create("URF", "Unga i riskzon, december", "2026-03-02 09:00",
                                          {cecilia_->address, dora_->address});
        EXPECT_EQ(m.state, "scheduled");
        EXPECT_TRUE(m.chair_is_self);
        for (auto* d : {cecilia_, dora_}) {
            auto r = (*d)->sync();
            EXPECT_EQ(r.errors, 0u);
        }
    }

    static core::meetings::ShareRequest share(std::uint32_t item, const char* provision,
                                              const char* facts, const std::string& text,
                                              std::optional<std::string> subject = std::nullopt) {
        core::meetings::ShareRequest r;
        r.meeting = "URF";
        r.item = item;
        r.provision = provision;
        r.facts_json = facts;
        r.text = text;
        r.subject = std::move(subject);
        return r;
    }

    static int count_kind(Client& c, const std::string& kind) {
        int n = 0;
        for (const auto& e : c.log()) n += e.kind == kind ? 1 : 0;
        return n;
    }

    Org& soc_ = org(0);
    Org& pol_ = org(1);
    Org& school_ = org(2);
    Device* anna_ = nullptr;
    Device* cecilia_ = nullptr;
    Device* dora_ = nullptr;
};

TEST_F(MeetingTest, FullMeetingWithRefusedShareAndSignedMinutes) {
    create_meeting();
    auto seen = (*dora_)->meeting("URF");
    EXPECT_EQ(seen.title, "Unga i riskzon, december");
    EXPECT_EQ(seen.chair, anna_->address);
    EXPECT_FALSE(seen.chair_is_self);
    EXPECT_EQ(seen.state, "scheduled");

    auto i1 = (*anna_)->meeting_agenda_add("URF", kYoung1);
    auto i2 = (*anna_)->meeting_agenda_add("URF", kYoung2);
    auto i3 = (*anna_)->meeting_agenda_add("URF", kYoung3);
    EXPECT_EQ(i1.number, 1u);
    EXPECT_EQ(i3.number, 3u);
    // The same young person twice is refused; the agenda never shows the number.
    EXPECT_THROW((*anna_)->meeting_agenda_add("URF", "20100512-1239"), Error);
    EXPECT_EQ(i1.pseudonym.find("1005121239"), std::string::npos);

    // Shares before the meeting is open are refused locally.
    EXPECT_THROW((*anna_)->meeting_share(share(1, "osl-10-15a", kFacts15a, "too early")), Error);
    (*anna_)->meeting_open("URF");
    (*cecilia_)->sync();
    (*dora_)->sync();
    auto cm = (*cecilia_)->meeting("URF");
    EXPECT_EQ(cm.state, "open");
    ASSERT_EQ(cm.agenda.size(), 3u);
    // Every device computes the same meeting pseudonym.
    EXPECT_EQ(cm.agenda[0].pseudonym, i1.pseudonym);
    EXPECT_EQ(cm.agenda[1].pseudonym, i2.pseudonym);
    EXPECT_FALSE(cm.agenda[0].subject_known);

    // Item 1: the chair shares (the item's own subject), the police share with --subject.
    auto s1 = (*anna_)->meeting_share(share(1, "osl-10-15a", kFacts15a, "Soc: orosanmälan i maj"));
    EXPECT_TRUE(s1.allowed) << s1.verdict_json;
    EXPECT_TRUE(s1.sent);
    // A participant must name the young person, and the right one.
    try {
        (*cecilia_)->meeting_share(share(1, "osl-10-15a", kFacts15a, "x"));
        FAIL() << "a share without --subject by a participant";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::bad_input);
    }
    try {
        (*cecilia_)->meeting_share(share(1, "osl-10-15a", kFacts15a, "x", kYoung2));
        FAIL() << "a share naming another young person";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::bad_input);
    }
    auto s2 = (*cecilia_)->meeting_share(
        share(1, "osl-10-15a", kFacts15a, "Polis: anträffad vid Knalleland", kYoung1));
    EXPECT_TRUE(s2.allowed) << s2.verdict_json;

    // Item 2: 18 a § does not reach the school in the room: refused, recorded, not sent.
    auto s3 = (*anna_)->meeting_share(share(2, "osl-10-18a", kFacts18a, "HEMLIG TEXT"));
    EXPECT_FALSE(s3.allowed);
    EXPECT_EQ(count_kind(*anna_->client, "refused"), 1);

    // Item 3: the school shares.
    auto s4 = (*dora_)->meeting_share(
        share(3, "osl-10-15a", kFacts15a, "Skola: hög frånvaro sedan oktober", kYoung3));
    EXPECT_TRUE(s4.allowed) << s4.verdict_json;

    (*anna_)->meeting_decide("URF", 1, "Gemensamt hembesök", "Uppföljning i januari");
    (*anna_)->meeting_decide("URF", 3, "Elevhälsan kontaktar familjen");
    EXPECT_THROW((*cecilia_)->meeting_decide("URF", 1, "not the chair"), Error);

    auto minutes = (*anna_)->meeting_close("URF");
    EXPECT_TRUE(minutes.verified);
    ASSERT_EQ(minutes.items.size(), 3u);
    EXPECT_EQ(minutes.attendance.size(), 3u);
    ASSERT_EQ(minutes.items[0].shares.size(), 2u);
    EXPECT_EQ(minutes.items[0].shares[0].by, anna_->address);
    EXPECT_EQ(minutes.items[0].shares[0].citation, "10 kap. 15 a § OSL");
    EXPECT_EQ(minutes.items[0].shares[1].by, cecilia_->address);
    EXPECT_EQ(minutes.items[0].shares[1].text, "Polis: anträffad vid Knalleland");
    ASSERT_EQ(minutes.items[0].decisions.size(), 1u);
    EXPECT_EQ(minutes.items[0].decisions[0].follow_up, "Uppföljning i januari");
    EXPECT_TRUE(minutes.items[1].shares.empty());
    ASSERT_EQ(minutes.items[1].refused.size(), 1u);
    EXPECT_EQ(minutes.items[1].refused[0].provision, "osl-10-18a");
    EXPECT_EQ(minutes.items[1].refused[0].recipients_refused,
              std::vector<std::string>{dora_->address});
    ASSERT_EQ(minutes.items[2].shares.size(), 1u);
    EXPECT_EQ(minutes.items[2].shares[0].authority, "school");
    // The refused text is nowhere in the minutes.
    EXPECT_EQ(core::meetings::minutes_json(minutes).find("HEMLIG"), std::string::npos);
    EXPECT_EQ((*anna_)->meeting("URF").state, "closed");
    EXPECT_EQ(count_kind(*anna_->client, "meeting_minutes"), 1);

    for (auto* d : {cecilia_, dora_}) {
        auto r = (*d)->sync();
        EXPECT_EQ(r.errors, 0u);
        EXPECT_EQ((*d)->meeting("URF").state, "closed");
        auto got = (*d)->meeting_minutes("URF");
        EXPECT_TRUE(got.verified);
        EXPECT_EQ(got.hash, minutes.hash);
        EXPECT_EQ(core::meetings::minutes_json(got), core::meetings::minutes_json(minutes));
        EXPECT_EQ(count_kind(*d->client, "meeting_minutes"), 1);
        auto logs = (*d)->log();
        EXPECT_EQ(logs.back().content_hash, minutes.hash);
        EXPECT_EQ(logs.back().counterpart, anna_->address);
        EXPECT_TRUE((*d)->verify_log().ok);
    }
    EXPECT_TRUE((*anna_)->verify_log().ok);
    // Closed is final.
    EXPECT_THROW((*anna_)->meeting_open("URF"), Error);
    EXPECT_THROW((*anna_)->meeting_decide("URF", 1, "late"), Error);
}

// The minutes keep the check's codes (language-free, signed); the text and the PDF say them
// in words. Every code the check can give has its sentence in both languages.
TEST(MinutesText, EveryRefusalReasonIsSaidInWords) {
    // Every value of the code's type that names a code, so a code added later is covered.
    for (int i = 0; i <= 255; ++i) {
        const auto c = static_cast<legal::ReasonCode>(i);
        if (legal::reason_code_from_string(legal::to_string(c)) != c) continue;
        const std::string code(legal::to_string(c));
        const auto sv = core::meetings::refusal_reason(code, false);
        const auto en = core::meetings::refusal_reason(code, true);
        EXPECT_NE(sv, code);
        EXPECT_NE(en, code);
        EXPECT_NE(sv, en) << code;
    }
    EXPECT_EQ(core::meetings::refusal_reason("recipient_not_allowed", false),
              "Bestämmelsen tillåter inte utlämnande till mottagarens myndighet.");
    EXPECT_EQ(core::meetings::refusal_reason("missing_facts", true),
              "Facts needed to decide were missing.");
    EXPECT_EQ(core::meetings::refusal_reason("from_a_newer_client", false), "from_a_newer_client");
}

TEST_F(MeetingTest, StateChangesFromSomeoneOtherThanTheChairAreRejected) {
    create_meeting();
    (*anna_)->meeting_agenda_add("URF", kYoung1);
    (*cecilia_)->sync();
    (*dora_)->sync();
    // The client itself refuses: only the chair changes state or agenda.
    try {
        (*cecilia_)->meeting_open("URF");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict);
    }
    EXPECT_THROW((*cecilia_)->meeting_agenda_add("URF", kYoung2), Error);
    EXPECT_THROW((*cecilia_)->meeting_close("URF"), Error);

    // A modified client sends them anyway: every receiver rejects them.
    meeting::v1::MeetingEvent opened;
    opened.mutable_opened();
    (*cecilia_)->send_meeting_event_for_testing("URF", opened);
    meeting::v1::MeetingEvent item;
    item.mutable_agenda_item()->set_number(2);
    item.mutable_agenda_item()->set_subject_pseudonym(std::string(16, 'x'));
    (*cecilia_)->send_meeting_event_for_testing("URF", item);
    meeting::v1::MeetingEvent created;
    created.mutable_created()->set_title("Kapning");
    created.mutable_created()->set_scheduled_at("2026-03-02 10:00");
    created.mutable_created()->set_chair(cecilia_->address);
    created.mutable_created()->set_meeting_key(std::string(32, 'k'));
    (*cecilia_)->send_meeting_event_for_testing("URF", created);
    for (auto* d : {anna_, dora_}) {
        auto r = (*d)->sync();
        EXPECT_EQ(r.errors, 3u) << d->address;
        auto m = (*d)->meeting("URF");
        EXPECT_EQ(m.state, "scheduled");
        EXPECT_EQ(m.chair, anna_->address);
        EXPECT_EQ(m.title, "Unga i riskzon, december");
        EXPECT_EQ(m.agenda.size(), 1u);
    }
    // The real chair still can.
    (*anna_)->meeting_open("URF");
    (*dora_)->sync();
    EXPECT_EQ((*dora_)->meeting("URF").state, "open");
}

TEST_F(MeetingTest, CreatedFromAMemberWhoDidNotCreateTheRoomIsRejected) {
    (*anna_)->create_room("Samverkan", {cecilia_->address, dora_->address});
    (*cecilia_)->sync();
    (*dora_)->sync();
    meeting::v1::MeetingEvent created;
    created.mutable_created()->set_title("Kapat möte");
    created.mutable_created()->set_scheduled_at("2026-03-02 10:00");
    created.mutable_created()->set_chair(cecilia_->address);
    created.mutable_created()->set_meeting_key(std::string(32, 'k'));
    (*cecilia_)->send_meeting_event_for_testing("Samverkan", created);
    auto r = (*dora_)->sync();
    EXPECT_EQ(r.errors, 1u);
    EXPECT_TRUE((*dora_)->meetings().empty());
    EXPECT_THROW((*dora_)->meeting("Samverkan"), Error);
}

TEST_F(MeetingTest, ForgedMinutesAreRejectedAndNotLogged) {
    create_meeting();
    (*anna_)->meeting_agenda_add("URF", kYoung1);
    (*anna_)->meeting_open("URF");
    (*cecilia_)->sync();
    (*dora_)->sync();
    // The minutes are changed after the chair's device signed them (a decision added).
    (*anna_)->set_meeting_tamper_for_testing([](meeting::v1::MeetingEvent& ev) {
        meeting::v1::Minutes m;
        ASSERT_TRUE(m.ParseFromString(ev.closed().minutes().minutes()));
        m.mutable_items(0)->add_decisions()->set_text("Beslut som aldrig fattades");
        ev.mutable_closed()->mutable_minutes()->set_minutes(m.SerializeAsString());
    });
    (*anna_)->meeting_close("URF");
    for (auto* d : {cecilia_, dora_}) {
        auto r = (*d)->sync();
        EXPECT_EQ(r.errors, 1u);
        EXPECT_EQ((*d)->meeting("URF").state, "open");
        EXPECT_THROW((*d)->meeting_minutes("URF"), Error);
        EXPECT_EQ(count_kind(*d->client, "meeting_minutes"), 0);
    }
}

TEST_F(MeetingTest, ASignatureByAnotherKeyIsRejected) {
    create_meeting();
    (*anna_)->meeting_agenda_add("URF", kYoung1);
    (*anna_)->meeting_open("URF");
    (*cecilia_)->sync();
    // Minutes signed by some other Ed25519 key (well formed, just not the chair's device).
    (*anna_)->set_meeting_tamper_for_testing([](meeting::v1::MeetingEvent& ev) {
        auto other = crypto::ed25519_generate();
        const std::string bytes = ev.closed().minutes().minutes();
        std::string msg = "lagrum-minutes/1" + bytes;
        auto sig = crypto::ed25519_sign(
            other.seed.view(),
            crypto::ByteView(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()));
        ASSERT_TRUE(static_cast<bool>(sig));
        ev.mutable_closed()->mutable_minutes()->set_signature(str(*sig));
    });
    (*anna_)->meeting_close("URF");
    auto r = (*cecilia_)->sync();
    EXPECT_EQ(r.errors, 1u);
    EXPECT_EQ((*cecilia_)->meeting("URF").state, "open");
    EXPECT_EQ(count_kind(*cecilia_->client, "meeting_minutes"), 0);
}

TEST_F(MeetingTest, BadInputIsRefusedBeforeAnythingHappens) {
    auto expect_bad = [](auto&& fn) {
        try {
            fn();
            ADD_FAILURE() << "no error";
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), Errc::bad_input) << e.what();
        }
    };
    expect_bad([&] { (*anna_)->meeting_create("M", "", "2026-03-02 09:00", {dora_->address}); });
    expect_bad([&] { (*anna_)->meeting_create("M", "T", "2026-02-30 09:00", {dora_->address}); });
    expect_bad([&] { (*anna_)->meeting_create("M", "T", "2026-03-02 24:00", {dora_->address}); });
    expect_bad([&] { (*anna_)->meeting_create("M", "T", "2026-03-02T09:00", {dora_->address}); });
    expect_bad([&] { (*anna_)->meeting_create("M", "T", "2026-03-02 09:00", {}); });
    EXPECT_TRUE((*anna_)->rooms().empty());
    create_meeting();
    expect_bad([&] { (*anna_)->meeting_agenda_add("URF", "201005121238"); });  // Luhn
    (*anna_)->meeting_agenda_add("URF", kYoung1);
    (*anna_)->meeting_open("URF");
    expect_bad([&] { (*anna_)->meeting_share(share(7, "osl-10-15a", kFacts15a, "x")); });
    expect_bad([&] { (*anna_)->meeting_share(share(0, "osl-10-15a", kFacts15a, "x")); });
    expect_bad([&] { (*anna_)->meeting_decide("URF", 9, "x"); });
    expect_bad([&] { (*anna_)->meeting_decide("URF", 1, ""); });
    try {
        (*anna_)->meeting_minutes("URF");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::not_found);
    }
}

}  // namespace
}  // namespace lagrum::messaging_test
