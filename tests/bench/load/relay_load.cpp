// relay_load: many simulated devices per process against one or more real lagrum-relay
// nodes (issue 13). Each device registers with its own certificate, holds an open
// Subscribe stream (gRPC callback API, many streams multiplexed over a few channels per
// node) and sends through the node it is attached to. Rooms of 2–50 members are created
// with real CreateGroup/SendCommit calls; the send mix uses real envelope sizes (MLS
// PrivateMessage framing the relay parses, ciphertext of random bytes padded like the
// client's buckets): mostly ~1 KiB messages, some 4 KiB, some 64 KiB attachments, and
// periodic (empty) Commits that advance a room's epoch. No MLS cost is paid.
//
// Every envelope id carries a global index and the send time, so each recipient can
// check exactly-once delivery (per device: the sorted received indices equal the
// sorted expected ones) and measure send-to-delivery latency in the same clock.
//
// Measured over the send window (start of sending to the last expected delivery):
// delivered envelopes/s, p50/p99 latency, each relay's CPU and RSS (/proc), the
// PostgreSQL server's CPU (postmaster and its children), database growth per 1 000
// envelopes (SQLite: file + WAL size; PostgreSQL: pg_database_size) and CPU-seconds per
// 1 000 delivered envelopes. Prints a table and one JSON object (also to --json FILE).
//
//   relay_load [--devices N] [--nodes K] [--seconds S] [--inflight M] [--rate R]
//              [--postgres] [--database URL] [--relay PATH] [--json FILE] [--seed X]
//              [--ack-every N] [--database-pool N] [--label TEXT]
//
// --postgres starts a private PostgreSQL server (tests/support's fixture) in a
// temporary folder; --database URL uses an existing one instead. Several nodes need
// PostgreSQL. Exit status: 0 when every acknowledged envelope reached every recipient
// exactly once and nothing unexpected arrived, 1 otherwise, 2 on bad arguments.
#include <grpcpp/grpcpp.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

// The PostgreSQL fixture of tests/support (a private server in a temporary folder).
#if __has_include("lagrum/testing/postgres_server.h")
#include "lagrum/testing/postgres_server.h"
#define LAGRUM_LOAD_HAVE_PG_FIXTURE 1
#endif

namespace {
std::string g_relay_binary = LAGRUM_RELAY_DEFAULT_BINARY;
}
#define LAGRUM_RELAY_BINARY g_relay_binary
#include "relay_harness.h"

namespace {

using namespace lagrum;
using namespace lagrum::relaytest;
using Clock = std::chrono::steady_clock;

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

// ---- /proc ------------------------------------------------------------------------

struct ProcStatus {
    long threads = -1;
    long rss_kib = -1;
    long hwm_kib = -1;
};

ProcStatus proc_status(pid_t pid) {
    ProcStatus s;
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Threads:", 0) == 0) s.threads = std::stol(line.substr(8));
        if (line.rfind("VmRSS:", 0) == 0) s.rss_kib = std::stol(line.substr(6));
        if (line.rfind("VmHWM:", 0) == 0) s.hwm_kib = std::stol(line.substr(6));
    }
    return s;
}

// utime + stime (ticks) and the parent pid of a process; {-1, -1} if it is gone.
std::pair<long, long> cpu_and_ppid(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all;
    if (!std::getline(in, all)) return {-1, -1};
    const auto close = all.rfind(')');
    if (close == std::string::npos || close + 2 > all.size()) return {-1, -1};
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0, ppid = -1;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 4) ppid = std::stol(field);
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return {utime + stime, ppid};
}

double cpu_seconds(pid_t pid) {
    const auto [t, p] = cpu_and_ppid(pid);
    (void)p;
    return t < 0 ? 0.0 : static_cast<double>(t) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU of a process and all its direct children (the postmaster and its backends). A
// backend that exited during the window loses its ticks; the relays hold their
// connections for the whole run, so that is small.
double tree_cpu_seconds(pid_t root) {
    long ticks = std::max(0L, cpu_and_ppid(root).first);
    for (const auto& e : fs::directory_iterator("/proc")) {
        const auto name = e.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
        const auto [t, ppid] = cpu_and_ppid(static_cast<pid_t>(std::stol(name)));
        if (ppid == root && t > 0) ticks += t;
    }
    return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long tree_rss_kib(pid_t root) {
    long kib = std::max(0L, proc_status(root).rss_kib);
    for (const auto& e : fs::directory_iterator("/proc")) {
        const auto name = e.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
        const pid_t pid = static_cast<pid_t>(std::stol(name));
        if (cpu_and_ppid(pid).second == root) kib += std::max(0L, proc_status(pid).rss_kib);
    }
    return kib;
}

// ---- the simulation ---------------------------------------------------------------

struct Options {
    int devices = 50;
    int nodes = 1;
    double seconds = 5;
    int inflight = 32;      // closed loop: sends outstanding at once
    double rate = 0;        // > 0: open loop, sends per second in total
    int ack_every = 64;     // deliveries per device between Acks
    int commit_every = 50;  // one send in N is a Commit
    int devices_per_channel = 250;
    int database_pool = 0;  // PostgreSQL connections per node (0: the relay's default)
    bool postgres = false;
    std::string database;  // PostgreSQL URL of an existing server
    std::string json_path;
    std::string label;
    std::uint64_t seed = 1;
};

struct Room {
    std::string group_id;
    std::vector<int> members;
    std::atomic<std::uint64_t> epoch{0};
};

class Sim;

struct SimDevice {
    Device dev;
    int index = 0;
    int node = 0;
    std::vector<int> rooms;
    std::mutex mu;
    std::vector<std::uint64_t> received;  // envelope indices, in arrival order
    std::vector<std::uint64_t> expected;  // appended when a send to this device is acknowledged
    std::uint64_t last_seq = 0;
    std::uint64_t out_of_order = 0;  // a seq at or below the previous one
    int since_ack = 0;
    std::atomic<std::uint64_t> received_count{0};
    std::atomic<std::uint64_t> expected_count{0};
};

// Envelope id: [index u64 LE][send time ns u64 LE].
std::string envelope_id(std::uint64_t index, std::int64_t t) {
    std::string id(16, '\0');
    std::memcpy(id.data(), &index, 8);
    std::memcpy(id.data() + 8, &t, 8);
    return id;
}
std::pair<std::uint64_t, std::int64_t> parse_envelope_id(const std::string& id) {
    std::uint64_t index = 0;
    std::int64_t t = 0;
    if (id.size() == 16) {
        std::memcpy(&index, id.data(), 8);
        std::memcpy(&t, id.data() + 8, 8);
    }
    return {index, t};
}

class Sim {
  public:
    explicit Sim(Options o) : opt_(std::move(o)), rng_(opt_.seed) {
        pool_.resize(2 * 1024 * 1024);
        std::mt19937_64 r(opt_.seed ^ 0x5eed);
        for (auto& b : pool_) b = static_cast<std::uint8_t>(r());
    }

    int run();

  private:
    class Stream;

    // Node selection and stubs.
    rv1::Relay::Stub& stub_for(const SimDevice& d) {
        const auto& list = stubs_[static_cast<std::size_t>(d.node)];
        return *list[static_cast<std::size_t>(d.index / opt_.devices_per_channel) % list.size()];
    }
    ByteView random_slice(std::size_t n) {
        std::uniform_int_distribution<std::size_t> off(0, pool_.size() - n);
        return ByteView(pool_.data() + off(rng_), n);
    }

    void setup_world();
    void open_streams();
    bool wait_drained(std::chrono::seconds limit);
    void send_one();
    void on_delivery(SimDevice& d, const rv1::Delivery& m);
    void ack(SimDevice& d, std::uint64_t upto);
    void acknowledged(const Room& room, int sender, std::uint64_t index,
                      const google::protobuf::RepeatedPtrField<std::string>& skipped);
    double db_bytes();
    void start_postgres();

    Options opt_;
    std::mt19937_64 rng_;  // driver thread only
    std::vector<std::uint8_t> pool_;
    std::unique_ptr<TempDir> tmp_;
    pid_t pg_pid_ = -1;  // the PostgreSQL postmaster (CPU and RSS of the server)
    std::string database_;
    std::string db_file_;
    std::vector<std::unique_ptr<RelayProcess>> nodes_;
    std::vector<std::vector<std::unique_ptr<rv1::Relay::Stub>>> stubs_;
    std::vector<std::unique_ptr<SimDevice>> devices_;
    std::vector<std::unique_ptr<Room>> rooms_;
    std::vector<Stream*> streams_;
    std::atomic<std::uint64_t> next_index_{1};

    // Window measurements.
    std::atomic<bool> in_window_{false};
    std::int64_t window_start_ns_ = 0;
    std::mutex lat_mu_;
    std::vector<double> latencies_ms_;
    std::vector<double> send_ack_ms_;  // SendMessage call to its OK answer
    std::atomic<std::uint64_t> window_deliveries_{0};
    std::atomic<std::uint64_t> window_delivered_bytes_{0};
    std::atomic<std::uint64_t> sends_ok_{0}, commits_ok_{0}, commit_races_{0};
    std::atomic<std::uint64_t> send_errors_{0}, ack_errors_{0}, stream_errors_{0};
    std::atomic<std::uint64_t> unexpected_{0};
    std::mutex err_mu_;
    std::map<std::string, std::uint64_t> error_codes_;

    // Closed-loop bound.
    std::mutex fl_mu_;
    std::condition_variable fl_cv_;
    int in_flight_ = 0;
};

// One device's Subscribe stream (callback API). Reconnects to the next node from its
// cursor if the stream fails while the simulation runs (a node that died).
class Sim::Stream : public grpc::ClientReadReactor<rv1::Delivery> {
  public:
    Stream(Sim& sim, SimDevice& d) : sim_(sim), d_(d) {}
    void start(std::uint64_t after_seq) {
        ctx_ = ctx_for(&d_.dev, 24 * 3600);
        req_.set_after_seq(after_seq);
        sim_.stub_for(d_).async()->Subscribe(ctx_.get(), &req_, this);
        StartRead(&msg_);
        StartCall();
    }
    void OnReadInitialMetadataDone(bool ok) override {
        std::lock_guard lock(mu_);
        attached_ = ok;
        cv_.notify_all();
    }
    void OnReadDone(bool ok) override {
        if (!ok) return;
        sim_.on_delivery(d_, msg_);
        StartRead(&msg_);
    }
    void OnDone(const grpc::Status& s) override {
        if (!s.ok() && s.error_code() != grpc::StatusCode::CANCELLED) {
            ++sim_.stream_errors_;
            std::lock_guard el(sim_.err_mu_);
            ++sim_.error_codes_["Subscribe:" + std::to_string(s.error_code())];
        }
        std::lock_guard lock(mu_);
        done_ = true;
        cv_.notify_all();
    }
    bool wait_attached(Clock::time_point deadline) {
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, deadline, [&] { return attached_ || done_; });
        return attached_ && !done_;
    }
    void cancel() { ctx_->TryCancel(); }
    void wait_done() {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return done_; });
    }

  private:
    Sim& sim_;
    SimDevice& d_;
    std::unique_ptr<grpc::ClientContext> ctx_;
    rv1::SubscribeRequest req_;
    rv1::Delivery msg_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool attached_ = false, done_ = false;
};

void Sim::on_delivery(SimDevice& d, const rv1::Delivery& m) {
    const auto [index, sent_ns] = parse_envelope_id(m.envelope_id());
    const std::int64_t t = now_ns();
    std::uint64_t ack_upto = 0;
    {
        std::lock_guard lock(d.mu);
        if (m.seq() <= d.last_seq) ++d.out_of_order;
        d.last_seq = std::max(d.last_seq, m.seq());
        d.received.push_back(index);
        if (++d.since_ack >= opt_.ack_every) {
            d.since_ack = 0;
            ack_upto = d.last_seq;
        }
    }
    d.received_count.fetch_add(1);
    if (in_window_.load(std::memory_order_relaxed) && sent_ns >= window_start_ns_) {
        window_deliveries_.fetch_add(1, std::memory_order_relaxed);
        window_delivered_bytes_.fetch_add(m.payload().size(), std::memory_order_relaxed);
        std::lock_guard lock(lat_mu_);
        latencies_ms_.push_back(static_cast<double>(t - sent_ns) / 1e6);
    }
    if (ack_upto) ack(d, ack_upto);
}

void Sim::ack(SimDevice& d, std::uint64_t upto) {
    struct Call {
        std::unique_ptr<grpc::ClientContext> ctx;
        rv1::AckRequest req;
        rv1::AckResponse resp;
    };
    auto call = std::make_shared<Call>();
    call->ctx = ctx_for(&d.dev, 60);
    call->req.set_upto_seq(upto);
    stub_for(d).async()->Ack(call->ctx.get(), &call->req, &call->resp,
                             [this, call](grpc::Status s) {
                                 if (!s.ok()) ++ack_errors_;
                             });
}

void Sim::acknowledged(const Room& room, int sender, std::uint64_t index,
                       const google::protobuf::RepeatedPtrField<std::string>& skipped) {
    for (int m : room.members) {
        if (m == sender) continue;
        auto& d = *devices_[static_cast<std::size_t>(m)];
        if (std::find(skipped.begin(), skipped.end(), d.dev.id()) != skipped.end()) continue;
        {
            std::lock_guard lock(d.mu);
            d.expected.push_back(index);
        }
        d.expected_count.fetch_add(1);
    }
}

// Room sizes: mostly small (a case team), some larger (a school's staff), a few at the
// limit of 50 members.
int room_size(std::mt19937_64& r, int devices) {
    std::uniform_real_distribution<double> u(0, 1);
    const double x = u(r);
    int n = 0;
    if (x < 0.6)
        n = std::uniform_int_distribution<int>(2, 5)(r);
    else if (x < 0.9)
        n = std::uniform_int_distribution<int>(6, 15)(r);
    else
        n = std::uniform_int_distribution<int>(16, 50)(r);
    return std::min(n, devices);
}

void Sim::setup_world() {
    // Devices and certificates (one organisation; the relay checks each Register).
    Org org("load.example");
    const auto now = unix_now();
    const int n = opt_.devices;
    for (int i = 0; i < n; ++i) {
        auto d = std::make_unique<SimDevice>();
        d->index = i;
        d->node = i % opt_.nodes;
        d->dev.certificate =
            org.issue("m" + std::to_string(i), d->dev.key.public_key, now - 60, now + 7 * 86400);
        devices_.push_back(std::move(d));
    }

    // Nodes.
    tmp_ = std::make_unique<TempDir>();
    std::string extra;
    if (opt_.database_pool > 0)
        extra = "database_pool = " + std::to_string(opt_.database_pool) + "\n";
    extra +=
        "[limits]\nrate_per_second = 1000000\nrate_burst = 1000000\n"
        "mailbox_max_count = 100000000\nmailbox_max_bytes = 1099511627776\n"
        "mailbox_sender_share_percent = 100\ncreate_group_per_minute = 1000000\n"
        "max_empty_groups_per_device = 1000000\nmax_list_entries = 1000\n" +
        org.trust_toml();
    if (opt_.postgres && opt_.database.empty()) {
        start_postgres();
    } else if (!opt_.database.empty()) {
        database_ = opt_.database;
    } else {
        db_file_ = (tmp_->path() / "relay.db").string();
        database_ = db_file_;
    }
    for (int k = 0; k < opt_.nodes; ++k) {
        nodes_.push_back(std::make_unique<RelayProcess>(tmp_->path() / ("node" + std::to_string(k)),
                                                        extra, database_));
        // One after another: the first one migrates.
        nodes_.back()->start(std::chrono::seconds(60));
        stubs_.emplace_back();
        const int on_node = (n + opt_.nodes - 1 - k) / opt_.nodes;
        const int channels =
            std::max(1, (on_node + opt_.devices_per_channel - 1) / opt_.devices_per_channel);
        for (int c = 0; c < channels; ++c) {
            stubs_.back().push_back(rv1::Relay::NewStub(nodes_.back()->channel()));
        }
    }

    // Register in parallel (the relay verifies a signature per device).
    const int workers = 8;
    std::atomic<int> next{0};
    std::atomic<int> failed{0};
    std::vector<std::thread> ts;
    for (int w = 0; w < workers; ++w) {
        ts.emplace_back([&] {
            for (int i; (i = next++) < n;) {
                auto& d = *devices_[static_cast<std::size_t>(i)];
                if (!register_device(stub_for(d), d.dev).ok()) ++failed;
            }
        });
    }
    for (auto& t : ts) t.join();
    if (failed) throw std::runtime_error(std::to_string(failed.load()) + " registrations failed");

    // Rooms: about one room per two devices, every device in at least one.
    std::mt19937_64 r(opt_.seed ^ 0x2004);
    std::vector<int> uncovered(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) uncovered[static_cast<std::size_t>(i)] = i;
    std::shuffle(uncovered.begin(), uncovered.end(), r);
    const int room_count = std::max(1, n / 2);
    std::uniform_int_distribution<int> pick(0, n - 1);
    for (int k = 0; k < room_count || !uncovered.empty(); ++k) {
        auto room = std::make_unique<Room>();
        const int size = std::max(2, room_size(r, n));
        std::vector<int> members;
        while (static_cast<int>(members.size()) < size) {
            int m = -1;
            if (!uncovered.empty()) {
                m = uncovered.back();
                uncovered.pop_back();
            } else {
                m = pick(r);
            }
            if (std::find(members.begin(), members.end(), m) == members.end()) members.push_back(m);
        }
        room->members = std::move(members);
        room->group_id = "load-room-" + std::to_string(k) + "-" + hexs(crypto::random_bytes(4));
        for (int m : room->members) devices_[static_cast<std::size_t>(m)]->rooms.push_back(k);
        rooms_.push_back(std::move(room));
    }
}

void Sim::open_streams() {
    for (auto& d : devices_) {
        auto* s = new Stream(*this, *d);  // deleted in run() after OnDone
        streams_.push_back(s);
        s->start(0);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(120);
    for (auto* s : streams_) {
        if (!s->wait_attached(deadline))
            throw std::runtime_error("a Subscribe stream did not open");
    }
}

bool Sim::wait_drained(std::chrono::seconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        bool all = true;
        for (auto& d : devices_) {
            if (d->received_count.load() < d->expected_count.load()) {
                all = false;
                break;
            }
        }
        if (all) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll with a bound
    }
    return false;
}

void Sim::send_one() {
    std::uniform_int_distribution<int> pick_dev(0, opt_.devices - 1);
    SimDevice& d = *devices_[static_cast<std::size_t>(pick_dev(rng_))];
    if (d.rooms.empty()) return;
    std::uniform_int_distribution<std::size_t> pick_room(0, d.rooms.size() - 1);
    Room& room = *rooms_[static_cast<std::size_t>(d.rooms[pick_room(rng_)])];
    const std::uint64_t index = next_index_++;
    const std::uint64_t epoch = room.epoch.load();
    std::uniform_int_distribution<int> pct(0, 999);
    const bool is_commit = opt_.commit_every > 0 && pct(rng_) < 1000 / opt_.commit_every;
    {
        std::unique_lock lock(fl_mu_);
        fl_cv_.wait(lock, [&] { return in_flight_ < opt_.inflight; });
        ++in_flight_;
    }
    auto done = [this] {
        std::lock_guard lock(fl_mu_);
        --in_flight_;
        fl_cv_.notify_all();
    };
    auto note_error = [this](const char* rpc, const grpc::Status& s) {
        ++send_errors_;
        std::lock_guard lock(err_mu_);
        ++error_codes_[std::string(rpc) + ":" + std::to_string(s.error_code())];
    };
    if (is_commit) {
        // An empty Commit (an update path: about 1 KiB for a room of 50).
        struct Call {
            std::unique_ptr<grpc::ClientContext> ctx;
            rv1::SendCommitRequest req;
            rv1::SendCommitResponse resp;
        };
        auto call = std::make_shared<Call>();
        call->ctx = ctx_for(&d.dev, 120);
        call->req.set_group_id(room.group_id);
        call->req.set_envelope_id(envelope_id(index, now_ns()));
        call->req.set_commit(private_message(room.group_id, epoch, 3, random_slice(1024 + 16)));
        const int sender = d.index;
        stub_for(d).async()->SendCommit(
            call->ctx.get(), &call->req, &call->resp,
            [this, call, &room, sender, index, done, note_error](grpc::Status s) {
                if (s.ok()) {
                    acknowledged(room, sender, index, call->resp.skipped_device_ids());
                    std::uint64_t e = room.epoch.load();
                    while (e < call->resp.epoch() &&
                           !room.epoch.compare_exchange_weak(e, call->resp.epoch())) {
                    }
                    ++commits_ok_;
                } else if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
                    // Another member committed this epoch first (the race the relay
                    // settles); learn the current epoch from the trailer.
                    ++commit_races_;
                    const auto& tr = call->ctx->GetServerTrailingMetadata();
                    auto it = tr.find("lagrum-current-epoch");
                    if (it != tr.end()) {
                        const std::uint64_t cur =
                            std::stoull(std::string(it->second.data(), it->second.size()));
                        std::uint64_t e = room.epoch.load();
                        while (e < cur && !room.epoch.compare_exchange_weak(e, cur)) {
                        }
                    }
                } else {
                    note_error("SendCommit", s);
                }
                done();
            });
        return;
    }
    // Messages: ~1 KiB mostly, some 4 KiB, some 64 KiB attachments (the client's padding
    // buckets plus the 16-byte AEAD tag).
    const int p = pct(rng_);
    const std::size_t bucket = p < 850 ? 1024 : p < 950 ? 4096 : 65536;
    struct Call {
        std::unique_ptr<grpc::ClientContext> ctx;
        rv1::SendMessageRequest req;
        rv1::SendMessageResponse resp;
    };
    auto call = std::make_shared<Call>();
    call->ctx = ctx_for(&d.dev, 120);
    call->req.set_group_id(room.group_id);
    const std::int64_t t0 = now_ns();
    call->req.set_envelope_id(envelope_id(index, t0));
    call->req.set_message(private_message(room.group_id, epoch, 1, random_slice(bucket + 16)));
    const int sender = d.index;
    stub_for(d).async()->SendMessage(
        call->ctx.get(), &call->req, &call->resp,
        [this, call, &room, sender, index, done, note_error, t0](grpc::Status s) {
            if (s.ok()) {
                acknowledged(room, sender, index, call->resp.skipped_device_ids());
                ++sends_ok_;
                // The send's own share of the latency: until the relay acknowledged it
                // (committed), before any hand-off to a stream.
                if (in_window_.load(std::memory_order_relaxed) && t0 >= window_start_ns_) {
                    std::lock_guard lock(lat_mu_);
                    send_ack_ms_.push_back(static_cast<double>(now_ns() - t0) / 1e6);
                }
            } else {
                note_error("SendMessage", s);
            }
            done();
        });
}

double Sim::db_bytes() {
    if (!db_file_.empty()) {
        // The logical size (page_count x page_size, the WAL's pages included): what the
        // file holds after a checkpoint. The file itself lags behind while pages sit in
        // the WAL, and the WAL is recycled (its size is reported separately).
        sqlite3* db = nullptr;
        double size = -1;
        if (sqlite3_open_v2(db_file_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
            sqlite3_busy_timeout(db, 5000);
            double pages = -1, page_size = -1;
            sqlite3_stmt* st = nullptr;
            if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &st, nullptr) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW)
                pages = static_cast<double>(sqlite3_column_int64(st, 0));
            sqlite3_finalize(st);
            if (sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &st, nullptr) == SQLITE_OK &&
                sqlite3_step(st) == SQLITE_ROW)
                page_size = static_cast<double>(sqlite3_column_int64(st, 0));
            sqlite3_finalize(st);
            if (pages >= 0 && page_size > 0) size = pages * page_size;
        }
        sqlite3_close(db);
        return size;
    }
    PGconn* c = PQconnectdb(database_.c_str());
    double size = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PGresult* r = PQexec(c, "SELECT pg_database_size(current_database())");
        if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
            size = std::stod(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    PQfinish(c);
    return size;
}

void Sim::start_postgres() {
#ifdef LAGRUM_LOAD_HAVE_PG_FIXTURE
    // The run's server (ctest's `postgres` fixture through LAGRUM_TEST_POSTGRES), or a
    // private one started now; a fresh database either way.
    std::string why;
    auto* server = testing::shared_postgres(&why);
    if (!server) throw std::runtime_error("no PostgreSQL server: " + why);
    database_ = server->uri(server->create_database());
    std::ifstream pidfile(server->dir() / "data" / "postmaster.pid");
    long pid = -1;
    if (pidfile >> pid) pg_pid_ = static_cast<pid_t>(pid);
#else
    throw std::runtime_error("built without the PostgreSQL test fixture; use --database URL");
#endif
}

double percentile(std::vector<double>& v, double p) {
    if (v.empty()) return 0;
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

int Sim::run() {
    const auto t_setup = Clock::now();
    setup_world();
    open_streams();

    // Rooms: CreateGroup, then one Commit adding every other member with a Welcome to
    // them (as the client does), from several threads.
    {
        std::atomic<std::size_t> next{0};
        std::atomic<int> failed{0};
        std::vector<std::thread> ts;
        for (int w = 0; w < 8; ++w) {
            ts.emplace_back([&, w] {
                std::mt19937_64 r(opt_.seed + static_cast<std::uint64_t>(w));
                for (std::size_t k; (k = next++) < rooms_.size();) {
                    Room& room = *rooms_[k];
                    SimDevice& creator = *devices_[static_cast<std::size_t>(room.members[0])];
                    auto& stub = stub_for(creator);
                    rv1::CreateGroupRequest cg;
                    cg.set_group_id(room.group_id);
                    rv1::CreateGroupResponse cgr;
                    auto c1 = ctx_for(&creator.dev, 60);
                    if (!stub.CreateGroup(c1.get(), cg, &cgr).ok()) {
                        ++failed;
                        continue;
                    }
                    rv1::SendCommitRequest sc;
                    const std::uint64_t index = next_index_++;
                    sc.set_group_id(room.group_id);
                    sc.set_envelope_id(envelope_id(index, now_ns()));
                    Bytes body(256 + 128 * room.members.size());
                    for (auto& b : body) b = static_cast<std::uint8_t>(r());
                    sc.set_commit(private_message(room.group_id, 0, 3, ByteView(body.data(), 512)));
                    sc.set_welcome(welcome_message(body));
                    for (std::size_t i = 1; i < room.members.size(); ++i) {
                        const auto id =
                            devices_[static_cast<std::size_t>(room.members[i])]->dev.id();
                        sc.add_added_device_ids(id);
                        sc.add_welcome_device_ids(id);
                    }
                    rv1::SendCommitResponse scr;
                    auto c2 = ctx_for(&creator.dev, 60);
                    if (!stub.SendCommit(c2.get(), sc, &scr).ok()) {
                        ++failed;
                        continue;
                    }
                    room.epoch = scr.epoch();
                    acknowledged(room, room.members[0], index, scr.skipped_device_ids());
                }
            });
        }
        for (auto& t : ts) t.join();
        if (failed) throw std::runtime_error(std::to_string(failed.load()) + " rooms failed");
    }
    if (!wait_drained(std::chrono::seconds(300)))
        throw std::runtime_error("Welcomes were not all delivered");
    const double setup_s = std::chrono::duration<double>(Clock::now() - t_setup).count();

    // The window.
    const double db0 = db_bytes();
    std::vector<double> cpu0;
    for (auto& nd : nodes_) cpu0.push_back(cpu_seconds(nd->pid()));
    const double pg_cpu0 = pg_pid_ > 0 ? tree_cpu_seconds(pg_pid_) : 0;
    const double self_cpu0 = cpu_seconds(getpid());
    std::uint64_t expected0 = 0;
    for (auto& d : devices_) expected0 += d->expected_count.load();
    window_start_ns_ = now_ns();
    in_window_ = true;
    const auto t0 = Clock::now();
    const auto stop_at = t0 + std::chrono::duration_cast<Clock::duration>(
                                  std::chrono::duration<double>(opt_.seconds));
    std::uint64_t issued = 0;
    while (Clock::now() < stop_at) {
        if (opt_.rate > 0) {
            // Open loop: a fixed schedule, independent of how fast the relay answers.
            const auto due =
                t0 + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(static_cast<double>(issued) / opt_.rate));
            if (due > Clock::now()) std::this_thread::sleep_until(due);
        }
        send_one();
        ++issued;
    }
    {
        std::unique_lock lock(fl_mu_);
        fl_cv_.wait(lock, [&] { return in_flight_ == 0; });
    }
    const double send_s = std::chrono::duration<double>(Clock::now() - t0).count();
    const bool drained = wait_drained(std::chrono::seconds(300));
    const double window_s = std::chrono::duration<double>(Clock::now() - t0).count();
    in_window_ = false;
    std::vector<double> cpu1;
    std::vector<ProcStatus> st;
    for (auto& nd : nodes_) {
        cpu1.push_back(cpu_seconds(nd->pid()));
        st.push_back(proc_status(nd->pid()));
    }
    const double pg_cpu = pg_pid_ > 0 ? tree_cpu_seconds(pg_pid_) - pg_cpu0 : 0;
    const long pg_rss = pg_pid_ > 0 ? tree_rss_kib(pg_pid_) : 0;
    const double self_cpu = cpu_seconds(getpid()) - self_cpu0;
    const double db1 = db_bytes();
    double wal_bytes = 0;
    if (!db_file_.empty()) {
        std::error_code ec;
        const auto sz = fs::file_size(db_file_ + "-wal", ec);
        if (!ec) wal_bytes = static_cast<double>(sz);
    }
    std::uint64_t expected1 = 0;
    for (auto& d : devices_) expected1 += d->expected_count.load();

    // Exactly once: per device, the sorted received indices equal the expected ones.
    std::uint64_t missing = 0, duplicates = 0, extra = 0, out_of_order = 0;
    for (auto& d : devices_) {
        std::lock_guard lock(d->mu);
        auto rec = d->received;
        auto exp = d->expected;
        std::sort(rec.begin(), rec.end());
        std::sort(exp.begin(), exp.end());
        for (std::size_t i = 1; i < rec.size(); ++i) duplicates += rec[i] == rec[i - 1] ? 1 : 0;
        rec.erase(std::unique(rec.begin(), rec.end()), rec.end());
        std::vector<std::uint64_t> diff;
        std::set_difference(exp.begin(), exp.end(), rec.begin(), rec.end(),
                            std::back_inserter(diff));
        missing += diff.size();
        diff.clear();
        std::set_difference(rec.begin(), rec.end(), exp.begin(), exp.end(),
                            std::back_inserter(diff));
        extra += diff.size();
        out_of_order += d->out_of_order;
    }

    for (auto* s : streams_) s->cancel();
    for (auto* s : streams_) {
        s->wait_done();
        delete s;
    }
    streams_.clear();
    std::vector<int> exit_codes;
    for (auto& nd : nodes_) exit_codes.push_back(nd->stop());

    // Report.
    const double deliveries = static_cast<double>(window_deliveries_.load());
    const double per_k = deliveries > 0 ? 1000.0 / deliveries : 0;
    const double expected_window = static_cast<double>(expected1 - expected0);
    double relay_cpu = 0;
    nlohmann::json nodes = nlohmann::json::array();
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        const double c = cpu1[k] - cpu0[k];
        relay_cpu += c;
        nodes.push_back({{"cpu_seconds", c},
                         {"cpu_percent", 100.0 * c / window_s},
                         {"cpu_seconds_per_1000_delivered", c * per_k},
                         {"rss_kib", st[k].rss_kib},
                         {"peak_rss_kib", st[k].hwm_kib},
                         {"threads", st[k].threads},
                         {"exit_code", exit_codes[k]}});
    }
    std::vector<double> lat;
    {
        std::lock_guard lock(lat_mu_);
        lat = latencies_ms_;
    }
    std::vector<double> ack;
    {
        std::lock_guard lock(lat_mu_);
        ack = send_ack_ms_;
    }
    const double ack50 = percentile(ack, 0.50), ack99 = percentile(ack, 0.99);
    const double ack_max = ack.empty() ? 0 : *std::max_element(ack.begin(), ack.end());
    const double p50 = percentile(lat, 0.50), p99 = percentile(lat, 0.99);
    const double max_lat = lat.empty() ? 0 : *std::max_element(lat.begin(), lat.end());
    const std::uint64_t sends = sends_ok_.load() + commits_ok_.load();
    const bool exactly_once = drained && missing == 0 && duplicates == 0 && extra == 0 &&
                              out_of_order == 0 && send_errors_.load() == 0 &&
                              stream_errors_.load() == 0;
    nlohmann::json errs = nlohmann::json::object();
    for (const auto& [k, v] : error_codes_) errs[k] = v;
    nlohmann::json j = {
        {"label", opt_.label},
        {"backend", database_ == db_file_ ? "sqlite" : "postgresql"},
        {"nodes", opt_.nodes},
        {"devices", opt_.devices},
        {"rooms", rooms_.size()},
        {"setup_seconds", setup_s},
        {"send_seconds", send_s},
        {"window_seconds", window_s},
        {"sends_ok", sends_ok_.load()},
        {"commits_ok", commits_ok_.load()},
        {"commit_races_lost", commit_races_.load()},
        {"send_errors", send_errors_.load()},
        {"errors_by_code", errs},
        {"ack_errors", ack_errors_.load()},
        {"stream_errors", stream_errors_.load()},
        {"delivered", window_deliveries_.load()},
        {"expected_in_window", expected_window},
        {"delivered_per_second", deliveries / window_s},
        {"sends_per_second", static_cast<double>(sends) / window_s},
        {"mean_fanout", sends ? expected_window / static_cast<double>(sends) : 0.0},
        {"delivered_mib_per_second",
         static_cast<double>(window_delivered_bytes_.load()) / window_s / 1048576.0},
        {"latency_ms_p50", p50},
        {"latency_ms_p99", p99},
        {"latency_ms_max", max_lat},
        {"send_ack_ms_p50", ack50},
        {"send_ack_ms_p99", ack99},
        {"send_ack_ms_max", ack_max},
        {"db_bytes_before", db0},
        {"db_bytes_after", db1},
        {"sqlite_wal_bytes_after", wal_bytes},
        {"db_growth_bytes_per_1000_delivered", (db1 - db0) * per_k},
        {"db_growth_bytes_per_1000_sent",
         sends ? (db1 - db0) * 1000.0 / static_cast<double>(sends) : 0.0},
        {"relay_cpu_seconds", relay_cpu},
        {"relay_cpu_seconds_per_1000_delivered", relay_cpu * per_k},
        {"postgres_cpu_seconds", pg_cpu},
        {"postgres_cpu_seconds_per_1000_delivered", pg_cpu * per_k},
        {"postgres_rss_kib", pg_rss},
        {"harness_cpu_seconds", self_cpu},
        {"node", nodes},
        {"drained", drained},
        {"missing", missing},
        {"duplicates", duplicates},
        {"unexpected", extra},
        {"out_of_order", out_of_order},
        {"exactly_once", exactly_once},
    };
    std::printf(
        "%-28s %s\n", "configuration",
        (std::string(j["backend"]) + ", " + std::to_string(opt_.nodes) + " node(s), " +
         std::to_string(opt_.devices) + " devices, " + std::to_string(rooms_.size()) + " rooms")
            .c_str());
    std::printf("%-28s %.1f s (setup %.1f s)\n", "window", window_s, setup_s);
    std::printf("%-28s %llu messages + %llu commits (%llu commit races lost), %llu errors\n",
                "sent", static_cast<unsigned long long>(sends_ok_.load()),
                static_cast<unsigned long long>(commits_ok_.load()),
                static_cast<unsigned long long>(commit_races_.load()),
                static_cast<unsigned long long>(send_errors_.load()));
    std::printf("%-28s %.0f /s (%.2f MiB/s), mean fan-out %.1f\n", "delivered envelopes",
                deliveries / window_s, j["delivered_mib_per_second"].get<double>(),
                j["mean_fanout"].get<double>());
    std::printf("%-28s p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", "send-to-delivery", p50, p99,
                max_lat);
    std::printf("%-28s p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", "send to acknowledgement", ack50,
                ack99, ack_max);
    for (std::size_t k = 0; k < nodes_.size(); ++k) {
        std::printf(
            "%-28s CPU %.1f s (%.0f%%), %.3f CPU-s/1000 delivered, RSS %ld MiB "
            "(peak %ld), %ld threads\n",
            ("relay node " + std::to_string(k)).c_str(), cpu1[k] - cpu0[k],
            100.0 * (cpu1[k] - cpu0[k]) / window_s, (cpu1[k] - cpu0[k]) * per_k,
            st[k].rss_kib / 1024, st[k].hwm_kib / 1024, st[k].threads);
    }
    if (pg_pid_ > 0) {
        std::printf("%-28s CPU %.1f s (%.0f%%), %.3f CPU-s/1000 delivered, RSS %ld MiB\n",
                    "postgresql server", pg_cpu, 100.0 * pg_cpu / window_s, pg_cpu * per_k,
                    pg_rss / 1024);
    }
    std::printf("%-28s %.1f s (%.0f%%)\n", "harness CPU", self_cpu, 100.0 * self_cpu / window_s);
    std::printf("%-28s %.0f -> %.0f bytes, %.0f bytes per 1000 delivered\n", "database", db0, db1,
                (db1 - db0) * per_k);
    std::printf("%-28s %s (missing %llu, duplicates %llu, unexpected %llu, out of order %llu)\n",
                "exactly once", exactly_once ? "yes" : "NO",
                static_cast<unsigned long long>(missing),
                static_cast<unsigned long long>(duplicates), static_cast<unsigned long long>(extra),
                static_cast<unsigned long long>(out_of_order));
    std::printf("%s\n", j.dump().c_str());
    if (!opt_.json_path.empty()) {
        std::ofstream out(opt_.json_path);
        out << j.dump(2) << "\n";
    }
    return exactly_once ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    auto need = [&](int& i) -> const char* {
        if (i + 1 >= argc) {
            std::cerr << "relay_load: " << argv[i] << " needs a value\n";
            std::exit(2);
        }
        return argv[++i];
    };
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string a = argv[i];
            if (a == "--devices")
                o.devices = std::stoi(need(i));
            else if (a == "--nodes")
                o.nodes = std::stoi(need(i));
            else if (a == "--seconds")
                o.seconds = std::stod(need(i));
            else if (a == "--inflight")
                o.inflight = std::stoi(need(i));
            else if (a == "--rate")
                o.rate = std::stod(need(i));
            else if (a == "--ack-every")
                o.ack_every = std::stoi(need(i));
            else if (a == "--commit-every")
                o.commit_every = std::stoi(need(i));
            else if (a == "--devices-per-channel")
                o.devices_per_channel = std::stoi(need(i));
            else if (a == "--database-pool")
                o.database_pool = std::stoi(need(i));
            else if (a == "--postgres")
                o.postgres = true;
            else if (a == "--database")
                o.database = need(i);
            else if (a == "--relay")
                g_relay_binary = need(i);
            else if (a == "--json")
                o.json_path = need(i);
            else if (a == "--label")
                o.label = need(i);
            else if (a == "--seed")
                o.seed = std::stoull(need(i));
            else {
                std::cerr << "relay_load: unknown argument " << a << "\n";
                return 2;
            }
        }
    } catch (const std::exception&) {
        std::cerr << "relay_load: bad number\n";
        return 2;
    }
    if (o.devices < 2 || o.nodes < 1 || o.nodes > 16 || o.seconds <= 0 || o.inflight < 1 ||
        o.ack_every < 1 || o.devices_per_channel < 1 || o.commit_every < 0) {
        std::cerr << "relay_load: --devices >= 2, --nodes 1..16, positive --seconds, "
                     "--inflight, --ack-every, --devices-per-channel\n";
        return 2;
    }
    if (o.nodes > 1 && !o.postgres && o.database.empty()) {
        std::cerr << "relay_load: several nodes need PostgreSQL (--postgres or --database)\n";
        return 2;
    }
    // Every device stream is an HTTP/2 stream, not a descriptor; descriptors are one per
    // channel, so the default limit suffices. Raise the soft limit anyway for the relays
    // (inherited) and the PostgreSQL server.
    rlimit rl{};
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    try {
        Sim sim(o);
        return sim.run();
    } catch (const std::exception& e) {
        std::cerr << "relay_load: " << e.what() << "\n";
        return 1;
    }
}
