// The lagrum.relay.v1.Relay gRPC service over the Storage interface, plus the gRPC
// health service. See protocol/relay.proto for the contract of every RPC.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "lagrum/cert/cert.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/relay/config.h"
#include "lagrum/relay/log.h"
#include "lagrum/relay/storage.h"
#include "relay.grpc.pb.h"

namespace lagrum::relay {

inline constexpr const char* kSessionMetadataKey = "lagrum-session-token";
inline constexpr const char* kCurrentEpochTrailer = "lagrum-current-epoch";
inline constexpr std::string_view kRegisterLabel = "lagrum.relay.v1.Register";

// Hands deliveries that have just been committed to the Subscribe streams of their
// device, so a live stream does not re-read its mailbox for every delivery. The store
// stays the source of truth: a stream attaches here before reading its backlog, and
// anything it cannot get from here (queue overflow) it reads from the store again.
class MailboxHub {
  public:
    struct Live {
        std::uint64_t seq = 0;
        std::shared_ptr<const DeliveryBody> body;
    };
    struct Subscriber {
        explicit Subscriber(Bytes d, std::function<void()> w = {})
            : device(std::move(d)), wake(std::move(w)) {}
        const Bytes device;
        // Called (outside the hub's lock, never blocking) when the queue becomes
        // non-empty or overflows, so an asynchronous stream needs no polling.
        const std::function<void()> wake;
        std::condition_variable cv;
        std::deque<Live> queue;
        std::size_t bytes = 0;
        bool overflow = false;  // deliveries were dropped: re-read the store
    };
    // A slow stream's queue is bounded (count, payload bytes); past that it falls back
    // to the store. Part of the bound on memory held per stream (relay/README.md).
    static constexpr std::size_t kMaxQueuedBytes = 4 * 1024 * 1024;
    explicit MailboxHub(std::size_t max_queued = 4096) : max_queued_(max_queued) {}

    // From this call on, every published delivery of `device` is queued for the result.
    std::shared_ptr<Subscriber> attach(const Bytes& device, std::function<void()> wake = {});
    void detach(const std::shared_ptr<Subscriber>& sub);
    // From the storage's commit listener: rows already durable, in commit order.
    void publish(const std::vector<CommittedDelivery>& deliveries);
    // Drops queued deliveries up to `upto_seq` (they were acknowledged, so deleted).
    void acked(const Bytes& device, std::uint64_t upto_seq);

    enum class Taken { deliveries, overflow, timeout, shutdown };
    // Moves the queued deliveries (seq order) into `out`, waiting up to `timeout` for
    // one. On overflow the queue is emptied and re-armed: the caller must then re-read
    // the store, which holds everything the queue dropped.
    Taken take(Subscriber& sub, std::vector<Live>& out, std::chrono::milliseconds timeout);

    void shutdown();
    bool is_shutdown() const { return shutdown_.load(); }

  private:
    const std::size_t max_queued_;
    std::mutex mu_;
    std::map<Bytes, std::vector<Subscriber*>> subs_;
    std::atomic<bool> shutdown_{false};
};

using Clock = std::function<std::int64_t()>;
// Real time, or (for tests) the Unix time written in a file.
Clock make_clock(const std::string& test_clock_file);

// SendMessage, SendCommit and Subscribe use the callback API: a request waiting for its
// group commit and an idle stream hold no server thread (streams are driven by a few
// stream workers, woken by the MailboxHub); the other RPCs are synchronous.
class RelayService final
    : public v1::Relay::WithCallbackMethod_SendMessage<v1::Relay::WithCallbackMethod_SendCommit<
          v1::Relay::WithCallbackMethod_Subscribe<v1::Relay::Service>>> {
  public:
    // Installs itself as the storage's commit listener until destroyed.
    RelayService(const RelayConfig& config, Storage& storage, cert::TrustStore& trust, Logger& log,
                 Clock clock);
    ~RelayService() override;
    RelayService(const RelayService&) = delete;
    RelayService& operator=(const RelayService&) = delete;

    // Stops streams and makes new calls fail UNAVAILABLE (in-flight writes finish).
    void begin_shutdown();

    // Verifies and installs a revocation list (newer than the installed one), stores it
    // durably in the same transaction that ends the sessions it revokes, and ends those
    // sessions' streams. From PublishRevocationList and for the config's files at start.
    grpc::Status apply_revocation_list(const cert::v1::RevocationList& list);
    // After the trust list was reloaded: ends the sessions and streams of organisations
    // no longer pinned.
    void organisations_removed(const std::vector<std::string>& organisation_ids);
    // Streams currently open (tests, benchmarks).
    std::size_t open_streams();

    grpc::Status GetChallenge(grpc::ServerContext*, const v1::GetChallengeRequest*,
                              v1::GetChallengeResponse*) override;
    grpc::Status Register(grpc::ServerContext*, const v1::RegisterRequest*,
                          v1::RegisterResponse*) override;
    grpc::Status ListDevices(grpc::ServerContext*, const v1::ListDevicesRequest*,
                             v1::ListDevicesResponse*) override;
    grpc::Status PublishKeyPackages(grpc::ServerContext*, const v1::PublishKeyPackagesRequest*,
                                    v1::PublishKeyPackagesResponse*) override;
    grpc::Status FetchKeyPackage(grpc::ServerContext*, const v1::FetchKeyPackageRequest*,
                                 v1::FetchKeyPackageResponse*) override;
    grpc::Status CountKeyPackages(grpc::ServerContext*, const v1::CountKeyPackagesRequest*,
                                  v1::CountKeyPackagesResponse*) override;
    grpc::Status CreateGroup(grpc::ServerContext*, const v1::CreateGroupRequest*,
                             v1::CreateGroupResponse*) override;
    grpc::Status GetGroup(grpc::ServerContext*, const v1::GetGroupRequest*,
                          v1::GetGroupResponse*) override;
    grpc::ServerUnaryReactor* SendCommit(grpc::CallbackServerContext*, const v1::SendCommitRequest*,
                                         v1::SendCommitResponse*) override;
    grpc::ServerUnaryReactor* SendMessage(grpc::CallbackServerContext*,
                                          const v1::SendMessageRequest*,
                                          v1::SendMessageResponse*) override;
    grpc::ServerWriteReactor<v1::Delivery>* Subscribe(grpc::CallbackServerContext*,
                                                      const v1::SubscribeRequest*) override;
    grpc::Status Ack(grpc::ServerContext*, const v1::AckRequest*, v1::AckResponse*) override;
    grpc::Status PublishRevocationList(grpc::ServerContext*,
                                       const v1::PublishRevocationListRequest*,
                                       v1::PublishRevocationListResponse*) override;

  private:
    class Stream;
    struct Caller {
        Session session;
        Bytes token_hash;
    };
    // Checks the session token and the rate limit; fills `caller` or returns the error.
    grpc::Status authenticate(grpc::ServerContextBase* ctx, Caller& caller);

    // The one wrapper of every RPC handler (service.cpp, "The handler wrapper"): admit
    // the call (authenticate when it needs a session, refuse during shutdown), run the
    // body, log the outcome without ids or payloads, answer INTERNAL on an exception.
    enum class Auth { none, session };
    grpc::Status admit(grpc::ServerContextBase* ctx, Auth auth, Caller& caller);
    template <class Body>
    grpc::Status handle(const char* method, grpc::ServerContextBase* ctx, Auth auth, Body&& body);
    class Reply;
    template <class Body>
    grpc::ServerUnaryReactor* handle_async(const char* method, grpc::CallbackServerContext* ctx,
                                           Auth auth, Body&& body);
    // Logs an exception that escaped a handler (its type, never its text) and returns
    // INTERNAL; `e` is null for a non-standard exception.
    grpc::Status internal_error(const char* method, const std::exception* e);
    // Logs a failed call (rate-limited unless `authenticated`) and returns `st`.
    grpc::Status finish(const char* method, grpc::ServerContextBase* ctx, const grpc::Status& st,
                        bool authenticated);
    // The one mapping of a StoreError to a status code.
    grpc::Status from_store(grpc::ServerContextBase* ctx, const StoreError& e);
    // Validates a SendMessage request; fills `out` or returns the error.
    grpc::Status prepare_message(const v1::SendMessageRequest* req, const Bytes& sender,
                                 MessageRequest& out);

    RelayConfig config_;
    Storage& storage_;
    cert::TrustStore& trust_;
    Logger& log_;
    Clock clock_;
    MailboxHub hub_;

    // Stateless challenges (GetChallenge keeps nothing): expiry || random || MAC under a
    // key that lives only in this process. Register checks the MAC and the expiry, then
    // remembers the challenge as used until it expires, in buckets by expiry second, so
    // neither call scans anything.
    crypto::SecretBytes challenge_key_;
    std::mutex challenge_mu_;
    std::map<std::int64_t, std::set<Bytes>> used_challenges_;  // expiry -> used challenges
    std::size_t used_challenge_count_ = 0;
    // Consumes one token of `key`'s bucket in `buckets` (rate per second, burst); false
    // when empty. The map is bounded (cleared past kMaxBuckets: a refill, not a leak).
    struct Bucket;
    bool take_token(std::map<Bytes, Bucket>& buckets, const Bytes& key, double rate, double burst);
    // Fixed-window counters (one hour, relay clock) for KeyPackage fetches, keyed by
    // target or by requester || target; guarded by rate_mu_.
    struct Window {
        std::int64_t start = 0;
        std::uint64_t count = 0;
    };
    Window& current_window(std::map<Bytes, Window>& windows, const Bytes& key, std::int64_t now);
    std::map<Bytes, Window> fetch_pair_windows_;    // requester || target
    std::map<Bytes, Window> fetch_target_windows_;  // target
    // Failure logs of calls without an authenticated device (and rate-limit failures)
    // are limited to kLogLinesPerWindow per window; the rest are counted and reported in
    // one "rpc_failed_suppressed" line when the next window starts.
    std::mutex log_mu_;
    std::int64_t log_window_ = 0;
    std::uint64_t log_lines_ = 0;
    std::map<std::string, std::uint64_t> log_suppressed_;  // "method code" -> count

    // Recently validated sessions, so a busy device does not cost a database read per
    // call. Entries live briefly; revocation is still checked on every call (in memory).
    struct CachedSession {
        Session session;
        std::chrono::steady_clock::time_point cached_at;
    };
    std::mutex session_mu_;
    std::map<Bytes, CachedSession> session_cache_;
    std::uint64_t session_generation_ = 0;  // bumped whenever sessions are ended

    // Open Subscribe streams by device (oldest first), at most max_streams_per_device
    // each; the stream workers each drive a fixed share of the streams.
    struct StreamWorker {
        std::mutex mu;
        std::condition_variable cv;
        std::deque<std::shared_ptr<Stream>> queue;
        bool stop = false;
        std::thread thread;
    };
    void schedule(const std::shared_ptr<Stream>& stream);
    void worker_loop(StreamWorker& w);
    void watch_loop();
    void register_stream(const std::shared_ptr<Stream>& stream);
    void unregister_stream(const Stream* stream);
    // Ends every open stream for which `pred` holds, with `status`.
    void end_streams(const std::function<bool(const Stream&)>& pred, const grpc::Status& status);
    void forget_sessions(const std::vector<Bytes>& token_hashes);

    std::mutex streams_mu_;
    std::map<Bytes, std::vector<std::shared_ptr<Stream>>> streams_;
    std::uint64_t next_stream_id_ = 0;
    std::vector<std::unique_ptr<StreamWorker>> workers_;
    // Ends streams whose session expired (one thread for all streams).
    std::mutex watch_mu_;
    std::condition_variable watch_cv_;
    bool watch_stop_ = false;
    std::thread watcher_;
    // Serialises revocation-list installs, so memory and the database agree on the
    // newest list.
    std::mutex revocation_mu_;
    // Set by the storage's revocation listener: another node stored a list; the watch
    // thread installs it (guarded by watch_mu_).
    bool revocations_stale_ = false;
    void install_stored_revocation_lists();
    // After a list is installed in the trust store: the session cache is dropped and
    // every open stream of a certificate it revokes ends.
    void end_revoked(const cert::v1::RevocationListBody& body);

    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point last;
    };
    std::mutex rate_mu_;
    std::map<Bytes, Bucket> buckets_;  // keyed by device id: all its sessions share one
    std::map<Bytes, Bucket> create_group_buckets_;
    std::map<Bytes, Bucket> list_devices_buckets_;
    std::map<Bytes, Bucket> fetch_buckets_;
};

// grpc.health.v1.Health: SERVING until shutdown begins.
class HealthService final : public grpc::health::v1::Health::Service {
  public:
    grpc::Status Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
                       grpc::health::v1::HealthCheckResponse*) override;
    grpc::Status Watch(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest*,
                       grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>*) override;
    void set_serving(bool serving) { serving_ = serving; }

  private:
    std::atomic<bool> serving_{true};
};

}  // namespace lagrum::relay
