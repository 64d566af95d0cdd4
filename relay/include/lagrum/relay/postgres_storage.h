// PostgreSQL backend for the relay (libpq), for several relay nodes on one database.
//
// Same semantics as SqliteStorage, made safe for concurrent nodes by the database:
//  - every write is one transaction on one of `pool_size` writer connections (each on
//    its own thread), acknowledged only after COMMIT; a deadlock or serialization
//    failure is retried;
//  - one Commit per epoch: the group row is locked (FOR UPDATE) and its epoch advanced by
//    compare-and-set; sends take the row FOR SHARE, so a send and a Commit of the same
//    group never interleave;
//  - mailbox seqs come from a per-device counter (mailbox_usage.last_seq) updated under
//    the row lock in the fan-out transaction, so each device's seqs are contiguous and
//    commit in seq order: a reader never sees seq n+1 before seq n;
//  - one-time KeyPackages are consumed with DELETE ... FOR UPDATE SKIP LOCKED;
//  - TTL expiry runs on one node at a time (pg_try_advisory_xact_lock);
//  - numbered migrations in schema_migrations, each in one transaction, under an
//    advisory lock so nodes starting together migrate once.
//
// Live hand-off across nodes: each fan-out NOTIFYs `lagrum_mailbox` (node id and
// envelope row) in its transaction; one connection per node LISTENs, reads the rows
// other nodes committed and reports them to the commit listener. One thread (the
// notifier) makes every listener call, local and remote, and keeps per device the
// highest seq reported; a row past a gap first reads the gap from the database, so a
// device's rows are reported in seq order, once each. After the LISTEN connection was
// lost (notifications missed) it reconnects and compares every device's counter with
// what it reported; the same check runs every kSafetyNetSeconds as a safety net.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lagrum/relay/reader_pool.h"
#include "lagrum/relay/storage.h"

namespace lagrum::relay {

class PgConn;

class PostgresStorage final : public Storage {
  public:
    // Connects, migrates and starts the writer threads and the notifier. Throws
    // std::runtime_error with the server's message if that fails (startup only).
    PostgresStorage(const std::string& conninfo, StorageLimits limits, std::size_t pool_size = 4);
    ~PostgresStorage() override;

    static constexpr int kSchemaVersion = 2;
    static constexpr int kSafetyNetSeconds = 30;
    int schema_version();
    // True for "postgresql://..." and "postgres://..." (a database URI, not a file).
    static bool is_uri(const std::string& database);

    StoreResult<Unit> put_device(const DeviceRecord& device) override;
    StoreResult<std::vector<DeviceRecord>> list_devices(const std::string& organisation_id,
                                                        const std::string& member_id) override;
    StoreResult<std::vector<Bytes>> put_session(ByteView token_hash,
                                                const Session& session) override;
    StoreResult<std::optional<Session>> find_session(ByteView token_hash,
                                                     std::int64_t now) override;
    StoreResult<std::uint64_t> revoke_sessions(const std::string& organisation_id,
                                               const std::vector<std::uint64_t>& serials,
                                               const std::vector<Bytes>& device_ids) override;
    StoreResult<std::uint64_t> store_revocation_list(const std::string& organisation_id,
                                                     std::uint64_t sequence, ByteView encoded_list,
                                                     const std::vector<std::uint64_t>& serials,
                                                     const std::vector<Bytes>& device_ids) override;
    StoreResult<std::vector<Bytes>> revocation_lists() override;
    StoreResult<std::uint64_t> end_organisation_sessions(
        const std::string& organisation_id) override;
    StoreResult<std::uint64_t> publish_key_packages(
        ByteView device_id, const std::vector<Bytes>& one_time,
        const std::optional<Bytes>& last_resort) override;
    StoreResult<std::optional<KeyPackage>> fetch_key_package(ByteView device_id,
                                                             bool last_resort_only) override;
    StoreResult<KeyPackageCount> count_key_packages(ByteView device_id) override;
    StoreResult<Unit> create_group(ByteView group_id, ByteView creator, std::int64_t now) override;
    StoreResult<GroupState> get_group(ByteView group_id) override;
    StoreResult<SendResult> commit(const CommitRequest& request) override;
    void commit_async(CommitRequest request,
                      std::function<void(StoreResult<SendResult>)> done) override;
    StoreResult<SendResult> send(const MessageRequest& request) override;
    void send_async(MessageRequest request,
                    std::function<void(StoreResult<SendResult>)> done) override;
    StoreResult<std::vector<StoredDelivery>> read_mailbox(ByteView device_id,
                                                          std::uint64_t after_seq,
                                                          std::size_t max_count,
                                                          std::size_t max_bytes,
                                                          std::int64_t now) override;
    StoreResult<std::uint64_t> ack(ByteView device_id, std::uint64_t upto_seq) override;
    StoreResult<std::uint64_t> expire(std::int64_t now) override;
    void set_commit_listener(CommitListener listener) override;
    void set_revocation_listener(RevocationListener listener) override;
    void close() override;

    // Statistics for tests/benchmarks.
    std::uint64_t commits() const { return commits_.load(); }
    std::uint64_t retries() const { return retries_.load(); }
    std::uint64_t callback_errors() const { return callback_errors_.load(); }
    // Rows of other nodes reported to the listener, and notifier reconnects.
    std::uint64_t remote_rows() const { return remote_rows_.load(); }
    std::uint64_t listen_reconnects() const { return reconnects_.load(); }

  private:
    using Rows = std::vector<CommittedDelivery>;
    // A write: runs inside BEGIN; returns false to roll back. Adds its mailbox rows.
    struct Job {
        std::function<bool(PgConn&, Rows&)> run;
        std::function<void(const std::string*)> finish;  // null: committed
    };
    // A committed transaction with rows, reported (by the notifier) in the order its
    // slot was taken, which is before its COMMIT was sent.
    struct Slot {
        bool filled = false;
        Rows rows;
        std::function<void()> finish;
    };

    template <class T>
    void write_async(std::function<StoreResult<T>(PgConn&, Rows&)> fn,
                     std::function<void(StoreResult<T>)> done);
    template <class T>
    StoreResult<T> write(std::function<StoreResult<T>(PgConn&, Rows&)> fn);
    template <class T>
    StoreResult<T> read(const std::function<StoreResult<T>(PgConn&)>& fn);
    void worker_loop(PgConn& conn);
    void run_job(PgConn& conn, Job& job);

    StoreResult<SendResult> send_in(PgConn& c, const MessageRequest& req, Rows& rows);
    StoreResult<SendResult> commit_in(PgConn& c, const CommitRequest& req, Rows& rows);
    std::vector<Bytes> fan_out(PgConn& c, const std::vector<Bytes>& recipients,
                               ByteView envelope_id, ByteView group_id, DeliveryKind kind,
                               ByteView sender, std::uint64_t epoch, ByteView payload,
                               std::int64_t now, Rows& rows);

    // Notifier thread.
    void notifier_loop();
    bool listen_connect();
    std::string listen_sql() const;
    // Notifications read so far, handled together (one batch of queries).
    void handle_notifications(const std::vector<std::string>& payloads);
    void read_envelopes(const std::vector<std::int64_t>& envelopes);
    static constexpr std::size_t kNotifyBatch = 512;
    // Reports rows (seq order per device), filling gaps from the database first.
    void report(Rows rows);
    bool read_gap(const Bytes& device, std::uint64_t after, std::uint64_t upto, Rows& out);
    void recover();
    void wake_notifier();

    std::string conninfo_;
    StorageLimits limits_;
    std::string node_id_;  // random per process: tells our own notifications apart
    std::string schema_;   // where the tables are (current_schema())
    std::string channel_;  // NOTIFY channel of this schema

    std::vector<std::unique_ptr<PgConn>> writer_conns_;
    std::vector<std::thread> workers_;
    mutable std::mutex queue_mu_;
    std::condition_variable queue_cv_;
    std::deque<Job> queue_;
    bool closing_ = false;
    bool closed_ = false;

    ReaderPool<PgConn> readers_;

    std::mutex slot_mu_;
    std::deque<std::shared_ptr<Slot>> slots_;
    int wake_fd_ = -1;  // eventfd: a slot was filled, or stop
    std::atomic<bool> notifier_stop_{false};
    std::thread notifier_;
    std::unique_ptr<PgConn> listen_conn_;
    std::map<Bytes, std::uint64_t> reported_;  // device -> highest seq reported (notifier)
    bool need_recovery_ = false;
    // kSafetyNetSeconds, or the test-only LAGRUM_RELAY_PG_SAFETY_NET_SECONDS (0: off, so a
    // test sees a lost wake-up instead of a delivery 30 s late).
    int safety_net_seconds_ = kSafetyNetSeconds;

    std::mutex listener_mu_;
    CommitListener listener_;
    std::mutex revocation_listener_mu_;
    RevocationListener revocation_listener_;
    void notify_revocations();

    std::atomic<std::uint64_t> commits_{0};
    std::atomic<std::uint64_t> retries_{0};
    std::atomic<std::uint64_t> callback_errors_{0};
    std::atomic<std::uint64_t> remote_rows_{0};
    std::atomic<std::uint64_t> reconnects_{0};
};

}  // namespace lagrum::relay
