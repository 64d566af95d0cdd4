#include "lagrum/relay/service.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <span>
#include <typeinfo>
#include <utility>

#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/relay/mls_header.h"

namespace lagrum::relay {
namespace {

using grpc::Status;
using grpc::StatusCode;

constexpr std::int64_t kChallengeSeconds = 60;
constexpr std::size_t kChallengeSize = 32;
constexpr std::string_view kChallengeLabel = "lagrum.relay.v1.challenge";
// Used challenges remembered until they expire: successful registrations per minute.
constexpr std::size_t kMaxUsedChallenges = 1000000;
constexpr std::size_t kMaxBuckets = 100000;  // rate-limit entries per kind (devices)
// Failure log lines of unauthenticated / rate-limited calls per window.
constexpr std::int64_t kLogWindowSeconds = 10;
constexpr std::uint64_t kLogLinesPerWindow = 20;
constexpr std::size_t kEnvelopeIdSize = 16;
constexpr std::size_t kDeviceIdSize = 32;
constexpr std::size_t kMaxIdentifier = 256;  // organisation / member id strings
constexpr std::size_t kMaxKeyPackagesPerCall = 1000;
constexpr std::size_t kStreamBatch = 64;
// One store read per stream at a time, so this (plus one envelope) bounds what a stream
// holds from the database; the MailboxHub queue bound covers live deliveries.
constexpr std::size_t kStreamBatchBytes = 1024 * 1024;
// Threads that drive every Subscribe stream (store reads, starting writes); a stream
// always runs on the same one, so its steps never overlap.
constexpr std::size_t kStreamWorkers = 2;
// How often open streams are checked for an expired session.
constexpr auto kStreamWatchInterval = std::chrono::seconds(1);
constexpr auto kSessionCacheTtl = std::chrono::seconds(5);
constexpr std::size_t kMaxCachedSessions = 100000;

Bytes to_bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}
std::string to_string(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
crypto::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string hex(ByteView b, std::size_t max = SIZE_MAX) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < b.size() && i < max; ++i) {
        out.push_back(d[b[i] >> 4]);
        out.push_back(d[b[i] & 15]);
    }
    return out;
}

std::optional<Bytes> unhex(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    Bytes out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto nib = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        int hi = nib(s[i]), lo = nib(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
}

Status invalid(const std::string& why) {
    return Status(StatusCode::INVALID_ARGUMENT, why);
}

const char* code_name(StatusCode c) {
    switch (c) {
        case StatusCode::OK:
            return "OK";
        case StatusCode::INVALID_ARGUMENT:
            return "INVALID_ARGUMENT";
        case StatusCode::UNAUTHENTICATED:
            return "UNAUTHENTICATED";
        case StatusCode::PERMISSION_DENIED:
            return "PERMISSION_DENIED";
        case StatusCode::NOT_FOUND:
            return "NOT_FOUND";
        case StatusCode::ALREADY_EXISTS:
            return "ALREADY_EXISTS";
        case StatusCode::FAILED_PRECONDITION:
            return "FAILED_PRECONDITION";
        case StatusCode::RESOURCE_EXHAUSTED:
            return "RESOURCE_EXHAUSTED";
        case StatusCode::UNAVAILABLE:
            return "UNAVAILABLE";
        case StatusCode::CANCELLED:
            return "CANCELLED";
        default:
            return "INTERNAL";
    }
}

// Checks a list of device ids: each 32 bytes, at most `max` entries, no duplicates.
std::optional<std::string> check_devices(const google::protobuf::RepeatedPtrField<std::string>& ids,
                                         std::uint64_t max, const char* field,
                                         std::vector<Bytes>& out) {
    if (static_cast<std::uint64_t>(ids.size()) > max)
        return std::string(field) + ": too many entries";
    std::set<Bytes> seen;
    for (const auto& id : ids) {
        if (id.size() != kDeviceIdSize) return std::string(field) + ": device id must be 32 bytes";
        Bytes b = to_bytes(id);
        if (!seen.insert(b).second) return std::string(field) + ": duplicate device id";
        out.push_back(std::move(b));
    }
    return std::nullopt;
}

}  // namespace

// ---- MailboxHub ----

std::shared_ptr<MailboxHub::Subscriber> MailboxHub::attach(const Bytes& device,
                                                           std::function<void()> wake) {
    auto sub = std::make_shared<Subscriber>(device, std::move(wake));
    std::lock_guard lock(mu_);
    subs_[device].push_back(sub.get());
    return sub;
}

void MailboxHub::detach(const std::shared_ptr<Subscriber>& sub) {
    std::lock_guard lock(mu_);
    auto it = subs_.find(sub->device);
    if (it == subs_.end()) return;
    std::erase(it->second, sub.get());
    if (it->second.empty()) subs_.erase(it);
}

void MailboxHub::publish(const std::vector<CommittedDelivery>& deliveries) {
    // Wakes run after the lock is released: a woken stream takes from this hub.
    std::vector<std::function<void()>> wakes;
    {
        std::lock_guard lock(mu_);
        for (const auto& d : deliveries) {
            auto it = subs_.find(d.device);
            if (it == subs_.end()) continue;  // no stream open: the store has it for later
            for (Subscriber* sub : it->second) {
                if (sub->overflow) continue;
                // Only the first delivery of an empty queue wakes: until the stream has
                // taken the queue it is already due to look.
                const bool was_empty = sub->queue.empty();
                const std::size_t size = d.body->payload.size();
                if (sub->queue.size() >= max_queued_ || sub->bytes + size > kMaxQueuedBytes) {
                    sub->queue.clear();
                    sub->bytes = 0;
                    sub->overflow = true;
                } else {
                    sub->queue.push_back(Live{d.seq, d.body});
                    sub->bytes += size;
                }
                sub->cv.notify_one();
                if (sub->wake && (was_empty || sub->overflow)) wakes.push_back(sub->wake);
            }
        }
    }
    for (auto& w : wakes) w();
}

void MailboxHub::acked(const Bytes& device, std::uint64_t upto_seq) {
    std::lock_guard lock(mu_);
    auto it = subs_.find(device);
    if (it == subs_.end()) return;
    for (Subscriber* sub : it->second) {
        while (!sub->queue.empty() && sub->queue.front().seq <= upto_seq) {
            sub->bytes -= sub->queue.front().body->payload.size();
            sub->queue.pop_front();
        }
    }
}

MailboxHub::Taken MailboxHub::take(Subscriber& sub, std::vector<Live>& out,
                                   std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    sub.cv.wait_for(lock, timeout,
                    [&] { return shutdown_.load() || sub.overflow || !sub.queue.empty(); });
    if (shutdown_) return Taken::shutdown;
    if (sub.overflow) {
        // Re-armed under the lock, so whatever is committed after the caller's store
        // read starts is queued again.
        sub.overflow = false;
        return Taken::overflow;
    }
    if (sub.queue.empty()) return Taken::timeout;
    out.assign(std::make_move_iterator(sub.queue.begin()),
               std::make_move_iterator(sub.queue.end()));
    sub.queue.clear();
    sub.bytes = 0;
    return Taken::deliveries;
}

void MailboxHub::shutdown() {
    std::vector<std::function<void()>> wakes;
    {
        std::lock_guard lock(mu_);
        shutdown_ = true;
        for (auto& [d, subs] : subs_) {
            for (Subscriber* sub : subs) {
                sub->cv.notify_all();
                if (sub->wake) wakes.push_back(sub->wake);
            }
        }
    }
    for (auto& w : wakes) w();
}

// ---- Clock ----

Clock make_clock(const std::string& test_clock_file) {
    auto real = [] {
        return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    };
    if (test_clock_file.empty()) return real;
    return [real, test_clock_file] {
        std::ifstream in(test_clock_file);
        std::int64_t t = 0;
        if (in >> t) return t;
        return real();
    };
}

// ---- Subscribe streams ----

// A Subscribe refused before it started (authentication): finished at once.
class RefusedStream final : public grpc::ServerWriteReactor<v1::Delivery> {
  public:
    explicit RefusedStream(const grpc::Status& st) { Finish(st); }
    void OnDone() override { delete this; }
};

// One Subscribe call on the callback API. It holds no thread while idle: a step runs on
// its stream worker when it is woken (a new delivery in the hub, a finished write, an
// end), reads a store batch or takes the hub's queue, and starts at most one write.
// Memory per stream: one store batch (kStreamBatchBytes plus one envelope) or the hub
// queue (MailboxHub::kMaxQueuedBytes), and the one message being written.
class RelayService::Stream final : public grpc::ServerWriteReactor<v1::Delivery>,
                                   public std::enable_shared_from_this<RelayService::Stream> {
  public:
    Stream(RelayService& svc, grpc::CallbackServerContext* ctx, Session session, Bytes token_hash,
           std::uint64_t after_seq, bool backlog_only, std::uint64_t id)
        : svc_(svc),
          ctx_(ctx),
          session_(std::move(session)),
          token_hash_(std::move(token_hash)),
          backlog_only_(backlog_only),
          id_(id),
          cursor_(after_seq) {}

    // Attaches to the hub (before the first store read, see README) and tells the
    // client the stream is live.
    void start() {
        self_ = shared_from_this();
        if (!backlog_only_) {
            std::weak_ptr<Stream> weak = self_;
            sub_ = svc_.hub_.attach(session_.device_id, [weak] {
                if (auto s = weak.lock()) s->wake();
            });
        }
        {
            std::lock_guard lock(mu_);
            writing_ = true;  // initial metadata counts as the one write in flight
        }
        StartSendInitialMetadata();
    }

    // Ends the stream with `status` (first caller wins); from any thread.
    void end(const grpc::Status& status) {
        {
            std::lock_guard lock(mu_);
            if (finished_ || end_) return;
            end_ = status;
        }
        wake();
    }
    void wake() {
        {
            std::lock_guard lock(mu_);
            if (scheduled_ || finished_) return;
            scheduled_ = true;
        }
        svc_.schedule(shared_from_this());
    }

    // On the stream worker only.
    void step() {
        std::unique_lock lock(mu_);
        scheduled_ = false;
        for (;;) {
            if (finished_) return;
            if (end_) {
                // Finished at once, even with a write in flight (a client that does not
                // read must not keep a revoked stream alive); out_ is never touched again.
                finished_ = true;
                const grpc::Status st = *end_;
                lock.unlock();
                if (!st.ok() && st.error_code() != grpc::StatusCode::CANCELLED) {
                    svc_.finish("Subscribe", ctx_, st, true);
                }
                Finish(st);
                return;
            }
            if (writing_) return;  // OnWriteDone wakes the stream again
            if (!items_.empty()) {
                MailboxHub::Live item = std::move(items_.front());
                items_.pop_front();
                const DeliveryBody& d = *item.body;
                out_.set_seq(item.seq);
                out_.set_envelope_id(to_string(d.envelope_id));
                out_.set_group_id(to_string(d.group_id));
                out_.set_kind(static_cast<v1::Delivery::Kind>(static_cast<int>(d.kind)));
                out_.set_sender_device_id(to_string(d.sender));
                out_.set_epoch(d.epoch);
                out_.set_payload(to_string(d.payload));
                out_.set_received_at(d.received_at);
                grpc::WriteOptions opts;
                // More queued: gRPC may coalesce this write with the next one; the last
                // one of a batch is flushed.
                if (!items_.empty()) opts.set_buffer_hint();
                writing_ = true;
                lock.unlock();
                StartWrite(&out_, opts);
                return;
            }
            if (svc_.hub_.is_shutdown()) {
                end_ = grpc::Status(grpc::StatusCode::UNAVAILABLE, "relay shutting down");
                continue;
            }
            if (reading_store_) {
                const std::uint64_t after = cursor_;
                lock.unlock();
                auto batch = svc_.storage_.read_mailbox(session_.device_id, after, kStreamBatch,
                                                        kStreamBatchBytes, svc_.clock_());
                lock.lock();
                if (!batch.ok()) {
                    if (!end_) end_ = svc_.from_store(ctx_, batch.error());
                    continue;
                }
                std::size_t bytes = 0;
                for (auto& row : batch.value()) {
                    bytes += row.body.payload.size();
                    if (row.seq <= cursor_) continue;
                    cursor_ = row.seq;
                    items_.push_back(MailboxHub::Live{
                        row.seq, std::make_shared<const DeliveryBody>(std::move(row.body))});
                }
                // A batch cut by either limit may have more behind it: read again once
                // it is sent. Otherwise the store is drained up to the read, and the hub
                // queue has the rest.
                reading_store_ = batch.value().size() >= kStreamBatch || bytes >= kStreamBatchBytes;
                continue;
            }
            if (backlog_only_) {
                // One-shot fetch: the backlog is sent, so the stream ends here.
                end_ = grpc::Status::OK;
                continue;
            }
            std::vector<MailboxHub::Live> live;
            switch (svc_.hub_.take(*sub_, live, std::chrono::milliseconds(0))) {
                case MailboxHub::Taken::shutdown:
                    end_ = grpc::Status(grpc::StatusCode::UNAVAILABLE, "relay shutting down");
                    continue;
                case MailboxHub::Taken::overflow:
                    svc_.log_.info("live_queue_overflow", {{"device", hex(session_.device_id, 4)}});
                    reading_store_ = true;
                    continue;
                case MailboxHub::Taken::timeout:
                    return;  // idle: the hub wakes the stream
                case MailboxHub::Taken::deliveries:
                    break;
            }
            // Drop what the store read already sent and what has expired (read_mailbox's
            // rule), so the stream stays in seq order with no duplicates.
            const std::int64_t now = svc_.clock_();
            for (auto& l : live) {
                if (l.seq <= cursor_ || l.body->expires_at <= now) continue;
                cursor_ = l.seq;
                items_.push_back(std::move(l));
            }
        }
    }

    void OnSendInitialMetadataDone(bool ok) override { write_done(ok); }
    void OnWriteDone(bool ok) override { write_done(ok); }
    void OnCancel() override { end(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled")); }
    void OnDone() override {
        // Last reaction: the call is over; the last reference may go with `self`.
        auto self = std::move(self_);
        if (sub_) svc_.hub_.detach(sub_);
        svc_.unregister_stream(this);
    }

    const Session& session() const { return session_; }
    const Bytes& token_hash() const { return token_hash_; }
    std::uint64_t id() const { return id_; }

  private:
    void write_done(bool ok) {
        {
            std::lock_guard lock(mu_);
            writing_ = false;
            if (!ok && !end_ && !finished_) {
                end_ = grpc::Status(grpc::StatusCode::CANCELLED, "stream closed");
            }
        }
        wake();
    }

    RelayService& svc_;
    grpc::CallbackServerContext* const ctx_;
    const Session session_;
    const Bytes token_hash_;
    const bool backlog_only_;
    const std::uint64_t id_;
    std::shared_ptr<MailboxHub::Subscriber> sub_;
    std::shared_ptr<Stream> self_;  // the call's reference, released in OnDone

    std::mutex mu_;
    bool scheduled_ = false;
    bool writing_ = false;
    bool finished_ = false;
    bool reading_store_ = true;
    std::optional<grpc::Status> end_;
    std::uint64_t cursor_;  // highest seq queued for writing
    std::deque<MailboxHub::Live> items_;
    v1::Delivery out_;
};

void RelayService::schedule(const std::shared_ptr<Stream>& stream) {
    StreamWorker& w = *workers_[stream->id() % workers_.size()];
    {
        std::lock_guard lock(w.mu);
        w.queue.push_back(stream);
    }
    w.cv.notify_one();
}

void RelayService::worker_loop(StreamWorker& w) {
    for (;;) {
        std::shared_ptr<Stream> s;
        {
            std::unique_lock lock(w.mu);
            w.cv.wait(lock, [&] { return w.stop || !w.queue.empty(); });
            if (w.queue.empty()) return;  // stopping and drained
            s = std::move(w.queue.front());
            w.queue.pop_front();
        }
        try {
            s->step();
        } catch (const std::exception& e) {
            // A stream that cannot continue ends; the worker serves the others. The
            // exception's type is logged, never its text (it may quote stored data).
            log_.error("stream_error", {{"exception", typeid(e).name()}});
            s->end(grpc::Status(grpc::StatusCode::INTERNAL, "stream error"));
        } catch (...) {
            log_.error("stream_error", {{"exception", "unknown"}});
            s->end(grpc::Status(grpc::StatusCode::INTERNAL, "stream error"));
        }
    }
}

void RelayService::watch_loop() {
    std::unique_lock lock(watch_mu_);
    while (!watch_stop_) {
        if (!revocations_stale_) watch_cv_.wait_for(lock, kStreamWatchInterval);
        if (watch_stop_) break;
        const bool reload = std::exchange(revocations_stale_, false);
        lock.unlock();
        if (reload) install_stored_revocation_lists();
        const std::int64_t now = clock_();
        end_streams([now](const Stream& s) { return s.session().expires_at <= now; },
                    Status(StatusCode::UNAUTHENTICATED, "session expired"));
        lock.lock();
    }
}

void RelayService::register_stream(const std::shared_ptr<Stream>& stream) {
    std::vector<std::shared_ptr<Stream>> evicted;
    {
        std::lock_guard lock(streams_mu_);
        auto& list = streams_[stream->session().device_id];
        // Replaced streams leave the list at once, so it never exceeds the cap.
        while (list.size() >= config_.max_streams_per_device) {
            evicted.push_back(std::move(list.front()));
            list.erase(list.begin());
        }
        list.push_back(stream);
    }
    for (auto& s : evicted) {
        s->end(Status(StatusCode::RESOURCE_EXHAUSTED,
                      "too many streams for this device: replaced by a newer one"));
    }
}

void RelayService::unregister_stream(const Stream* stream) {
    std::lock_guard lock(streams_mu_);
    auto it = streams_.find(stream->session().device_id);
    if (it == streams_.end()) return;
    std::erase_if(it->second, [&](const auto& s) { return s.get() == stream; });
    if (it->second.empty()) streams_.erase(it);
}

void RelayService::end_streams(const std::function<bool(const Stream&)>& pred,
                               const Status& status) {
    std::vector<std::shared_ptr<Stream>> hit;
    {
        std::lock_guard lock(streams_mu_);
        for (const auto& [device, list] : streams_) {
            for (const auto& s : list) {
                if (pred(*s)) hit.push_back(s);
            }
        }
    }
    for (auto& s : hit) s->end(status);
}

std::size_t RelayService::open_streams() {
    std::lock_guard lock(streams_mu_);
    std::size_t n = 0;
    for (const auto& [device, list] : streams_) n += list.size();
    return n;
}

void RelayService::forget_sessions(const std::vector<Bytes>& token_hashes) {
    if (token_hashes.empty()) return;
    {
        std::lock_guard lock(session_mu_);
        for (const auto& t : token_hashes) session_cache_.erase(t);
        ++session_generation_;
    }
    const std::set<Bytes> ended(token_hashes.begin(), token_hashes.end());
    end_streams([&](const Stream& s) { return ended.count(s.token_hash()) != 0; },
                Status(StatusCode::UNAUTHENTICATED, "session ended"));
}

// ---- RelayService ----

RelayService::RelayService(const RelayConfig& config, Storage& storage, cert::TrustStore& trust,
                           Logger& log, Clock clock)
    : config_(config),
      storage_(storage),
      trust_(trust),
      log_(log),
      clock_(std::move(clock)),
      hub_(static_cast<std::size_t>(config.live_queue_max)) {
    // Lives only in this process: challenges issued before a restart are no longer
    // accepted (they are valid for 60 s anyway).
    challenge_key_ = crypto::random_secret(32);
    storage_.set_commit_listener(
        [this](const std::vector<CommittedDelivery>& rows) { hub_.publish(rows); });
    // Another node (same database) stored a revocation list: the watch thread installs
    // it and ends the streams it revokes here too; the storage thread must not wait.
    storage_.set_revocation_listener([this] {
        {
            std::lock_guard lock(watch_mu_);
            revocations_stale_ = true;
        }
        watch_cv_.notify_all();
    });
    for (std::size_t i = 0; i < kStreamWorkers; ++i) {
        auto w = std::make_unique<StreamWorker>();
        StreamWorker* raw = w.get();
        w->thread = std::thread([this, raw] {
            pthread_setname_np(pthread_self(), "relay-stream");
            worker_loop(*raw);
        });
        workers_.push_back(std::move(w));
    }
    watcher_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "relay-watch");
        watch_loop();
    });
}

RelayService::~RelayService() {
    storage_.set_commit_listener({});
    storage_.set_revocation_listener({});
    {
        std::lock_guard lock(watch_mu_);
        watch_stop_ = true;
    }
    watch_cv_.notify_all();
    watcher_.join();
    for (auto& w : workers_) {
        {
            std::lock_guard lock(w->mu);
            w->stop = true;
        }
        w->cv.notify_all();
        w->thread.join();
    }
}

void RelayService::begin_shutdown() {
    hub_.shutdown();
    end_streams([](const Stream&) { return true; },
                Status(StatusCode::UNAVAILABLE, "relay shutting down"));
}

Status RelayService::finish(const char* method, grpc::ServerContextBase* ctx, const Status& st,
                            bool authenticated) {
    (void)ctx;
    // Successful calls are not logged one by one (volume); failures are, with the method,
    // the code and the reason only: no device or member ids, no payloads.
    if (!st.ok()) {
        // Failures nobody authenticated (or rate-limited ones) are what a flood produces:
        // at most kLogLinesPerWindow lines per window, the rest counted and summed up in
        // one line when the next window starts.
        if (!authenticated || st.error_code() == StatusCode::RESOURCE_EXHAUSTED) {
            const std::int64_t window = std::chrono::duration_cast<std::chrono::seconds>(
                                            std::chrono::steady_clock::now().time_since_epoch())
                                            .count() /
                                        kLogWindowSeconds;
            std::map<std::string, std::uint64_t> report;
            bool suppress = false;
            {
                std::lock_guard lock(log_mu_);
                if (window != log_window_) {
                    log_window_ = window;
                    log_lines_ = 0;
                    report.swap(log_suppressed_);
                }
                if (log_lines_ >= kLogLinesPerWindow) {
                    suppress = true;
                    ++log_suppressed_[std::string(method) + " " + code_name(st.error_code())];
                } else {
                    ++log_lines_;
                }
            }
            if (!report.empty()) {
                nlohmann::json counts = nlohmann::json::object();
                for (const auto& [k, n] : report) counts[k] = n;
                log_.warn("rpc_failed_suppressed", {{"counts", std::move(counts)}});
            }
            if (suppress) return st;
        }
        log_.warn("rpc_failed", {{"method", method},
                                 {"code", code_name(st.error_code())},
                                 {"reason", st.error_message()}});
    }
    return st;
}

Status RelayService::internal_error(const char* method, const std::exception* e) {
    // The exception's type only: its text may quote request data.
    log_.error("rpc_exception",
               {{"method", method}, {"exception", e != nullptr ? typeid(*e).name() : "unknown"}});
    return Status(StatusCode::INTERNAL, "internal error");
}

Status RelayService::admit(grpc::ServerContextBase* ctx, Auth auth, Caller& caller) {
    if (auth == Auth::session) return authenticate(ctx, caller);
    if (hub_.is_shutdown()) return Status(StatusCode::UNAVAILABLE, "relay shutting down");
    return Status::OK;
}

// ---- The handler wrapper ----
//
// Every RPC goes through handle() (synchronous API) or handle_async() (callback API),
// or Subscribe's stream form of the same steps: admit (authenticate where the RPC needs
// a session), run the body, log the outcome through finish(), and turn an exception
// into INTERNAL so one bad request never takes the relay down. StoreErrors become
// status codes in from_store() only.

template <class Body>
Status RelayService::handle(const char* method, grpc::ServerContextBase* ctx, Auth auth,
                            Body&& body) {
    bool authenticated = false;
    try {
        Caller c;
        if (Status st = admit(ctx, auth, c); !st.ok()) return finish(method, ctx, st, false);
        authenticated = auth == Auth::session;
        return finish(method, ctx, body(static_cast<const Caller&>(c)), authenticated);
    } catch (const std::exception& e) {
        return finish(method, ctx, internal_error(method, &e), authenticated);
    } catch (...) {
        return finish(method, ctx, internal_error(method, nullptr), authenticated);
    }
}

// Answers one callback-API call exactly once, through finish() and the reactor. Copies
// share the state, so a storage completion can hold one; an answer after the first (an
// exception thrown after answering) is dropped.
class RelayService::Reply {
  public:
    Reply(RelayService& svc, const char* method, grpc::CallbackServerContext* ctx,
          grpc::ServerUnaryReactor* reactor)
        : svc_(&svc),
          method_(method),
          ctx_(ctx),
          reactor_(reactor),
          state_(std::make_shared<State>()) {}

    void operator()(const Status& st) const {
        if (state_->answered.exchange(true)) return;
        reactor_->Finish(svc_->finish(method_, ctx_, st, state_->authenticated));
    }
    // Runs `f` (the handler body, or a storage completion) under the wrapper's catch.
    template <class F>
    void guard(F&& f) const {
        try {
            f();
        } catch (const std::exception& e) {
            (*this)(svc_->internal_error(method_, &e));
        } catch (...) {
            (*this)(svc_->internal_error(method_, nullptr));
        }
    }
    void set_authenticated() const { state_->authenticated = true; }

  private:
    struct State {
        std::atomic<bool> answered{false};
        bool authenticated = false;  // set before the body runs, read after
    };
    RelayService* svc_;
    const char* method_;
    grpc::CallbackServerContext* ctx_;
    grpc::ServerUnaryReactor* reactor_;
    std::shared_ptr<State> state_;
};

// `body(caller, reply)` returns a Status to answer at once, or nullopt once it has
// arranged for `reply` to be called later (a storage completion).
template <class Body>
grpc::ServerUnaryReactor* RelayService::handle_async(const char* method,
                                                     grpc::CallbackServerContext* ctx, Auth auth,
                                                     Body&& body) {
    auto* reactor = ctx->DefaultReactor();
    const Reply reply(*this, method, ctx, reactor);
    reply.guard([&] {
        Caller c;
        if (Status st = admit(ctx, auth, c); !st.ok()) return reply(st);
        if (auth == Auth::session) reply.set_authenticated();
        if (std::optional<Status> st = body(static_cast<const Caller&>(c), reply)) reply(*st);
    });
    return reactor;
}

bool RelayService::take_token(std::map<Bytes, Bucket>& buckets, const Bytes& key, double rate,
                              double burst) {
    std::lock_guard lock(rate_mu_);
    if (buckets.size() >= kMaxBuckets) buckets.clear();  // bound memory; a refill, not a leak
    const auto now = std::chrono::steady_clock::now();
    auto [b, inserted] = buckets.try_emplace(key, Bucket{burst, now});
    if (!inserted) {
        const double dt = std::chrono::duration<double>(now - b->second.last).count();
        b->second.tokens = std::min(burst, b->second.tokens + dt * rate);
        b->second.last = now;
    }
    if (b->second.tokens < 1.0) return false;
    b->second.tokens -= 1.0;
    return true;
}

RelayService::Window& RelayService::current_window(std::map<Bytes, Window>& windows,
                                                   const Bytes& key, std::int64_t now) {
    // Caller holds rate_mu_. Bounded like the buckets: expired windows go first.
    if (windows.size() >= kMaxBuckets) {
        std::erase_if(windows, [&](const auto& kv) { return now - kv.second.start >= 3600; });
        if (windows.size() >= kMaxBuckets) windows.clear();
    }
    auto& w = windows[key];
    if (now - w.start >= 3600 || now < w.start) w = Window{now, 0};
    return w;
}

Status RelayService::from_store(grpc::ServerContextBase* ctx, const StoreError& e) {
    switch (e.code) {
        case StoreErrc::invalid:
            return invalid(e.message);
        case StoreErrc::not_found:
            return Status(StatusCode::NOT_FOUND, e.message);
        case StoreErrc::already_exists:
            return Status(StatusCode::ALREADY_EXISTS, e.message);
        case StoreErrc::epoch_mismatch:
            if (ctx)
                ctx->AddTrailingMetadata(kCurrentEpochTrailer, std::to_string(e.current_epoch));
            return Status(StatusCode::FAILED_PRECONDITION, e.message);
        case StoreErrc::not_member:
            return Status(StatusCode::PERMISSION_DENIED, e.message);
        case StoreErrc::quota_exceeded:
            return Status(StatusCode::RESOURCE_EXHAUSTED, e.message);
        case StoreErrc::stale:
            return Status(StatusCode::FAILED_PRECONDITION, e.message);
        case StoreErrc::unavailable:
            return Status(StatusCode::UNAVAILABLE, e.message);
        case StoreErrc::internal:
            log_.error("storage_error", {{"reason", e.message}});
            return Status(StatusCode::INTERNAL, "storage error");
    }
    return Status(StatusCode::INTERNAL, "storage error");
}

Status RelayService::authenticate(grpc::ServerContextBase* ctx, Caller& caller) {
    if (hub_.is_shutdown()) return Status(StatusCode::UNAVAILABLE, "relay shutting down");
    const auto& md = ctx->client_metadata();
    auto it = md.find(kSessionMetadataKey);
    if (it == md.end()) return Status(StatusCode::UNAUTHENTICATED, "missing session token");
    const std::string_view token(it->second.data(), it->second.size());
    if (token.size() != 64) return Status(StatusCode::UNAUTHENTICATED, "malformed session token");
    auto raw = unhex(token);
    if (!raw) return Status(StatusCode::UNAUTHENTICATED, "malformed session token");
    const Bytes token_hash = crypto::sha256(*raw);
    const std::int64_t now_s = clock_();
    bool cached = false;
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(session_mu_);
        generation = session_generation_;
        auto hit = session_cache_.find(token_hash);
        if (hit != session_cache_.end() &&
            std::chrono::steady_clock::now() - hit->second.cached_at < kSessionCacheTtl &&
            hit->second.session.expires_at > now_s) {
            caller.session = hit->second.session;
            cached = true;
        }
    }
    if (!cached) {
        auto found = storage_.find_session(token_hash, now_s);
        if (!found.ok()) return from_store(ctx, found.error());
        if (!found.value())
            return Status(StatusCode::UNAUTHENTICATED, "unknown or expired session");
        caller.session = std::move(*found.value());
        std::lock_guard lock(session_mu_);
        // Not cached if sessions were ended since the read began: the read may predate
        // the deletion.
        if (generation == session_generation_) {
            if (session_cache_.size() >= kMaxCachedSessions) session_cache_.clear();
            session_cache_[token_hash] =
                CachedSession{caller.session, std::chrono::steady_clock::now()};
        }
    }
    caller.token_hash = token_hash;
    // A session of an organisation that is no longer pinned (trust list reloaded, or
    // changed across a restart) is over, as is one of a revoked certificate.
    if (!trust_.has_root(caller.session.organisation_id)) {
        return Status(StatusCode::UNAUTHENTICATED, "organisation is not in the trust list");
    }
    if (trust_.is_revoked(caller.session.organisation_id, caller.session.serial,
                          caller.session.device_id)) {
        return Status(StatusCode::UNAUTHENTICATED, "certificate revoked");
    }
    // Token bucket per device: every session of one certificate shares it, so more
    // sessions buy no more calls.
    if (!take_token(buckets_, caller.session.device_id, config_.rate_per_second,
                    config_.rate_burst)) {
        return Status(StatusCode::RESOURCE_EXHAUSTED, "rate limit exceeded");
    }
    return Status::OK;
}

Status RelayService::GetChallenge(grpc::ServerContext* ctx, const v1::GetChallengeRequest*,
                                  v1::GetChallengeResponse* resp) {
    return handle("GetChallenge", ctx, Auth::none, [&](const Caller&) -> Status {
        (void)ctx;
        // Stateless: nothing is stored per challenge, so the cost per call is constant
        // however many challenges are open (there is no limit to hit either).
        const std::int64_t expires = clock_() + kChallengeSeconds;
        std::array<std::uint8_t, kChallengeSize> c{};
        for (int i = 0; i < 8; ++i) {
            c[static_cast<std::size_t>(i)] =
                static_cast<std::uint8_t>(static_cast<std::uint64_t>(expires) >> (56 - 8 * i));
        }
        crypto::fill_random(std::span<std::uint8_t>(c.data() + 8, 8));
        std::array<std::uint8_t, crypto::kSha256Size> tag{};
        crypto::hmac_sha256_into(challenge_key_,
                                 {crypto::as_bytes(kChallengeLabel), ByteView(c.data(), 16)}, tag);
        std::copy_n(tag.begin(), kChallengeSize - 16, c.begin() + 16);
        resp->set_challenge(std::string(reinterpret_cast<const char*>(c.data()), c.size()));
        resp->set_expires_at(expires);
        return Status::OK;
    });
}

Status RelayService::Register(grpc::ServerContext* ctx, const v1::RegisterRequest* req,
                              v1::RegisterResponse* resp) {
    return handle("Register", ctx, Auth::none, [&](const Caller&) -> Status {
        const std::int64_t now = clock_();
        if (req->challenge().size() != 32) {
            return invalid("challenge must be 32 bytes");
        }
        if (req->signature().size() != crypto::kEd25519SignatureSize) {
            return invalid("signature must be 64 bytes");
        }
        const ByteView challenge = view(req->challenge());
        if (!crypto::hmac_sha256_verify(
                challenge_key_,
                crypto::concat(crypto::as_bytes(kChallengeLabel), challenge.first(16)),
                challenge.subspan(16))) {
            return Status(StatusCode::UNAUTHENTICATED, "unknown or used challenge");
        }
        std::int64_t challenge_expires = 0;
        for (int i = 0; i < 8; ++i) {
            challenge_expires =
                static_cast<std::int64_t>((static_cast<std::uint64_t>(challenge_expires) << 8) |
                                          challenge[static_cast<std::size_t>(i)]);
        }
        if (challenge_expires <= now) {
            return Status(StatusCode::UNAUTHENTICATED, "challenge expired");
        }
        auto verified = trust_.verify(req->certificate(), now);
        if (auto* e = std::get_if<cert::CertError>(&verified)) {
            const auto code = e->code == cert::CertErrc::malformed ? StatusCode::INVALID_ARGUMENT
                                                                   : StatusCode::UNAUTHENTICATED;
            return Status(code, std::string("certificate: ") + cert::cert_errc_name(e->code) +
                                    ": " + e->message);
        }
        const auto& body = std::get<cert::v1::MemberCertificateBody>(verified);
        if (body.member_id().size() > kMaxIdentifier ||
            body.organisation_id().size() > kMaxIdentifier) {
            return invalid("certificate: identifier too long");
        }
        Bytes msg(kRegisterLabel.begin(), kRegisterLabel.end());
        msg.push_back(0);
        msg.insert(msg.end(), req->challenge().begin(), req->challenge().end());
        msg.insert(msg.end(), req->certificate().body().begin(), req->certificate().body().end());
        if (!crypto::ed25519_verify(view(body.device_public_key()), msg, view(req->signature()))) {
            return Status(StatusCode::UNAUTHENTICATED, "challenge signature does not verify");
        }
        {
            // Single use. Recorded only once the signature verifies, so the set grows only
            // with genuine registrations (it cannot be flooded with garbage); buckets by
            // expiry second are dropped whole once expired: no scan.
            std::lock_guard lock(challenge_mu_);
            while (!used_challenges_.empty() && used_challenges_.begin()->first <= now) {
                used_challenge_count_ -= used_challenges_.begin()->second.size();
                used_challenges_.erase(used_challenges_.begin());
            }
            if (used_challenge_count_ >= kMaxUsedChallenges) {
                return Status(StatusCode::RESOURCE_EXHAUSTED, "too many registrations");
            }
            if (!used_challenges_[challenge_expires].insert(to_bytes(req->challenge())).second) {
                return Status(StatusCode::UNAUTHENTICATED, "unknown or used challenge");
            }
            ++used_challenge_count_;
        }
        const Bytes device = to_bytes(body.device_public_key());
        DeviceRecord rec{device, body.organisation_id(), body.member_id(), body.serial(), now};
        if (auto r = storage_.put_device(rec); !r.ok()) {
            return from_store(ctx, r.error());
        }
        Bytes token = crypto::random_bytes(32);
        const std::int64_t expires = std::min(now + config_.session_ttl_seconds, body.not_after());
        Session s{device, body.organisation_id(), body.serial(), expires};
        auto put = storage_.put_session(crypto::sha256(token), s);
        if (!put.ok()) return from_store(ctx, put.error());
        // The device's oldest sessions beyond max_sessions_per_device just ended.
        forget_sessions(put.value());
        resp->set_session_token(hex(token));
        resp->set_expires_at(expires);
        resp->set_device_id(body.device_public_key());
        crypto::wipe(token);
        log_.info("registered", {{"organisation", body.organisation_id()}});
        return Status::OK;
    });
}

Status RelayService::ListDevices(grpc::ServerContext* ctx, const v1::ListDevicesRequest* req,
                                 v1::ListDevicesResponse* resp) {
    return handle("ListDevices", ctx, Auth::session, [&](const Caller& c) -> Status {
        if (req->organisation_id().empty() || req->organisation_id().size() > kMaxIdentifier ||
            req->member_id().empty() || req->member_id().size() > kMaxIdentifier) {
            return invalid("organisation_id/member_id: 1..256 bytes");
        }
        // Rooms span organisations, so any registered device may ask about any pinned
        // organisation's member, but only list_devices_per_minute times (member ids cannot
        // be enumerated at speed). The answer holds only devices that could register now:
        // not revoked, organisation still pinned. An unknown member and a member without
        // such a device get the same empty answer.
        if (!take_token(list_devices_buckets_, c.session.device_id,
                        config_.list_devices_per_minute / 60.0, config_.list_devices_per_minute)) {
            return Status(StatusCode::RESOURCE_EXHAUSTED, "ListDevices rate limit exceeded");
        }
        if (!trust_.has_root(req->organisation_id())) return Status::OK;
        auto r = storage_.list_devices(req->organisation_id(), req->member_id());
        if (!r.ok()) return from_store(ctx, r.error());
        for (const auto& d : r.value()) {
            if (trust_.is_revoked(d.organisation_id, d.serial, d.device_id)) continue;
            resp->add_device_ids(to_string(d.device_id));
        }
        return Status::OK;
    });
}

Status RelayService::PublishKeyPackages(grpc::ServerContext* ctx,
                                        const v1::PublishKeyPackagesRequest* req,
                                        v1::PublishKeyPackagesResponse* resp) {
    return handle("PublishKeyPackages", ctx, Auth::session, [&](const Caller& c) -> Status {
        const Bytes& dev = c.session.device_id;
        if (req->one_time_size() > static_cast<int>(kMaxKeyPackagesPerCall)) {
            return invalid("one_time: too many entries");
        }
        std::vector<Bytes> one_time;
        for (const auto& kp : req->one_time()) {
            if (kp.empty()) return invalid("one_time: empty entry");
            if (kp.size() > config_.max_key_package_bytes) {
                return Status(StatusCode::RESOURCE_EXHAUSTED, "one_time: KeyPackage too large");
            }
            one_time.push_back(to_bytes(kp));
        }
        if (req->last_resort().size() > config_.max_key_package_bytes) {
            return Status(StatusCode::RESOURCE_EXHAUSTED, "last_resort: KeyPackage too large");
        }
        std::optional<Bytes> last;
        if (!req->last_resort().empty()) last = to_bytes(req->last_resort());
        auto r = storage_.publish_key_packages(dev, one_time, last);
        if (!r.ok()) return from_store(ctx, r.error());
        resp->set_one_time_count(r.value());
        return Status::OK;
    });
}

Status RelayService::FetchKeyPackage(grpc::ServerContext* ctx,
                                     const v1::FetchKeyPackageRequest* req,
                                     v1::FetchKeyPackageResponse* resp) {
    return handle("FetchKeyPackage", ctx, Auth::session, [&](const Caller& c) -> Status {
        if (req->device_id().size() != kDeviceIdSize) {
            return invalid("device_id must be 32 bytes");
        }
        const Bytes& dev = c.session.device_id;
        if (!take_token(fetch_buckets_, dev, config_.key_package_fetch_per_minute / 60.0,
                        config_.key_package_fetch_per_minute)) {
            return Status(StatusCode::RESOURCE_EXHAUSTED, "FetchKeyPackage rate limit exceeded");
        }
        // One-time packages are a shared, finite resource of the target device: each
        // requester gets at most key_package_fetch_per_target_hour of them per target, and
        // all requesters together key_package_target_per_hour; beyond that the answer is
        // the last-resort package, which works for adding the device but is never used up.
        const Bytes target = to_bytes(req->device_id());
        bool one_time = false;
        {
            const std::int64_t now = clock_();
            Bytes pair_key = dev;
            pair_key.insert(pair_key.end(), target.begin(), target.end());
            std::lock_guard lock(rate_mu_);
            Window& pair = current_window(fetch_pair_windows_, pair_key, now);
            Window& all = current_window(fetch_target_windows_, target, now);
            one_time = pair.count < config_.key_package_fetch_per_target_hour &&
                       all.count < config_.key_package_target_per_hour;
            if (one_time) {
                ++pair.count;
                ++all.count;
            }
        }
        auto r = storage_.fetch_key_package(target, !one_time);
        if (!r.ok()) return from_store(ctx, r.error());
        if (!r.value()) {
            return Status(StatusCode::NOT_FOUND, "no KeyPackage left");
        }
        resp->set_key_package(to_string(r.value()->data));
        resp->set_last_resort(r.value()->last_resort);
        return Status::OK;
    });
}

Status RelayService::CountKeyPackages(grpc::ServerContext* ctx, const v1::CountKeyPackagesRequest*,
                                      v1::CountKeyPackagesResponse* resp) {
    return handle("CountKeyPackages", ctx, Auth::session, [&](const Caller& c) -> Status {
        auto r = storage_.count_key_packages(c.session.device_id);
        if (!r.ok()) return from_store(ctx, r.error());
        resp->set_one_time_count(r.value().one_time);
        resp->set_has_last_resort(r.value().has_last_resort);
        return Status::OK;
    });
}

Status RelayService::CreateGroup(grpc::ServerContext* ctx, const v1::CreateGroupRequest* req,
                                 v1::CreateGroupResponse* resp) {
    return handle("CreateGroup", ctx, Auth::session, [&](const Caller& c) -> Status {
        if (req->group_id().empty() || req->group_id().size() > kMaxGroupIdSize) {
            return invalid("group_id must be 1..255 bytes");
        }
        if (!take_token(create_group_buckets_, c.session.device_id,
                        config_.create_group_per_minute / 60.0, config_.create_group_per_minute)) {
            return Status(StatusCode::RESOURCE_EXHAUSTED, "CreateGroup rate limit exceeded");
        }
        auto r = storage_.create_group(view(req->group_id()), c.session.device_id, clock_());
        if (!r.ok()) return from_store(ctx, r.error());
        resp->set_epoch(0);
        return Status::OK;
    });
}

Status RelayService::GetGroup(grpc::ServerContext* ctx, const v1::GetGroupRequest* req,
                              v1::GetGroupResponse* resp) {
    return handle("GetGroup", ctx, Auth::session, [&](const Caller& c) -> Status {
        if (req->group_id().empty() || req->group_id().size() > kMaxGroupIdSize) {
            return invalid("group_id must be 1..255 bytes");
        }
        // One answer for "no such group" and "not a member", so GetGroup is no oracle for
        // which group ids exist (members learn their groups from Welcomes and Commits).
        const Status unknown(StatusCode::NOT_FOUND, "unknown group or not a member");
        auto r = storage_.get_group(view(req->group_id()));
        if (!r.ok()) {
            if (r.error().code == StoreErrc::not_found) return unknown;
            return from_store(ctx, r.error());
        }
        bool member = false;
        for (const auto& m : r.value().members) member = member || m == c.session.device_id;
        if (!member) return unknown;
        resp->set_epoch(r.value().epoch);
        for (const auto& m : r.value().members) resp->add_member_device_ids(to_string(m));
        return Status::OK;
    });
}

// What SendMessage and SendCommit check alike, in this order: the group and envelope
// ids, the size (`largest`: the biggest payload of the request), and an MLS group message
// (PublicMessage or PrivateMessage) whose header parses into `out`. `what` names the field
// in the errors.
static Status check_group_message(const std::string& group_id, const std::string& envelope_id,
                                  std::uint64_t largest, std::uint64_t max_bytes,
                                  const std::string& mls, const char* what, MlsHeader& out) {
    if (group_id.empty() || group_id.size() > kMaxGroupIdSize) {
        return invalid("group_id must be 1..255 bytes");
    }
    if (envelope_id.size() != kEnvelopeIdSize) return invalid("envelope_id must be 16 bytes");
    if (largest > max_bytes) return Status(StatusCode::RESOURCE_EXHAUSTED, "envelope too large");
    auto header = parse_mls_header(view(mls));
    if (!header.ok()) return invalid(std::string(what) + ": " + header.error().message);
    out = header.value();
    if (out.wire_format != WireFormat::public_message &&
        out.wire_format != WireFormat::private_message) {
        return invalid(std::string(what) + ": not a PublicMessage or PrivateMessage");
    }
    return Status::OK;
}

grpc::ServerUnaryReactor* RelayService::SendCommit(grpc::CallbackServerContext* ctx,
                                                   const v1::SendCommitRequest* req,
                                                   v1::SendCommitResponse* resp) {
    return handle_async(
        "SendCommit", ctx, Auth::session,
        [&](const Caller& c, const Reply& reply) -> std::optional<Status> {
            const Bytes& dev = c.session.device_id;
            MlsHeader h;
            if (auto st =
                    check_group_message(req->group_id(), req->envelope_id(),
                                        std::max(req->commit().size(), req->welcome().size()),
                                        config_.max_envelope_bytes, req->commit(), "commit", h);
                !st.ok())
                return st;
            if (h.content_type != ContentType::commit)
                return invalid("commit: content type is not commit");
            if (h.group_id != to_bytes(req->group_id()))
                return invalid("commit: group id differs from request");

            CommitRequest cr;
            if (auto e = check_devices(req->added_device_ids(), config_.max_list_entries,
                                       "added_device_ids", cr.added))
                return invalid(*e);
            if (auto e = check_devices(req->removed_device_ids(), config_.max_list_entries,
                                       "removed_device_ids", cr.removed))
                return invalid(*e);
            if (auto e = check_devices(req->welcome_device_ids(), config_.max_list_entries,
                                       "welcome_device_ids", cr.welcome_to))
                return invalid(*e);
            if (req->welcome().empty() != cr.welcome_to.empty()) {
                return invalid("welcome and welcome_device_ids must be given together");
            }
            if (!req->welcome().empty()) {
                auto wh = parse_mls_header(view(req->welcome()));
                if (!wh.ok()) return invalid("welcome: " + wh.error().message);
                if (wh.value().wire_format != WireFormat::welcome) {
                    return invalid("welcome: wire format is not mls_welcome");
                }
            }
            cr.group_id = h.group_id;
            cr.sender = dev;
            cr.envelope_id = to_bytes(req->envelope_id());
            cr.epoch = h.epoch;
            cr.commit = to_bytes(req->commit());
            cr.welcome = to_bytes(req->welcome());
            cr.now = clock_();
            // Completes on the storage completer thread once the commit is durable, like
            // SendMessage: no server thread waits for the group commit.
            storage_.commit_async(std::move(cr),
                                  [this, ctx, resp, reply](StoreResult<SendResult> r) {
                                      reply.guard([&] {
                                          if (!r.ok()) return reply(from_store(ctx, r.error()));
                                          resp->set_epoch(r.value().epoch);
                                          resp->set_recipients(r.value().recipients);
                                          resp->set_duplicate(r.value().duplicate);
                                          for (const auto& s : r.value().skipped)
                                              resp->add_skipped_device_ids(to_string(s));
                                          reply(Status::OK);
                                      });
                                  });
            return std::nullopt;
        });
}

Status RelayService::prepare_message(const v1::SendMessageRequest* req, const Bytes& sender,
                                     MessageRequest& mr) {
    MlsHeader h;
    if (auto st = check_group_message(req->group_id(), req->envelope_id(), req->message().size(),
                                      config_.max_envelope_bytes, req->message(), "message", h);
        !st.ok())
        return st;
    if (h.content_type == ContentType::commit) {
        return invalid("message: commits go through SendCommit");
    }
    if (h.group_id != to_bytes(req->group_id())) {
        return invalid("message: group id differs from request");
    }
    mr.group_id = h.group_id;
    mr.sender = sender;
    mr.envelope_id = to_bytes(req->envelope_id());
    mr.epoch = h.epoch;
    mr.payload = to_bytes(req->message());
    mr.now = clock_();
    return Status::OK;
}

grpc::ServerUnaryReactor* RelayService::SendMessage(grpc::CallbackServerContext* ctx,
                                                    const v1::SendMessageRequest* req,
                                                    v1::SendMessageResponse* resp) {
    return handle_async("SendMessage", ctx, Auth::session,
                        [&](const Caller& c, const Reply& reply) -> std::optional<Status> {
                            MessageRequest mr;
                            if (auto st = prepare_message(req, c.session.device_id, mr); !st.ok())
                                return st;
                            // Completes on the storage completer thread once the fan-out is
                            // committed.
                            storage_.send_async(
                                std::move(mr), [this, ctx, resp, reply](StoreResult<SendResult> r) {
                                    reply.guard([&] {
                                        if (!r.ok()) return reply(from_store(ctx, r.error()));
                                        resp->set_recipients(r.value().recipients);
                                        resp->set_duplicate(r.value().duplicate);
                                        for (const auto& s : r.value().skipped)
                                            resp->add_skipped_device_ids(to_string(s));
                                        reply(Status::OK);
                                    });
                                });
                            return std::nullopt;
                        });
}

grpc::ServerWriteReactor<v1::Delivery>* RelayService::Subscribe(grpc::CallbackServerContext* ctx,
                                                                const v1::SubscribeRequest* req) {
    // The wrapper's steps in stream form: admit, log failures (finish), and an exception
    // ends the call with INTERNAL instead of escaping into gRPC.
    std::shared_ptr<Stream> stream;
    try {
        Caller c;
        if (auto st = admit(ctx, Auth::session, c); !st.ok()) {
            return new RefusedStream(finish("Subscribe", ctx, st, false));
        }
        std::uint64_t id = 0;
        {
            std::lock_guard lock(streams_mu_);
            id = next_stream_id_++;
        }
        stream = std::make_shared<Stream>(*this, ctx, c.session, c.token_hash, req->after_seq(),
                                          req->backlog_only(), id);
        // Registered before it starts, so a revocation or reload from now on reaches it; a
        // session ended in between is caught by the re-check below.
        register_stream(stream);
        stream->start();
        const Session& ses = c.session;
        if (!trust_.has_root(ses.organisation_id) ||
            trust_.is_revoked(ses.organisation_id, ses.serial, ses.device_id)) {
            stream->end(Status(StatusCode::UNAUTHENTICATED, "certificate revoked"));
        }
        return stream.get();
    } catch (const std::exception& e) {
        const Status st = internal_error("Subscribe", &e);
        if (stream) {
            stream->end(st);  // logged when the stream ends
            return stream.get();
        }
        return new RefusedStream(finish("Subscribe", ctx, st, true));
    } catch (...) {
        const Status st = internal_error("Subscribe", nullptr);
        if (stream) {
            stream->end(st);
            return stream.get();
        }
        return new RefusedStream(finish("Subscribe", ctx, st, true));
    }
}

Status RelayService::Ack(grpc::ServerContext* ctx, const v1::AckRequest* req,
                         v1::AckResponse* resp) {
    return handle("Ack", ctx, Auth::session, [&](const Caller& c) -> Status {
        auto r = storage_.ack(c.session.device_id, req->upto_seq());
        if (!r.ok()) return from_store(ctx, r.error());
        hub_.acked(c.session.device_id, req->upto_seq());
        resp->set_deleted(r.value());
        return Status::OK;
    });
}

Status RelayService::PublishRevocationList(grpc::ServerContext* ctx,
                                           const v1::PublishRevocationListRequest* req,
                                           v1::PublishRevocationListResponse* resp) {
    return handle("PublishRevocationList", ctx, Auth::session, [&](const Caller&) -> Status {
        auto st = apply_revocation_list(req->revocation_list());
        if (!st.ok()) return st;
        cert::v1::RevocationListBody body;
        body.ParseFromString(req->revocation_list().body());  // verified above
        resp->set_sequence(body.sequence());
        return Status::OK;
    });
}

Status RelayService::apply_revocation_list(const cert::v1::RevocationList& list) {
    // Memory and database change under one lock, in the order memory, database: from
    // the moment the list is installed every call of a revoked certificate fails, and
    // the database (checked for a newer stored list too) commits the list together
    // with the end of its sessions.
    std::lock_guard serial_lock(revocation_mu_);
    auto r = trust_.install_revocation_list(list);
    if (!r.ok()) {
        const cert::CertError& e = r.error();
        const auto code = e.code == cert::CertErrc::stale       ? StatusCode::FAILED_PRECONDITION
                          : e.code == cert::CertErrc::malformed ? StatusCode::INVALID_ARGUMENT
                                                                : StatusCode::PERMISSION_DENIED;
        return Status(code, std::string("revocation list: ") + e.message);
    }
    const cert::v1::RevocationListBody& body = r.value();
    end_revoked(body);
    const std::set<std::uint64_t> serials(body.revoked_serials().begin(),
                                          body.revoked_serials().end());
    std::set<Bytes> keys;
    for (const auto& k : body.revoked_device_keys()) keys.insert(to_bytes(k));
    const std::string& org = body.organisation_id();
    std::string encoded;
    list.SerializeToString(&encoded);
    auto rs =
        storage_.store_revocation_list(org, body.sequence(), view(encoded),
                                       std::vector<std::uint64_t>(serials.begin(), serials.end()),
                                       std::vector<Bytes>(keys.begin(), keys.end()));
    if (!rs.ok()) return from_store(nullptr, rs.error());
    log_.info(
        "revocation_list",
        {{"organisation", org}, {"sequence", body.sequence()}, {"sessions_ended", rs.value()}});
    return Status::OK;
}

void RelayService::end_revoked(const cert::v1::RevocationListBody& body) {
    const std::set<std::uint64_t> serials(body.revoked_serials().begin(),
                                          body.revoked_serials().end());
    std::set<Bytes> keys;
    for (const auto& k : body.revoked_device_keys()) keys.insert(to_bytes(k));
    const std::string& org = body.organisation_id();
    {
        std::lock_guard lock(session_mu_);
        session_cache_.clear();
        ++session_generation_;
    }
    // A list only ever reaches certificates of the organisation that signed it.
    end_streams(
        [&](const Stream& s) {
            const Session& ses = s.session();
            return ses.organisation_id == org &&
                   (serials.count(ses.serial) != 0 || keys.count(ses.device_id) != 0);
        },
        Status(StatusCode::UNAUTHENTICATED, "certificate revoked"));
}

void RelayService::install_stored_revocation_lists() {
    // The database already holds each list and has ended its sessions (the publishing
    // node did, in the same transaction); what is missing here is the trust store, which
    // refuses a new Register, and the streams open on this node.
    std::lock_guard serial_lock(revocation_mu_);
    auto stored = storage_.revocation_lists();
    if (!stored.ok()) {
        log_.error("revocation_reload", {{"reason", stored.error().message}});
        return;
    }
    for (const auto& encoded : stored.value()) {
        cert::v1::RevocationList list;
        if (!list.ParseFromArray(encoded.data(), static_cast<int>(encoded.size()))) continue;
        auto r = trust_.install_revocation_list(list);
        if (!r.ok()) continue;  // not newer than the installed one (or not pinned here)
        end_revoked(r.value());
        log_.info("revocation_list_from_peer", {{"organisation", r.value().organisation_id()},
                                                {"sequence", r.value().sequence()}});
    }
}

void RelayService::organisations_removed(const std::vector<std::string>& organisation_ids) {
    if (organisation_ids.empty()) return;
    // The trust store already refuses these organisations; the stored sessions go first,
    // then the cache, so a session cannot come back if the organisation is pinned again.
    for (const auto& org : organisation_ids) {
        auto r = storage_.end_organisation_sessions(org);
        log_.info("organisation_removed",
                  {{"organisation", org}, {"sessions_ended", r.ok() ? r.value() : 0}});
    }
    {
        std::lock_guard lock(session_mu_);
        session_cache_.clear();
        ++session_generation_;
    }
    const std::set<std::string> gone(organisation_ids.begin(), organisation_ids.end());
    end_streams([&](const Stream& s) { return gone.count(s.session().organisation_id) != 0; },
                Status(StatusCode::UNAUTHENTICATED, "organisation is not in the trust list"));
}

// ---- Health ----

Status HealthService::Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* req,
                            grpc::health::v1::HealthCheckResponse* resp) {
    if (!req->service().empty() && req->service() != "lagrum.relay.v1.Relay") {
        return Status(StatusCode::NOT_FOUND, "unknown service");
    }
    resp->set_status(serving_ ? grpc::health::v1::HealthCheckResponse::SERVING
                              : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    return Status::OK;
}

Status HealthService::Watch(grpc::ServerContext* ctx,
                            const grpc::health::v1::HealthCheckRequest* req,
                            grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) {
    grpc::health::v1::HealthCheckResponse resp;
    auto st = Check(ctx, req, &resp);
    if (!st.ok()) return st;
    writer->Write(resp);
    return Status::OK;  // one answer; clients re-watch (the relay has no status transitions to push
                        // but shutdown)
}

}  // namespace lagrum::relay
