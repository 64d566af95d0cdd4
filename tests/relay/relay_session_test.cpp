// Relay security, revocation and sessions (issue 15): revocation lists that survive a
// restart, lists scoped to the organisation that signed them, streams that end with
// their session (revocation, expiry, trust-list reload), bounded sessions and streams
// per device, and idle streams that hold no server thread. Multi-process: the real
// lagrum-relay binary on a temporary socket and database.
#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

#include "relay_harness.h"

using namespace lagrum;
using namespace lagrum::relaytest;
using grpc::StatusCode;

namespace {

// "Threads:" of /proc/PID/status.
int thread_count(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Threads:", 0) == 0) return std::stoi(line.substr(8));
    }
    return -1;
}

template <class Pred>
bool eventually(Pred pred, std::chrono::seconds limit = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // polling a condition
    }
    return pred();
}

class SessionTest : public ::testing::Test {
  protected:
    void SetUp() override {
        LAGRUM_RELAY_REQUIRE_BACKEND();
        start();
    }

    // The whole config after the harness's first lines; `with_b`: org B is pinned.
    std::string extra(bool with_b) const {
        std::string s = top_ + "\n[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n" +
                        limits_ + "\n" + a_.trust_toml() + "\n";
        if (with_b) s += b_.trust_toml() + "\n";
        s += "[testing]\nclock_file = \"" + clock_file_ + "\"\n";
        return s;
    }
    void start() {
        clock_file_ = (tmp_.path() / "clock").string();
        relay_ = std::make_unique<RelayProcess>(tmp_.path(), extra(true));
        relay_->start();
        stub_ = relay_->stub();
    }
    void restart() {
        ASSERT_EQ(relay_->stop(), 0);
        stub_.reset();
        relay_.reset();
        start();
    }
    // Rewrites relay.toml as RelayProcess does, then SIGHUP.
    void reload(bool with_b) {
        const auto dir = relay_->dir();
        {
            std::ofstream cfg(dir / "relay.toml.tmp");
            cfg << "listen = \"unix:" << (dir / "relay.sock").string() << "\"\n"
                << "database = \"" << relay_->db_path() << "\"\n"
                << "log_file = \"" << relay_->log_path() << "\"\n"
                << "shutdown_grace_ms = 200\n"
                << extra(with_b) << "\n";
        }
        fs::rename(dir / "relay.toml.tmp", dir / "relay.toml");
        ::kill(relay_->pid(), SIGHUP);
    }

    Device make_device(Org& org, std::uint64_t* serial = nullptr) {
        Device d;
        const auto now = unix_now();
        d.certificate = org.issue("m" + std::to_string(next_member_++), d.key.public_key, now - 60,
                                  now + 10 * 86400, serial);
        auto st = register_device(*stub_, d);
        EXPECT_TRUE(st.ok()) << st.error_message();
        return d;
    }
    grpc::Status reregister(Device& d) { return register_device(*stub_, d); }

    grpc::Status publish(const Device& caller, Org& org, std::uint64_t sequence,
                         const std::vector<std::uint64_t>& serials,
                         const std::vector<std::string>& keys) {
        cv1::RevocationListBody body;
        body.set_organisation_id(org.id);
        body.set_sequence(sequence);
        body.set_issued_at(unix_now());
        for (auto s : serials) body.add_revoked_serials(s);
        for (const auto& k : keys) body.add_revoked_device_keys(k);
        auto list = cert::issue_revocation_list(body, org.root.seed.view());
        if (list.index() != 0) return grpc::Status(StatusCode::INTERNAL, "issue failed");
        rv1::PublishRevocationListRequest req;
        *req.mutable_revocation_list() = std::get<0>(list);
        rv1::PublishRevocationListResponse resp;
        auto ctx = ctx_for(&caller);
        return stub_->PublishRevocationList(ctx.get(), req, &resp);
    }

    // A cheap authenticated call.
    StatusCode probe(const Device& d) {
        rv1::CountKeyPackagesResponse resp;
        auto ctx = ctx_for(&d);
        return stub_->CountKeyPackages(ctx.get(), {}, &resp).error_code();
    }

    // A two-member group; returns its id. b receives what a sends.
    std::string group(const Device& a, const Device& b) {
        const std::string gid = random_id();
        {
            rv1::CreateGroupRequest req;
            req.set_group_id(gid);
            rv1::CreateGroupResponse resp;
            auto ctx = ctx_for(&a);
            EXPECT_TRUE(stub_->CreateGroup(ctx.get(), req, &resp).ok());
        }
        rv1::SendCommitRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(random_id());
        req.set_commit(private_message(gid, 0, 3, crypto::random_bytes(64)));
        req.add_added_device_ids(b.id());
        req.set_welcome(welcome_message(crypto::random_bytes(80)));
        req.add_welcome_device_ids(b.id());  // b's first delivery
        rv1::SendCommitResponse resp;
        auto ctx = ctx_for(&a);
        auto st = stub_->SendCommit(ctx.get(), req, &resp);
        EXPECT_TRUE(st.ok()) << st.error_message();
        return gid;
    }
    grpc::Status send(const Device& d, const std::string& gid) {
        rv1::SendMessageRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(random_id());
        req.set_message(private_message(gid, 1, 1, crypto::random_bytes(40)));
        rv1::SendMessageResponse resp;
        auto ctx = ctx_for(&d);
        return stub_->SendMessage(ctx.get(), req, &resp);
    }
    void set_clock(std::int64_t t) {
        std::ofstream(clock_file_ + ".tmp") << t << "\n";
        fs::rename(clock_file_ + ".tmp", clock_file_);
    }

    TempDir tmp_;
    Org a_{"a.example"};
    Org b_{"b.example"};
    std::string top_;     // top-level keys
    std::string limits_;  // more [limits] keys
    std::string clock_file_;
    std::unique_ptr<RelayProcess> relay_;
    std::unique_ptr<rv1::Relay::Stub> stub_;
    int next_member_ = 1;
};

TEST_F(SessionTest, RevocationSurvivesRestartAndOlderListIsRefused) {
    std::uint64_t serial = 0;
    Device victim = make_device(a_, &serial);
    Device admin = make_device(a_);
    ASSERT_TRUE(publish(admin, a_, 5, {serial}, {}).ok());
    EXPECT_EQ(probe(victim), StatusCode::UNAUTHENTICATED);

    restart();
    // Loaded from the database: the revoked device cannot register again...
    auto st = reregister(victim);
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED) << st.error_message();
    EXPECT_NE(st.error_message().find("revoked"), std::string::npos) << st.error_message();
    ASSERT_TRUE(reregister(admin).ok());
    // ...and an older or equal list does not replace the stored one.
    EXPECT_EQ(publish(admin, a_, 4, {}, {}).error_code(), StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(publish(admin, a_, 5, {}, {}).error_code(), StatusCode::FAILED_PRECONDITION);
    EXPECT_EQ(reregister(victim).error_code(), StatusCode::UNAUTHENTICATED);
    // A newer list that no longer names the serial lifts it (lists are cumulative).
    ASSERT_TRUE(publish(admin, a_, 6, {}, {}).ok());
    EXPECT_TRUE(reregister(victim).ok());
    restart();
    EXPECT_EQ(publish(admin, a_, 6, {}, {}).error_code(), StatusCode::FAILED_PRECONDITION);
}

TEST_F(SessionTest, SequenceZeroDoesNotMakeSequenceOneStale) {
    std::uint64_t serial = 0;
    Device victim = make_device(a_, &serial);
    Device admin = make_device(a_);
    ASSERT_TRUE(publish(admin, a_, 0, {}, {}).ok());
    EXPECT_EQ(publish(admin, a_, 0, {}, {}).error_code(), StatusCode::FAILED_PRECONDITION);
    auto st = publish(admin, a_, 1, {serial}, {});
    ASSERT_TRUE(st.ok()) << st.error_message();
    EXPECT_EQ(probe(victim), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(probe(admin), StatusCode::OK);
}

TEST_F(SessionTest, ListOnlyAffectsTheSigningOrganisation) {
    // Both organisations' first certificates have serial 1.
    std::uint64_t serial_a = 0, serial_b = 0;
    Device a1 = make_device(a_, &serial_a);
    Device b1 = make_device(b_, &serial_b);
    Device b2 = make_device(b_);
    ASSERT_EQ(serial_a, serial_b);
    const std::string gid = group(b2, b1);
    SubscribeStream stream(*stub_, b1);
    ASSERT_TRUE(stream.wait_count(1));  // the Welcome
    // A's list names its own serial 1 and B's device key.
    ASSERT_TRUE(publish(a1, a_, 1, {serial_a}, {b1.id()}).ok());
    EXPECT_EQ(probe(a1), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(probe(b1), StatusCode::OK);
    ASSERT_TRUE(send(b2, gid).ok());
    EXPECT_TRUE(stream.wait_count(2));
    EXPECT_FALSE(stream.done());
    restart();
    EXPECT_TRUE(reregister(b1).ok());
}

TEST_F(SessionTest, OpenStreamEndsOnRevocation) {
    std::uint64_t serial = 0;
    Device victim = make_device(a_, &serial);
    Device admin = make_device(a_);
    const std::string gid = group(admin, victim);
    SubscribeStream stream(*stub_, victim);
    ASSERT_TRUE(stream.wait_count(1));
    ASSERT_TRUE(publish(admin, a_, 1, {}, {victim.id()}).ok());
    ASSERT_TRUE(stream.wait_done());
    EXPECT_EQ(stream.status().error_code(), StatusCode::UNAUTHENTICATED)
        << stream.status().error_message();
    // Nothing sent after the revocation reaches it.
    const auto before = stream.count();
    ASSERT_TRUE(send(admin, gid).ok());
    EXPECT_EQ(stream.count(), before);
}

// A client that stops reading leaves a write in flight on the relay (flow control);
// revocation still ends the stream at once instead of waiting for that write.
TEST_F(SessionTest, StreamThatIsNotReadEndsOnRevocation) {
    std::uint64_t serial = 0;
    Device victim = make_device(a_, &serial);
    Device admin = make_device(a_);
    const std::string gid = group(admin, victim);
    constexpr int kBig = 24;
    const Bytes big(512 * 1024, 0x5a);
    for (int i = 0; i < kBig; ++i) {
        rv1::SendMessageRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(random_id());
        req.set_message(private_message(gid, 1, 1, big));
        rv1::SendMessageResponse resp;
        auto ctx = ctx_for(&admin);
        ASSERT_TRUE(stub_->SendMessage(ctx.get(), req, &resp).ok());
    }
    auto ctx = ctx_for(&victim, 60);
    auto reader = stub_->Subscribe(ctx.get(), {});
    reader->WaitForInitialMetadata();  // open, not read: the relay's writes back up
    ASSERT_TRUE(publish(admin, a_, 1, {serial}, {}).ok());
    const auto t0 = std::chrono::steady_clock::now();
    rv1::Delivery del;
    int got = 0;
    while (reader->Read(&del)) ++got;
    const auto st = reader->Finish();
    EXPECT_EQ(st.error_code(), StatusCode::UNAUTHENTICATED) << st.error_message();
    EXPECT_LT(got, kBig + 1);  // the Welcome plus at most what was already on its way
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
}

TEST_F(SessionTest, OpenStreamEndsWhenItsSessionExpires) {
    relay_->stop();
    top_ = "";
    limits_ = "session_ttl_seconds = 100\n";
    const auto now = unix_now();
    set_clock(now);
    start();
    Device d = make_device(a_);
    SubscribeStream stream(*stub_, d);
    EXPECT_FALSE(stream.wait_done(std::chrono::seconds(2)));  // (bounded; it stays open)
    set_clock(now + 101);
    ASSERT_TRUE(stream.wait_done());
    EXPECT_EQ(stream.status().error_code(), StatusCode::UNAUTHENTICATED)
        << stream.status().error_message();
    EXPECT_EQ(probe(d), StatusCode::UNAUTHENTICATED);
}

TEST_F(SessionTest, ReloadWithoutAnOrganisationEndsItsSessionsAndStreams) {
    Device a1 = make_device(a_);
    Device b1 = make_device(b_);
    Device b2 = make_device(b_);
    const std::string gid = group(b2, b1);
    SubscribeStream stream(*stub_, b1);
    ASSERT_TRUE(stream.wait_count(1));
    reload(false);
    ASSERT_TRUE(stream.wait_done());
    EXPECT_EQ(stream.status().error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(probe(b2), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(reregister(b1).error_code(), StatusCode::UNAUTHENTICATED);
    EXPECT_EQ(probe(a1), StatusCode::OK);
    // Pinned again: B registers anew; its old sessions stay ended.
    reload(true);
    EXPECT_TRUE(eventually([&] { return reregister(b1).ok(); }));
    EXPECT_EQ(probe(b2), StatusCode::UNAUTHENTICATED);
}

TEST_F(SessionTest, SessionsPerDeviceAreBoundedOldestReplaced) {
    relay_->stop();
    limits_ = "max_sessions_per_device = 3\n";
    start();
    Device d = make_device(a_);
    std::vector<std::string> tokens = {d.token};
    SubscribeStream first(*stub_, d);
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(reregister(d).ok());
        tokens.push_back(d.token);
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        rv1::CountKeyPackagesResponse resp;
        grpc::ClientContext ctx;
        ctx.AddMetadata("lagrum-session-token", tokens[i]);
        EXPECT_EQ(stub_->CountKeyPackages(&ctx, {}, &resp).error_code(),
                  i < 2 ? StatusCode::UNAUTHENTICATED : StatusCode::OK)
            << i;
    }
    // The stream of the first (replaced) session ended with it.
    ASSERT_TRUE(first.wait_done());
    EXPECT_EQ(first.status().error_code(), StatusCode::UNAUTHENTICATED);
}

TEST_F(SessionTest, StreamsPerDeviceAreCappedOldestReplaced) {
    relay_->stop();
    limits_ = "max_streams_per_device = 2\n";
    start();
    Device a = make_device(a_), b = make_device(a_);
    const std::string gid = group(a, b);
    SubscribeStream s1(*stub_, b);
    SubscribeStream s2(*stub_, b);
    ASSERT_TRUE(s1.wait_count(1));
    ASSERT_TRUE(s2.wait_count(1));
    SubscribeStream s3(*stub_, b);
    ASSERT_TRUE(s1.wait_done());
    EXPECT_EQ(s1.status().error_code(), StatusCode::RESOURCE_EXHAUSTED);
    ASSERT_TRUE(send(a, gid).ok());
    EXPECT_TRUE(s2.wait_count(2));
    EXPECT_TRUE(s3.wait_count(2));
    EXPECT_FALSE(s2.done());
    EXPECT_FALSE(s3.done());
}

// 200 idle streams (the bounded variant of tests/bench/relay/stream_load): the
// synchronous Subscribe held one server thread per stream.
TEST_F(SessionTest, IdleStreamsHoldNoThreads) {
    relay_->stop();
    limits_ = "max_streams_per_device = 1000\n";
    start();
    Device a = make_device(a_), b = make_device(a_);
    const std::string gid = group(a, b);
    const int before = thread_count(relay_->pid());
    ASSERT_GT(before, 0);
    // Asynchronous client: one completion queue, no client thread per stream.
    grpc::CompletionQueue cq;
    constexpr int kStreams = 200;
    std::vector<std::unique_ptr<grpc::ClientContext>> ctxs;
    std::vector<std::unique_ptr<grpc::ClientAsyncReader<rv1::Delivery>>> readers;
    for (int i = 0; i < kStreams; ++i) {
        ctxs.push_back(ctx_for(&b));
        readers.push_back(stub_->AsyncSubscribe(ctxs.back().get(), {}, &cq,
                                                reinterpret_cast<void*>(std::intptr_t{i})));
    }
    int started = 0;
    void* tag = nullptr;
    bool ok = false;
    while (started < kStreams && cq.Next(&tag, &ok)) started += ok ? 1 : 0;
    ASSERT_EQ(started, kStreams);
    std::vector<grpc::Status> statuses(kStreams);
    // Initial metadata: each stream is attached on the relay.
    for (int i = 0; i < kStreams; ++i) {
        readers[static_cast<std::size_t>(i)]->ReadInitialMetadata(
            reinterpret_cast<void*>(std::intptr_t{kStreams + i}));
    }
    int ready = 0;
    while (ready < kStreams && cq.Next(&tag, &ok)) ready += ok ? 1 : 0;
    ASSERT_EQ(ready, kStreams);
    const int during = thread_count(relay_->pid());
    EXPECT_LT(during, before + 20)
        << "threads before " << before << ", with 200 streams " << during;
    for (auto& c : ctxs) c->TryCancel();
    for (int i = 0; i < kStreams; ++i) {
        readers[static_cast<std::size_t>(i)]->Finish(
            &statuses[static_cast<std::size_t>(i)],
            reinterpret_cast<void*>(std::intptr_t{2 * kStreams + i}));
    }
    int finished = 0;
    while (finished < kStreams && cq.Next(&tag, &ok)) {
        if (reinterpret_cast<std::intptr_t>(tag) >= 2 * kStreams) ++finished;
    }
    cq.Shutdown();
    while (cq.Next(&tag, &ok)) {
    }
    // The relay is still fine, and no stream is left behind on it.
    EXPECT_EQ(probe(a), StatusCode::OK);
}

TEST_F(SessionTest, SendCommitIsAnsweredAndStreamsGetIt) {
    Device a = make_device(a_), b = make_device(a_);
    SubscribeStream stream(*stub_, b);
    const std::string gid = group(a, b);
    ASSERT_TRUE(stream.wait_count(1));
    EXPECT_TRUE(send(a, gid).ok());
    EXPECT_TRUE(stream.wait_count(2));
}

}  // namespace
