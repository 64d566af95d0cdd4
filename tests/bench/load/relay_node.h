// One lagrum-relay node for multi-node runs (the load harness and relay_multinode_test):
// the real binary on its own unix socket in its own folder, with the database line
// given by the caller so several nodes can share one PostgreSQL database (RelayProcess
// always writes a private SQLite path). Include after relay_harness.h.
#pragma once

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "relay.grpc.pb.h"

namespace lagrum::relaytest {

class RelayNode {
  public:
    RelayNode(std::filesystem::path dir, const std::string& database, const std::string& extra_toml)
        : dir_(std::move(dir)) {
        std::filesystem::create_directories(dir_);
        socket_ = (dir_ / "relay.sock").string();
        config_ = (dir_ / "relay.toml").string();
        std::ofstream cfg(config_);
        cfg << "listen = \"unix:" << socket_ << "\"\n"
            << "database = \"" << database << "\"\n"
            << "log_file = \"" << (dir_ / "relay.log").string() << "\"\n"
            << "shutdown_grace_ms = 500\n"
            << extra_toml << "\n";
    }
    RelayNode(const RelayNode&) = delete;
    RelayNode& operator=(const RelayNode&) = delete;
    ~RelayNode() { kill_hard(); }

    // Starts the process and waits (bounded, polling health) until it serves.
    void start() {
        std::string binary = LAGRUM_RELAY_BINARY;
        std::vector<std::string> args = {binary, "--config", config_};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        const std::string err = (dir_ / "relay.stderr").string();
        posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        const int rc = posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (rc != 0) throw std::runtime_error("cannot start " + binary);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            int st = 0;
            if (waitpid(pid_, &st, WNOHANG) == pid_) {
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
        throw std::runtime_error("lagrum-relay not ready in time: " + read_log());
    }
    // SIGTERM and wait; returns the exit status.
    int stop() {
        if (pid_ <= 0) return -1;
        ::kill(pid_, SIGTERM);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }
    // kill -9: no shutdown, no flush.
    void kill_hard() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int st = 0;
        waitpid(pid_, &st, 0);
        pid_ = -1;
    }
    std::shared_ptr<grpc::Channel> channel() const {
        grpc::ChannelArguments args;
        args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
        args.SetMaxSendMessageSize(64 * 1024 * 1024);
        // A fresh subchannel per channel: channels never share a connection.
        args.SetInt("grpc.use_local_subchannel_pool", 1);
        return grpc::CreateCustomChannel("unix:" + socket_, grpc::InsecureChannelCredentials(),
                                         args);
    }
    std::unique_ptr<lagrum::relay::v1::Relay::Stub> stub() const {
        return lagrum::relay::v1::Relay::NewStub(channel());
    }
    std::string read_log() const {
        std::string s;
        for (const auto& f : {dir_ / "relay.log", dir_ / "relay.stderr"}) {
            std::ifstream in(f, std::ios::binary);
            std::ostringstream os;
            os << in.rdbuf();
            s += os.str();
        }
        return s;
    }
    pid_t pid() const { return pid_; }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    std::filesystem::path dir_;
    std::string socket_, config_;
    pid_t pid_ = -1;
};

}  // namespace lagrum::relaytest
