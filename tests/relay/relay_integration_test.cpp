// Integration tests: the real lagrum-relay binary on a temporary unix socket and
// database, driven by a real gRPC client.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

#include <nlohmann/json.hpp>

#include "lagrum/crypto/aead.h"
#include "relay_harness.h"

using namespace lagrum;
using namespace lagrum::relaytest;
using grpc::StatusCode;

namespace {

// The per-device abuse budgets are lifted too: these tests exercise the protocol, and
// tests/relay/relay_abuse_test.cpp the budgets.
const char* kFastLimits =
    "[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n"
    "create_group_per_minute = 1000000\nlist_devices_per_minute = 1000000\n"
    "key_package_fetch_per_minute = 1000000\nkey_package_fetch_per_target_hour = 1000000\n"
    "key_package_target_per_hour = 1000000\nmax_empty_groups_per_device = 1000000\n";

class RelayTest : public ::testing::Test {
  protected:
    void SetUp() override {
        LAGRUM_RELAY_REQUIRE_BACKEND();
        start_relay(kFastLimits);
    }

    void start_relay(const std::string& limits, const std::string& extra = "") {
        clock_file_ = (tmp_.path() / "clock").string();
        // Top-level keys (extra) must precede the first [table].
        relay_ = std::make_unique<RelayProcess>(
            tmp_.path(), extra + "\n" + limits + "\n" + org_.trust_toml() +
                             "\n[testing]\nclock_file = \"" + clock_file_ + "\"\n");
        relay_->start();
        stub_ = relay_->stub();
    }

    // A registered device of a fresh member.
    Device make_device(const std::string& member = {}) {
        Device d;
        const auto now = unix_now();
        d.certificate = org_.issue(member.empty() ? "m" + std::to_string(next_member_++) : member,
                                   d.key.public_key, now - 60, now + 10 * 86400);
        auto st = register_device(*stub_, d);
        EXPECT_TRUE(st.ok()) << st.error_message();
        return d;
    }

    grpc::Status create_group(const Device& d, const std::string& gid) {
        rv1::CreateGroupRequest req;
        req.set_group_id(gid);
        rv1::CreateGroupResponse resp;
        auto ctx = ctx_for(&d);
        return stub_->CreateGroup(ctx.get(), req, &resp);
    }

    grpc::Status commit(const Device& d, const std::string& gid, std::uint64_t epoch,
                        const std::vector<const Device*>& add, std::uint64_t* current = nullptr,
                        bool with_welcome = true) {
        rv1::SendCommitRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(random_id());
        req.set_commit(private_message(gid, epoch, 3, crypto::random_bytes(64)));
        for (const auto* a : add) req.add_added_device_ids(a->id());
        if (with_welcome && !add.empty()) {
            req.set_welcome(welcome_message(crypto::random_bytes(80)));
            for (const auto* a : add) req.add_welcome_device_ids(a->id());
        }
        rv1::SendCommitResponse resp;
        auto ctx = ctx_for(&d);
        auto st = stub_->SendCommit(ctx.get(), req, &resp);
        if (current) {
            auto it = ctx->GetServerTrailingMetadata().find("lagrum-current-epoch");
            *current = it == ctx->GetServerTrailingMetadata().end()
                           ? resp.epoch()
                           : std::stoull(std::string(it->second.data(), it->second.size()));
        }
        return st;
    }

    grpc::Status send(const Device& d, const std::string& gid, std::uint64_t epoch,
                      const std::string& payload, std::string envelope_id = {}) {
        rv1::SendMessageRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(envelope_id.empty() ? random_id() : envelope_id);
        req.set_message(private_message(gid, epoch, 1, view(payload)));
        rv1::SendMessageResponse resp;
        auto ctx = ctx_for(&d);
        return stub_->SendMessage(ctx.get(), req, &resp);
    }

    // Reads exactly n deliveries (or fewer if the deadline passes) from a Subscribe stream.
    std::vector<rv1::Delivery> read_n(const Device& d, std::uint64_t after, std::size_t n,
                                      int timeout_s = 20) {
        auto ctx = ctx_for(&d, timeout_s);
        rv1::SubscribeRequest req;
        req.set_after_seq(after);
        auto reader = stub_->Subscribe(ctx.get(), req);
        std::vector<rv1::Delivery> out;
        rv1::Delivery del;
        while (out.size() < n && reader->Read(&del)) out.push_back(del);
        ctx->TryCancel();
        reader->Finish();
        return out;
    }

    // Everything currently in the mailbox: drains with a short deadline (the stream
    // never ends by itself, so the deadline is what ends it; no assertion depends on
    // its length beyond "the backlog was delivered").
    std::vector<rv1::Delivery> drain(const Device& d, std::uint64_t after = 0) {
        auto ctx = ctx_for(&d);
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(1500));
        rv1::SubscribeRequest req;
        req.set_after_seq(after);
        auto reader = stub_->Subscribe(ctx.get(), req);
        std::vector<rv1::Delivery> out;
        rv1::Delivery del;
        while (reader->Read(&del)) out.push_back(del);
        reader->Finish();
        return out;
    }

    void set_clock(std::int64_t t) {
        std::ofstream(clock_file_ + ".tmp") << t << "\n";
        fs::rename(clock_file_ + ".tmp", clock_file_);
    }

    TempDir tmp_;
    Org org_{"police.example"};
    std::string clock_file_;
    std::unique_ptr<RelayProcess> relay_;
    std::unique_ptr<rv1::Relay::Stub> stub_;
    int next_member_ = 1;
};

TEST_F(RelayTest, RegistrationGoodGivesWorkingToken) {
    Device d = make_device("alice");
    ASSERT_EQ(d.token.size(), 64u);
    rv1::CountKeyPackagesResponse resp;
    auto ctx = ctx_for(&d);
    ASSERT_TRUE(stub_->CountKeyPackages(ctx.get(), {}, &resp).ok());

    rv1::ListDevicesRequest lr;
    lr.set_organisation_id("police.example");
    lr.set_member_id("alice");
    rv1::ListDevicesResponse ld;
    auto c2 = ctx_for(&d);
    ASSERT_TRUE(stub_->ListDevices(c2.get(), lr, &ld).ok());
    ASSERT_EQ(ld.device_ids_size(), 1);
    EXPECT_EQ(ld.device_ids(0), d.id());
}

TEST_F(RelayTest, EveryRpcWithoutTokenIsUnauthenticated) {
    Device none;
    Device bogus;
    bogus.token = std::string(64, 'a');
    for (const Device* d : {&none, &bogus}) {
        auto c1 = ctx_for(d);
        rv1::CountKeyPackagesResponse r1;
        EXPECT_EQ(stub_->CountKeyPackages(c1.get(), {}, &r1).error_code(),
                  StatusCode::UNAUTHENTICATED);
        auto c2 = ctx_for(d);
        rv1::CreateGroupRequest q2;
        q2.set_group_id("g");
        rv1::CreateGroupResponse r2;
        EXPECT_EQ(stub_->CreateGroup(c2.get(), q2, &r2).error_code(), StatusCode::UNAUTHENTICATED);
        auto c3 = ctx_for(d);
        rv1::SendMessageResponse r3;
        EXPECT_EQ(stub_->SendMessage(c3.get(), {}, &r3).error_code(), StatusCode::UNAUTHENTICATED);
        auto c4 = ctx_for(d);
        auto reader = stub_->Subscribe(c4.get(), {});
        rv1::Delivery del;
        EXPECT_FALSE(reader->Read(&del));
        EXPECT_EQ(reader->Finish().error_code(), StatusCode::UNAUTHENTICATED);
        auto c5 = ctx_for(d);
        rv1::AckResponse r5;
        EXPECT_EQ(stub_->Ack(c5.get(), {}, &r5).error_code(), StatusCode::UNAUTHENTICATED);
        auto c6 = ctx_for(d);
        rv1::FetchKeyPackageResponse r6;
        EXPECT_EQ(stub_->FetchKeyPackage(c6.get(), {}, &r6).error_code(),
                  StatusCode::UNAUTHENTICATED);
        auto c7 = ctx_for(d);
        rv1::SendCommitResponse r7;
        EXPECT_EQ(stub_->SendCommit(c7.get(), {}, &r7).error_code(), StatusCode::UNAUTHENTICATED);
        auto c8 = ctx_for(d);
        rv1::GetGroupResponse r8;
        EXPECT_EQ(stub_->GetGroup(c8.get(), {}, &r8).error_code(), StatusCode::UNAUTHENTICATED);
    }
}

TEST_F(RelayTest, RegistrationBadSignatureRejected) {
    Device d;
    const auto now = unix_now();
    d.certificate = org_.issue("bob", d.key.public_key, now - 60, now + 3600);
    auto st = register_device(*stub_, d, /*corrupt_sig=*/true);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("signature"), std::string::npos);

    // Certificate signed by the right org but with its signature tampered.
    Device e;
    e.certificate = org_.issue("bob", e.key.public_key, now - 60, now + 3600);
    std::string sig = e.certificate.signature();
    sig[0] ^= 1;
    e.certificate.set_signature(sig);
    st = register_device(*stub_, e);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("bad_signature"), std::string::npos);

    // Device signs with a key that is not the certificate's.
    Device f;
    f.certificate = org_.issue("bob", crypto::ed25519_generate().public_key, now - 60, now + 3600);
    st = register_device(*stub_, f);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(RelayTest, RegistrationUnknownOrganisationRejected) {
    Org other("unknown.example");
    Device d;
    const auto now = unix_now();
    d.certificate = other.issue("mallory", d.key.public_key, now - 60, now + 3600);
    auto st = register_device(*stub_, d);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("unknown_organisation"), std::string::npos);

    // Same organisation id, but signed by an impostor root.
    Org impostor("police.example");
    Device e;
    e.certificate = impostor.issue("mallory", e.key.public_key, now - 60, now + 3600);
    st = register_device(*stub_, e);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("bad_signature"), std::string::npos);
}

TEST_F(RelayTest, RegistrationExpiredAndNotYetValidRejected) {
    const auto now = unix_now();
    Device d;
    d.certificate = org_.issue("old", d.key.public_key, now - 7200, now - 3600);
    auto st = register_device(*stub_, d);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("expired"), std::string::npos);

    Device e;
    e.certificate = org_.issue("future", e.key.public_key, now + 3600, now + 7200);
    st = register_device(*stub_, e);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("not_yet_valid"), std::string::npos);
}

TEST_F(RelayTest, RegistrationChallengeIsSingleUse) {
    Device d;
    const auto now = unix_now();
    d.certificate = org_.issue("carol", d.key.public_key, now - 60, now + 3600);
    rv1::GetChallengeResponse ch;
    auto c1 = ctx_for(nullptr);
    ASSERT_TRUE(stub_->GetChallenge(c1.get(), {}, &ch).ok());
    rv1::RegisterRequest req;
    *req.mutable_certificate() = d.certificate;
    req.set_challenge(ch.challenge());
    req.set_signature(
        str(crypto::ed25519_sign(d.key.seed.view(),
                                 register_message(ch.challenge(), d.certificate.body()))
                .value()));
    rv1::RegisterResponse resp;
    auto c2 = ctx_for(nullptr);
    ASSERT_TRUE(stub_->Register(c2.get(), req, &resp).ok());
    auto c3 = ctx_for(nullptr);
    EXPECT_EQ(stub_->Register(c3.get(), req, &resp).error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(RelayTest, RevokedCertificateRejectedAndSessionsEnd) {
    Device victim = make_device("victim");
    Device other = make_device("other");
    std::uint64_t serial = 0;
    Device revoked;
    const auto now = unix_now();
    revoked.certificate = org_.issue("lost", revoked.key.public_key, now - 60, now + 3600, &serial);

    cv1::RevocationListBody body;
    body.set_organisation_id(org_.id);
    body.set_sequence(1);
    body.set_issued_at(now);
    body.add_revoked_serials(serial);
    body.add_revoked_device_keys(victim.id());
    auto list = cert::issue_revocation_list(body, org_.root.seed.view());
    ASSERT_EQ(list.index(), 0u);
    rv1::PublishRevocationListRequest pr;
    *pr.mutable_revocation_list() = std::get<0>(list);
    rv1::PublishRevocationListResponse presp;
    auto c1 = ctx_for(&other);
    ASSERT_TRUE(stub_->PublishRevocationList(c1.get(), pr, &presp).ok());

    auto st = register_device(*stub_, revoked);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("revoked"), std::string::npos);
    // The victim's existing session ended.
    rv1::CountKeyPackagesResponse cr;
    auto c2 = ctx_for(&victim);
    EXPECT_EQ(stub_->CountKeyPackages(c2.get(), {}, &cr).error_code(), StatusCode::UNAUTHENTICATED);
    // Replaying the same (not newer) list is refused; a forged one too.
    auto c3 = ctx_for(&other);
    EXPECT_EQ(stub_->PublishRevocationList(c3.get(), pr, &presp).error_code(),
              StatusCode::FAILED_PRECONDITION);
    std::string sig = pr.revocation_list().signature();
    sig[3] ^= 1;
    pr.mutable_revocation_list()->set_signature(sig);
    auto c4 = ctx_for(&other);
    EXPECT_EQ(stub_->PublishRevocationList(c4.get(), pr, &presp).error_code(),
              StatusCode::PERMISSION_DENIED);
}

TEST_F(RelayTest, RevocationListFromConfigRejectsAtStartup) {
    std::uint64_t serial = 0;
    Device d;
    const auto now = unix_now();
    d.certificate = org_.issue("revoked", d.key.public_key, now - 60, now + 3600, &serial);
    cv1::RevocationListBody body;
    body.set_organisation_id(org_.id);
    body.set_sequence(7);
    body.add_revoked_serials(serial);
    auto list = cert::issue_revocation_list(body, org_.root.seed.view());
    const auto path = (tmp_.path() / "crl.pb").string();
    std::ofstream(path, std::ios::binary) << std::get<0>(list).SerializeAsString();
    relay_->stop();
    start_relay(kFastLimits, "revocation_lists = [\"" + path + "\"]\n");
    auto st = register_device(*stub_, d);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_NE(st.error_message().find("revoked"), std::string::npos);
}

TEST_F(RelayTest, KeyPackagesConsumedOnceUnderEightConcurrentFetchers) {
    Device owner = make_device("owner");
    constexpr int kCount = 200;
    rv1::PublishKeyPackagesRequest pub;
    for (int i = 0; i < kCount; ++i) pub.add_one_time("kp-" + std::to_string(i));
    pub.set_last_resort("last-resort");
    rv1::PublishKeyPackagesResponse presp;
    auto c1 = ctx_for(&owner);
    ASSERT_TRUE(stub_->PublishKeyPackages(c1.get(), pub, &presp).ok());
    EXPECT_EQ(presp.one_time_count(), static_cast<std::uint64_t>(kCount));

    std::vector<Device> fetchers;
    for (int i = 0; i < 8; ++i) fetchers.push_back(make_device());
    std::mutex mu;
    std::vector<std::string> got;
    std::atomic<int> last_resort_seen{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            auto stub = relay_->stub();  // own channel per fetcher
            for (;;) {
                rv1::FetchKeyPackageRequest req;
                req.set_device_id(owner.id());
                rv1::FetchKeyPackageResponse resp;
                auto ctx = ctx_for(&fetchers[static_cast<std::size_t>(i)]);
                auto st = stub->FetchKeyPackage(ctx.get(), req, &resp);
                if (!st.ok()) {
                    ADD_FAILURE() << st.error_message();
                    return;
                }
                if (resp.last_resort()) {
                    EXPECT_EQ(resp.key_package(), "last-resort");
                    ++last_resort_seen;
                    return;
                }
                std::lock_guard lock(mu);
                got.push_back(resp.key_package());
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(last_resort_seen.load(), 8);
    ASSERT_EQ(got.size(), static_cast<std::size_t>(kCount));
    std::set<std::string> unique(got.begin(), got.end());
    EXPECT_EQ(unique.size(), static_cast<std::size_t>(kCount))
        << "a KeyPackage was handed out twice";

    rv1::CountKeyPackagesResponse cr;
    auto c2 = ctx_for(&owner);
    ASSERT_TRUE(stub_->CountKeyPackages(c2.get(), {}, &cr).ok());
    EXPECT_EQ(cr.one_time_count(), 0u);
    EXPECT_TRUE(cr.has_last_resort());

    // A device with nothing published: NOT_FOUND.
    rv1::FetchKeyPackageRequest req;
    req.set_device_id(fetchers[0].id());
    rv1::FetchKeyPackageResponse resp;
    auto c3 = ctx_for(&owner);
    EXPECT_EQ(stub_->FetchKeyPackage(c3.get(), req, &resp).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(RelayTest, CommitRaceExactlyOneWinsPerEpoch) {
    Device a = make_device(), b = make_device(), c = make_device();
    const std::string gid = random_id(32);
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b, &c}).ok());
    std::uint64_t epoch = 1;
    for (int round = 0; round < 20; ++round) {
        std::atomic<int> wins{0}, losses{0};
        std::vector<std::uint64_t> loser_epoch(3, 0);
        std::vector<std::thread> ts;
        const Device* ds[3] = {&a, &b, &c};
        for (int i = 0; i < 3; ++i) {
            ts.emplace_back([&, i] {
                std::uint64_t cur = 0;
                auto st = commit(*ds[i], gid, epoch, {}, &cur);
                if (st.ok()) {
                    ++wins;
                } else {
                    EXPECT_EQ(st.error_code(), StatusCode::FAILED_PRECONDITION)
                        << st.error_message();
                    EXPECT_NE(st.error_message().find("current epoch " + std::to_string(epoch + 1)),
                              std::string::npos)
                        << st.error_message();
                    loser_epoch[static_cast<std::size_t>(i)] = cur;
                    ++losses;
                }
            });
        }
        for (auto& t : ts) t.join();
        ASSERT_EQ(wins.load(), 1) << "round " << round;
        ASSERT_EQ(losses.load(), 2);
        for (auto e : loser_epoch) {
            if (e != 0) {
                EXPECT_EQ(e, epoch + 1);
            }  // the trailer carries the new epoch
        }
        ++epoch;
    }
    rv1::GetGroupRequest gr;
    gr.set_group_id(gid);
    rv1::GetGroupResponse g;
    auto ctx = ctx_for(&b);
    ASSERT_TRUE(stub_->GetGroup(ctx.get(), gr, &g).ok());
    EXPECT_EQ(g.epoch(), epoch);
    EXPECT_EQ(g.member_device_ids_size(), 3);
}

TEST_F(RelayTest, FanOutToFiftyDevicesWithWelcome) {
    Device a = make_device();
    std::vector<Device> members;
    for (int i = 0; i < 50; ++i) members.push_back(make_device());
    const std::string gid = random_id(16);
    ASSERT_TRUE(create_group(a, gid).ok());
    std::vector<const Device*> add;
    for (auto& m : members) add.push_back(&m);
    ASSERT_TRUE(commit(a, gid, 0, add).ok());
    rv1::SendMessageRequest req;
    req.set_group_id(gid);
    req.set_envelope_id(random_id());
    req.set_message(private_message(gid, 1, 1, crypto::random_bytes(300)));
    rv1::SendMessageResponse resp;
    auto ctx = ctx_for(&a);
    ASSERT_TRUE(stub_->SendMessage(ctx.get(), req, &resp).ok());
    EXPECT_EQ(resp.recipients(), 50u);
    for (auto& m : members) {
        auto got = read_n(m, 0, 2);
        ASSERT_EQ(got.size(), 2u);
        EXPECT_EQ(got[0].kind(), rv1::Delivery::KIND_WELCOME);
        EXPECT_EQ(got[0].epoch(), 1u);
        EXPECT_EQ(got[1].kind(), rv1::Delivery::KIND_MESSAGE);
        EXPECT_EQ(got[1].payload(), req.message());
        EXPECT_EQ(got[1].envelope_id(), req.envelope_id());
        EXPECT_EQ(got[1].sender_device_id(), a.id());
        EXPECT_LT(got[0].seq(), got[1].seq());
    }
    // The sender gets nothing of its own.
    EXPECT_TRUE(drain(a).empty());
}

TEST_F(RelayTest, BacklogThenLiveInOrderAndAck) {
    Device a = make_device(), b = make_device();
    const std::string g1 = random_id(), g2 = random_id();
    ASSERT_TRUE(create_group(a, g1).ok());
    ASSERT_TRUE(create_group(a, g2).ok());
    ASSERT_TRUE(commit(a, g1, 0, {&b}).ok());
    ASSERT_TRUE(commit(a, g2, 0, {&b}).ok());
    for (int i = 0; i < 10; ++i) {
        ASSERT_TRUE(send(a, i % 2 ? g1 : g2, 1, "backlog-" + std::to_string(i)).ok());
    }
    auto ctx = ctx_for(&b);
    auto reader = stub_->Subscribe(ctx.get(), {});
    std::vector<rv1::Delivery> got;
    rv1::Delivery d;
    while (got.size() < 12 && reader->Read(&d)) got.push_back(d);
    ASSERT_EQ(got.size(), 12u);  // 2 welcomes + 10 messages
    // Live: sent after the stream has drained the backlog.
    std::thread sender([&] {
        for (int i = 0; i < 10; ++i) {
            ASSERT_TRUE(send(a, i % 2 ? g1 : g2, 1, "live-" + std::to_string(i)).ok());
        }
    });
    while (got.size() < 22 && reader->Read(&d)) got.push_back(d);
    sender.join();
    ctx->TryCancel();
    reader->Finish();
    ASSERT_EQ(got.size(), 22u);
    std::vector<std::string> order1, order2;
    for (std::size_t i = 0; i < got.size(); ++i) {
        if (i > 0) {
            EXPECT_LT(got[i - 1].seq(), got[i].seq());
        }
        if (got[i].kind() != rv1::Delivery::KIND_MESSAGE) continue;
        (got[i].group_id() == g1 ? order1 : order2).push_back(got[i].payload());
    }
    // Per-group order as sent.
    std::vector<std::string> want1, want2;
    for (auto prefix : {"backlog-", "live-"}) {
        for (int i = 0; i < 10; ++i) {
            auto p = private_message(i % 2 ? g1 : g2, 1, 1, view(prefix + std::to_string(i)));
            (i % 2 ? want1 : want2).push_back(p);
        }
    }
    // private_message() uses a fixed sender-data filler, so payloads are reproducible.
    EXPECT_EQ(order1, want1);
    EXPECT_EQ(order2, want2);

    // Ack the first 12: they are gone; the rest remain; re-subscribing from 0 shows it.
    rv1::AckRequest ar;
    ar.set_upto_seq(got[11].seq());
    rv1::AckResponse aresp;
    auto c2 = ctx_for(&b);
    ASSERT_TRUE(stub_->Ack(c2.get(), ar, &aresp).ok());
    EXPECT_EQ(aresp.deleted(), 12u);
    auto rest = read_n(b, 0, 10);
    ASSERT_EQ(rest.size(), 10u);
    EXPECT_EQ(rest[0].seq(), got[12].seq());
    // Cursor without ack: after_seq skips.
    auto tail = read_n(b, got[20].seq(), 1);
    ASSERT_EQ(tail.size(), 1u);
    EXPECT_EQ(tail[0].seq(), got[21].seq());
}

// backlog_only: the stored deliveries after the cursor, in order, then the stream ends
// with OK by itself (no deadline or cancel needed); an empty mailbox ends at once.
TEST_F(RelayTest, BacklogOnlyStreamEndsAfterTheStoredDeliveries) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    // 150 messages: more than one store read batch (64), and not a multiple of it.
    for (int i = 0; i < 150; ++i) ASSERT_TRUE(send(a, gid, 1, "m" + std::to_string(i)).ok());
    auto backlog = [&](const Device& d, std::uint64_t after) {
        auto ctx = ctx_for(&d);
        rv1::SubscribeRequest req;
        req.set_after_seq(after);
        req.set_backlog_only(true);
        auto reader = stub_->Subscribe(ctx.get(), req);
        std::vector<rv1::Delivery> out;
        rv1::Delivery del;
        while (reader->Read(&del)) out.push_back(del);
        auto st = reader->Finish();
        EXPECT_TRUE(st.ok()) << st.error_code() << " " << st.error_message();
        return out;
    };
    const auto all = backlog(b, 0);
    ASSERT_EQ(all.size(), 151u);  // the Welcome and 150 messages
    EXPECT_EQ(all[0].kind(), rv1::Delivery::KIND_WELCOME);
    for (std::size_t i = 1; i < all.size(); ++i) {
        EXPECT_LT(all[i - 1].seq(), all[i].seq());
        EXPECT_EQ(all[i].payload(), private_message(gid, 1, 1, view("m" + std::to_string(i - 1))));
    }
    const auto tail = backlog(b, all[100].seq());
    ASSERT_EQ(tail.size(), 50u);
    EXPECT_EQ(tail[0].seq(), all[101].seq());
    EXPECT_TRUE(backlog(b, all.back().seq()).empty());
    EXPECT_TRUE(backlog(a, 0).empty());  // nothing was ever sent to the sender

    // Without backlog_only the same request stays open: a delivery sent afterwards
    // still arrives on it.
    auto ctx = ctx_for(&b);
    rv1::SubscribeRequest req;
    req.set_after_seq(all.back().seq());
    auto reader = stub_->Subscribe(ctx.get(), req);
    // Sent once the stream is authenticated; a delivery committed after that reaches the
    // stream either through its store read or live.
    reader->WaitForInitialMetadata();
    ASSERT_TRUE(send(a, gid, 1, "live").ok());
    rv1::Delivery d;
    ASSERT_TRUE(reader->Read(&d));
    EXPECT_EQ(d.payload(), private_message(gid, 1, 1, view(std::string("live"))));
    ctx->TryCancel();
    reader->Finish();
}

// Streams opened while messages are being committed: each must get the whole mailbox
// exactly once and in order, however its backlog read interleaves with the live
// hand-off of new deliveries.
TEST_F(RelayTest, StreamsOpenedDuringSendsGetEveryDeliveryOnceInOrder) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    constexpr int kMessages = 300;
    constexpr int kStreams = 6;
    std::mutex mu;
    std::condition_variable cv;
    int sent = 0;
    std::thread sender([&] {
        for (int i = 0; i < kMessages; ++i) {
            ASSERT_TRUE(send(a, gid, 1, "m" + std::to_string(i)).ok());
            std::lock_guard lock(mu);
            ++sent;
            cv.notify_all();
        }
    });
    std::vector<std::vector<rv1::Delivery>> got(kStreams);
    std::vector<std::thread> readers;
    for (int k = 0; k < kStreams; ++k) {
        {
            // Stream k opens once k * 50 messages are in: mid-stream for all but the first.
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return sent >= k * kMessages / kStreams; });
        }
        readers.emplace_back(
            [&, k] { got[static_cast<std::size_t>(k)] = read_n(b, 0, kMessages + 1, 120); });
    }
    sender.join();
    for (auto& r : readers) r.join();
    for (int k = 0; k < kStreams; ++k) {
        const auto& g = got[static_cast<std::size_t>(k)];
        ASSERT_EQ(g.size(), static_cast<std::size_t>(kMessages + 1)) << "stream " << k;
        EXPECT_EQ(g[0].kind(), rv1::Delivery::KIND_WELCOME);
        for (std::size_t i = 1; i < g.size(); ++i) {
            ASSERT_LT(g[i - 1].seq(), g[i].seq()) << "stream " << k;
            ASSERT_EQ(g[i].payload(), private_message(gid, 1, 1, view("m" + std::to_string(i - 1))))
                << "stream " << k << " position " << i;
        }
    }
}

// A stream whose client stops reading falls behind the live hand-off (queue bound 4
// here); it must then catch up from the database with nothing lost or repeated.
TEST_F(RelayTest, LaggingStreamFallsBackToTheStoreWithoutLossOrDuplicates) {
    relay_->stop();
    start_relay(std::string(kFastLimits) + "live_queue_max = 4\n");
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    auto ctx = ctx_for(&b, 120);
    auto reader = stub_->Subscribe(ctx.get(), {});
    rv1::Delivery d;
    ASSERT_TRUE(reader->Read(&d));  // the welcome: the stream is now live
    // Far more than gRPC's flow-control windows hold, so the relay's writes block while
    // this client is not reading and the in-memory queue overflows.
    constexpr int kMessages = 40;
    const std::string big(900 * 1024, 'x');
    for (int i = 0; i < kMessages; ++i) {
        ASSERT_TRUE(send(a, gid, 1, std::to_string(i) + big).ok());
    }
    std::vector<rv1::Delivery> got;
    while (got.size() < kMessages && reader->Read(&d)) got.push_back(d);
    ctx->TryCancel();
    reader->Finish();
    ASSERT_EQ(got.size(), static_cast<std::size_t>(kMessages));
    for (int i = 0; i < kMessages; ++i) {
        const auto& g = got[static_cast<std::size_t>(i)];
        if (i > 0) {
            ASSERT_LT(got[static_cast<std::size_t>(i - 1)].seq(), g.seq());
        }
        ASSERT_EQ(g.payload(), private_message(gid, 1, 1, view(std::to_string(i) + big)))
            << "position " << i;
    }
    EXPECT_NE(relay_->read_log().find("live_queue_overflow"), std::string::npos);
}

TEST_F(RelayTest, ApplicationMessageForOldEpochStillDelivered) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    ASSERT_TRUE(commit(a, gid, 1, {}).ok());
    ASSERT_TRUE(send(a, gid, 1, "old epoch").ok());
    auto got = read_n(b, 0, 3);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[1].kind(), rv1::Delivery::KIND_COMMIT);
    EXPECT_EQ(got[2].epoch(), 1u);
}

// Fan-out by the message's epoch, read from its MLS header: Bo's message of epoch 1
// that arrives just after Anna's Commit adding Guest1 (epoch 2) is not delivered to
// Guest1 (who could not read it, and would learn its size and time); the members of
// epoch 1 get it, and Guest1 gets the next message of epoch 2.
TEST_F(RelayTest, LateMessageOfAnEarlierEpochIsNotDeliveredToAMemberAddedSince) {
    Device anna = make_device(), bo = make_device(), guest = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(anna, gid).ok());
    ASSERT_TRUE(commit(anna, gid, 0, {&bo}).ok());
    ASSERT_TRUE(commit(anna, gid, 1, {&guest}).ok());
    rv1::SendMessageRequest req;
    req.set_group_id(gid);
    req.set_envelope_id(random_id());
    req.set_message(private_message(gid, 1, 1, view(std::string("from epoch 1"))));
    rv1::SendMessageResponse resp;
    {
        auto ctx = ctx_for(&bo);
        ASSERT_TRUE(stub_->SendMessage(ctx.get(), req, &resp).ok());
    }
    EXPECT_EQ(resp.recipients(), 1u);  // Anna only
    ASSERT_TRUE(send(bo, gid, 2, "from epoch 2").ok());
    const auto to_anna = read_n(anna, 0, 2);
    ASSERT_EQ(to_anna.size(), 2u);
    EXPECT_EQ(to_anna[0].payload(), req.message());
    EXPECT_EQ(to_anna[0].epoch(), 1u);
    EXPECT_EQ(to_anna[1].epoch(), 2u);
    // Guest1: its Welcome, then only the message of epoch 2 (read until it arrives).
    const auto to_guest = read_n(guest, 0, 2);
    ASSERT_EQ(to_guest.size(), 2u);
    EXPECT_EQ(to_guest[0].kind(), rv1::Delivery::KIND_WELCOME);
    EXPECT_EQ(to_guest[1].kind(), rv1::Delivery::KIND_MESSAGE);
    EXPECT_EQ(to_guest[1].epoch(), 2u);
    EXPECT_EQ(to_guest[1].payload(), private_message(gid, 2, 1, view(std::string("from epoch 2"))));
    EXPECT_TRUE(drain(guest, to_guest[1].seq()).empty());
}

TEST_F(RelayTest, MembershipPermissionsAndIdempotentRetry) {
    Device a = make_device(), b = make_device(), outsider = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    EXPECT_EQ(create_group(b, gid).error_code(), StatusCode::ALREADY_EXISTS);
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    EXPECT_EQ(send(outsider, gid, 1, "x").error_code(), StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(send(a, random_id(), 1, "x").error_code(), StatusCode::NOT_FOUND);
    std::uint64_t cur = 0;
    EXPECT_EQ(commit(outsider, gid, 1, {}, &cur).error_code(), StatusCode::PERMISSION_DENIED);
    // Adding an unregistered device is refused.
    Device ghost;
    EXPECT_EQ(commit(a, gid, 1, {&ghost}).error_code(), StatusCode::INVALID_ARGUMENT);
    // Same envelope id twice: stored once.
    const std::string eid = random_id();
    ASSERT_TRUE(send(a, gid, 1, "once", eid).ok());
    rv1::SendMessageRequest req;
    req.set_group_id(gid);
    req.set_envelope_id(eid);
    req.set_message(private_message(gid, 1, 1, view(std::string("once"))));
    rv1::SendMessageResponse resp;
    auto ctx = ctx_for(&a);
    ASSERT_TRUE(stub_->SendMessage(ctx.get(), req, &resp).ok());
    EXPECT_TRUE(resp.duplicate());
    auto got = drain(b);
    ASSERT_EQ(got.size(), 2u);  // welcome + one message
}

TEST_F(RelayTest, TtlExpiryDropsOldDeliveries) {
    relay_->stop();
    start_relay(std::string(kFastLimits) + "ttl_seconds = 3600\nexpire_interval_seconds = 1\n");
    const auto t0 = unix_now();
    set_clock(t0);
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    ASSERT_TRUE(send(a, gid, 1, "expires").ok());
    set_clock(t0 + 1800);
    ASSERT_TRUE(send(a, gid, 1, "survives").ok());
    EXPECT_EQ(drain(b).size(), 3u);
    set_clock(t0 + 3601);  // the first two (welcome + message) are past their TTL
    auto got = drain(b);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].payload(), private_message(gid, 1, 1, view(std::string("survives"))));
    set_clock(t0 + 1800 + 3601);
    EXPECT_TRUE(drain(b).empty());
}

TEST_F(RelayTest, MailboxQuotaAndRateLimit) {
    relay_->stop();
    // One sender may fill the whole mailbox here, and messages may use all of it
    // (relay_abuse_test covers the sender share and the commit reserve).
    start_relay(
        "[limits]\nmailbox_max_count = 5\nrate_per_second = 0.001\nrate_burst = 40\n"
        "mailbox_sender_share_percent = 100\nmailbox_commit_reserve_percent = 0\n");
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());     // a: 1
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());  // a: 2; b's mailbox: 1 (welcome)
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(send(a, gid, 1, "m").ok());  // a: 6, b: 5
    auto st = send(a, gid, 1, "over quota");                             // a: 7
    EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(st.error_message().find("mailbox"), std::string::npos);
    auto got = read_n(b, 0, 5);  // b: 1
    ASSERT_EQ(got.size(), 5u);
    rv1::AckRequest ar;
    ar.set_upto_seq(got.back().seq());
    rv1::AckResponse aresp;
    auto c = ctx_for(&b);  // b: 2
    ASSERT_TRUE(stub_->Ack(c.get(), ar, &aresp).ok());
    EXPECT_TRUE(send(a, gid, 1, "room again").ok());  // a: 8
    // Rate limit: a's bucket of 40 runs dry.
    int exhausted = 0;
    for (int i = 0; i < 40; ++i) {
        rv1::CountKeyPackagesResponse r;
        auto ctx = ctx_for(&a);
        auto s = stub_->CountKeyPackages(ctx.get(), {}, &r);
        if (s.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
            EXPECT_NE(s.error_message().find("rate"), std::string::npos);
            ++exhausted;
        }
    }
    EXPECT_EQ(exhausted, 8);  // 40 - (40 - 8 used) tokens
}

TEST_F(RelayTest, OversizedEnvelopeRejected) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    auto fits = [&](std::size_t total) {
        // Ciphertext size so that the whole MLSMessage is exactly `total` bytes.
        const std::size_t overhead =
            private_message(gid, 1, 1, crypto::random_bytes(70000)).size() - 70000;
        return crypto::random_bytes(total - overhead);
    };
    rv1::SendMessageRequest req;
    req.set_group_id(gid);
    req.set_envelope_id(random_id());
    req.set_message(private_message(gid, 1, 1, fits(1024 * 1024)));
    ASSERT_EQ(req.message().size(), 1024u * 1024u);
    rv1::SendMessageResponse resp;
    auto c1 = ctx_for(&a);
    EXPECT_TRUE(stub_->SendMessage(c1.get(), req, &resp).ok());
    req.set_envelope_id(random_id());
    req.set_message(private_message(gid, 1, 1, fits(1024 * 1024 + 1)));
    auto c2 = ctx_for(&a);
    auto st = stub_->SendMessage(c2.get(), req, &resp);
    EXPECT_EQ(st.error_code(), StatusCode::RESOURCE_EXHAUSTED);
    // Far beyond the transport limit: gRPC itself refuses, the relay stays up.
    req.set_message(std::string(5 * 1024 * 1024, 'x'));
    auto c3 = ctx_for(&a);
    EXPECT_EQ(stub_->SendMessage(c3.get(), req, &resp).error_code(),
              StatusCode::RESOURCE_EXHAUSTED);
    auto got = read_n(b, 0, 2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].payload().size(), 1024u * 1024u);
}

TEST_F(RelayTest, GarbageInEveryFieldIsRejectedAndNothingCrashes) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    std::mt19937_64 rng(42);
    auto junk = [&](std::size_t n) {
        std::string s(n, '\0');
        for (auto& c : s) c = static_cast<char>(rng());
        return s;
    };
    auto expect_invalid = [&](auto call, const char* what) {
        auto st = call();
        EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT)
            << what << ": " << st.error_message();
        EXPECT_FALSE(st.error_message().empty()) << what;
    };
    const std::string good = private_message(gid, 1, 1, crypto::random_bytes(40));
    auto send_raw = [&](std::string g, std::string eid, std::string msg) {
        rv1::SendMessageRequest req;
        req.set_group_id(std::move(g));
        req.set_envelope_id(std::move(eid));
        req.set_message(std::move(msg));
        rv1::SendMessageResponse resp;
        auto ctx = ctx_for(&a);
        return stub_->SendMessage(ctx.get(), req, &resp);
    };
    // SendMessage: each field.
    expect_invalid([&] { return send_raw("", random_id(), good); }, "empty group");
    expect_invalid([&] { return send_raw(std::string(256, 'g'), random_id(), good); },
                   "long group");
    expect_invalid([&] { return send_raw(gid, junk(15), good); }, "short envelope id");
    expect_invalid([&] { return send_raw(gid, junk(17), good); }, "long envelope id");
    expect_invalid([&] { return send_raw(gid, random_id(), ""); }, "empty message");
    expect_invalid([&] { return send_raw(random_id(), random_id(), good); }, "group mismatch");
    expect_invalid(
        [&] {
            return send_raw(gid, random_id(), private_message(gid, 1, 3, crypto::random_bytes(8)));
        },
        "commit via SendMessage");
    expect_invalid(
        [&] {
            return send_raw(gid, random_id(), private_message(gid, 1, 9, crypto::random_bytes(8)));
        },
        "bad content type");
    for (std::size_t cut = 0; cut < good.size(); ++cut) {
        expect_invalid([&] { return send_raw(gid, random_id(), good.substr(0, cut)); },
                       "truncated");
    }
    expect_invalid([&] { return send_raw(gid, random_id(), good + "x"); }, "trailing byte");
    for (int i = 0; i < 200; ++i) {
        auto st = send_raw(gid, random_id(), junk(static_cast<std::size_t>(1 + rng() % 300)));
        EXPECT_EQ(st.error_code(), StatusCode::INVALID_ARGUMENT);
    }
    // Random bytes behind a valid prefix (version, private wire format, group id).
    const std::string prefix = good.substr(0, 5 + gid.size());
    for (int i = 0; i < 200; ++i) {
        auto st = send_raw(gid, random_id(), prefix + junk(static_cast<std::size_t>(rng() % 64)));
        EXPECT_NE(st.error_code(), StatusCode::INTERNAL);
        EXPECT_NE(st.error_code(), StatusCode::UNAVAILABLE);
    }
    // SendCommit: each field.
    auto commit_raw = [&](auto mutate) {
        rv1::SendCommitRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(random_id());
        req.set_commit(private_message(gid, 1, 3, crypto::random_bytes(20)));
        mutate(req);
        rv1::SendCommitResponse resp;
        auto ctx = ctx_for(&a);
        return stub_->SendCommit(ctx.get(), req, &resp);
    };
    expect_invalid([&] { return commit_raw([&](auto& r) { r.set_commit(junk(50)); }); },
                   "commit junk");
    expect_invalid([&] { return commit_raw([&](auto& r) { r.set_commit(good); }); },
                   "application as commit");
    expect_invalid([&] { return commit_raw([&](auto& r) { r.add_added_device_ids(junk(31)); }); },
                   "added id");
    expect_invalid([&] { return commit_raw([&](auto& r) { r.add_removed_device_ids(junk(33)); }); },
                   "removed id");
    expect_invalid(
        [&] {
            return commit_raw([&](auto& r) {
                r.add_removed_device_ids(b.id());
                r.add_removed_device_ids(b.id());
            });
        },
        "duplicate");
    expect_invalid(
        [&] {
            return commit_raw([&](auto& r) {
                r.set_welcome(junk(40));
                r.add_welcome_device_ids(b.id());
            });
        },
        "welcome junk");
    expect_invalid(
        [&] { return commit_raw([&](auto& r) { r.set_welcome(welcome_message(view(junk(9)))); }); },
        "welcome w/o recipients");
    expect_invalid(
        [&] {
            return commit_raw([&](auto& r) {
                r.set_welcome(good);
                r.add_welcome_device_ids(b.id());
            });
        },
        "welcome wire format");
    expect_invalid([&] { return commit_raw([&](auto& r) { r.set_envelope_id(""); }); },
                   "commit envelope id");
    expect_invalid(
        [&] {
            return commit_raw([&](auto& r) {
                for (int i = 0; i < 1001; ++i) r.add_added_device_ids(random_id(32));
            });
        },
        "too many");
    // Registration: each field.
    auto register_raw = [&](auto mutate) {
        rv1::GetChallengeResponse ch;
        auto c1 = ctx_for(nullptr);
        EXPECT_TRUE(stub_->GetChallenge(c1.get(), {}, &ch).ok());
        rv1::RegisterRequest req;
        *req.mutable_certificate() = a.certificate;
        req.set_challenge(ch.challenge());
        req.set_signature(junk(64));
        mutate(req);
        rv1::RegisterResponse resp;
        auto c2 = ctx_for(nullptr);
        return stub_->Register(c2.get(), req, &resp);
    };
    expect_invalid([&] { return register_raw([&](auto& r) { r.set_challenge(junk(31)); }); },
                   "challenge");
    expect_invalid([&] { return register_raw([&](auto& r) { r.set_signature(junk(63)); }); },
                   "signature");
    expect_invalid(
        [&] {
            return register_raw([&](auto& r) { r.mutable_certificate()->set_body(junk(100)); });
        },
        "cert body");
    expect_invalid(
        [&] {
            return register_raw([&](auto& r) { r.mutable_certificate()->set_signature(junk(3)); });
        },
        "cert sig");
    expect_invalid([&] { return register_raw([&](auto& r) { r.clear_certificate(); }); },
                   "no cert");
    for (int i = 0; i < 50; ++i) {
        auto st = register_raw([&](auto& r) {
            r.mutable_certificate()->set_body(junk(static_cast<std::size_t>(rng() % 200)));
        });
        EXPECT_TRUE(st.error_code() == StatusCode::INVALID_ARGUMENT ||
                    st.error_code() == StatusCode::UNAUTHENTICATED);
    }
    // Other RPCs.
    {
        rv1::FetchKeyPackageRequest req;
        req.set_device_id(junk(5));
        rv1::FetchKeyPackageResponse resp;
        auto ctx = ctx_for(&a);
        EXPECT_EQ(stub_->FetchKeyPackage(ctx.get(), req, &resp).error_code(),
                  StatusCode::INVALID_ARGUMENT);
    }
    {
        rv1::PublishKeyPackagesRequest req;
        req.add_one_time("");
        rv1::PublishKeyPackagesResponse resp;
        auto ctx = ctx_for(&a);
        EXPECT_EQ(stub_->PublishKeyPackages(ctx.get(), req, &resp).error_code(),
                  StatusCode::INVALID_ARGUMENT);
    }
    {
        rv1::CreateGroupRequest req;
        req.set_group_id(junk(300));
        rv1::CreateGroupResponse resp;
        auto ctx = ctx_for(&a);
        EXPECT_EQ(stub_->CreateGroup(ctx.get(), req, &resp).error_code(),
                  StatusCode::INVALID_ARGUMENT);
    }
    {
        rv1::ListDevicesRequest req;
        req.set_organisation_id(std::string(1000, 'o'));
        rv1::ListDevicesResponse resp;
        auto ctx = ctx_for(&a);
        EXPECT_EQ(stub_->ListDevices(ctx.get(), req, &resp).error_code(),
                  StatusCode::INVALID_ARGUMENT);
    }
    {
        rv1::PublishRevocationListRequest req;
        req.mutable_revocation_list()->set_body(junk(100));
        req.mutable_revocation_list()->set_signature(junk(64));
        rv1::PublishRevocationListResponse resp;
        auto ctx = ctx_for(&a);
        EXPECT_EQ(stub_->PublishRevocationList(ctx.get(), req, &resp).error_code(),
                  StatusCode::INVALID_ARGUMENT);
    }
    {
        // Garbage token metadata (binary-safe printable junk).
        Device j;
        j.token = "zz" + std::string(62, '!');
        rv1::CountKeyPackagesResponse resp;
        auto ctx = ctx_for(&j);
        EXPECT_EQ(stub_->CountKeyPackages(ctx.get(), {}, &resp).error_code(),
                  StatusCode::UNAUTHENTICATED);
    }
    // Raw protobuf garbage on the wire: gRPC cannot parse it; the relay stays up.
    {
        auto ch = relay_->channel();
        grpc::GenericStub generic(ch);
        for (int i = 0; i < 20; ++i) {
            grpc::ClientContext ctx;
            ctx.AddMetadata("lagrum-session-token", a.token);
            ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
            std::string bytes = junk(static_cast<std::size_t>(1 + rng() % 500));
            grpc::Slice slice(bytes);
            grpc::ByteBuffer req(&slice, 1), resp;
            std::mutex mu;
            std::condition_variable cv;
            bool done = false;
            grpc::Status st;
            generic.UnaryCall(&ctx, "/lagrum.relay.v1.Relay/SendMessage", grpc::StubOptions(), &req,
                              &resp, [&](grpc::Status s) {
                                  std::lock_guard lock(mu);
                                  st = s;
                                  done = true;
                                  cv.notify_one();
                              });
            std::unique_lock lock(mu);
            cv.wait(lock, [&] { return done; });
            EXPECT_FALSE(st.ok() && false);  // any status is fine; surviving is the point
        }
    }
    // Still alive and still serving correctly.
    ASSERT_TRUE(send(a, gid, 1, "still here").ok());
    relay_->wait_ready(std::chrono::seconds(5));
    EXPECT_EQ(relay_->stop(), 0);
}

// The relay never holds plaintext. The envelope is opaque to the relay, so the test
// client encrypts with XChaCha20-Poly1305 as a stand-in for MLS application-message
// encryption (the relay's handling is the same for any ciphertext), then scans the
// database, its WAL and the logs for the marker.
TEST_F(RelayTest, PlaintextMarkerNeverReachesDatabaseOrLogs) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    const std::string marker = "LAGRUM-PLAINTEXT-MARKER-3f9c2a71-barnets-namn";
    const auto key = crypto::random_bytes(32);  // shared by a and b out of band (MLS stand-in)
    std::vector<std::string> ciphertexts;
    for (int i = 0; i < 20; ++i) {
        const auto nonce = crypto::random_bytes(24);
        auto ct = crypto::XChaCha20Poly1305::seal(key, nonce, {},
                                                  view(marker + " #" + std::to_string(i)));
        ASSERT_TRUE(ct.ok());
        Bytes framed = nonce;
        framed.insert(framed.end(), ct->begin(), ct->end());
        ciphertexts.push_back(str(framed));
        ASSERT_TRUE(send(a, gid, 1, ciphertexts.back()).ok());
    }
    // b receives and decrypts: the marker really was sent end to end.
    auto got = read_n(b, 0, 21);
    ASSERT_EQ(got.size(), 21u);
    {
        const std::string& p = got[1].payload();
        const std::string ct = ciphertexts[0];
        ASSERT_NE(p.find(ct), std::string::npos);
        auto pt =
            crypto::XChaCha20Poly1305::open(key, view(ct.substr(0, 24)), {}, view(ct.substr(24)));
        ASSERT_TRUE(pt.ok());
        EXPECT_EQ(str(*pt), marker + " #0");
    }
    auto slurp = [](const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream os;
        os << in.rdbuf();
        return os.str();
    };
    auto scan = [&](bool expect_ciphertext) {
        std::string all;
        for (const auto& f : fs::directory_iterator(relay_->dir())) {
            if (!f.is_regular_file()) continue;
            const auto name = f.path().filename().string();
            if (name.rfind("relay.db", 0) == 0 || name.rfind("relay.log", 0) == 0 ||
                name == "relay.stderr") {
                all += slurp(f.path().string());
            }
        }
#ifdef LAGRUM_RELAY_HARNESS_POSTGRES
        if (postgres_backend()) {
            // The whole PostgreSQL data directory: tables, TOAST, WAL.
            for (const auto& f : fs::recursive_directory_iterator(
                     lagrum::testing::shared_postgres()->dir() / "data")) {
                if (f.is_regular_file()) all += slurp(f.path().string());
            }
        }
#endif
        EXPECT_EQ(all.find(marker), std::string::npos) << "plaintext marker found in relay files";
        EXPECT_EQ(all.find("LAGRUM-PLAINTEXT"), std::string::npos);
        if (expect_ciphertext) {
            // Sanity: the scan does see stored data (the ciphertext is there).
            EXPECT_NE(all.find(ciphertexts[5]), std::string::npos);
        }
    };
    scan(true);                    // while running: db + WAL + log
    EXPECT_EQ(relay_->stop(), 0);  // checkpoint on close
    scan(true);
}

TEST_F(RelayTest, GracefulShutdownKeepsDataAndRestarts) {
    Device a = make_device(), b = make_device();
    const std::string gid = random_id();
    ASSERT_TRUE(create_group(a, gid).ok());
    ASSERT_TRUE(commit(a, gid, 0, {&b}).ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(send(a, gid, 1, "persist").ok());
    EXPECT_EQ(relay_->stop(), 0);
    const auto log = relay_->read_log();
    EXPECT_NE(log.find("\"event\":\"stopped\""), std::string::npos);
    relay_->start();
    stub_ = relay_->stub();
    // Sessions survive a restart (hashes are stored), so b can read its backlog.
    auto got = read_n(b, 0, 6);
    EXPECT_EQ(got.size(), 6u);
}

TEST_F(RelayTest, LogsAreJsonLinesWithoutPayloads) {
    Device a = make_device();
    EXPECT_EQ(send(a, random_id(), 1, "x").error_code(), StatusCode::NOT_FOUND);
    stub_.reset();
    relay_->stop();
    std::ifstream in(relay_->log_path());
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        auto j = nlohmann::json::parse(line);  // throws on a non-JSON line
        EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("event"));
        ++lines;
    }
    EXPECT_GE(lines, 4);
}

TEST(RelayDemo, InitDemoWritesConfigAndServesTls) {
    if (postgres_backend()) GTEST_SKIP() << "the demo runs on SQLite; covered by the SQLite run";
    TempDir tmp;
    const auto dir = tmp.path() / "demo";
    std::string cmd =
        std::string(LAGRUM_RELAY_BINARY) + " --init-demo " + dir.string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    ASSERT_TRUE(fs::exists(dir / "relay.toml"));
    ASSERT_TRUE(fs::exists(dir / "tls.crt"));
    ASSERT_TRUE(fs::exists(dir / "tls.key"));
    // Run it on an ephemeral loopback port over TLS; find the port in the JSON log.
    const std::string log = (tmp.path() / "demo.log").string();
    std::vector<std::string> args = {LAGRUM_RELAY_BINARY, "--config", (dir / "relay.toml").string(),
                                     "--listen", "127.0.0.1:0"};
    std::vector<char*> argv;
    for (auto& s : args) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int port = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (port == 0 && std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line)) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.value("event", "") == "listening") port = j.value("port", 0);
        }
        if (port == 0) std::this_thread::yield();
    }
    ASSERT_NE(port, 0);
    std::ifstream crt(dir / "tls.crt");
    std::ostringstream pem;
    pem << crt.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    auto ch = grpc::CreateChannel("localhost:" + std::to_string(port), grpc::SslCredentials(ssl));
    auto health = grpc::health::v1::Health::NewStub(ch);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    ctx.set_wait_for_ready(true);
    grpc::health::v1::HealthCheckResponse resp;
    auto st = health->Check(&ctx, {}, &resp);
    EXPECT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
    ::kill(pid, SIGTERM);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
