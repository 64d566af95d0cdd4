// lagrum_transport against the real lagrum-relay: every RelayTransport method over a
// temporary unix socket (and once over loopback TLS), including the typed errors the
// client acts on (EpochMismatch, SessionExpired, relay_unavailable).
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <future>
#include <optional>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "lagrum/transport/grpc_transport.h"
#include "relay_harness.h"

using namespace lagrum;
using namespace lagrum::relaytest;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

const char* kFastLimits = "[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n";

Bytes bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

// Runs `f` and returns the core::Error it throws (fails the test if it throws none).
template <class E = core::Error, class F>
std::optional<E> error_of(F&& f) {
    try {
        f();
    } catch (const E& e) {
        return e;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "unexpected exception: " << e.what();
        return std::nullopt;
    }
    ADD_FAILURE() << "no exception";
    return std::nullopt;
}

class TransportTest : public ::testing::Test {
  protected:
    void SetUp() override {
        clock_file_ = (tmp_.path() / "clock").string();
        relay_ = std::make_unique<RelayProcess>(
            tmp_.path(), std::string(kFastLimits) + "\n" + org_.trust_toml() +
                             "\n[testing]\nclock_file = \"" + clock_file_ + "\"\n");
        relay_->start();
    }

    std::string address() const { return "unix:" + (tmp_.path() / "relay.sock").string(); }

    struct Client {
        Device device;
        std::string member;
        std::unique_ptr<core::RelayTransport> transport;
        core::RelayTransport* operator->() { return transport.get(); }
    };

    // A fresh member with one device, registered through the transport.
    Client make_client() {
        Client c;
        c.member = "m" + std::to_string(next_member_++);
        const auto now = unix_now();
        c.device.certificate =
            org_.issue(c.member, c.device.key.public_key, now - 60, now + 10 * 86400);
        c.transport = transport::make_grpc_transport(address(), "");
        register_client(c);
        return c;
    }
    static void register_client(Client& c) {
        const std::string body = c.device.certificate.body();
        const auto& seed = c.device.key.seed;
        c.transport->register_device(c.device.certificate, [&](ByteView challenge) {
            EXPECT_EQ(challenge.size(), 32u);
            return crypto::ed25519_sign(seed.view(), register_message(str(challenge), body))
                .value();
        });
    }

    // A group created by `owner` at epoch 0, with `others` added by one Commit (epoch 1).
    std::string make_group(Client& owner, const std::vector<Client*>& others) {
        const std::string gid = random_id();
        owner->create_group(view(gid));
        if (others.empty()) return gid;
        core::CommitRequest cr;
        cr.group_id = bytes(gid);
        cr.envelope_id = bytes(random_id());
        cr.commit = bytes(private_message(gid, 0, 3, crypto::random_bytes(64)));
        for (auto* o : others) {
            cr.added_device_ids.push_back(bytes(o->device.id()));
            cr.welcome_device_ids.push_back(bytes(o->device.id()));
        }
        cr.welcome = bytes(welcome_message(crypto::random_bytes(80)));
        EXPECT_EQ(owner->send_commit(cr), 1u);
        return gid;
    }

    // Sends an application message; returns its envelope id.
    std::string send(Client& from, const std::string& gid, const std::string& text,
                     std::uint64_t epoch = 1) {
        const std::string env = random_id();
        EXPECT_FALSE(from->send_message(view(gid), view(env),
                                        view(private_message(gid, epoch, 1, view(text)))));
        return env;
    }

    // Everything stored after `after` (backlog-only subscribe).
    static std::vector<core::RelayDelivery> backlog(Client& c, std::uint64_t after = 0) {
        std::vector<core::RelayDelivery> out;
        c->subscribe(after, milliseconds(0), [&](const core::RelayDelivery& d) {
            out.push_back(d);
            return true;
        });
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
    int next_member_ = 1;
};

TEST_F(TransportTest, RegisterListDevicesAndKeyPackages) {
    auto alice = make_client();
    auto bob = make_client();
    const auto devices = alice->list_devices(org_.id, bob.member);
    ASSERT_EQ(devices.size(), 1u);
    EXPECT_EQ(devices[0], bytes(bob.device.id()));

    EXPECT_EQ(bob->count_key_packages(), 0u);
    EXPECT_EQ(bob->publish_key_packages({bytes("kp-1"), bytes("kp-2")}, bytes("kp-last")), 2u);
    EXPECT_EQ(bob->count_key_packages(), 2u);

    std::set<Bytes> fetched;
    for (int i = 0; i < 2; ++i) {
        auto kp = alice->fetch_key_package(view(bob.device.id()));
        EXPECT_FALSE(kp.last_resort);
        fetched.insert(kp.key_package);
    }
    EXPECT_EQ(fetched, (std::set<Bytes>{bytes("kp-1"), bytes("kp-2")}));
    EXPECT_EQ(bob->count_key_packages(), 0u);
    // Only the last-resort package is left: returned, and kept.
    for (int i = 0; i < 2; ++i) {
        auto kp = alice->fetch_key_package(view(bob.device.id()));
        EXPECT_TRUE(kp.last_resort);
        EXPECT_EQ(kp.key_package, bytes("kp-last"));
    }
    // A device that never published anything.
    auto e = error_of([&] { bob->fetch_key_package(view(alice.device.id())); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code(), core::Errc::not_found);
}

TEST_F(TransportTest, GroupsCommitsAndEpochMismatch) {
    auto alice = make_client();
    auto bob = make_client();
    const std::string gid = random_id();
    alice->create_group(view(gid));
    auto conflict = error_of([&] { alice->create_group(view(gid)); });
    ASSERT_TRUE(conflict);
    EXPECT_EQ(conflict->code(), core::Errc::conflict);
    auto missing = error_of([&] { alice->get_group(view(random_id())); });
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->code(), core::Errc::not_found);

    core::CommitRequest cr;
    cr.group_id = bytes(gid);
    cr.envelope_id = bytes(random_id());
    cr.commit = bytes(private_message(gid, 0, 3, crypto::random_bytes(64)));
    cr.added_device_ids = {bytes(bob.device.id())};
    cr.welcome = bytes(welcome_message(crypto::random_bytes(80)));
    cr.welcome_device_ids = {bytes(bob.device.id())};
    EXPECT_EQ(alice->send_commit(cr), 1u);
    // The same envelope again is an idempotent retry, not a lost race.
    EXPECT_EQ(alice->send_commit(cr), 1u);

    auto status = bob->get_group(view(gid));
    EXPECT_EQ(status.epoch, 1u);
    EXPECT_EQ(status.member_device_ids.size(), 2u);

    // Bob commits for epoch 0 too late: the relay names the current epoch.
    core::CommitRequest late;
    late.group_id = bytes(gid);
    late.envelope_id = bytes(random_id());
    late.commit = bytes(private_message(gid, 0, 3, crypto::random_bytes(64)));
    auto mismatch = error_of<core::EpochMismatch>([&] { bob->send_commit(late); });
    ASSERT_TRUE(mismatch);
    EXPECT_EQ(mismatch->current_epoch, 1u);
    EXPECT_EQ(mismatch->code(), core::Errc::relay_rejected);

    // Any other refusal is relay_rejected with the relay's reason.
    core::CommitRequest bad = late;
    bad.envelope_id = bytes("short");
    auto rejected = error_of([&] { bob->send_commit(bad); });
    ASSERT_TRUE(rejected);
    EXPECT_EQ(rejected->code(), core::Errc::relay_rejected);
    EXPECT_NE(std::string(rejected->what()).find("envelope_id"), std::string::npos)
        << rejected->what();
}

TEST_F(TransportTest, SendMessageRetryIsIdempotent) {
    auto alice = make_client();
    auto bob = make_client();
    const auto gid = make_group(alice, {&bob});
    const std::string env = random_id();
    const std::string msg = private_message(gid, 1, 1, view(std::string("hello")));
    EXPECT_FALSE(alice->send_message(view(gid), view(env), view(msg)));
    EXPECT_TRUE(alice->send_message(view(gid), view(env), view(msg)));
    // Stored once: the Welcome and the one message.
    const auto got = backlog(bob);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[1].envelope_id, bytes(env));
}

TEST_F(TransportTest, BacklogOnlySubscribeReturnsExactlyTheStoredDeliveriesInOrder) {
    auto alice = make_client();
    auto bob = make_client();
    const auto gid = make_group(alice, {&bob});
    std::vector<std::string> envelopes;
    // More than one relay read batch (64), so the end is not a batch boundary artefact.
    for (int i = 0; i < 150; ++i) envelopes.push_back(send(alice, gid, "m" + std::to_string(i)));

    const auto got = backlog(bob);
    ASSERT_EQ(got.size(), 151u);
    EXPECT_EQ(got[0].kind, core::RelayDelivery::Kind::welcome);
    for (std::size_t i = 1; i < got.size(); ++i) {
        EXPECT_GT(got[i].seq, got[i - 1].seq);
        EXPECT_EQ(got[i].kind, core::RelayDelivery::Kind::message);
        EXPECT_EQ(got[i].envelope_id, bytes(envelopes[i - 1]));
        EXPECT_EQ(got[i].group_id, bytes(gid));
        EXPECT_EQ(got[i].sender_device_id, bytes(alice.device.id()));
        EXPECT_EQ(got[i].epoch, 1u);
        EXPECT_GT(got[i].received_at, 0);
    }
    EXPECT_EQ(got[5].payload, bytes(private_message(gid, 1, 1, view(std::string("m4")))));

    // after_seq is a cursor; ack deletes up to a seq.
    EXPECT_EQ(backlog(bob, got[99].seq).size(), 51u);
    bob->ack(got[49].seq);
    const auto rest = backlog(bob);
    ASSERT_EQ(rest.size(), 101u);
    EXPECT_EQ(rest[0].seq, got[50].seq);

    // on_delivery returning false ends a backlog-only call early too.
    int seen = 0;
    bob->subscribe(0, milliseconds(0), [&](const core::RelayDelivery&) { return ++seen < 3; });
    EXPECT_EQ(seen, 3);

    // The sender's own mailbox holds nothing (it is not sent its own messages).
    EXPECT_TRUE(backlog(alice).empty());
}

TEST_F(TransportTest, WaitingSubscribeGetsADeliverySentMeanwhile) {
    auto alice = make_client();
    auto bob = make_client();
    const auto gid = make_group(alice, {&bob});
    const auto caller = std::this_thread::get_id();
    std::string live_env;
    std::vector<core::RelayDelivery> got;
    const auto start = Clock::now();
    bob->subscribe(0, std::chrono::seconds(60), [&](const core::RelayDelivery& d) {
        EXPECT_EQ(std::this_thread::get_id(), caller);  // the caller's thread, as promised
        got.push_back(d);
        // The Welcome came from the backlog, so the stream is open: what Alice sends now
        // can only reach Bob live.
        if (got.size() == 1) live_env = send(alice, gid, "while you wait");
        return got.size() < 2;
    });
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(30));
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].kind, core::RelayDelivery::Kind::welcome);
    EXPECT_EQ(got[1].envelope_id, bytes(live_env));
    EXPECT_GT(got[1].seq, got[0].seq);
}

TEST_F(TransportTest, WaitEndsAfterTheWaitWithNothingToDeliver) {
    auto alice = make_client();
    const auto start = Clock::now();
    int calls = 0;
    alice->subscribe(0, milliseconds(300), [&](const core::RelayDelivery&) {
        ++calls;
        return true;
    });
    const auto took = Clock::now() - start;
    EXPECT_EQ(calls, 0);
    EXPECT_GE(took, milliseconds(300));
    EXPECT_LT(took, std::chrono::seconds(5));
}

TEST_F(TransportTest, StopEndsALongWaitPromptly) {
    auto alice = make_client();
    std::promise<void> polled;
    std::atomic<bool> first{true};
    std::atomic<bool> stop_now{false};
    std::atomic<Clock::rep> stop_set_at{0};
    std::thread stopper([&] {
        // Once the transport is polling, ask it to stop from another thread.
        polled.get_future().wait();
        stop_set_at = Clock::now().time_since_epoch().count();
        stop_now = true;
    });
    const auto start = Clock::now();
    alice->subscribe(
        0, std::chrono::seconds(60), [](const core::RelayDelivery&) { return true; },
        [&] {
            if (first.exchange(false)) polled.set_value();
            return stop_now.load();
        });
    const auto end = Clock::now();
    stopper.join();
    EXPECT_LT(end - start, std::chrono::seconds(5));
    const auto after_stop = end - Clock::time_point(Clock::duration(stop_set_at.load()));
    // Polled at least every 200 ms; a generous margin for loaded machines.
    EXPECT_LT(after_stop, milliseconds(1000));
}

TEST_F(TransportTest, UnreachableRelayIsRelayUnavailableQuickly) {
    auto t = transport::make_grpc_transport("unix:/nonexistent/sock", "");
    const auto start = Clock::now();
    auto e = error_of([&] { t->count_key_packages(); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code(), core::Errc::relay_unavailable);
    auto r = error_of([&] { t->register_device({}, [](ByteView) { return Bytes(64, 0); }); });
    ASSERT_TRUE(r);
    EXPECT_EQ(r->code(), core::Errc::relay_unavailable);
    auto s = error_of([&] {
        t->subscribe(0, std::chrono::seconds(30), [](const core::RelayDelivery&) { return true; });
    });
    ASSERT_TRUE(s);
    EXPECT_EQ(s->code(), core::Errc::relay_unavailable);
    auto b = error_of(
        [&] { t->subscribe(0, milliseconds(0), [](const core::RelayDelivery&) { return true; }); });
    ASSERT_TRUE(b);
    EXPECT_EQ(b->code(), core::Errc::relay_unavailable);
    EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST_F(TransportTest, MissingOrExpiredSessionIsSessionExpired) {
    // Never registered: no token at all.
    auto fresh = transport::make_grpc_transport(address(), "");
    EXPECT_TRUE(error_of<core::SessionExpired>([&] { fresh->count_key_packages(); }));

    auto alice = make_client();
    EXPECT_EQ(alice->count_key_packages(), 0u);
    // Two days later the one-day session is over (the relay's test clock).
    set_clock(unix_now() + 2 * 86400);
    EXPECT_TRUE(error_of<core::SessionExpired>([&] { alice->count_key_packages(); }));
    EXPECT_TRUE(error_of<core::SessionExpired>([&] {
        alice->subscribe(0, milliseconds(0), [](const core::RelayDelivery&) { return true; });
    }));
    EXPECT_TRUE(error_of<core::SessionExpired>([&] {
        alice->subscribe(0, std::chrono::seconds(30),
                         [](const core::RelayDelivery&) { return true; });
    }));
    // Registering again (certificate still valid then) gives a working session.
    set_clock(unix_now());
    register_client(alice);
    EXPECT_EQ(alice->count_key_packages(), 0u);
}

TEST_F(TransportTest, RefusedRegistrationIsRelayRejected) {
    Client c;
    const auto now = unix_now();
    c.device.certificate = org_.issue("mx", c.device.key.public_key, now - 60, now + 86400);
    c.transport = transport::make_grpc_transport(address(), "");
    auto e = error_of(
        [&] { c->register_device(c.device.certificate, [](ByteView) { return Bytes(64, 7); }); });
    ASSERT_TRUE(e);
    EXPECT_FALSE(dynamic_cast<const core::SessionExpired*>(&*e));
    EXPECT_EQ(e->code(), core::Errc::relay_rejected);
}

// The TLS path: the demo relay's self-signed certificate pinned as `ca_pem`.
TEST(TransportTls, PinnedCertificateConnectsAndSystemRootsDoNot) {
    TempDir tmp;
    const auto dir = tmp.path() / "demo";
    const std::string cmd =
        std::string(LAGRUM_RELAY_BINARY) + " --init-demo " + dir.string() + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
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
    struct Reap {
        pid_t pid;
        ~Reap() {
            ::kill(pid, SIGTERM);
            int status = 0;
            waitpid(pid, &status, 0);
        }
    } reap{pid};
    // The port is in the relay's "listening" log line.
    int port = 0;
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (port == 0 && Clock::now() < deadline) {
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
    const std::string address = "localhost:" + std::to_string(port);

    // The relay answers (no session yet): the TLS handshake with the pinned CA worked.
    auto pinned = transport::make_grpc_transport(address, pem.str());
    EXPECT_TRUE(error_of<core::SessionExpired>([&] { pinned->count_key_packages(); }));
    // The system roots do not vouch for a self-signed certificate.
    auto system = transport::make_grpc_transport(address, "");
    auto e = error_of([&] { system->count_key_packages(); });
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code(), core::Errc::relay_unavailable);
}

}  // namespace
