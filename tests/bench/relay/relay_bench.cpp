// relay_bench: N subscriber devices, M sender devices, loopback only (unix sockets).
//
// Each subscriber i shares a two-member group with sender i % M (a direct
// conversation). Senders call SendMessage in a loop over their groups; subscribers hold
// a Subscribe stream each (client callback API, so 1 000 streams need no 1 000 client
// threads) and measure latency from the send timestamp carried in the ciphertext bytes.
//
//   BM_Echo/N   baseline: a bare gRPC streaming forwarder with the same RPC shapes and
//               message types, keeping envelopes in memory only (no auth, no parsing,
//               no storage).
//   BM_Relay/N  the real RelayService + SqliteStorage (WAL, synchronous=FULL, group
//               commit) in this process, subscribers acknowledging as they go.
//
// Counters: env_per_s (envelopes delivered per second, first send to last delivery),
// p50_us / p99_us (end-to-end latency), and for the relay ratio_vs_echo.
// Bounded: at most kMaxEnvelopes per run and kMaxSeconds of sending.
#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "lagrum/relay/service.h"
#include "lagrum/relay/sqlite_storage.h"
#include "relay_harness.h"

namespace {

using namespace lagrum;
using namespace lagrum::relaytest;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kSenders = 16;
constexpr int kWindow = 16;  // SendMessage calls in flight per sender
constexpr std::uint32_t kMaxEnvelopes = 20000;
constexpr int kMaxSeconds = 15;
constexpr std::size_t kPayload = 256;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

std::shared_ptr<grpc::Channel> make_channel(const std::string& addr) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // one connection per channel
    return grpc::CreateCustomChannel(addr, grpc::InsecureChannelCredentials(), args);
}

// ---- baseline: in-memory forwarder ----

class EchoService final : public rv1::Relay::Service {
  public:
    explicit EchoService(int devices) : boxes_(static_cast<std::size_t>(devices)) {}
    grpc::Status SendMessage(grpc::ServerContext*, const rv1::SendMessageRequest* req,
                             rv1::SendMessageResponse* resp) override {
        // The group id names the subscriber index (4 bytes) in this benchmark.
        std::uint32_t target = 0;
        std::memcpy(&target, req->group_id().data(), 4);
        auto& box = boxes_.at(target);
        {
            std::lock_guard lock(box.mu);
            rv1::Delivery d;
            d.set_seq(++box.seq);
            d.set_envelope_id(req->envelope_id());
            d.set_group_id(req->group_id());
            d.set_kind(rv1::Delivery::KIND_MESSAGE);
            d.set_payload(req->message());
            box.queue.push_back(std::move(d));
        }
        box.cv.notify_one();
        resp->set_recipients(1);
        return grpc::Status::OK;
    }
    grpc::Status Subscribe(grpc::ServerContext* ctx, const rv1::SubscribeRequest*,
                           grpc::ServerWriter<rv1::Delivery>* writer) override {
        auto it = ctx->client_metadata().find("bench-device");
        if (it == ctx->client_metadata().end())
            return {grpc::StatusCode::INVALID_ARGUMENT, "device"};
        auto& box = boxes_.at(std::stoul(std::string(it->second.data(), it->second.size())));
        writer->SendInitialMetadata();
        while (!ctx->IsCancelled() && !stopping_) {
            std::deque<rv1::Delivery> batch;
            {
                std::unique_lock lock(box.mu);
                box.cv.wait_for(lock, std::chrono::milliseconds(200),
                                [&] { return !box.queue.empty() || stopping_.load(); });
                batch.swap(box.queue);
            }
            for (auto& d : batch) {
                if (!writer->Write(d)) return grpc::Status::CANCELLED;
            }
        }
        return grpc::Status::OK;
    }
    void stop() {
        stopping_ = true;
        for (auto& b : boxes_) b.cv.notify_all();
    }

  private:
    struct Box {
        std::mutex mu;
        std::condition_variable cv;
        std::deque<rv1::Delivery> queue;
        std::uint64_t seq = 0;
    };
    std::vector<Box> boxes_;
    std::atomic<bool> stopping_{false};
};

// ---- client side ----

struct Stats {
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<int> ready{0};
    std::mutex mu;
    std::condition_variable cv;
};

class SubReader final : public grpc::ClientReadReactor<rv1::Delivery> {
  public:
    SubReader(rv1::Relay::Stub* stub, const std::string& token, int index, Stats* stats)
        : stats_(stats) {
        if (!token.empty()) ctx_.AddMetadata("lagrum-session-token", token);
        ctx_.AddMetadata("bench-device", std::to_string(index));
        stub->async()->Subscribe(&ctx_, &req_, this);
        StartRead(&d_);
        StartCall();
    }
    void OnReadInitialMetadataDone(bool ok) override {
        if (ok) {
            ++stats_->ready;
            stats_->cv.notify_all();
        }
    }
    void OnReadDone(bool ok) override {
        if (!ok) return;
        std::int64_t sent = 0;
        // Payload = MLS framing + ciphertext whose first 8 bytes are the send time.
        const std::string& p = d_.payload();
        std::memcpy(&sent, p.data() + (p.size() - kPayload), 8);
        latencies_.push_back(now_ns() - sent);
        max_seq_.store(d_.seq());
        ++stats_->delivered;
        stats_->cv.notify_all();  // the driver waits for the last one
        StartRead(&d_);
    }
    void OnDone(const grpc::Status&) override {
        std::lock_guard lock(mu_);
        done_ = true;
        cv_.notify_all();
    }
    void cancel_and_wait() {
        ctx_.TryCancel();
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return done_; });
    }
    std::vector<std::int64_t>& latencies() { return latencies_; }
    std::uint64_t max_seq() const { return max_seq_.load(); }

  private:
    Stats* stats_;
    grpc::ClientContext ctx_;
    rv1::SubscribeRequest req_;
    rv1::Delivery d_;
    std::vector<std::int64_t> latencies_;
    std::atomic<std::uint64_t> max_seq_{0};
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;
};

struct RunResult {
    double rate = 0;
    double p50_us = 0, p99_us = 0;
    std::uint64_t delivered = 0;
};

struct Target {
    std::string address;
    std::vector<std::string> sub_tokens;          // per subscriber (empty for echo)
    std::vector<std::string> send_tokens;         // per sender
    std::vector<std::string> groups;              // per subscriber
    std::function<void(int, std::uint64_t)> ack;  // relay: ack subscriber up to seq
};

RunResult drive(const Target& t, int n) {
    Stats stats;
    std::vector<std::shared_ptr<grpc::Channel>> sub_channels;
    std::vector<std::unique_ptr<rv1::Relay::Stub>> sub_stubs;
    for (int c = 0; c < 4; ++c) {
        sub_channels.push_back(make_channel(t.address));
        sub_stubs.push_back(rv1::Relay::NewStub(sub_channels.back()));
    }
    std::vector<std::unique_ptr<SubReader>> readers;
    for (int i = 0; i < n; ++i) {
        readers.push_back(std::make_unique<SubReader>(
            sub_stubs[static_cast<std::size_t>(i % 4)].get(),
            t.sub_tokens.empty() ? std::string() : t.sub_tokens[static_cast<std::size_t>(i)], i,
            &stats));
    }
    {
        std::unique_lock lock(stats.mu);
        if (!stats.cv.wait_for(lock, std::chrono::seconds(60),
                               [&] { return stats.ready.load() == n; })) {
            throw std::runtime_error("subscriptions not ready");
        }
    }
    const std::uint32_t total =
        std::min<std::uint32_t>(kMaxEnvelopes, static_cast<std::uint32_t>(std::max(n, 1) * 200));
    std::atomic<std::uint32_t> next{0}, sent{0};
    const auto start = Clock::now();
    const auto stop_at = start + std::chrono::seconds(kMaxSeconds);
    std::atomic<bool> acking{true};
    std::mutex ack_mu;
    std::condition_variable ack_cv;
    std::thread acker;
    if (t.ack) {
        // Subscribers acknowledge what they have seen, as real clients do.
        acker = std::thread([&] {
            std::vector<std::uint64_t> acked(static_cast<std::size_t>(n), 0);
            while (acking) {
                for (int i = 0; i < n; ++i) {
                    auto s = readers[static_cast<std::size_t>(i)]->max_seq();
                    if (s > acked[static_cast<std::size_t>(i)]) {
                        t.ack(i, s);
                        acked[static_cast<std::size_t>(i)] = s;
                    }
                }
                std::unique_lock lock(ack_mu);
                ack_cv.wait_for(lock, std::chrono::milliseconds(50),
                                [&] { return !acking.load(); });
            }
        });
    }
    // Each sender keeps kWindow SendMessage calls in flight (callback API), as a busy
    // client with an outbox would; group commit turns that concurrency into larger
    // transactions.
    std::vector<std::thread> senders;
    std::atomic<bool> failed{false};
    for (int s = 0; s < kSenders; ++s) {
        senders.emplace_back([&, s] {
            auto stub = rv1::Relay::NewStub(make_channel(t.address));
            std::vector<int> mine;
            for (int i = s; i < n; i += kSenders) mine.push_back(i);
            if (mine.empty()) return;
            std::mutex wmu;
            std::condition_variable wcv;
            int inflight = 0;
            std::size_t k = 0;
            std::string ct(kPayload, 'c');
            struct Call {
                grpc::ClientContext ctx;
                rv1::SendMessageRequest req;
                rv1::SendMessageResponse resp;
            };
            for (;;) {
                const auto i = next.fetch_add(1);
                if (i >= total || Clock::now() > stop_at || failed) break;
                {
                    std::unique_lock lock(wmu);
                    wcv.wait(lock, [&] { return inflight < kWindow; });
                    ++inflight;
                }
                const int target = mine[k++ % mine.size()];
                const auto& gid = t.groups[static_cast<std::size_t>(target)];
                auto* call = new Call;
                const std::int64_t ts = now_ns();
                std::memcpy(ct.data(), &ts, 8);
                call->req.set_group_id(gid);
                std::string eid(16, '\0');
                std::memcpy(eid.data(), &i, 4);
                eid[8] = static_cast<char>(s);
                call->req.set_envelope_id(eid);
                call->req.set_message(private_message(gid, 1, 1, view(ct)));
                if (!t.send_tokens.empty()) {
                    call->ctx.AddMetadata("lagrum-session-token",
                                          t.send_tokens[static_cast<std::size_t>(s)]);
                }
                stub->async()->SendMessage(&call->ctx, &call->req, &call->resp,
                                           [&, call](grpc::Status st) {
                                               if (st.ok()) {
                                                   ++sent;
                                               } else {
                                                   failed = true;
                                               }
                                               delete call;
                                               std::lock_guard lock(wmu);
                                               --inflight;
                                               wcv.notify_all();
                                           });
            }
            std::unique_lock lock(wmu);
            wcv.wait(lock, [&] { return inflight == 0; });
        });
    }
    for (auto& th : senders) th.join();
    if (failed) throw std::runtime_error("a send failed");
    {
        std::unique_lock lock(stats.mu);
        stats.cv.wait_for(lock, std::chrono::seconds(30),
                          [&] { return stats.delivered.load() >= sent.load(); });
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    {
        std::lock_guard lock(ack_mu);
        acking = false;
    }
    ack_cv.notify_all();
    if (acker.joinable()) acker.join();
    std::vector<std::int64_t> all;
    for (auto& r : readers) {
        r->cancel_and_wait();
        all.insert(all.end(), r->latencies().begin(), r->latencies().end());
    }
    std::sort(all.begin(), all.end());
    RunResult out;
    out.delivered = all.size();
    out.rate = static_cast<double>(all.size()) / secs;
    if (!all.empty()) {
        out.p50_us = static_cast<double>(all[all.size() / 2]) / 1000.0;
        out.p99_us =
            static_cast<double>(all[std::min(all.size() - 1, all.size() * 99 / 100)]) / 1000.0;
    }
    if (out.delivered != sent.load()) throw std::runtime_error("not every envelope delivered");
    return out;
}

std::string group_for(int i) {
    std::string g(16, 'g');
    const auto u = static_cast<std::uint32_t>(i);
    std::memcpy(g.data(), &u, 4);
    return g;
}

struct TempPath {
    fs::path path;
    TempPath() {
        std::string tmpl = (fs::temp_directory_path() / "lagrum-relay-bench-XXXXXX").string();
        if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp");
        path = tmpl;
    }
    ~TempPath() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::map<int, double> g_echo_rate;

void report(benchmark::State& state, const RunResult& r) {
    state.counters["env_per_s"] = r.rate;
    state.counters["p50_us"] = r.p50_us;
    state.counters["p99_us"] = r.p99_us;
    state.counters["delivered"] = static_cast<double>(r.delivered);
    state.counters["senders"] = kSenders;
    state.counters["window"] = kWindow;
}

void BM_Echo(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    TempPath tmp;
    const std::string addr = "unix:" + (tmp.path / "echo.sock").string();
    EchoService echo(n);
    grpc::ServerBuilder b;
    b.AddListeningPort(addr, grpc::InsecureServerCredentials());
    b.RegisterService(&echo);
    auto server = b.BuildAndStart();
    Target t;
    t.address = addr;
    for (int i = 0; i < n; ++i) t.groups.push_back(group_for(i));
    RunResult r;
    for (auto _ : state) r = drive(t, n);
    echo.stop();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    g_echo_rate[n] = r.rate;
    report(state, r);
}

void BM_Relay(benchmark::State& state) {
    const int n = static_cast<int>(state.range(0));
    TempPath tmp;
    const std::string addr = "unix:" + (tmp.path / "relay.sock").string();
    relay::RelayConfig config;
    config.rate_per_second = 1e9;
    config.rate_burst = 1e9;
    config.create_group_per_minute = 1e9;  // setup creates up to N/16 groups per sender at once
    Org org("bench.example");
    cert::TrustStore trust;
    cv1::OrganisationRoot root;
    root.set_organisation_id(org.id);
    root.set_root_public_key(str(org.root.public_key));
    if (!trust.add_root(root).ok()) throw std::runtime_error("bench trust root refused");
    relay::Logger log((tmp.path / "relay.log").string());
    relay::SqliteStorage storage((tmp.path / "relay.db").string(), config.storage);
    relay::RelayService service(config, storage, trust, log, relay::make_clock(""));
    grpc::ServerBuilder b;
    b.AddListeningPort(addr, grpc::InsecureServerCredentials());
    b.RegisterService(&service);
    auto server = b.BuildAndStart();

    // Setup (not measured): register devices, one group per subscriber with its sender.
    std::vector<Device> subs(static_cast<std::size_t>(n)), senders(kSenders);
    Target t;
    t.address = addr;
    t.groups.resize(static_cast<std::size_t>(n));
    {
        const auto now = unix_now();
        for (auto& d : subs)
            d.certificate = org.issue("s", d.key.public_key, now - 60, now + 86400);
        for (auto& d : senders)
            d.certificate = org.issue("p", d.key.public_key, now - 60, now + 86400);
        std::atomic<int> next{0};
        std::vector<std::thread> ws;
        auto stub0 = rv1::Relay::NewStub(make_channel(addr));
        for (auto& d : senders) {
            if (!register_device(*stub0, d).ok()) throw std::runtime_error("register");
        }
        for (int w = 0; w < 8; ++w) {
            ws.emplace_back([&] {
                auto stub = rv1::Relay::NewStub(make_channel(addr));
                for (int i = next++; i < n; i = next++) {
                    auto& d = subs[static_cast<std::size_t>(i)];
                    if (!register_device(*stub, d).ok()) throw std::runtime_error("register");
                    const auto& s = senders[static_cast<std::size_t>(i % kSenders)];
                    const std::string gid = group_for(i);
                    rv1::CreateGroupRequest cg;
                    cg.set_group_id(gid);
                    rv1::CreateGroupResponse cgr;
                    auto c1 = ctx_for(&s);
                    if (!stub->CreateGroup(c1.get(), cg, &cgr).ok())
                        throw std::runtime_error("group");
                    rv1::SendCommitRequest cr;
                    cr.set_group_id(gid);
                    cr.set_envelope_id(random_id());
                    cr.set_commit(private_message(gid, 0, 3, crypto::random_bytes(32)));
                    cr.add_added_device_ids(d.id());
                    rv1::SendCommitResponse crr;
                    auto c2 = ctx_for(&s);
                    if (!stub->SendCommit(c2.get(), cr, &crr).ok())
                        throw std::runtime_error("commit");
                    t.groups[static_cast<std::size_t>(i)] = gid;
                }
            });
        }
        for (auto& w : ws) w.join();
    }
    for (auto& d : subs) t.sub_tokens.push_back(d.token);
    for (auto& d : senders) t.send_tokens.push_back(d.token);
    auto ack_stub = rv1::Relay::NewStub(make_channel(addr));
    t.ack = [&](int i, std::uint64_t seq) {
        rv1::AckRequest ar;
        ar.set_upto_seq(seq);
        rv1::AckResponse resp;
        auto ctx = ctx_for(&subs[static_cast<std::size_t>(i)]);
        (void)ack_stub->Ack(ctx.get(), ar, &resp);
    };
    const auto commits0 = storage.commits();
    const auto requests0 = storage.batched_requests();
    RunResult r;
    for (auto _ : state) r = drive(t, n);
    service.begin_shutdown();
    server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
    const auto commits = storage.commits() - commits0;
    storage.close();
    report(state, r);
    state.counters["req_per_txn"] =
        commits ? static_cast<double>(storage.batched_requests() - requests0) /
                      static_cast<double>(commits)
                : 0;
    if (g_echo_rate.count(n) && g_echo_rate[n] > 0)
        state.counters["ratio_vs_echo"] = r.rate / g_echo_rate[n];
}

// Storage alone (no gRPC): kStorageThreads threads calling SqliteStorage::send on
// two-member groups; shows what the durable write path costs by itself.
void BM_StorageSend(benchmark::State& state) {
    const int threads = static_cast<int>(state.range(0));
    TempPath tmp;
    relay::StorageLimits lim;
    relay::SqliteStorage storage((tmp.path / "relay.db").string(), lim);
    auto dev = [](int i, std::uint8_t tag) {
        Bytes d(32, tag);
        std::memcpy(d.data(), &i, 4);
        return d;
    };
    for (int t = 0; t < threads; ++t) {
        (void)storage.put_device({dev(t, 1), "o", "m", 1, 0});
        (void)storage.put_device({dev(t, 2), "o", "m", 1, 0});
        const Bytes g = dev(t, 3);
        (void)storage.create_group(g, dev(t, 1), 0);
        relay::CommitRequest c{g, dev(t, 1), Bytes(16, 0), 0, {1}, {dev(t, 2)}, {}, {}, {}, 0};
        c.envelope_id = dev(t, 4);
        c.envelope_id.resize(16);
        if (!storage.commit(c).ok()) throw std::runtime_error("commit");
    }
    const int per_thread = 2000;
    const auto start = Clock::now();
    for (auto _ : state) {
        std::vector<std::thread> ts;
        for (int t = 0; t < threads; ++t) {
            ts.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    Bytes eid(16, 0);
                    std::memcpy(eid.data(), &i, 4);
                    std::memcpy(eid.data() + 4, &t, 4);
                    relay::MessageRequest m{dev(t, 3), dev(t, 1), eid, 1, Bytes(300, 7), 1};
                    if (!storage.send(m).ok()) throw std::runtime_error("send");
                }
            });
        }
        for (auto& th : ts) th.join();
    }
    const double secs = std::chrono::duration<double>(Clock::now() - start).count();
    state.counters["env_per_s"] = threads * per_thread / secs;
    state.counters["req_per_txn"] =
        static_cast<double>(storage.batched_requests()) / static_cast<double>(storage.commits());
}

void Args(benchmark::internal::Benchmark* b) {
    b->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
}

}  // namespace

// Echo first for each N so the relay's ratio is against a baseline from the same run.
BENCHMARK(BM_Echo)->Arg(10)->Apply(Args);
BENCHMARK(BM_Relay)->Arg(10)->Apply(Args);
BENCHMARK(BM_Echo)->Arg(100)->Apply(Args);
BENCHMARK(BM_Relay)->Arg(100)->Apply(Args);
BENCHMARK(BM_Echo)->Arg(1000)->Apply(Args);
BENCHMARK(BM_Relay)->Arg(1000)->Apply(Args);

BENCHMARK(BM_StorageSend)->Arg(1)->Arg(64)->Apply(Args);

BENCHMARK_MAIN();
