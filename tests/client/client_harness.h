// Harness for the multi-process client tests (issue 9): a temporary world folder with
// organisations (`lagrum org init`), one real lagrum-relay on a unix socket that can be
// stopped, restarted on the same database or killed, and client profiles driven through
// the real `lagrum` binary with LAGRUM_PROFILE / LAGRUM_PASSPHRASE.
#pragma once

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"

#ifndef LAGRUM_CLI_PATH
#error "LAGRUM_CLI_PATH must name the lagrum executable"
#endif
#ifndef LAGRUM_RELAY_BINARY
#error "LAGRUM_RELAY_BINARY must name the lagrum-relay executable"
#endif

extern char** environ;

namespace lagrum::clienttest {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The young person of every test message, and the facts that make 10 kap. 18 a § OSL
// allow a disclosure from social services to the police (and only to the police).
inline constexpr const char* kSubject = "200801012386";
inline constexpr const char* kFacts =
    R"({"risk_of_criminal_activity":true,"not_inappropriate":true,"concerns_committed_crime":false})";

inline std::string read_file(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

inline void write_file(const fs::path& file, const std::string& data) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << data;
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

// What one `lagrum` run did.
struct RunResult {
    int exit_code = -1;  // the exit status; -1 when ended by a signal
    int signal = 0;      // the terminating signal, 0 when it exited
    std::string out, err;
    std::vector<std::string> args;

    bool ok() const { return exit_code == 0; }
    // Parses stdout as one JSON document (throws with the run's output on failure).
    json j() const {
        json v = json::parse(out, nullptr, false);
        if (v.is_discarded()) throw std::runtime_error("stdout is not JSON: " + describe());
        return v;
    }
    std::string describe() const {
        std::string s = "`lagrum";
        for (const auto& a : args) s += " " + a;
        s += "` exit " + std::to_string(exit_code);
        if (signal) s += " (signal " + std::to_string(signal) + ")";
        return s + "\n--- stdout:\n" + out + "--- stderr:\n" + err;
    }
};

// A running child process whose stdout and stderr go to files.
class Child {
  public:
    Child() = default;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    Child(Child&& o) noexcept { *this = std::move(o); }
    Child& operator=(Child&& o) noexcept {
        std::swap(pid_, o.pid_);
        std::swap(out_, o.out_);
        std::swap(err_, o.err_);
        std::swap(args_, o.args_);
        std::swap(keep_, o.keep_);
        return *this;
    }
    ~Child() { kill9(); }

    // env: variables set (or, with an empty value, removed) on top of ours.
    static Child spawn(const std::string& program, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env, const fs::path& out,
                       const fs::path& err, bool keep_output = false) {
        Child c;
        c.keep_ = keep_output;
        c.out_ = out;
        c.err_ = err;
        c.args_ = args;
        std::vector<std::string> argv_s = {program};
        argv_s.insert(argv_s.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : argv_s) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_s;
        for (char** e = environ; *e != nullptr; ++e) {
            std::string kv = *e;
            const std::string key = kv.substr(0, kv.find('='));
            if (env.count(key) != 0) continue;
            env_s.push_back(std::move(kv));
        }
        for (const auto& [k, v] : env) {
            if (!v.empty()) env_s.push_back(k + "=" + v);
        }
        std::vector<char*> envp;
        for (auto& e : env_s) envp.push_back(e.data());
        envp.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        const int mode = O_WRONLY | O_CREAT | (keep_output ? O_APPEND : O_TRUNC);
        posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), mode, 0600);
        posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), mode, 0600);
        const int rc = posix_spawn(&c.pid_, argv[0], &fa, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) {
            c.pid_ = -1;
            throw std::runtime_error("cannot start " + program);
        }
        return c;
    }

    pid_t pid() const { return pid_; }
    bool running() const { return pid_ > 0; }

    // Non-blocking: true (and the result in *r) when the child has ended.
    bool poll(RunResult* r) {
        int status = 0;
        if (pid_ <= 0) return true;
        if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
        pid_ = -1;
        if (r) *r = result(status);
        return true;
    }
    RunResult wait() {
        int status = 0;
        if (pid_ <= 0) throw std::runtime_error("no child to wait for");
        while (waitpid(pid_, &status, 0) < 0) {
            if (errno != EINTR) throw std::runtime_error("waitpid failed");
        }
        pid_ = -1;
        return result(status);
    }
    // SIGKILL and reap; the result says whether the signal or a normal exit ended it.
    RunResult kill9() {
        if (pid_ <= 0) return {};
        ::kill(pid_, SIGKILL);
        return wait();
    }
    RunResult terminate() {
        if (pid_ <= 0) return {};
        ::kill(pid_, SIGTERM);
        return wait();
    }

  private:
    RunResult result(int status) const {
        RunResult r;
        r.args = args_;
        if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
        r.out = read_file(out_);
        r.err = read_file(err_);
        if (!keep_) {
            std::error_code ec;
            fs::remove(out_, ec);
            fs::remove(err_, ec);
        }
        return r;
    }

    pid_t pid_ = -1;
    fs::path out_, err_;
    std::vector<std::string> args_;
    bool keep_ = false;
};

struct Org {
    std::string key;  // folder name in the world
    std::string id;
    std::string name;
    std::string authority;
    fs::path dir;
    fs::path anchor() const { return dir / "anchor.txtpb"; }
};

struct Member {
    std::string key;  // profile folder name
    std::string org_key;
    std::string org_id;
    std::string member_id;
    std::string display_name;
    std::string authority;
    fs::path profile;
    std::string passphrase;
    std::string device_key;  // hex
    std::uint64_t serial = 0;
    std::string address() const { return org_id + "/" + member_id; }
};

// One test's world: a temporary folder, organisations, a relay, profiles.
class World {
  public:
    static constexpr const char* kOrgPassphrase = "org-pass";

    World() {
        std::string tmpl = (fs::temp_directory_path() / "lagrum-client-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        dir_ = tmpl;
        facts_ = dir_ / "facts.json";
        write_file(facts_, kFacts);
    }
    ~World() {
        relay_.kill9();
        // LAGRUM_CLIENT_KEEP_TMP=1 keeps the folder (profiles, relay log) for debugging.
        if (std::getenv("LAGRUM_CLIENT_KEEP_TMP") != nullptr) return;
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    const fs::path& dir() const { return dir_; }
    const fs::path& facts() const { return facts_; }
    std::string socket() const { return (dir_ / "relay.sock").string(); }
    std::string relay_address() const { return "unix:" + socket(); }
    fs::path relay_db() const { return dir_ / "relay.db"; }
    fs::path relay_log() const { return dir_ / "relay.log"; }

    // Any `lagrum` command; env adds/overrides variables (an empty value removes one).
    Child spawn(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {}) {
        const auto n = std::to_string(++runs_);
        std::map<std::string, std::string> e = {
            {"LAGRUM_PROFILE", ""}, {"LAGRUM_PASSPHRASE", ""}, {"LAGRUM_NEW_PASSPHRASE", ""}};
        for (const auto& [k, v] : env) e[k] = v;
        return Child::spawn(LAGRUM_CLI_PATH, args, e, dir_ / ("run-" + n + ".out"),
                            dir_ / ("run-" + n + ".err"));
    }
    RunResult run(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env = {}) {
        return spawn(args, env).wait();
    }

    std::map<std::string, std::string> env_of(const Member& m) const {
        return {{"LAGRUM_PROFILE", m.profile.string()}, {"LAGRUM_PASSPHRASE", m.passphrase}};
    }
    // A command as member `m` (its profile and passphrase).
    RunResult as(const Member& m, const std::vector<std::string>& args,
                 std::map<std::string, std::string> extra_env = {}) {
        auto env = env_of(m);
        for (const auto& [k, v] : extra_env) env[k] = v;
        return run(args, env);
    }
    Child spawn_as(const Member& m, const std::vector<std::string>& args) {
        return spawn(args, env_of(m));
    }
    // As as(), but the command must succeed.
    RunResult must(const Member& m, const std::vector<std::string>& args) {
        auto r = as(m, args);
        if (!r.ok()) throw std::runtime_error("command failed: " + r.describe());
        return r;
    }

    // `lagrum org init` (test KDF). Call before start_relay(): the relay pins every org.
    Org& add_org(const std::string& key, const std::string& id, const std::string& name,
                 const std::string& authority) {
        Org o{key, id, name, authority, dir_ / key};
        auto r = run({"org", "init", o.dir.string(), "--id", id, "--name", name, "--authority",
                      authority, "--kdf", "test", "--json"},
                     {{"LAGRUM_PASSPHRASE", kOrgPassphrase}});
        if (!r.ok()) throw std::runtime_error("org init failed: " + r.describe());
        orgs_.push_back(std::make_unique<Org>(std::move(o)));
        return *orgs_.back();
    }
    Org& org(const std::string& key) {
        for (auto& o : orgs_) {
            if (o->key == key) return *o;
        }
        throw std::runtime_error("no org " + key);
    }

    // A profile pinning every organisation, certified by `org`, registered with the relay.
    Member& add_member(const std::string& key, const std::string& org_key,
                       const std::string& member_id, const std::string& display_name,
                       const std::string& role, const std::string& passphrase = "pw") {
        const Org& o = org(org_key);
        Member m{key,         o.key,      o.id,       member_id, display_name,
                 o.authority, dir_ / key, passphrase, "",        0};
        std::vector<std::string> init = {"init", "--relay", relay_address()};
        for (const auto& org_ptr : orgs_) {
            init.push_back("--trust");
            init.push_back(org_ptr->anchor().string());
        }
        init.insert(init.end(), {"--kdf", "test", "--json"});
        m.device_key = must(m, init).j().at("device_key").get<std::string>();
        const auto cert = dir_ / (key + ".cert");
        auto issued =
            run({"org", "issue", o.dir.string(), "--member", member_id, "--name", display_name,
                 "--role", role, "--device-key", m.device_key, "--out", cert.string(), "--json"},
                {{"LAGRUM_PASSPHRASE", kOrgPassphrase}});
        if (!issued.ok()) throw std::runtime_error("org issue failed: " + issued.describe());
        m.serial = issued.j().at("serial").get<std::uint64_t>();
        must(m, {"cert", "import", cert.string()});
        members_.push_back(std::make_unique<Member>(std::move(m)));
        return *members_.back();
    }

    // ---- the relay ------------------------------------------------------------------
    void start_relay() {
        if (!fs::exists(dir_ / "relay.toml")) {
            std::ostringstream cfg;
            cfg << "listen = \"unix:" << socket() << "\"\n"
                << "database = \"" << relay_db().string() << "\"\n"
                << "log_file = \"" << relay_log().string() << "\"\n"
                << "shutdown_grace_ms = 200\n"
                << "trust_files = [";
            for (std::size_t i = 0; i < orgs_.size(); ++i) {
                cfg << (i ? ", " : "") << "\"" << orgs_[i]->anchor().string() << "\"";
            }
            cfg << "]\n";
            write_file(dir_ / "relay.toml", cfg.str());
        }
        relay_ = Child::spawn(LAGRUM_RELAY_BINARY, {"--config", (dir_ / "relay.toml").string()}, {},
                              dir_ / "relay.stdout", dir_ / "relay.stderr",
                              /*keep_output=*/true);
        wait_relay_ready();
    }
    // SIGTERM and wait: the relay's own clean shutdown.
    void stop_relay() {
        auto r = relay_.terminate();
        if (r.exit_code != 0) {
            throw std::runtime_error("lagrum-relay did not stop cleanly: " + relay_output());
        }
    }
    void kill_relay() { relay_.kill9(); }
    bool relay_running() const { return relay_.running(); }
    std::string relay_output() const {
        return read_file(relay_log()) + read_file(dir_ / "relay.stderr");
    }

  private:
    // Polls the gRPC health service (bounded; no fixed sleeps: each attempt waits on the
    // channel's own connection deadline).
    void wait_relay_ready() {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (std::chrono::steady_clock::now() < deadline) {
            RunResult ended;
            if (relay_.poll(&ended)) {
                throw std::runtime_error("lagrum-relay exited during startup: " + relay_output());
            }
            grpc::ChannelArguments args;
            args.SetInt("grpc.use_local_subchannel_pool", 1);
            auto ch = grpc::CreateCustomChannel(relay_address(), grpc::InsecureChannelCredentials(),
                                                args);
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
        throw std::runtime_error("lagrum-relay not ready in time: " + relay_output());
    }

    fs::path dir_;
    fs::path facts_;
    std::vector<std::unique_ptr<Org>> orgs_;
    std::vector<std::unique_ptr<Member>> members_;
    Child relay_;
    std::atomic<int> runs_{0};
};

// The messages of `inbox --json` whose text is `text`.
inline std::vector<json> with_text(const json& inbox, const std::string& text) {
    std::vector<json> out;
    for (const auto& m : inbox) {
        if (m.at("text") == text) out.push_back(m);
    }
    return out;
}

// Incoming texts of `inbox --json`, in the order shown.
inline std::vector<std::string> incoming_texts(const json& inbox) {
    std::vector<std::string> out;
    for (const auto& m : inbox) {
        if (!m.at("outgoing").get<bool>()) out.push_back(m.at("text").get<std::string>());
    }
    return out;
}

// Whether `haystack` holds `needle` anywhere (binary-safe).
inline bool contains_bytes(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace lagrum::clienttest
