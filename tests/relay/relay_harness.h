// Test harness for the relay integration tests: runs the real lagrum-relay binary on a
// temporary unix socket with a temporary database, and provides organisations, devices
// and MLS-framed test messages.
#pragma once

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "lagrum/cert/cert.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/random.h"
#include "relay.grpc.pb.h"

// With the PostgreSQL fixture (targets linking lagrum_test_support), the backend is
// chosen by LAGRUM_RELAY_BACKEND (ctest runs each relay suite once per backend).
#if __has_include("lagrum/testing/postgres_server.h")
#include "lagrum/testing/postgres_server.h"
#define LAGRUM_RELAY_HARNESS_POSTGRES 1
#endif

#ifndef LAGRUM_RELAY_BINARY
#error "LAGRUM_RELAY_BINARY must name the lagrum-relay executable"
#endif

extern char** environ;

namespace lagrum::relaytest {

namespace fs = std::filesystem;
namespace rv1 = lagrum::relay::v1;
namespace cv1 = lagrum::cert::v1;
using crypto::Bytes;
using crypto::ByteView;

inline std::string str(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string hexs(ByteView b) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (auto c : b) {
        out.push_back(d[c >> 4]);
        out.push_back(d[c & 15]);
    }
    return out;
}
inline std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// True when this run's relays use PostgreSQL (LAGRUM_RELAY_BACKEND=postgres).
inline bool postgres_backend() {
#ifdef LAGRUM_RELAY_HARNESS_POSTGRES
    return lagrum::testing::relay_backend() == "postgres";
#else
    return false;
#endif
}

// False (with the reason) when the selected backend cannot run here: only when
// PostgreSQL is selected and its binaries are missing.
inline bool backend_available(std::string* why) {
#ifdef LAGRUM_RELAY_HARNESS_POSTGRES
    if (postgres_backend()) return lagrum::testing::shared_postgres(why) != nullptr;
#endif
    (void)why;
    return true;
}
#define LAGRUM_RELAY_REQUIRE_BACKEND()                                            \
    do {                                                                          \
        std::string why_;                                                         \
        if (!::lagrum::relaytest::backend_available(&why_)) GTEST_SKIP() << why_; \
    } while (0)

// The PostgreSQL schema holding the data of the relay(s) in `dir`: named after the
// folder, so a relay restarted in the same folder finds its data again.
inline std::string postgres_schema_for(const fs::path& dir) {
    std::ostringstream os;
    os << "r_" << getpid() << "_" << std::hex << std::hash<std::string>{}(dir.string());
    return os.str();
}

// The relay's `database`: a file in `dir`, or its schema on the run's PostgreSQL server.
inline std::string relay_database(const fs::path& dir) {
#ifdef LAGRUM_RELAY_HARNESS_POSTGRES
    if (postgres_backend()) {
        std::string why;
        auto* pg = lagrum::testing::shared_postgres(&why);
        if (!pg) throw std::runtime_error(why);
        return pg->schema_uri(postgres_schema_for(dir));
    }
#endif
    return (dir / "relay.db").string();
}

// A fresh temporary directory, removed on destruction (with its PostgreSQL schema).
class TempDir {
  public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "lagrum-relay-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        // LAGRUM_RELAY_KEEP_TMP=1 keeps the directory (database, logs) for debugging.
        if (std::getenv("LAGRUM_RELAY_KEEP_TMP")) return;
        std::error_code ec;
        fs::remove_all(path_, ec);
#ifdef LAGRUM_RELAY_HARNESS_POSTGRES
        if (postgres_backend()) {
            try {
                if (auto* pg = lagrum::testing::shared_postgres()) {
                    pg->drop_schema(postgres_schema_for(path_));
                }
            } catch (...) {
                // A relay still connected: the schema goes with the server at the end.
            }
        }
#endif
    }
    const fs::path& path() const {
        return path_;
    }

  private:
    fs::path path_;
};

// An organisation with an Ed25519 root, able to issue certificates and revocation lists.
struct Org {
    std::string id;
    crypto::Ed25519KeyPair root = crypto::ed25519_generate();
    std::uint64_t next_serial = 1;

    explicit Org(std::string organisation_id) : id(std::move(organisation_id)) {}

    std::string trust_toml() const {
        return "[[trust]]\norganisation_id = \"" + id + "\"\nname = \"" + id +
               "\"\nauthority_type = \"police\"\nroot_public_key = \"" + hexs(root.public_key) +
               "\"\n";
    }

    cv1::MemberCertificate issue(const std::string& member, ByteView device_key,
                                 std::int64_t not_before, std::int64_t not_after,
                                 std::uint64_t* serial_out = nullptr) {
        cv1::MemberCertificateBody body;
        body.set_version(1);
        body.set_serial(next_serial++);
        body.set_member_id(member);
        body.set_display_name("Test Person " + member);
        body.set_organisation_id(id);
        body.set_authority_type(cv1::AUTHORITY_TYPE_POLICE);
        body.set_role("handlaggare");
        body.set_device_public_key(str(device_key));
        body.set_not_before(not_before);
        body.set_not_after(not_after);
        if (serial_out) *serial_out = body.serial();
        auto r = cert::issue_certificate(body, root.seed.view());
        if (r.index() != 0) throw std::runtime_error("issue failed");
        return std::get<0>(r);
    }
};

// A device: key pair, certificate and (after register) a session token.
struct Device {
    crypto::Ed25519KeyPair key = crypto::ed25519_generate();
    cv1::MemberCertificate certificate;
    std::string token;
    std::string id() const { return str(key.public_key); }
};

inline std::unique_ptr<grpc::ClientContext> ctx_for(const Device* d, int timeout_s = 30) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (d && !d->token.empty()) ctx->AddMetadata("lagrum-session-token", d->token);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_s));
    return ctx;
}

inline Bytes register_message(const std::string& challenge, const std::string& body) {
    const std::string label = "lagrum.relay.v1.Register";
    Bytes m(label.begin(), label.end());
    m.push_back(0);
    m.insert(m.end(), challenge.begin(), challenge.end());
    m.insert(m.end(), body.begin(), body.end());
    return m;
}

// Registers `d` (its certificate must be set). Returns the gRPC status; sets d.token.
inline grpc::Status register_device(rv1::Relay::Stub& stub, Device& d, bool corrupt_sig = false) {
    rv1::GetChallengeResponse ch;
    auto c1 = ctx_for(nullptr);
    auto st = stub.GetChallenge(c1.get(), {}, &ch);
    if (!st.ok()) return st;
    rv1::RegisterRequest req;
    *req.mutable_certificate() = d.certificate;
    req.set_challenge(ch.challenge());
    auto sig = crypto::ed25519_sign(d.key.seed.view(),
                                    register_message(ch.challenge(), d.certificate.body()));
    Bytes s = sig.value();
    if (corrupt_sig) s[5] ^= 1;
    req.set_signature(str(s));
    rv1::RegisterResponse resp;
    auto c2 = ctx_for(nullptr);
    st = stub.Register(c2.get(), req, &resp);
    if (st.ok()) d.token = resp.session_token();
    return st;
}

// RFC 9420 §2.1.2 minimal varint.
inline void put_varint(Bytes& out, std::size_t n) {
    if (n < 64) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else if (n < 16384) {
        out.push_back(static_cast<std::uint8_t>(0x40 | (n >> 8)));
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        out.push_back(static_cast<std::uint8_t>(0x80 | (n >> 24)));
        out.push_back(static_cast<std::uint8_t>(n >> 16));
        out.push_back(static_cast<std::uint8_t>(n >> 8));
        out.push_back(static_cast<std::uint8_t>(n));
    }
}

// An MLSMessage carrying a PrivateMessage with the given header and opaque ciphertext.
// content_type: 1 application, 2 proposal, 3 commit.
inline std::string private_message(const std::string& group_id, std::uint64_t epoch,
                                   std::uint8_t content_type, ByteView ciphertext) {
    Bytes m = {0, 1, 0, 2};
    put_varint(m, group_id.size());
    m.insert(m.end(), group_id.begin(), group_id.end());
    for (int i = 7; i >= 0; --i) m.push_back(static_cast<std::uint8_t>(epoch >> (8 * i)));
    m.push_back(content_type);
    put_varint(m, 0);  // authenticated_data
    Bytes sender_data(24, 0xab);
    put_varint(m, sender_data.size());
    m.insert(m.end(), sender_data.begin(), sender_data.end());
    put_varint(m, ciphertext.size());
    m.insert(m.end(), ciphertext.begin(), ciphertext.end());
    return str(m);
}
inline std::string welcome_message(ByteView body) {
    Bytes m = {0, 1, 0, 3};
    m.insert(m.end(), body.begin(), body.end());
    return str(m);
}
inline std::string random_id(std::size_t n = 16) {
    return str(crypto::random_bytes(n));
}

// An open Subscribe stream read on its own thread (blocking reads: tests never poll the
// relay for deliveries): the deliveries and the final status.
class SubscribeStream {
  public:
    SubscribeStream(rv1::Relay::Stub& stub, const Device& d, std::uint64_t after_seq = 0,
                    int timeout_s = 120)
        : ctx_(ctx_for(&d, timeout_s)) {
        rv1::SubscribeRequest req;
        req.set_after_seq(after_seq);
        reader_ = stub.Subscribe(ctx_.get(), req);
        // The relay sends initial metadata once the stream is authenticated and
        // attached (or with the status when it is refused).
        reader_->WaitForInitialMetadata();
        thread_ = std::thread([this] {
            rv1::Delivery del;
            while (reader_->Read(&del)) {
                std::lock_guard lock(mu_);
                got_.push_back(del);
                cv_.notify_all();
            }
            auto st = reader_->Finish();
            std::lock_guard lock(mu_);
            status_ = st;
            done_ = true;
            cv_.notify_all();
        });
    }
    SubscribeStream(const SubscribeStream&) = delete;
    SubscribeStream& operator=(const SubscribeStream&) = delete;
    ~SubscribeStream() {
        ctx_->TryCancel();
        thread_.join();
    }
    // True once the stream ended within `limit`.
    bool wait_done(std::chrono::seconds limit = std::chrono::seconds(20)) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, limit, [&] { return done_; });
    }
    // True once `n` deliveries arrived within `limit`.
    bool wait_count(std::size_t n, std::chrono::seconds limit = std::chrono::seconds(20)) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, limit, [&] { return got_.size() >= n || done_; }) &&
               got_.size() >= n;
    }
    bool done() {
        std::lock_guard lock(mu_);
        return done_;
    }
    grpc::Status status() {
        std::lock_guard lock(mu_);
        return status_;
    }
    std::size_t count() {
        std::lock_guard lock(mu_);
        return got_.size();
    }
    std::vector<rv1::Delivery> got() {
        std::lock_guard lock(mu_);
        return got_;
    }

  private:
    std::unique_ptr<grpc::ClientContext> ctx_;
    std::unique_ptr<grpc::ClientReader<rv1::Delivery>> reader_;
    std::thread thread_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<rv1::Delivery> got_;
    bool done_ = false;
    grpc::Status status_;
};

// The relay process.
class RelayProcess {
  public:
    // extra_toml is appended to the generated config (limits, trust, testing...).
    // `database` is the relay's database line; empty: its own, chosen by relay_database.
    // Several nodes of one cluster (multi-node tests, the load harness) pass the same one.
    RelayProcess(const fs::path& dir, std::string extra_toml, std::string database = {})
        : dir_(dir), extra_(std::move(extra_toml)) {
        fs::create_directories(dir_);
        socket_ = (dir_ / "relay.sock").string();
        db_ = database.empty() ? relay_database(dir_) : std::move(database);
        log_ = (dir_ / "relay.log").string();
        config_ = (dir_ / "relay.toml").string();
        std::ofstream cfg(config_);
        cfg << "listen = \"unix:" << socket_ << "\"\n"
            << "database = \"" << db_ << "\"\n"
            << "log_file = \"" << log_ << "\"\n"
            << "shutdown_grace_ms = 200\n"
            << extra_ << "\n";
    }
    ~RelayProcess() { kill_hard(); }

    // Starts the process and waits (bounded, polling health) until it serves.
    void start(std::chrono::seconds ready_limit = std::chrono::seconds(30)) {
        std::vector<std::string> args = {LAGRUM_RELAY_BINARY, "--config", config_};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        const std::string out = (dir_ / "relay.stderr").string();
        posix_spawn_file_actions_addopen(&fa, 2, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) {
            posix_spawn_file_actions_destroy(&fa);
            throw std::runtime_error("cannot start lagrum-relay");
        }
        posix_spawn_file_actions_destroy(&fa);
        wait_ready(ready_limit);
    }

    // Polls the health service until SERVING, with a bounded deadline (no fixed sleeps).
    void wait_ready(std::chrono::seconds limit = std::chrono::seconds(30)) {
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("lagrum-relay exited during startup: " + read_log());
            }
            auto ch = channel();
            if (ch->WaitForConnected(std::chrono::system_clock::now() +
                                     std::chrono::milliseconds(200))) {
                auto health = grpc::health::v1::Health::NewStub(ch);
                grpc::ClientContext ctx;
                ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
                grpc::health::v1::HealthCheckResponse resp;
                if (health->Check(&ctx, {}, &resp).ok() &&
                    resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
                    return;
                }
            }
        }
        throw std::runtime_error("lagrum-relay not ready in time");
    }

    // SIGTERM and wait for exit; returns the exit status.
    int stop() {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGTERM);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    void kill_hard() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        pid_ = -1;
    }

    std::shared_ptr<grpc::Channel> channel() const {
        grpc::ChannelArguments args;
        args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
        args.SetMaxSendMessageSize(64 * 1024 * 1024);
        // A fresh subchannel per channel so a restarted relay is reached at once.
        args.SetInt("grpc.use_local_subchannel_pool", 1);
        return grpc::CreateCustomChannel("unix:" + socket_, grpc::InsecureChannelCredentials(),
                                         args);
    }
    std::unique_ptr<rv1::Relay::Stub> stub() const { return rv1::Relay::NewStub(channel()); }

    std::string read_log() const {
        std::string s;
        for (const auto& f : {log_, (dir_ / "relay.stderr").string()}) {
            std::ifstream in(f, std::ios::binary);
            std::ostringstream os;
            os << in.rdbuf();
            s += os.str();
        }
        return s;
    }
    // The `database` setting: a file path, or a postgresql:// URI.
    const std::string& db_path() const { return db_; }
    const std::string& log_path() const { return log_; }
    const fs::path& dir() const { return dir_; }
    pid_t pid() const { return pid_; }

  private:
    fs::path dir_;
    std::string extra_;
    std::string socket_, db_, log_, config_;
    pid_t pid_ = -1;
};

}  // namespace lagrum::relaytest
