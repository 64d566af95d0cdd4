// SQLite backend for the relay (plain libsqlite3, never SQLCipher: the relay stores only
// ciphertext and metadata, and the two libraries must not share a binary).
//
// Durability: WAL journal with synchronous=FULL. All writes go through one writer thread
// that batches whatever is queued into one transaction (group commit), each request in
// its own SAVEPOINT so one failing request does not undo the others; callers are
// released only after COMMIT returned. Reads use a small pool of separate connections
// (WAL lets them run beside the writer).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "lagrum/relay/reader_pool.h"
#include "lagrum/relay/storage.h"

struct sqlite3;

namespace lagrum::relay {

class Db;

class SqliteStorage final : public Storage {
  public:
    // Opens (creating if needed) and migrates the database. Throws std::runtime_error
    // with SQLite's message if that fails (startup only).
    SqliteStorage(const std::string& path, StorageLimits limits);
    ~SqliteStorage() override;

    static constexpr int kSchemaVersion = 4;
    int schema_version();

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
    void close() override;

    // Statistics for tests/benchmarks: transactions committed, requests in them.
    std::uint64_t commits() const;
    std::uint64_t batched_requests() const;
    // Completion callbacks (commit listener, callers' done) that threw and were caught.
    std::uint64_t callback_errors() const { return callback_errors_.load(); }

  private:
    struct Op {
        std::function<bool(Db&)> run;                    // false: roll back this op
        std::function<void(const std::string*)> finish;  // null: committed
    };
    template <class T>
    StoreResult<T> write(std::function<StoreResult<T>(Db&)> fn);
    // Queues fn; `done` gets the result after COMMIT (on the completer thread).
    template <class T>
    void write_async(std::function<StoreResult<T>(Db&)> fn,
                     std::function<void(StoreResult<T>)> done);
    StoreResult<SendResult> send_in(Db& db, const MessageRequest& req);
    StoreResult<SendResult> commit_in(Db& db, const CommitRequest& req);
    template <class T>
    StoreResult<T> read(const std::function<StoreResult<T>(Db&)>& fn);
    void writer_loop();
    void checkpoint_loop();
    static int wal_hook(void* self, sqlite3* db, const char* name, int pages);
    // Stores one delivery per recipient with room for it; returns the recipients
    // skipped for lack of room (never fails for quota).
    std::vector<Bytes> fan_out(Db& db, const std::vector<Bytes>& recipients, ByteView envelope_id,
                               ByteView group_id, DeliveryKind kind, ByteView sender,
                               std::uint64_t epoch, ByteView payload, std::int64_t now);

    std::string path_;
    StorageLimits limits_;
    std::unique_ptr<Db> writer_db_;

    mutable std::mutex queue_mu_;
    std::condition_variable queue_cv_;
    std::deque<Op> queue_;
    bool closing_ = false;
    std::uint64_t commits_ = 0;
    std::uint64_t batched_ = 0;
    std::thread writer_;

    // Rows added by the transaction being built (writer thread only); handed to the
    // listener after COMMIT, trimmed when an op rolls back to its savepoint.
    std::vector<CommittedDelivery> pending_;

    // Finished transactions, answered in commit order by the completer thread.
    struct Completed {
        std::vector<Op> ops;
        std::vector<CommittedDelivery> rows;
        bool ok = false;
        std::string error;
    };
    void completer_loop();
    std::mutex done_mu_;
    std::condition_variable done_cv_;
    std::deque<Completed> done_;
    bool done_stop_ = false;
    std::thread completer_;
    std::mutex listener_mu_;
    CommitListener listener_;
    std::atomic<std::uint64_t> callback_errors_{0};
    std::atomic<bool> has_listener_{false};

    std::unique_ptr<Db> checkpoint_db_;
    std::mutex ckpt_mu_;
    std::condition_variable ckpt_cv_;
    bool ckpt_wanted_ = false;
    bool ckpt_stop_ = false;
    std::thread checkpointer_;

    ReaderPool<Db> readers_;
};

}  // namespace lagrum::relay
