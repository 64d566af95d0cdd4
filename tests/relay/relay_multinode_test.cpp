// Several relay nodes on one PostgreSQL database (issue 13): three real lagrum-relay
// processes, each on its own unix socket, share one database from the PostgreSQL test
// fixture. Clients on different nodes converge through the database and its
// notifications (a stream on node B wakes when node A stores its delivery, without
// polling); a commit race across nodes has exactly one winner; kill -9 of a node loses
// nothing acknowledged and its clients resume from their cursor on another node; a
// revocation published on one node ends the sessions on every node.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "lagrum/testing/postgres_server.h"
#include "relay_harness.h"

using namespace lagrum;
using namespace lagrum::relaytest;
using grpc::StatusCode;

namespace {

constexpr int kNodes = 3;

// This file's streams wait up to 30 s by default (three nodes, notifications crossing
// the database).
constexpr std::chrono::seconds kWait{30};

template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
    }
    return pred();
}

class MultiNodeTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        pg_ = lagrum::testing::shared_postgres(&why);
        if (!pg_) GTEST_SKIP() << why;
        database_ = pg_->uri(pg_->create_database());
        for (int k = 0; k < kNodes; ++k) {
            nodes_.push_back(std::make_unique<RelayProcess>(
                tmp_.path() / ("node" + std::to_string(k)), config(), database_));
        }
        // The first node migrates the empty database; the others then start together
        // (the migration lock makes a concurrent start safe as well).
        for (auto& n : nodes_) n->start(std::chrono::seconds(60));
        for (auto& n : nodes_) stubs_.push_back(n->stub());
    }

    std::string config() const {
        return "[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n" + org_.trust_toml();
    }
    rv1::Relay::Stub& node(int k) { return *stubs_[static_cast<std::size_t>(k)]; }

    Device make_device(int k, std::uint64_t* serial = nullptr) {
        Device d;
        const auto now = unix_now();
        d.certificate = org_.issue("m" + std::to_string(next_member_++), d.key.public_key, now - 60,
                                   now + 10 * 86400, serial);
        auto st = register_device(node(k), d);
        EXPECT_TRUE(st.ok()) << st.error_message();
        return d;
    }

    // CreateGroup on node k by `creator`, then one Commit adding `others` with a Welcome.
    std::string group(int k, const Device& creator, const std::vector<const Device*>& others) {
        const std::string gid = random_id();
        rv1::CreateGroupRequest cg;
        cg.set_group_id(gid);
        rv1::CreateGroupResponse cgr;
        auto c1 = ctx_for(&creator);
        EXPECT_TRUE(node(k).CreateGroup(c1.get(), cg, &cgr).ok());
        rv1::SendCommitRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(random_id());
        req.set_commit(private_message(gid, 0, 3, crypto::random_bytes(64)));
        for (const auto* o : others) {
            req.add_added_device_ids(o->id());
            req.add_welcome_device_ids(o->id());
        }
        req.set_welcome(welcome_message(crypto::random_bytes(80)));
        rv1::SendCommitResponse resp;
        auto c2 = ctx_for(&creator);
        auto st = node(k).SendCommit(c2.get(), req, &resp);
        EXPECT_TRUE(st.ok()) << st.error_message();
        return gid;
    }

    grpc::Status send(int k, const Device& d, const std::string& gid, const std::string& eid,
                      std::uint64_t epoch = 1) {
        rv1::SendMessageRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(eid);
        req.set_message(private_message(gid, epoch, 1, crypto::random_bytes(100)));
        rv1::SendMessageResponse resp;
        auto ctx = ctx_for(&d, 10);
        return node(k).SendMessage(ctx.get(), req, &resp);
    }

    grpc::Status publish(int k, const Device& caller, std::uint64_t sequence,
                         const std::vector<std::uint64_t>& serials) {
        cv1::RevocationListBody body;
        body.set_organisation_id(org_.id);
        body.set_sequence(sequence);
        body.set_issued_at(unix_now());
        for (auto s : serials) body.add_revoked_serials(s);
        auto list = cert::issue_revocation_list(body, org_.root.seed.view());
        if (list.index() != 0) return grpc::Status(StatusCode::INTERNAL, "issue failed");
        rv1::PublishRevocationListRequest req;
        *req.mutable_revocation_list() = std::get<0>(list);
        rv1::PublishRevocationListResponse resp;
        auto ctx = ctx_for(&caller);
        return node(k).PublishRevocationList(ctx.get(), req, &resp);
    }

    StatusCode probe(int k, const Device& d) {
        rv1::CountKeyPackagesResponse resp;
        auto ctx = ctx_for(&d);
        return node(k).CountKeyPackages(ctx.get(), {}, &resp).error_code();
    }

    // The whole mailbox of `d` after `after_seq`, read through node k (backlog only).
    std::vector<rv1::Delivery> backlog(int k, const Device& d, std::uint64_t after_seq = 0) {
        rv1::SubscribeRequest req;
        req.set_after_seq(after_seq);
        req.set_backlog_only(true);
        auto ctx = ctx_for(&d);
        auto reader = node(k).Subscribe(ctx.get(), req);
        std::vector<rv1::Delivery> out;
        rv1::Delivery del;
        while (reader->Read(&del)) out.push_back(del);
        auto st = reader->Finish();
        EXPECT_TRUE(st.ok()) << st.error_message();
        return out;
    }

    lagrum::testing::PostgresServer* pg_ = nullptr;
    std::string database_;
    TempDir tmp_;
    Org org_{"multinode.example"};
    std::vector<std::unique_ptr<RelayProcess>> nodes_;
    std::vector<std::unique_ptr<rv1::Relay::Stub>> stubs_;
    int next_member_ = 1;
};

std::vector<std::string> envelope_ids(const std::vector<rv1::Delivery>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) out.push_back(d.envelope_id());
    return out;
}

// Members on three nodes: what one sends reaches the others' open streams on their own
// nodes (woken by the database's notification, no polling), in the same order for all.
TEST_F(MultiNodeTest, ClientsOnDifferentNodesConverge) {
    Device a = make_device(0);
    Device b = make_device(1);
    Device c = make_device(2);
    SubscribeStream sb(node(1), b);
    SubscribeStream sc(node(2), c);
    const std::string gid = group(0, a, {&b, &c});
    ASSERT_TRUE(sb.wait_count(1, kWait));  // the Welcome, stored by node 0, streamed by node 1
    ASSERT_TRUE(sc.wait_count(1, kWait));
    EXPECT_EQ(sb.got()[0].kind(), rv1::Delivery::KIND_WELCOME);

    SubscribeStream sa(node(0), a);
    std::vector<std::string> from_a, from_c;
    for (int i = 0; i < 10; ++i) {
        from_a.push_back(random_id());
        ASSERT_TRUE(send(0, a, gid, from_a.back()).ok());
        from_c.push_back(random_id());
        ASSERT_TRUE(send(2, c, gid, from_c.back()).ok());
    }
    ASSERT_TRUE(sa.wait_count(10, kWait));
    ASSERT_TRUE(sb.wait_count(21, kWait));
    ASSERT_TRUE(sc.wait_count(11, kWait));
    EXPECT_EQ(envelope_ids(sa.got()), from_c);
    // b sees both senders interleaved in the order the sends were acknowledged.
    std::vector<std::string> both;
    for (std::size_t i = 0; i < from_a.size(); ++i) {
        both.push_back(from_a[i]);
        both.push_back(from_c[i]);
    }
    auto gb = sb.got();
    gb.erase(gb.begin());
    EXPECT_EQ(envelope_ids(gb), both);
    auto gc = sc.got();
    gc.erase(gc.begin());
    EXPECT_EQ(envelope_ids(gc), from_a);
    // Seqs increase on every stream; the same mailbox read through another node holds
    // exactly what the stream delivered.
    for (auto* s : {&sa, &sb, &sc}) {
        auto g = s->got();
        for (std::size_t i = 1; i < g.size(); ++i) EXPECT_GT(g[i].seq(), g[i - 1].seq());
    }
    EXPECT_EQ(envelope_ids(backlog(2, b)), envelope_ids(sb.got()));
    // Nothing more arrives (no duplicate from a second notification).
    ASSERT_TRUE(send(1, b, gid, random_id()).ok());
    ASSERT_TRUE(sa.wait_count(11, kWait));
    EXPECT_EQ(sa.got().size(), 11u);
}

// Members on every node commit the same epoch at once, each through its own node:
// exactly one Commit wins; the others fail with FAILED_PRECONDITION naming the new
// epoch, and every node then reports that epoch.
TEST_F(MultiNodeTest, CommitRaceAcrossNodesHasExactlyOneWinner) {
    std::vector<Device> members;
    for (int i = 0; i < 2 * kNodes; ++i) members.push_back(make_device(i % kNodes));
    std::vector<const Device*> others;
    for (std::size_t i = 1; i < members.size(); ++i) others.push_back(&members[i]);
    const std::string gid = group(0, members[0], others);

    for (std::uint64_t epoch = 1; epoch <= 5; ++epoch) {
        std::vector<grpc::Status> st(members.size());
        std::vector<std::string> trailer(members.size());
        std::vector<std::string> eids(members.size());
        std::atomic<int> ready{0};
        std::vector<std::thread> ts;
        for (std::size_t i = 0; i < members.size(); ++i) {
            eids[i] = random_id();
            ts.emplace_back([&, i] {
                rv1::SendCommitRequest req;
                req.set_group_id(gid);
                req.set_envelope_id(eids[i]);
                req.set_commit(private_message(gid, epoch, 3, crypto::random_bytes(64)));
                rv1::SendCommitResponse resp;
                auto ctx = ctx_for(&members[i]);
                auto stub = nodes_[i % kNodes]->stub();  // a channel of its own
                ++ready;
                while (ready.load() < static_cast<int>(members.size())) std::this_thread::yield();
                st[i] = stub->SendCommit(ctx.get(), req, &resp);
                const auto& md = ctx->GetServerTrailingMetadata();
                auto it = md.find("lagrum-current-epoch");
                if (it != md.end()) trailer[i] = std::string(it->second.data(), it->second.size());
            });
        }
        for (auto& t : ts) t.join();
        int ok = 0;
        std::size_t winner = 0;
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (st[i].ok()) {
                ++ok;
                winner = i;
            } else {
                EXPECT_EQ(st[i].error_code(), StatusCode::FAILED_PRECONDITION)
                    << st[i].error_message();
                EXPECT_EQ(trailer[i], std::to_string(epoch + 1));
            }
        }
        ASSERT_EQ(ok, 1) << "epoch " << epoch;
        for (int k = 0; k < kNodes; ++k) {
            rv1::GetGroupRequest req;
            req.set_group_id(gid);
            rv1::GetGroupResponse resp;
            auto ctx = ctx_for(&members[static_cast<std::size_t>(k)]);
            ASSERT_TRUE(node(k).GetGroup(ctx.get(), req, &resp).ok());
            EXPECT_EQ(resp.epoch(), epoch + 1);
        }
        // Every other member holds the winning Commit and no losing one.
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (i == winner) continue;
            int commits = 0;
            for (const auto& d : backlog(static_cast<int>(i) % kNodes, members[i])) {
                if (d.kind() != rv1::Delivery::KIND_COMMIT || d.epoch() != epoch) continue;
                ++commits;
                EXPECT_EQ(d.envelope_id(), eids[winner]);
            }
            EXPECT_EQ(commits, 1);
        }
    }
}

// kill -9 of node 0 while its clients send and read: every send any node acknowledged
// is delivered exactly once to every recipient; node 0's clients keep their sessions
// (stored in the database), reconnect to node 1 and resume from their cursor.
TEST_F(MultiNodeTest, KillNineLosesNothingAcknowledgedAndClientsResumeElsewhere) {
    Device v1 = make_device(0);  // the victims, attached to node 0
    Device v2 = make_device(0);
    Device s1 = make_device(1);
    Device s2 = make_device(2);
    const std::string gid = group(1, s1, {&v1, &v2, &s2});
    std::vector<const Device*> all = {&v1, &v2, &s1, &s2};

    auto sv1 = std::make_unique<SubscribeStream>(node(0), v1);
    auto sv2 = std::make_unique<SubscribeStream>(node(0), v2);
    ASSERT_TRUE(sv1->wait_count(1, kWait));
    ASSERT_TRUE(sv2->wait_count(1, kWait));

    // Senders on every node; the victims' sends go through node 0 until it dies.
    std::mutex mu;
    std::map<std::string, const Device*> acknowledged;  // envelope id -> sender
    std::atomic<bool> stop{false};
    std::atomic<int> sent_before_kill{0};
    auto sender = [&](int k, const Device* d) {
        while (!stop.load()) {
            const std::string eid = random_id();
            auto st = send(k, *d, gid, eid);
            if (st.ok()) {
                std::lock_guard lock(mu);
                acknowledged[eid] = d;
                ++sent_before_kill;
            } else if (k == 0) {
                return;  // node 0 is gone; an unacknowledged send may or may not be stored
            }
        }
    };
    std::vector<std::thread> ts;
    ts.emplace_back(sender, 0, &v1);
    ts.emplace_back(sender, 0, &v2);
    ts.emplace_back(sender, 1, &s1);
    ts.emplace_back(sender, 2, &s2);
    ASSERT_TRUE(eventually([&] { return sent_before_kill.load() >= 40; }));
    ASSERT_TRUE(sv1->wait_count(5, kWait));
    // v1 acknowledges what it has read so far (Ack deletes): the cursor it resumes from.
    const auto read_v1 = sv1->got();
    {
        rv1::AckRequest req;
        req.set_upto_seq(read_v1.back().seq());
        rv1::AckResponse resp;
        auto ctx = ctx_for(&v1);
        ASSERT_TRUE(node(0).Ack(ctx.get(), req, &resp).ok());
    }
    nodes_[0]->kill_hard();
    ts[0].join();
    ts[1].join();
    // The other nodes keep accepting sends for a moment after the kill.
    const int after = sent_before_kill.load() + 20;
    ASSERT_TRUE(eventually([&] { return sent_before_kill.load() >= after; }));
    stop = true;
    ts[2].join();
    ts[3].join();

    // The victims' streams ended with the node; they resume on node 1 from the last seq
    // they read (v2 never acknowledged, so its mailbox still holds everything).
    ASSERT_TRUE(sv1->wait_done(kWait));
    ASSERT_TRUE(sv2->wait_done(kWait));
    std::map<const Device*, std::vector<rv1::Delivery>> got;
    got[&v1] = sv1->got();
    got[&v2] = sv2->got();
    std::map<const Device*, std::size_t> expected;
    for (const auto& [eid, from] : acknowledged) {
        for (const auto* d : all) expected[d] += d == from ? 0 : 1;
    }
    for (const Device* v : {&v1, &v2}) {
        const std::uint64_t cursor = got[v].back().seq();
        SubscribeStream resumed(node(1), *v, cursor);
        const std::size_t want = expected[v] + 1;  // plus the Welcome
        ASSERT_TRUE(eventually([&] {
            // Unacknowledged sends of the victims may have been stored too: wait for at
            // least every acknowledged one.
            std::set<std::string> have;
            for (const auto& d : got[v]) have.insert(d.envelope_id());
            for (const auto& d : resumed.got()) have.insert(d.envelope_id());
            std::size_t n = 0;
            for (const auto& [eid, from] : acknowledged)
                n += (from != v && have.count(eid)) ? 1 : 0;
            return n + 1 >= want;
        })) << "victim did not catch up";
        auto r = resumed.got();
        ASSERT_FALSE(r.empty());
        EXPECT_GT(r.front().seq(), cursor);
        got[v].insert(got[v].end(), r.begin(), r.end());
    }
    // The senders on the surviving nodes read their whole mailboxes through node 2.
    got[&s1] = backlog(2, s1);
    got[&s2] = backlog(1, s2);
    for (const auto* d : all) {
        std::map<std::string, int> count;
        for (const auto& del : got[d]) ++count[del.envelope_id()];
        for (const auto& [eid, n] : count) EXPECT_EQ(n, 1) << "delivered twice";
        for (const auto& [eid, from] : acknowledged) {
            if (from == d) continue;
            EXPECT_EQ(count[eid], 1) << "an acknowledged send is missing";
        }
        for (std::size_t i = 1; i < got[d].size(); ++i) {
            EXPECT_GT(got[d][i].seq(), got[d][i - 1].seq());
        }
    }
    // Node 0 comes back on the same database and serves the victims again.
    nodes_[0]->start(std::chrono::seconds(60));
    stubs_[0] = nodes_[0]->stub();
    EXPECT_EQ(probe(0, v1), StatusCode::OK);
}

// A revocation published on node 1 deletes the revoked device's sessions in the
// database, so every node refuses its calls (after at most the 5-second session cache).
TEST_F(MultiNodeTest, RevokedSessionEndsOnEveryNode) {
    std::uint64_t serial = 0;
    Device victim = make_device(0, &serial);
    Device admin = make_device(1);
    Device bystander = make_device(2);
    for (int k = 0; k < kNodes; ++k) EXPECT_EQ(probe(k, victim), StatusCode::OK);
    ASSERT_TRUE(publish(1, admin, 1, {serial}).ok());
    for (int k = 0; k < kNodes; ++k) {
        EXPECT_TRUE(eventually([&] { return probe(k, victim) == StatusCode::UNAUTHENTICATED; },
                               std::chrono::seconds(15)))
            << "node " << k;
        EXPECT_EQ(probe(k, bystander), StatusCode::OK);
    }
}

// The rest of the promise: the revoked device's open streams end on every node, and no
// node lets it register again. The publishing node's storage transaction notifies the
// others (pg_notify, payload "<node>:rev"); each installs the stored list in its trust
// store and ends the matching streams (RelayService::install_stored_revocation_lists).
TEST_F(MultiNodeTest, RevocationEndsStreamsAndRegistrationOnEveryNode) {
    std::uint64_t serial = 0;
    Device victim = make_device(0, &serial);
    Device admin = make_device(1);
    Device bystander = make_device(2);
    std::vector<std::unique_ptr<SubscribeStream>> streams;
    for (int k = 0; k < kNodes; ++k)
        streams.push_back(std::make_unique<SubscribeStream>(node(k), victim));
    SubscribeStream other(node(2), bystander);

    ASSERT_TRUE(publish(1, admin, 1, {serial}).ok());
    for (int k = 0; k < kNodes; ++k) {
        EXPECT_TRUE(streams[static_cast<std::size_t>(k)]->wait_done(std::chrono::seconds(15)))
            << "the stream on node " << k << " did not end";
        EXPECT_EQ(streams[static_cast<std::size_t>(k)]->status().error_code(),
                  StatusCode::UNAUTHENTICATED)
            << "node " << k;
    }
    for (int k = 0; k < kNodes; ++k) {
        auto st = register_device(node(k), victim);
        EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED)
            << "node " << k << ": " << st.error_message();
    }
    EXPECT_FALSE(other.wait_done(std::chrono::seconds(0)));
}

// No wake-up is lost: with the 30-s safety net off (LAGRUM_RELAY_PG_SAFETY_NET_SECONDS=0,
// a test-only setting), every delivery must reach its stream through a notification, a
// local commit or a gap read alone. Many streams on node 1 receive from senders on all
// three nodes at once (local commits and notifications of the same devices interleave)
// while they acknowledge as they read (rows vanish under the notifier's reads); each
// stream must then hold everything within 20 s. A lost wake-up leaves a stream short
// until the bound and fails.
class MultiNodeNoSafetyNetTest : public MultiNodeTest {
  protected:
    void SetUp() override {
        // The relays inherit the environment (posix_spawn with environ).
        ::setenv("LAGRUM_RELAY_PG_SAFETY_NET_SECONDS", "0", 1);
        MultiNodeTest::SetUp();
        ::unsetenv("LAGRUM_RELAY_PG_SAFETY_NET_SECONDS");
    }
};

TEST_F(MultiNodeNoSafetyNetTest, EveryDeliveryArrivesWithoutTheSafetyNet) {
    constexpr int kReceivers = 24;
    constexpr int kSends = 60;  // per sender
    const std::vector<int> sender_nodes = {0, 0, 2, 2, 1};
    std::vector<Device> receivers;
    for (int i = 0; i < kReceivers; ++i) receivers.push_back(make_device(1));
    std::vector<Device> senders;
    for (int k : sender_nodes) senders.push_back(make_device(k));
    std::vector<std::unique_ptr<SubscribeStream>> streams;
    for (const auto& r : receivers)
        streams.push_back(std::make_unique<SubscribeStream>(node(1), r));
    std::vector<const Device*> others;
    for (const auto& r : receivers) others.push_back(&r);
    // One room per sender with every receiver; each receiver gets one Welcome per room.
    std::vector<std::string> rooms;
    for (std::size_t i = 0; i < senders.size(); ++i)
        rooms.push_back(group(sender_nodes[i], senders[i], others));

    std::atomic<bool> sending{true};
    std::atomic<int> failed{0};
    std::vector<std::thread> ts;
    for (std::size_t i = 0; i < senders.size(); ++i) {
        ts.emplace_back([&, i] {
            auto stub = nodes_[static_cast<std::size_t>(sender_nodes[i])]->stub();
            for (int n = 0; n < kSends; ++n) {
                rv1::SendMessageRequest req;
                req.set_group_id(rooms[i]);
                req.set_envelope_id(random_id());
                req.set_message(private_message(rooms[i], 1, 1, crypto::random_bytes(100)));
                rv1::SendMessageResponse resp;
                auto ctx = ctx_for(&senders[i], 30);
                if (!stub->SendMessage(ctx.get(), req, &resp).ok()) ++failed;
            }
        });
    }
    // Receivers acknowledge what they have read while the sends go on, so the notifier
    // also meets envelopes whose rows are gone.
    std::thread acker([&] {
        auto stub = nodes_[1]->stub();
        std::vector<std::uint64_t> acked(receivers.size(), 0);
        while (sending.load()) {
            for (std::size_t r = 0; r < receivers.size(); ++r) {
                auto got = streams[r]->got();
                if (got.empty() || got.back().seq() == acked[r]) continue;
                rv1::AckRequest req;
                req.set_upto_seq(got.back().seq());
                rv1::AckResponse resp;
                auto ctx = ctx_for(&receivers[r]);
                if (stub->Ack(ctx.get(), req, &resp).ok()) acked[r] = got.back().seq();
            }
            // Pacing only (about 100 rounds a second), not synchronisation.
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    for (auto& t : ts) t.join();
    sending = false;
    acker.join();
    ASSERT_EQ(failed.load(), 0);

    const std::size_t want = senders.size() * (1 + kSends);  // Welcomes and messages
    for (std::size_t r = 0; r < receivers.size(); ++r) {
        EXPECT_TRUE(streams[r]->wait_count(want, std::chrono::seconds(20)))
            << "receiver " << r << " has " << streams[r]->count() << " of " << want
            << " (a lost wake-up)";
    }
    for (std::size_t r = 0; r < receivers.size(); ++r) {
        const auto got = streams[r]->got();
        std::set<std::string> ids;
        for (std::size_t i = 0; i < got.size(); ++i) {
            EXPECT_TRUE(ids.insert(got[i].envelope_id()).second) << "delivered twice";
            if (i > 0) {
                EXPECT_GT(got[i].seq(), got[i - 1].seq());
            }
        }
        EXPECT_EQ(got.size(), want);
    }
}

// A registration challenge is bound to the node that issued it (an HMAC key per
// process): Register with it on another node fails, and the client asks again there.
TEST_F(MultiNodeTest, ChallengeIsOnlyValidOnTheNodeThatIssuedIt) {
    Device d;
    const auto now = unix_now();
    d.certificate = org_.issue("roaming", d.key.public_key, now - 60, now + 86400);
    rv1::GetChallengeResponse ch;
    auto c1 = ctx_for(nullptr);
    ASSERT_TRUE(node(0).GetChallenge(c1.get(), {}, &ch).ok());
    rv1::RegisterRequest req;
    *req.mutable_certificate() = d.certificate;
    req.set_challenge(ch.challenge());
    req.set_signature(
        str(crypto::ed25519_sign(d.key.seed.view(),
                                 register_message(ch.challenge(), d.certificate.body()))
                .value()));
    rv1::RegisterResponse resp;
    auto c2 = ctx_for(nullptr);
    EXPECT_EQ(node(1).Register(c2.get(), req, &resp).error_code(), StatusCode::UNAUTHENTICATED);
    ASSERT_TRUE(register_device(node(1), d).ok());
    EXPECT_EQ(probe(2, d), StatusCode::OK);  // the session is the cluster's
}

}  // namespace
