// Contact verification (Client::mark_verified): the mark is bound to the contact's
// device keys at the time the safety number was compared; a new device ends it.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "fixture.h"
#include "lagrum/core/error.h"
#include "lagrum/core/messaging/client.h"

namespace lagrum::messaging_test {
namespace {

using core::Errc;
using core::Error;

class VerificationTest : public MessengerTest {
  protected:
    VerificationTest()
        : MessengerTest({{"se.malmo.soc", "Malmö stad, socialtjänsten",
                          cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES},
                         {"se.polisen", "Polismyndigheten", cert::v1::AUTHORITY_TYPE_POLICE}},
                        "lagrum-verify") {}

    // A second device of an existing member (a new laptop): its own profile and relay
    // link, the same ORG/MEMBER address.
    Device& second_device(const std::string& device_name, const std::string& member, Org& o) {
        auto d = std::make_unique<Device>();
        d->name = device_name;
        d->address = o.id + "/" + member;
        d->dir = tmp_.path() / device_name;
        core::messaging::InitOptions opts;
        opts.relay = "unix:/nonexistent/fake-relay.sock";
        opts.trust = {org(0).anchor, org(1).anchor};
        opts.kdf = crypto::kArgon2Test;
        d->key = core::messaging::Client::init(d->dir, kPass, opts);
        d->link = hub_.link(device_name);
        open(*d);
        EXPECT_TRUE(d->client->import_certificate(o.issue(member, d->key)));
        auto& ref = *d;
        devices_[device_name] = std::move(d);
        return ref;
    }

    // By value: the Room is usually a temporary (alice->room(...)), so a reference into
    // it would dangle once the full expression ends (ASan found it).
    static core::messaging::RoomMember member(const core::messaging::Room& r,
                                              const std::string& address) {
        for (const auto& m : r.members) {
            if (m.address == address) return m;
        }
        throw std::runtime_error("no member " + address);
    }
};

TEST_F(VerificationTest, MarkUnmarkAndKeysChangeEndsTheMark) {
    auto& alice = make("alice", org(0));
    auto& anna = make("anna", org(1));
    alice->create_room("Unga i riskzon", {anna.address});
    anna->sync();

    auto before = alice->safety_number(anna.address);
    EXPECT_FALSE(before.verified);
    EXPECT_FALSE(before.verification_lost);
    EXPECT_FALSE(alice->verification(anna.address).verified);
    EXPECT_FALSE(member(alice->room("Unga i riskzon"), anna.address).verified);

    auto v = alice->mark_verified(anna.address, before.digits);
    EXPECT_TRUE(v.verified);
    EXPECT_FALSE(v.verification_lost);
    EXPECT_EQ(v.safety_number, before.digits);
    EXPECT_EQ(v.verified_at, kNow);
    EXPECT_TRUE(alice->safety_number(anna.address).verified);
    EXPECT_TRUE(member(alice->room("Unga i riskzon"), anna.address).verified);
    // Only alice marked: anna's view of alice is unchanged.
    EXPECT_FALSE(anna->verification(alice.address).verified);

    // Stored in the profile.
    reopen(alice);
    EXPECT_TRUE(alice->verification(anna.address).verified);

    auto u = alice->unmark_verified(anna.address);
    EXPECT_FALSE(u.verified);
    EXPECT_FALSE(u.verification_lost);
    EXPECT_FALSE(alice->safety_number(anna.address).verified);
    // Unmarking again is no error.
    EXPECT_FALSE(alice->unmark_verified(anna.address).verified);

    // Marked without digits: the keys known now.
    EXPECT_TRUE(alice->mark_verified(anna.address).verified);

    // Anna gets a second device; once alice learns its key (a room with anna), the
    // safety number changes and the mark no longer holds.
    second_device("anna-laptop2", "anna", org(1));
    alice->create_room("Samverkan", {anna.address});
    auto after = alice->safety_number(anna.address);
    EXPECT_NE(after.digits, before.digits);
    EXPECT_FALSE(after.verified);
    EXPECT_TRUE(after.verification_lost);
    auto lost = alice->verification(anna.address);
    EXPECT_FALSE(lost.verified);
    EXPECT_TRUE(lost.verification_lost);
    EXPECT_EQ(lost.safety_number, before.digits);  // what was compared then
    const auto m = member(alice->room("Samverkan"), anna.address);
    EXPECT_EQ(m.device_keys.size(), 2u);
    EXPECT_FALSE(m.verified);
    EXPECT_TRUE(m.verification_lost);

    // Marking with the number compared before the change is refused; the new one holds.
    EXPECT_EQ(code_of([&] { alice->mark_verified(anna.address, before.digits); }), Errc::conflict);
    EXPECT_FALSE(alice->verification(anna.address).verified);
    auto again = alice->mark_verified(anna.address, after.digits);
    EXPECT_TRUE(again.verified);
    EXPECT_FALSE(again.verification_lost);
    EXPECT_TRUE(member(alice->room("Unga i riskzon"), anna.address).verified);
}

TEST_F(VerificationTest, BadInputIsTyped) {
    auto& alice = make("alice", org(0));
    auto& anna = make("anna", org(1));
    alice->create_room("Unga i riskzon", {anna.address});
    EXPECT_EQ(code_of([&] { alice->mark_verified("no-slash"); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] { alice->unmark_verified("/"); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] { alice->verification(""); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] { alice->mark_verified(alice.address); }), Errc::bad_input);
    EXPECT_EQ(code_of([&] { alice->mark_verified("se.polisen/nobody"); }), Errc::not_found);
    EXPECT_FALSE(alice->verification("se.polisen/nobody").verified);
    EXPECT_EQ(code_of([&] { alice->mark_verified(anna.address, "00000 11111"); }), Errc::conflict);
    EXPECT_FALSE(alice->verification(anna.address).verified);
}

}  // namespace
}  // namespace lagrum::messaging_test
