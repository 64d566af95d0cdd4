// The adversarial relay (issue 14): the relay is untrusted by design, so here it lies.
// core::messaging::Client runs against the in-memory relay of tests/messaging with its
// adversary hooks (FakeAdversary, FakeRelayHub::inject/take_mailbox) switched on per
// scenario. For each attack class of docs/security.md (numbers (1)-(12) there) a test
// shows that the clients detect it (a delivery error in the SyncReport, a flag on the
// message, or a refused operation), never show forged content as genuine, keep their
// group state (a later honest message still decrypts), and recover once the relay is
// honest again.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "fake_relay.h"
#include "fixture.h"
#include "lagrum/cert/cert.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/messaging/client.h"
#include "lagrum/core/messaging/render.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/random.h"

namespace lagrum::messaging_test {
namespace {

namespace fs = std::filesystem;
namespace legal = core::legal;
using core::Errc;
using core::Error;
using core::RelayDelivery;
using core::messaging::Client;
using core::messaging::Message;
using core::messaging::SendRequest;
using core::messaging::SyncReport;
using Kind = core::RelayDelivery::Kind;

constexpr const char* kSubject = "200801012386";

class AdversaryTest : public MessengerTest {
  protected:
    AdversaryTest()
        : MessengerTest({{"se.malmo.soc", "Malmö stad, socialtjänsten",
                          cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES},
                         {"se.polisen", "Polismyndigheten", cert::v1::AUTHORITY_TYPE_POLICE}},
                        "lagrum-adv") {}

    static SendRequest to_room(const std::string& room, const std::string& text) {
        SendRequest r;
        r.room = room;
        r.subject = kSubject;
        r.provision = "osl-10-2";
        r.facts_json = R"({"necessary_for_own_task":true})";
        r.text = text;
        return r;
    }

    static void send(Device& d, const std::string& room, const std::string& text) {
        auto r = d->send(to_room(room, text));
        ASSERT_TRUE(r.allowed) << r.verdict_json;
        ASSERT_TRUE(r.sent) << r.verdict_json;
    }

    // The incoming texts of `room` at `d`, each asserted unflagged: anything shown is
    // shown as genuine, so it must be genuine.
    static std::vector<std::string> shown(Device& d, const std::string& room) {
        std::vector<std::string> out;
        for (const auto& m : d->inbox(room)) {
            if (m.outgoing) continue;
            EXPECT_TRUE(m.flags.empty())
                << d.name << " shows \"" << m.text << "\" flagged " << m.flag_reasons;
            out.push_back(m.text);
        }
        return out;
    }

    // Honest service resumes: every hook off.
    void honest() { hub_.adversary() = FakeAdversary{}; }

    // Alice (social services) and Bob (police) in room "r", both joined.
    void pair() {
        alice_ = &make("alice", soc_);
        bob_ = &make("bob", pol_);
        (*alice_)->create_room("r", {bob_->address});
        const auto rep = (*bob_)->sync();
        ASSERT_EQ(rep.joined, 1u);
    }

    // Sends `text` from alice; the relay stores it for bob and the test takes it back
    // out of bob's mailbox (the genuine delivery, to tamper with or replay).
    RelayDelivery capture_from_alice(const std::string& text) {
        send(*alice_, "r", text);
        auto box = hub_.take_mailbox(bob_->key);
        EXPECT_EQ(box.size(), 1u);
        return box.empty() ? RelayDelivery{} : box.front();
    }

    // pair(), then Alice adds Carol; Bob applies the Commit, a copy of which is `commit`.
    void add_carol(RelayDelivery& commit) {
        pair();
        auto& carol = make("carol", soc_);
        std::vector<RelayDelivery> commits;
        hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
            if (to == bob_->key && d.kind == Kind::commit) commits.push_back(d);
            return true;
        };
        (*alice_)->add_members("r", {carol.address});
        honest();
        ASSERT_EQ(commits.size(), 1u);
        ASSERT_EQ((*bob_)->sync().commits, 1u);
        commit = commits[0];
    }

    // The honest end of each scenario: a fresh message still decrypts and shows.
    void expect_recovers(const std::string& text) {
        honest();
        send(*alice_, "r", text);
        const auto rep = (*bob_)->sync();
        EXPECT_EQ(rep.errors, 0u);
        const auto inbox = (*bob_)->inbox("r");
        ASSERT_FALSE(inbox.empty());
        EXPECT_FALSE(inbox.back().outgoing);
        EXPECT_EQ(inbox.back().text, text);
        EXPECT_TRUE(inbox.back().flags.empty()) << inbox.back().flag_reasons;
    }

    // A forked room "r" (equivocate below): five members, Bob's and Carol's Commits for
    // one epoch both accepted by the relay and each withheld from the other, both in
    // Alice's mailbox; nobody has synced since, so nobody has found the fork yet.
    struct Forked {
        Device& alice;
        Device& bob;
        Device& carol;
        Device& dave;                         // joined Bob's branch
        Device& erin;                         // joined Carol's branch
        std::vector<RelayDelivery> withheld;  // Bob's Commit for Carol, Carol's for Bob
        std::uint64_t split = 0;              // the epoch with two Commits
    };
    // Kept in the fixture: the relay's on_store hook writes to `withheld` until honest().
    Forked& fork_room();

    Org& soc_ = org(0);
    Org& pol_ = org(1);
    Device* alice_ = nullptr;
    Device* bob_ = nullptr;
    std::unique_ptr<Forked> forked_;
};

std::size_t count(const std::vector<std::string>& v, const std::string& s) {
    return static_cast<std::size_t>(std::count(v.begin(), v.end(), s));
}

// ---- (4)/(10)/(11) tampering with ciphertext and header bytes -------------------------

TEST_F(AdversaryTest, TamperedCiphertextOrHeaderIsAnErrorThenTheGenuineOneDecrypts) {
    pair();
    // Byte offsets into the MLSMessage: version (0-1, a downgrade), wire format (2-3),
    // the PrivateMessage header (group id, epoch, content type), the encrypted sender
    // data and the AEAD ciphertext and tag at the end.
    const std::vector<std::ptrdiff_t> offsets = {0, 1, 3, 6, 12, 24, 40, -17, -1};
    int n = 0;
    for (const auto off : offsets) {
        SCOPED_TRACE("offset " + std::to_string(off));
        const std::string text = "meddelande " + std::to_string(++n);
        const RelayDelivery genuine = capture_from_alice(text);
        ASSERT_FALSE(genuine.payload.empty());
        RelayDelivery forged = genuine;
        const auto size = static_cast<std::ptrdiff_t>(forged.payload.size());
        forged.payload[static_cast<std::size_t>(off >= 0 ? off : size + off)] ^= 0x01;
        hub_.inject(bob_->key, forged);
        auto rep = (*bob_)->sync();
        EXPECT_EQ(rep.errors, 1u);
        EXPECT_EQ(rep.messages, 0u);
        EXPECT_EQ(count(shown(*bob_, "r"), text), 0u);
        // The genuine delivery, late: the rejected forgery consumed nothing.
        hub_.inject(bob_->key, genuine);
        rep = (*bob_)->sync();
        EXPECT_EQ(rep.errors, 0u);
        EXPECT_EQ(count(shown(*bob_, "r"), text), 1u);
    }
    expect_recovers("efter manipulationen");
}

// ---- (3) content-type and wire-format confusion --------------------------------------

TEST_F(AdversaryTest, RelabelledDeliveriesAreErrorsNotContent) {
    pair();
    const RelayDelivery msg = capture_from_alice("äkta");
    // An application message labelled a Commit, and as a Welcome.
    for (const auto kind : {Kind::commit, Kind::welcome}) {
        RelayDelivery d = msg;
        d.kind = kind;
        if (kind == Kind::welcome) d.group_id.clear();
        hub_.inject(bob_->key, d);
    }
    // A Welcome (for another device's KeyPackage) delivered as an application message
    // and as a Commit in room "r".
    auto& carol = make("carol", soc_);
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == carol.key && d.kind == Kind::welcome) {
            for (const auto kind : {Kind::message, Kind::commit}) {
                RelayDelivery w = d;
                w.kind = kind;
                w.group_id = msg.group_id;
                hub_.inject(bob_->key, w);
            }
        }
        return true;
    };
    (*alice_)->create_room("s", {carol.address});
    honest();
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 4u);
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_EQ(rep.joined, 0u);
    EXPECT_EQ((*bob_)->rooms().size(), 1u);
    EXPECT_TRUE(shown(*bob_, "r").empty());
    hub_.inject(bob_->key, msg);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_EQ(shown(*bob_, "r"), std::vector<std::string>{"äkta"});
    expect_recovers("efter förväxlingen");
}

// ---- (4) replay, reorder, drop, delay, also across a restart -------------------------

TEST_F(AdversaryTest, ReplayedMessageIsShownOnceAlsoAfterRestart) {
    pair();
    const RelayDelivery msg = capture_from_alice("en gång");
    hub_.inject(bob_->key, msg);
    EXPECT_EQ((*bob_)->sync().messages, 1u);
    hub_.inject(bob_->key, msg);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_EQ(rep.errors, 1u);  // the ratchet key is gone (or the message id seen)
    reopen(*bob_);
    hub_.inject(bob_->key, msg);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_EQ(shown(*bob_, "r"), std::vector<std::string>{"en gång"});
    expect_recovers("efter omspelningen");
}

TEST_F(AdversaryTest, ReorderedAndDroppedMessagesWithinAnEpoch) {
    pair();
    std::vector<RelayDelivery> d;
    for (const char* t : {"ett", "två", "tre", "fyra"}) d.push_back(capture_from_alice(t));
    // Reversed, and "två" withheld.
    hub_.inject(bob_->key, d[3]);
    hub_.inject(bob_->key, d[2]);
    hub_.inject(bob_->key, d[0]);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_EQ(rep.messages, 3u);
    auto texts = shown(*bob_, "r");
    std::sort(texts.begin(), texts.end());
    EXPECT_EQ(texts, (std::vector<std::string>{"ett", "fyra", "tre"}));
    // Delayed, then delivered: still decrypts (its key was kept for the gap).
    hub_.inject(bob_->key, d[1]);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_EQ(count(shown(*bob_, "r"), "två"), 1u);
    expect_recovers("efter omkastningen");
}

TEST_F(AdversaryTest, ReorderAcrossEpochsAndARestartNeverForksState) {
    pair();
    auto& carol = make("carol", soc_);
    std::vector<RelayDelivery> withheld;
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to != bob_->key) return true;
        withheld.push_back(d);
        return false;
    };
    send(*alice_, "r", "före");                    // epoch 1
    (*alice_)->add_members("r", {carol.address});  // Commit to epoch 2
    send(*alice_, "r", "efter");                   // epoch 2
    ASSERT_EQ(withheld.size(), 3u);
    honest();
    // The newest first: the epoch-2 message before its Commit is an error.
    hub_.inject(bob_->key, withheld[2]);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_EQ(rep.messages, 0u);
    // A restart in between, then the Commit and the old epoch's message.
    reopen(*bob_);
    hub_.inject(bob_->key, withheld[1]);
    hub_.inject(bob_->key, withheld[0]);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.commits, 1u);
    EXPECT_EQ((*bob_)->room("r").epoch, (*alice_)->room("r").epoch);
    EXPECT_EQ((*bob_)->room("r").members.size(), 3u);
    // Re-delivered after the Commit, the epoch-2 message decrypts.
    hub_.inject(bob_->key, withheld[2]);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    const auto texts = shown(*bob_, "r");
    EXPECT_EQ(count(texts, "efter"), 1u);
    EXPECT_LE(count(texts, "före"), 1u);
    expect_recovers("efter tidsresan");
}

// ---- a Commit delivered to only some members; (7) withholding a Remove ---------------

TEST_F(AdversaryTest, CommitWithheldFromOneMemberIsDetectedAndRecovers) {
    pair();
    auto& carol = make("carol", soc_);
    std::vector<RelayDelivery> withheld;
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == bob_->key && d.kind == Kind::commit) {
            withheld.push_back(d);
            return false;
        }
        return true;
    };
    (*alice_)->add_members("r", {carol.address});
    ASSERT_EQ(carol->sync().joined, 1u);
    const RelayDelivery msg = capture_from_alice("ny epok");
    hub_.inject(bob_->key, msg);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 1u);  // a message from an epoch Bob has not reached
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_EQ((*bob_)->room("r").members.size(), 2u);
    // Honest service: the Commit, then the message again.
    honest();
    ASSERT_EQ(withheld.size(), 1u);
    hub_.inject(bob_->key, withheld[0]);
    hub_.inject(bob_->key, msg);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_EQ(rep.commits, 1u);
    EXPECT_EQ(shown(*bob_, "r"), std::vector<std::string>{"ny epok"});
    EXPECT_EQ((*bob_)->room("r").members.size(), 3u);
    expect_recovers("alla tre");
}

TEST_F(AdversaryTest, WithheldRemoveEndsWhenDeliveredAndTheRemovedCannotRead) {
    pair();
    auto& carol = make("carol", soc_);
    (*alice_)->add_members("r", {carol.address});
    ASSERT_EQ(carol->sync().joined, 1u);
    ASSERT_EQ((*bob_)->sync().commits, 1u);
    std::vector<RelayDelivery> withheld;
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == bob_->key && d.kind == Kind::commit) {
            withheld.push_back(d);
            return false;
        }
        return true;
    };
    (*alice_)->remove_members("r", {carol.address});
    ASSERT_EQ(withheld.size(), 1u);
    // Until the Remove reaches Bob, he still counts Carol in (the inherent limit of
    // withholding: docs/security.md (7)), and Alice cannot read what he sends in the
    // old epoch: an error at Alice, not a message.
    EXPECT_EQ((*bob_)->room("r").members.size(), 3u);
    // Honest service: Bob gets the Remove; what he sends next Carol cannot read even
    // if a relay forwards it to her.
    honest();
    hub_.inject(bob_->key, withheld[0]);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.commits, 1u);
    EXPECT_EQ((*bob_)->room("r").members.size(), 2u);
    std::vector<RelayDelivery> to_alice;
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == alice_->key) to_alice.push_back(d);
        return true;
    };
    send(*bob_, "r", "utan carol");
    honest();
    ASSERT_EQ(to_alice.size(), 1u);
    RelayDelivery forwarded = to_alice[0];
    hub_.inject(carol.key, forwarded);
    rep = carol->sync();
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_GE(rep.errors, 1u);
    EXPECT_EQ(count(shown(carol, "r"), "utan carol"), 0u);
    EXPECT_FALSE(carol->room("r").active);
    (*alice_)->sync();
    EXPECT_EQ(count(shown(*alice_, "r"), "utan carol"), 1u);
}

// ---- (5) equivocation: different Commits for one epoch to different members ----------

// Bob and Carol both commit in the same epoch; an equivocating relay accepts both and
// shows each the other's never. Alice gets both, in the relay's order: she applies Bob's,
// and Carol's is a second, different Commit for an epoch she has left.
void equivocate(FakeRelayHub& hub, Device& alice, Device& bob, Device& carol, Device& dave,
                Device& erin, std::vector<RelayDelivery>& withheld) {
    alice->create_room("r", {bob.address, carol.address});
    ASSERT_EQ(bob->sync().joined, 1u);
    ASSERT_EQ(carol->sync().joined, 1u);
    hub.adversary().accept_stale_commits = true;
    hub.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        // Bob's Commit never reaches Carol and Carol's never reaches Bob (until later).
        if (d.kind == Kind::commit && ((to == carol.key && d.sender_device_id == bob.key) ||
                                       (to == bob.key && d.sender_device_id == carol.key))) {
            withheld.push_back(d);
            return false;
        }
        return true;
    };
    bob->add_members("r", {dave.address});
    carol->add_members("r", {erin.address});
    EXPECT_EQ(bob->room("r").epoch, carol->room("r").epoch);
}

AdversaryTest::Forked& AdversaryTest::fork_room() {
    auto& alice = make("alice", soc_);
    auto& bob = make("bob", pol_);
    auto& carol = make("carol", soc_);
    auto& dave = make("dave", pol_);
    auto& erin = make("erin", soc_);
    forked_ = std::make_unique<Forked>(Forked{alice, bob, carol, dave, erin, {}, 0});
    equivocate(hub_, alice, bob, carol, dave, erin, forked_->withheld);
    EXPECT_EQ(forked_->withheld.size(), 2u);
    forked_->split = bob->room("r").epoch - 1;
    return *forked_;
}

// Without a member who sees both Commits, a fork shows as undecryptable messages (MLS
// keeps the branches apart) -- and as different epoch codes at the same epoch, which
// members compare out of band.
TEST_F(AdversaryTest, EquivocationWithoutWitnessShowsAsUndecryptableAndByEpochCode) {
    auto& f = fork_room();
    Device& alice = f.alice;
    Device& bob = f.bob;
    Device& carol = f.carol;
    ASSERT_EQ(f.withheld.size(), 2u);
    // Carol's Commit never reaches Alice either: nobody holds both.
    std::vector<RelayDelivery> box = hub_.take_mailbox(alice.key);
    for (const auto& d : box) {
        if (!(d.kind == Kind::commit && d.sender_device_id == carol.key)) hub_.inject(alice.key, d);
    }
    auto rep = alice->sync();
    EXPECT_EQ(rep.forks, 0u);
    EXPECT_EQ(alice->room("r").members.size(), 4u);  // Bob's branch: Alice, Bob, Carol, Dave
    EXPECT_FALSE(alice->room("r").forked);
    honest();
    send(carol, "r", "från carols gren");
    rep = alice->sync();
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_TRUE(shown(alice, "r").empty());
    // The same epoch, different codes: what the safety-number screen compares.
    EXPECT_EQ(alice->room("r").epoch, carol->room("r").epoch);
    EXPECT_NE(alice->room("r").epoch_code, carol->room("r").epoch_code);
    EXPECT_EQ(alice->room("r").epoch_code, bob->room("r").epoch_code);
    EXPECT_EQ(alice->room("r").epoch_code.size(), 24u);  // "xxxx xxxx xxxx xxxx xxxx"
    // Bob's branch still works for its members.
    send(bob, "r", "från bobs gren");
    alice->sync();
    EXPECT_EQ(shown(alice, "r"), std::vector<std::string>{"från bobs gren"});
}

// (5) A member who is shown both Commits for one epoch -- Alice at once, Bob and Carol
// when the relay later lets the other's through -- finds the fork: the second Commit
// verifies against the group as it was in that epoch but is not the one applied. The
// room is marked forked (stored, shown in the room list), the member keeps the branch it
// applied (its group state is not lost), and its branch still works.
TEST_F(AdversaryTest, EquivocationIsDetectedAsAFork) {
    auto& f = fork_room();
    Device& alice = f.alice;
    Device& bob = f.bob;
    Device& carol = f.carol;
    Device& dave = f.dave;
    Device& erin = f.erin;
    const auto& withheld = f.withheld;
    const std::uint64_t split = f.split;
    // Alice receives both Commits for the same epoch.
    auto rep = alice->sync();
    EXPECT_GE(rep.errors, 1u);
    EXPECT_EQ(rep.forks, 1u);
    EXPECT_EQ(rep.commits, 1u);
    // Every error is listed with its kind, so a user (or a test) can say what went wrong.
    ASSERT_EQ(rep.problems.size(), rep.errors);
    EXPECT_TRUE(std::any_of(rep.problems.begin(), rep.problems.end(),
                            [](const auto& p) { return p.kind == "fork"; }));
    EXPECT_NE(core::messaging::sync_json(rep).find("\"kind\":\"fork\""), std::string::npos);
    EXPECT_NE(core::messaging::sync_text(rep).find("(fork): "), std::string::npos);
    auto room = alice->room("r");
    EXPECT_TRUE(room.forked);
    EXPECT_EQ(room.forked_epoch, split);
    EXPECT_NE(room.fork_reason.find("two different"), std::string::npos) << room.fork_reason;
    EXPECT_EQ(room.epoch, split + 1);
    EXPECT_EQ(room.epoch_code, bob->room("r").epoch_code);  // she kept Bob's branch
    honest();
    ASSERT_EQ(withheld.size(), 2u);
    for (const auto& d : withheld) {
        hub_.inject(d.sender_device_id == bob.key ? carol.key : bob.key, d);
    }
    for (Device* d : {&bob, &carol}) {
        SCOPED_TRACE(d->name);
        rep = (*d)->sync();
        EXPECT_GE(rep.errors, 1u);
        EXPECT_EQ(rep.forks, 1u);
        EXPECT_TRUE((*d)->room("r").forked);
        EXPECT_EQ((*d)->room("r").forked_epoch, split);
        EXPECT_EQ((*d)->room("r").epoch, split + 1);  // its own branch, not lost
    }
    // Dave and Erin each joined one branch by Welcome and saw no second Commit.
    EXPECT_EQ(dave->sync().joined, 1u);
    EXPECT_EQ(erin->sync().joined, 1u);
    EXPECT_FALSE(dave->room("r").forked);
    EXPECT_EQ(dave->room("r").epoch_code, bob->room("r").epoch_code);
    EXPECT_NE(erin->room("r").epoch_code, bob->room("r").epoch_code);
    // Stored: the mark survives a restart, and a second sight of it is no new fork.
    reopen(alice);
    EXPECT_TRUE(alice->room("r").forked);
    EXPECT_EQ(alice->room("r").forked_epoch, split);
    // Shown: the room list says so, in both languages.
    const std::string listed = core::messaging::rooms_text(alice->rooms());
    EXPECT_NE(listed.find("FORKED / KLUVET"), std::string::npos) << listed;
    EXPECT_NE(core::messaging::forks_text(alice->rooms()).find(alice->room("r").epoch_code),
              std::string::npos);
    EXPECT_TRUE(core::messaging::forks_text(dave->rooms()).empty());
    // Each branch still reads: Dave and Erin, who saw no fork, still send in theirs (the
    // members who did see it are refused: ForkedRoom* below), and its members read it.
    send(dave, "r", "från bobs gren");
    EXPECT_EQ(alice->sync().forks, 0u);
    EXPECT_EQ(bob->sync().errors, 0u);
    EXPECT_EQ(shown(alice, "r"), std::vector<std::string>{"från bobs gren"});
    EXPECT_EQ(shown(bob, "r"), std::vector<std::string>{"från bobs gren"});
    send(erin, "r", "från carols gren");
    carol->sync();
    EXPECT_EQ(shown(carol, "r"), std::vector<std::string>{"från carols gren"});
    // Recovery (docs/security.md (5)): a new room, made by a member of either branch.
    alice->create_room("r2", {bob.address, carol.address, dave.address, erin.address});
    for (Device* d : {&bob, &carol, &dave, &erin}) EXPECT_EQ((*d)->sync().joined, 1u);
    send(carol, "r2", "alla igen");
    for (Device* d : {&alice, &bob, &dave, &erin}) {
        (*d)->sync();
        EXPECT_EQ(shown(*d, "r2"), std::vector<std::string>{"alla igen"}) << d->name;
        EXPECT_FALSE((*d)->room("r2").forked);
    }
}

// The refusal every operation on a forked room gives: conflict, one line that says what
// happened and what to do.
void expect_fork_refusal(const std::function<void()>& operation) {
    try {
        operation();
        ADD_FAILURE() << "a forked room took the operation";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict) << e.what();
        const std::string what = e.what();
        EXPECT_NE(what.find("\"r\" is forked"), std::string::npos) << what;
        EXPECT_NE(what.find("epoch codes"), std::string::npos) << what;
        EXPECT_NE(what.find("new room"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
}

// (5) Once a member has found the room forked, a send into it is refused: a message in
// one branch would be unreadable in the other, and the room's members no longer agree on
// who reads it. Nothing reaches the relay and nothing is stored as sent; the members who
// saw no fork are not affected, and a new room works.
TEST_F(AdversaryTest, ForkedRoomRefusesASendAndNothingReachesTheRelay) {
    auto& f = fork_room();
    Device& alice = f.alice;
    Device& bob = f.bob;
    Device& dave = f.dave;
    ASSERT_EQ(alice->sync().forks, 1u);
    ASSERT_TRUE(alice->room("r").forked);
    honest();
    const auto accepted = alice.link->messages_accepted;
    const auto outbox_before = alice->outbox().size();
    expect_fork_refusal([&] { (void)alice->send(to_room("r", "in i den kluvna gruppen")); });
    EXPECT_EQ(alice.link->messages_accepted, accepted);
    EXPECT_EQ(alice->outbox().size(), outbox_before);
    for (const auto& m : alice->inbox("r")) EXPECT_FALSE(m.outgoing) << m.text;
    for (Device* d : {&bob, &dave}) {
        SCOPED_TRACE(d->name);
        for (const auto& del : hub_.mailbox(d->key)) EXPECT_NE(del.kind, Kind::message);
    }
    // Also after a restart: the mark is stored, and so is the block.
    reopen(alice);
    expect_fork_refusal([&] { (void)alice->send(to_room("r", "efter omstart")); });
    EXPECT_EQ(alice.link->messages_accepted, accepted);
    // Dave saw no fork: his branch still takes his messages.
    const auto dave_accepted = dave.link->messages_accepted;
    send(dave, "r", "dave skickar");
    EXPECT_EQ(dave.link->messages_accepted, dave_accepted + 1);
    // Recovery: a new room.
    alice->create_room("r2", {bob.address, dave.address});
    for (Device* d : {&bob, &dave}) EXPECT_EQ((*d)->sync().joined, 1u);
    send(alice, "r2", "i det nya rummet");
    bob->sync();
    EXPECT_EQ(shown(bob, "r2"), std::vector<std::string>{"i det nya rummet"});
}

// (5) A message queued (offline) before the fork was found is held, with the reason, in
// the outbox: not sent into either branch, and not lost.
TEST_F(AdversaryTest, ForkedRoomHoldsAQueuedOutboxEntry) {
    auto& f = fork_room();
    Device& alice = f.alice;
    Device& bob = f.bob;
    Device& carol = f.carol;
    Device& dave = f.dave;
    Device& erin = f.erin;
    alice.link->offline = true;
    const auto queued = alice->send(to_room("r", "köat före klyvningen"));
    ASSERT_TRUE(queued.allowed) << queued.verdict_json;
    ASSERT_FALSE(queued.sent);
    auto entries = alice->outbox();
    ASSERT_EQ(entries.size(), 1u);
    // Not yet sent: queued, or (the session being open) already encrypted in the old
    // epoch, the entry's ciphertext ready to go. Either is held.
    EXPECT_TRUE(entries[0].state == "queued" || entries[0].state == "encrypted")
        << entries[0].state;
    alice.link->offline = false;
    honest();
    const auto accepted = alice.link->messages_accepted;
    auto rep = alice->sync();  // finds the fork, then flushes the outbox
    EXPECT_EQ(rep.forks, 1u);
    EXPECT_EQ(rep.sent, 0u);
    EXPECT_EQ(rep.held, 1u);
    EXPECT_EQ(alice.link->messages_accepted, accepted);
    entries = alice->outbox();
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].state, "held");
    EXPECT_NE(entries[0].reason.find("\"r\" is forked"), std::string::npos) << entries[0].reason;
    EXPECT_NE(entries[0].reason.find("new room"), std::string::npos) << entries[0].reason;
    // Held for good: later syncs, also after a restart, send nothing.
    reopen(alice);
    rep = alice->sync();
    EXPECT_EQ(rep.sent, 0u);
    EXPECT_EQ(alice.link->messages_accepted, accepted);
    EXPECT_EQ(alice->outbox().at(0).state, "held");
    for (Device* d : {&bob, &carol, &dave, &erin}) {
        SCOPED_TRACE(d->name);
        for (const auto& del : hub_.mailbox(d->key)) EXPECT_NE(del.kind, Kind::message);
    }
}

// (5) No Commit goes into a forked room either: adding or removing a member is refused
// before any KeyPackage is fetched, nothing is committed, nobody is welcomed.
TEST_F(AdversaryTest, ForkedRoomRefusesAddAndRemove) {
    auto& f = fork_room();
    Device& alice = f.alice;
    Device& dave = f.dave;
    auto& frank = make("frank", pol_);
    ASSERT_EQ(alice->sync().forks, 1u);
    honest();
    const auto commits = alice.link->commits_accepted;
    const auto epoch = alice->room("r").epoch;
    const auto key_packages = hub_.one_time_key_packages(frank.key);
    expect_fork_refusal([&] { (void)alice->add_members("r", {frank.address}); });
    expect_fork_refusal([&] { (void)alice->remove_members("r", {dave.address}); });
    EXPECT_EQ(alice.link->commits_accepted, commits);
    EXPECT_EQ(hub_.one_time_key_packages(frank.key), key_packages);
    EXPECT_EQ(alice->room("r").epoch, epoch);
    EXPECT_EQ(alice->room("r").members.size(), 4u);
    EXPECT_EQ(frank->sync().joined, 0u);
    EXPECT_EQ(dave->sync().commits, 0u);
}

// (5) A Commit whose answer was lost before the fork was found (pending, to be resent
// with the same envelope id at the next sync) is not resent into the forked room either:
// the sync that finds the fork holds it with the same reason line as a held outbox
// entry, the group state stays as it was, and no later sync (also after a restart)
// sends it or reports it again.
TEST_F(AdversaryTest, ForkedRoomHoldsAPendingCommit) {
    auto& f = fork_room();
    Device& bob = f.bob;
    Device& carol = f.carol;
    Device& dave = f.dave;
    auto& frank = make("frank", pol_);
    // Bob has not seen Carol's Commit: no fork for him yet. His next Commit never
    // reaches the relay, so it stays pending.
    bob.link->lose_next_commit = true;
    try {
        (void)bob->add_members("r", {frank.address});
        ADD_FAILURE() << "the lost Commit was reported as done";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::relay_unavailable) << e.what();
    }
    const auto before = bob->room("r");
    EXPECT_FALSE(before.forked);
    EXPECT_EQ(before.members.size(), 4u);
    // Now the relay lets Carol's Commit through to Bob, and is otherwise honest: it would
    // take Bob's Commit, which is for the epoch it is at.
    honest();
    for (const auto& d : f.withheld) {
        if (d.sender_device_id == carol.key) hub_.inject(bob.key, d);
    }
    const auto commits = bob.link->commits_accepted;
    const auto duplicates = bob.link->commit_duplicates;
    auto rep = bob->sync();
    EXPECT_EQ(rep.forks, 1u);
    EXPECT_EQ(rep.held, 1u);
    EXPECT_EQ(bob.link->commits_accepted, commits);
    EXPECT_EQ(bob.link->commit_duplicates, duplicates);
    const auto held = std::find_if(rep.problems.begin(), rep.problems.end(),
                                   [](const auto& p) { return p.kind == "held_commit"; });
    ASSERT_NE(held, rep.problems.end());
    EXPECT_NE(held->reason.find("\"r\" is forked"), std::string::npos) << held->reason;
    EXPECT_NE(held->reason.find("epoch codes"), std::string::npos) << held->reason;
    EXPECT_NE(held->reason.find("new room"), std::string::npos) << held->reason;
    EXPECT_EQ(rep.errors, rep.problems.size() - 1) << "a held Commit is listed, not an error";
    const std::string text = core::messaging::sync_text(rep);
    EXPECT_NE(text.find("1 held"), std::string::npos) << text;
    EXPECT_NE(text.find("held / hålls kvar: a Commit not sent: \"r\" is forked"), std::string::npos)
        << text;
    // The group state is untouched: the epoch, its code and the members of before.
    auto room = bob->room("r");
    EXPECT_TRUE(room.forked);
    EXPECT_EQ(room.epoch, before.epoch);
    EXPECT_EQ(room.epoch_code, before.epoch_code);
    EXPECT_EQ(room.members.size(), 4u);
    EXPECT_EQ(hub_.group_members(room.group_id).size(), 5u);  // Alice, Bob, Carol, Dave, Erin
    // Nobody got the Commit or its Welcome.
    EXPECT_EQ(frank->sync().joined, 0u);
    EXPECT_EQ(dave->sync().commits, 0u);
    // Held for good: later syncs, also after a restart, neither send nor report it.
    rep = bob->sync();
    EXPECT_EQ(rep.held, 0u);
    reopen(bob);
    rep = bob->sync();
    EXPECT_EQ(rep.held, 0u);
    EXPECT_EQ(bob.link->commits_accepted, commits);
    EXPECT_EQ(bob.link->commit_duplicates, duplicates);
    EXPECT_EQ(bob->room("r").epoch, before.epoch);
    EXPECT_EQ(frank->sync().joined, 0u);
}

// The relay delivering the very Commit a member applied again (a retry, a replay, a
// restart between store and ack) is no fork, also after the member restarted.
TEST_F(AdversaryTest, TheSameCommitAgainIsNotAFork) {
    RelayDelivery commit;
    ASSERT_NO_FATAL_FAILURE(add_carol(commit));
    hub_.inject(bob_->key, commit);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_EQ(rep.forks, 0u);
    EXPECT_EQ(rep.commits, 0u);
    reopen(*bob_);
    hub_.inject(bob_->key, commit);
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_EQ(rep.forks, 0u);
    EXPECT_FALSE((*bob_)->room("r").forked);
    // Alice, whose own Commit it was, is given it too.
    hub_.inject(alice_->key, commit);
    rep = (*alice_)->sync();
    EXPECT_EQ(rep.errors, 0u);
    EXPECT_FALSE((*alice_)->room("r").forked);
    EXPECT_EQ((*bob_)->room("r").epoch_code, (*alice_)->room("r").epoch_code);
    expect_recovers("samma commit två gånger");
}

// A tampered copy of an applied Commit differs from it but does not verify: an error,
// never a fork (the relay cannot make a member believe in a fork that did not happen).
TEST_F(AdversaryTest, TamperedOldCommitIsAnErrorNotAFork) {
    RelayDelivery commit;
    ASSERT_NO_FATAL_FAILURE(add_carol(commit));
    for (const std::ptrdiff_t off : {-1, -40, 40}) {
        RelayDelivery forged = commit;
        const auto size = static_cast<std::ptrdiff_t>(forged.payload.size());
        forged.payload[static_cast<std::size_t>(off >= 0 ? off : size + off)] ^= 0x01;
        hub_.inject(bob_->key, forged);
    }
    const auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 3u);
    EXPECT_EQ(rep.forks, 0u);
    EXPECT_FALSE((*bob_)->room("r").forked);
    expect_recovers("efter den förfalskade commiten");
}

// The epoch of a delivery is the MLS message's own, not the relay's label: a genuine
// Commit labelled with an earlier epoch used to be dropped unseen as "an old epoch's
// Commit", leaving the member behind without a word. Now it is applied by the epoch in
// its header, and the lie is recorded.
TEST_F(AdversaryTest, TheEpochComesFromTheMessageNotTheRelaysLabel) {
    pair();
    auto& carol = make("carol", soc_);
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == bob_->key && d.kind == Kind::commit && d.epoch > 0) --d.epoch;
        return true;
    };
    (*alice_)->add_members("r", {carol.address});
    honest();
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.commits, 1u);
    EXPECT_EQ(rep.errors, 1u);  // the label
    EXPECT_EQ(rep.forks, 0u);
    EXPECT_EQ((*bob_)->room("r").epoch, (*alice_)->room("r").epoch);
    EXPECT_EQ((*bob_)->room("r").members.size(), 3u);
    // An application message labelled with a later epoch: shown (it is genuine), and the
    // label recorded as the relay's lie.
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == bob_->key) d.epoch += 5;
        return true;
    };
    send(*alice_, "r", "rätt epok");
    rep = (*bob_)->sync();
    EXPECT_EQ(rep.messages, 1u);
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_EQ(shown(*bob_, "r"), std::vector<std::string>{"rätt epok"});
    expect_recovers("efter den falska epoken");
}

// ---- (6) a valid ciphertext moved to another room ------------------------------------

TEST_F(AdversaryTest, CiphertextMovedToAnotherRoomIsRejected) {
    pair();
    (*alice_)->create_room("s", {bob_->address});
    ASSERT_EQ((*bob_)->sync().joined, 1u);
    const RelayDelivery msg = capture_from_alice("bara för r");
    RelayDelivery moved = msg;
    moved.group_id = (*bob_)->room("s").group_id;
    hub_.inject(bob_->key, moved);
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_TRUE(shown(*bob_, "s").empty());
    hub_.inject(bob_->key, msg);
    (*bob_)->sync();
    EXPECT_EQ(shown(*bob_, "r"), std::vector<std::string>{"bara för r"});
    expect_recovers("fortfarande r");
}

// ---- (1) ghost devices, forged and replayed Welcomes, a replayed Add -----------------

TEST_F(AdversaryTest, GhostDeviceLearnsNothingAndIsNeverAMember) {
    pair();
    auto& eve = make("eve", pol_);
    // The relay routes room "r" to a device of its choosing as well.
    std::vector<RelayDelivery> copies;
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == bob_->key) copies.push_back(d);
        return true;
    };
    send(*alice_, "r", "hemligt");
    honest();
    ASSERT_EQ(copies.size(), 1u);
    hub_.inject(eve.key, copies[0]);
    const auto rep = eve->sync();
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_TRUE(eve->rooms().empty());
    // The members are what MLS says, not what the relay routes to.
    for (Device* d : {alice_, bob_}) {
        for (const auto& m : (*d)->room("r").members) EXPECT_NE(m.address, eve.address);
    }
    EXPECT_EQ((*bob_)->sync().messages, 1u);
}

TEST_F(AdversaryTest, ForgedAndReplayedWelcomesJoinNothing) {
    alice_ = &make("alice", soc_);
    bob_ = &make("bob", pol_);
    auto& eve = make("eve", pol_);
    std::vector<RelayDelivery> welcomes;
    hub_.adversary().on_store = [&](const crypto::Bytes&, RelayDelivery& d) {
        if (d.kind == Kind::welcome) welcomes.push_back(d);
        return true;
    };
    (*alice_)->create_room("r", {bob_->address});
    eve->create_room("eves", {alice_->address});  // a Welcome for Alice
    honest();
    ASSERT_EQ(welcomes.size(), 2u);
    ASSERT_EQ((*bob_)->sync().joined, 1u);
    // Bob's own Welcome again (replay), Alice's Welcome to eve's room, and junk.
    hub_.inject(bob_->key, welcomes[0]);
    hub_.inject(bob_->key, welcomes[1]);
    RelayDelivery junk = welcomes[0];
    junk.payload = crypto::random_bytes(junk.payload.size());
    hub_.inject(bob_->key, junk);
    const auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.joined, 0u);
    EXPECT_GE(rep.errors, 2u);  // the replay may be a silent "joined already"
    ASSERT_EQ((*bob_)->rooms().size(), 1u);
    EXPECT_EQ((*bob_)->rooms()[0].name, "r");
    expect_recovers("efter välkomstförfalskningen");
}

TEST_F(AdversaryTest, ReplayedAddDoesNotBringBackARemovedMember) {
    pair();
    auto& carol = make("carol", soc_);
    std::vector<RelayDelivery> commits;
    hub_.adversary().on_store = [&](const crypto::Bytes& to, RelayDelivery& d) {
        if (to == bob_->key && d.kind == Kind::commit) commits.push_back(d);
        return true;
    };
    (*alice_)->add_members("r", {carol.address});
    (*alice_)->remove_members("r", {carol.address});
    honest();
    ASSERT_EQ(commits.size(), 2u);
    ASSERT_EQ((*bob_)->sync().commits, 2u);
    ASSERT_EQ((*bob_)->room("r").members.size(), 2u);
    // The Add again, as it was, and with the relay's epoch label moved to the current one.
    hub_.inject(bob_->key, commits[0]);
    RelayDelivery relabelled = commits[0];
    relabelled.epoch = (*bob_)->room("r").epoch;
    hub_.inject(bob_->key, relabelled);
    const auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.commits, 0u);
    // The relabelled one (the label is a lie: recorded); as it was, it is the very Commit
    // Bob applied (no fork, no error).
    EXPECT_EQ(rep.errors, 1u);
    EXPECT_EQ((*bob_)->room("r").members.size(), 2u);
    EXPECT_EQ((*bob_)->room("r").epoch, (*alice_)->room("r").epoch);
    expect_recovers("carol är borta");
}

// ---- (2) KeyPackage substitution and stale KeyPackages -------------------------------

TEST_F(AdversaryTest, SubstitutedKeyPackageIsRefusedAndNothingIsCommitted) {
    alice_ = &make("alice", soc_);
    bob_ = &make("bob", pol_);
    auto& eve = make("eve", pol_);
    // The relay answers for Bob with one of Eve's (genuine, certified) KeyPackages,
    // taken when Alice asked for Eve's.
    crypto::Bytes eves;
    hub_.adversary().on_fetch_key_package = [&](const crypto::Bytes& device,
                                                core::FetchedKeyPackage& a) {
        if (device == eve.key) eves = a.key_package;
    };
    (*alice_)->create_room("med eve", {eve.address});
    hub_.adversary().on_fetch_key_package = [&](const crypto::Bytes& device,
                                                core::FetchedKeyPackage& a) {
        if (device == bob_->key) a.key_package = eves;
    };
    ASSERT_FALSE(eves.empty());
    try {
        (*alice_)->create_room("r", {bob_->address});
        FAIL() << "a KeyPackage of another member was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::certificate_invalid) << e.what();
    }
    EXPECT_EQ((*bob_)->sync().joined, 0u);
    honest();
    (*alice_)->create_room("r2", {bob_->address});
    ASSERT_EQ((*bob_)->sync().joined, 1u);
    send(*alice_, "r2", "rätt nyckel");
    (*bob_)->sync();
    EXPECT_EQ(shown(*bob_, "r2"), std::vector<std::string>{"rätt nyckel"});
}

TEST_F(AdversaryTest, StaleOneTimeKeyPackageGivesAnErrorNotARoom) {
    pair();
    // The relay kept the one-time KeyPackage Bob already used for "r" and hands it out
    // again for "s": Bob deleted its private keys when he joined "r".
    crypto::Bytes first;
    hub_.adversary().on_fetch_key_package = [&](const crypto::Bytes& device,
                                                core::FetchedKeyPackage& a) {
        if (device != bob_->key) return;
        if (first.empty()) {
            first = a.key_package;
        } else {
            a.key_package = first;
        }
    };
    (*alice_)->create_room("s", {bob_->address});  // records Bob's next package
    (*alice_)->create_room("t", {bob_->address});  // the same package again
    honest();
    const auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.joined, 1u);  // "s"
    EXPECT_EQ(rep.errors, 1u);  // "t": a Welcome for none of our KeyPackages
    std::set<std::string> names;
    for (const auto& r : (*bob_)->rooms()) names.insert(r.name);
    EXPECT_EQ(names, (std::set<std::string>{"r", "s"}));
    expect_recovers("r fungerar");
}

// Draining: another device (here a certified one the relay lets fetch freely) takes every
// one-time KeyPackage of Bob's, so only his last-resort package is left to hand out. A
// long-lived session (app, daemon) tops them up again: at once after joining by Welcome,
// otherwise within the hour, not only at its next start.
TEST_F(AdversaryTest, DrainedKeyPackagesAreToppedUpWithoutARestart) {
    pair();
    auto device = crypto::ed25519_generate();
    const auto cert = pol_.issue("mallory", device.public_key);
    auto t = hub_.connect(hub_.link("mallory"));
    t->register_device(cert, [&](crypto::ByteView challenge) {
        const std::string label = "lagrum.relay.v1.Register";
        crypto::Bytes msg(label.begin(), label.end());
        msg.push_back(0);
        msg.insert(msg.end(), challenge.begin(), challenge.end());
        msg.insert(msg.end(), cert.body().begin(), cert.body().end());
        return *crypto::ed25519_sign(device.seed.view(), msg);
    });
    auto drain = [&] {
        while (!t->fetch_key_package(bob_->key).last_resort) {
        }
        ASSERT_EQ(hub_.one_time_key_packages(bob_->key), 0u);
    };
    drain();
    // Within the hour and nothing joined: no extra round trip on every sync.
    (*bob_)->sync();
    EXPECT_EQ(hub_.one_time_key_packages(bob_->key), 0u);
    // Alice gets the last-resort package; Bob joins with it and tops up at once.
    (*alice_)->create_room("efter", {bob_->address});
    EXPECT_EQ((*bob_)->sync().joined, 1u);
    EXPECT_EQ(hub_.one_time_key_packages(bob_->key), 20u);
    EXPECT_TRUE(hub_.has_last_resort(bob_->key));
    // Drained again, no Welcome: an hour later the next sync tops them up.
    drain();
    (*bob_)->set_clock([] { return kNow + 3601; });
    (*bob_)->sync();
    EXPECT_EQ(hub_.one_time_key_packages(bob_->key), 20u);
    // Both rooms still work.
    (*bob_)->set_clock([] { return kNow; });
    send(*alice_, "efter", "efter tömningen");
    (*bob_)->sync();
    EXPECT_EQ(shown(*bob_, "efter"), std::vector<std::string>{"efter tömningen"});
    expect_recovers("r fungerar");
}

// ---- (8) size side channel: padding buckets ------------------------------------------

TEST_F(AdversaryTest, CiphertextSizeRevealsOnlyThePaddingBucket) {
    pair();
    // The size the relay sees is the padding bucket plus a fixed MLS framing overhead
    // (header, encrypted sender data, AEAD tag), measured on the smallest message.
    const std::set<std::size_t> buckets = {256, 1024, 4096, 16384, 65536, 262144, 983040};
    const std::size_t smallest = capture_from_alice(".").payload.size();
    ASSERT_GT(smallest, 256u);
    const std::size_t overhead = smallest - 256;
    std::map<std::size_t, std::size_t> per_size;  // ciphertext size -> texts of that size
    for (std::size_t len : {1u, 10u, 40u, 100u, 300u, 700u, 900u, 2000u, 3000u, 10000u}) {
        std::string text;
        // Varied letters: compression (there is none) would shrink a repeated letter.
        for (std::size_t i = 0; i < len; ++i) text.push_back(static_cast<char>('a' + i * 7 % 26));
        const std::size_t size = capture_from_alice(text).payload.size();
        // From 16 384 bytes on, MLS varint length prefixes take four bytes instead of
        // two: the overhead grows by a few bytes, never by the text's length.
        bool in_bucket = false;
        for (std::size_t grow : {0u, 2u, 4u, 6u}) {
            if (size >= overhead + grow && buckets.count(size - overhead - grow) != 0)
                in_bucket = true;
        }
        EXPECT_TRUE(in_bucket) << len << " bytes of text: " << size;
        ++per_size[size];
        // No compression: a text of one repeated letter is exactly as large.
        EXPECT_EQ(capture_from_alice(std::string(len, 'x')).payload.size(), size) << len;
    }
    // Texts from 1 to 10 000 bytes fall into at most four sizes.
    EXPECT_LE(per_size.size() + 0, 4u);
    EXPECT_GE(per_size.size(), 2u);
}

// ---- (11) stripping the legal marking ------------------------------------------------

// The relay cannot reach the marking (it is inside the encrypted, signed content: the
// tampering test above); a modified sender can leave it out, and the receiver flags it.
TEST_F(AdversaryTest, StrippedMarkingIsFlaggedNotShownAsGenuine) {
    pair();
    auto req = to_room("r", "utan markering");
    req.tamper_for_testing = [](content::v1::Content& c) {
        c.mutable_disclosure()->clear_marking();
    };
    const auto res = (*alice_)->send(req);
    ASSERT_TRUE(res.sent) << res.verdict_json;
    const auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.messages, 1u);
    EXPECT_EQ(rep.flagged, 1u);
    const auto inbox = (*bob_)->inbox("r");
    ASSERT_EQ(inbox.size(), 1u);
    EXPECT_FALSE(inbox[0].has_marking);
    EXPECT_NE(std::find(inbox[0].flags.begin(), inbox[0].flags.end(), "marking_missing"),
              inbox[0].flags.end());
    expect_recovers("med markering");
}

// ---- (10) malformed and oversized deliveries -----------------------------------------

TEST_F(AdversaryTest, MalformedAndOversizedDeliveriesAreErrorsNotCrashes) {
    pair();
    const RelayDelivery msg = capture_from_alice("riktig");
    std::vector<crypto::Bytes> payloads = {
        {},
        {0x00},
        {0x00, 0x01, 0x00, 0x02},
        crypto::random_bytes(64 * 1024),
        crypto::Bytes(1024 * 1024, 0xff),
        crypto::Bytes(msg.payload.begin(), msg.payload.begin() + msg.payload.size() / 2),
    };
    crypto::Bytes trailing = msg.payload;
    trailing.push_back(0x00);
    payloads.push_back(trailing);
    for (auto kind : {Kind::message, Kind::commit, Kind::welcome}) {
        for (const auto& p : payloads) {
            RelayDelivery d = msg;
            d.kind = kind;
            d.payload = p;
            hub_.inject(bob_->key, d);
        }
    }
    auto rep = (*bob_)->sync();
    EXPECT_EQ(rep.errors, 3 * payloads.size());
    EXPECT_EQ(rep.messages, 0u);
    EXPECT_TRUE(shown(*bob_, "r").empty());
    hub_.inject(bob_->key, msg);
    rep = (*bob_)->sync();
    EXPECT_EQ(shown(*bob_, "r"), std::vector<std::string>{"riktig"});
    expect_recovers("efter skräpet");
}

}  // namespace
}  // namespace lagrum::messaging_test
