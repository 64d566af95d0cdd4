#include "lagrum/relay/sqlite_storage.h"

#include <pthread.h>
#include <sqlite3.h>

#include <algorithm>
#include <future>
#include <map>
#include <set>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace lagrum::relay {
namespace {

constexpr std::size_t kMaxBatch = 512;
constexpr std::size_t kMaxReaders = 8;
constexpr int kCheckpointPages = 1000;

// Versioned migrations: index i moves the schema from version i to i + 1. Never edit
// an applied step; append a new one.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE devices(
  device_id BLOB PRIMARY KEY,
  organisation_id TEXT NOT NULL,
  member_id TEXT NOT NULL,
  serial INTEGER NOT NULL,
  registered_at INTEGER NOT NULL);
CREATE INDEX devices_member ON devices(organisation_id, member_id);
CREATE TABLE sessions(
  token_hash BLOB PRIMARY KEY,
  device_id BLOB NOT NULL,
  organisation_id TEXT NOT NULL,
  serial INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX sessions_device ON sessions(device_id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE TABLE key_packages(
  id INTEGER PRIMARY KEY,
  device_id BLOB NOT NULL,
  data BLOB NOT NULL);
CREATE INDEX key_packages_device ON key_packages(device_id, id);
CREATE TABLE last_resort(device_id BLOB PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE groups(
  group_id BLOB PRIMARY KEY,
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE group_members(
  group_id BLOB NOT NULL,
  device_id BLOB NOT NULL,
  PRIMARY KEY(group_id, device_id)) WITHOUT ROWID;
CREATE TABLE envelopes(id INTEGER PRIMARY KEY, payload BLOB NOT NULL);
CREATE TABLE mailbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id BLOB NOT NULL,
  envelope INTEGER NOT NULL,
  envelope_id BLOB NOT NULL,
  group_id BLOB NOT NULL,
  kind INTEGER NOT NULL,
  sender BLOB NOT NULL,
  epoch INTEGER NOT NULL,
  size INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE INDEX mailbox_device ON mailbox(device_id, seq);
CREATE INDEX mailbox_expiry ON mailbox(expires_at);
CREATE INDEX mailbox_envelope ON mailbox(envelope);
CREATE TABLE mailbox_usage(
  device_id BLOB PRIMARY KEY,
  count INTEGER NOT NULL,
  bytes INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE accepted(
  sender BLOB NOT NULL,
  envelope_id BLOB NOT NULL,
  recipients INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY(sender, envelope_id)) WITHOUT ROWID;
CREATE INDEX accepted_expiry ON accepted(expires_at);
)sql",
    // 2: installed revocation lists survive a restart (one per organisation, the newest),
    // and sessions are ended per organisation.
    R"sql(
CREATE TABLE revocation_lists(
  organisation_id TEXT PRIMARY KEY,
  sequence INTEGER NOT NULL,
  list BLOB NOT NULL);
CREATE INDEX sessions_organisation ON sessions(organisation_id, serial);
)sql",
    // 3: abuse bounds. Per-sender usage of each mailbox (a sender's share, fan_out), the
    // creator of each group (groups still at epoch 0 are bounded per creator).
    R"sql(
CREATE TABLE mailbox_sender_usage(
  device_id BLOB NOT NULL,
  sender BLOB NOT NULL,
  count INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  PRIMARY KEY(device_id, sender)) WITHOUT ROWID;
INSERT INTO mailbox_sender_usage(device_id, sender, count, bytes)
  SELECT device_id, sender, count(*), sum(size) FROM mailbox GROUP BY device_id, sender;
ALTER TABLE groups ADD COLUMN created_by BLOB;
CREATE INDEX groups_creator ON groups(created_by, epoch);
)sql",
    // 4: the epoch from which each member is in the group (the epoch its adding Commit
    // leads to; 0 for the creator): an application message of epoch E goes only to the
    // members in the group since E or earlier, so a member added later does not learn
    // the size and time of messages from before it joined. Members stored before this
    // step count from 0 (they get what they got before).
    R"sql(
ALTER TABLE group_members ADD COLUMN since_epoch INTEGER NOT NULL DEFAULT 0;
)sql",
};
constexpr int kMigrationCount = static_cast<int>(std::size(kMigrations));
static_assert(kMigrationCount == SqliteStorage::kSchemaVersion);

StoreError internal(const std::string& what) {
    return StoreError{StoreErrc::internal, what};
}

}  // namespace

class Stmt;

// One SQLite connection plus its prepared-statement cache.
class Db {
  public:
    explicit Db(const std::string& path) {
        int rc = sqlite3_open_v2(path.c_str(), &db_,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
        if (rc != SQLITE_OK) {
            std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
            sqlite3_close(db_);
            db_ = nullptr;
            throw std::runtime_error("cannot open database " + path + ": " + msg);
        }
        sqlite3_busy_timeout(db_, 10000);
        sqlite3_extended_result_codes(db_, 1);
    }
    ~Db() {
        for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
        sqlite3_close_v2(db_);
    }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    // Runs SQL without results; throws on error (setup, transaction control).
    void exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            std::string msg = err ? err : "unknown error";
            sqlite3_free(err);
            throw std::runtime_error(std::string("sqlite: ") + msg);
        }
    }
    bool try_exec(const char* sql, std::string& error) {
        try {
            exec(sql);
            return true;
        } catch (const std::exception& e) {
            error = e.what();
            return false;
        }
    }

    sqlite3_stmt* prepare(std::string_view sql) {
        auto it = cache_.find(sql);
        if (it != cache_.end()) return it->second;
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                               SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db_));
        }
        cache_.emplace(std::string(sql), stmt);
        return stmt;
    }
    std::int64_t changes() const { return sqlite3_changes(db_); }
    std::int64_t last_rowid() const { return sqlite3_last_insert_rowid(db_); }
    const char* errmsg() const { return sqlite3_errmsg(db_); }
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
    // Keyed by the SQL text, so a caller passing a built string (not a literal) gets
    // the right statement and never grows the cache per call. Transparent lookup: no
    // std::string is built for a hit.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };
    std::unordered_map<std::string, sqlite3_stmt*, TextHash, std::equal_to<>> cache_;
};

// A cached statement in use; resets and clears bindings when it goes out of scope.
class Stmt {
  public:
    Stmt(Db& db, std::string_view sql) : db_(db), s_(db.prepare(sql)) {}
    ~Stmt() {
        sqlite3_reset(s_);
        sqlite3_clear_bindings(s_);
    }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    Stmt& bind(int i, ByteView b) {
        // SQLITE_STATIC is safe: the caller's buffer outlives the statement's use here.
        check(sqlite3_bind_blob64(s_, i, b.empty() ? "" : static_cast<const void*>(b.data()),
                                  b.size(), SQLITE_STATIC));
        return *this;
    }
    Stmt& bind(int i, const std::string& s) {
        check(sqlite3_bind_text64(s_, i, s.data(), s.size(), SQLITE_STATIC, SQLITE_UTF8));
        return *this;
    }
    Stmt& bind(int i, std::int64_t v) {
        check(sqlite3_bind_int64(s_, i, v));
        return *this;
    }
    Stmt& bind_u(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }

    // True while a row is available.
    bool step() {
        int rc = sqlite3_step(s_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw std::runtime_error(std::string("sqlite step: ") + db_.errmsg());
    }
    void run() {
        while (step()) {
        }
    }
    std::int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
    std::uint64_t u64(int col) const { return static_cast<std::uint64_t>(i64(col)); }
    Bytes blob(int col) const {
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(s_, col));
        const int n = sqlite3_column_bytes(s_, col);
        return p ? Bytes(p, p + n) : Bytes{};
    }
    std::string text(int col) const {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
        return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, col)))
                 : std::string{};
    }

  private:
    void check(int rc) {
        if (rc != SQLITE_OK) throw std::runtime_error(std::string("sqlite bind: ") + db_.errmsg());
    }
    Db& db_;
    sqlite3_stmt* s_;
};

SqliteStorage::SqliteStorage(const std::string& path, StorageLimits limits)
    : path_(path),
      limits_(limits),
      readers_(kMaxReaders, [this] { return std::make_unique<Db>(path_); }) {
    writer_db_ = std::make_unique<Db>(path);
    Db& db = *writer_db_;
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("PRAGMA synchronous=FULL");
    db.exec("PRAGMA foreign_keys=ON");
    // Savepoint sub-journals (one per request in a group commit) stay in memory; the
    // WAL, and so durability, is unaffected.
    db.exec("PRAGMA temp_store=MEMORY");
    // Deleted (acknowledged/expired) ciphertext is overwritten with zeros, also in freed
    // overflow pages (FAST left those, i.e. any payload larger than a page, on disk until
    // the page was reused). Costs a page write per freed page; the WAL frames holding the
    // old content are overwritten by later checkpoints and the WAL is truncated on a
    // clean shutdown.
    db.exec("PRAGMA secure_delete=ON");
    int version = schema_version();
    if (version > kSchemaVersion) {
        throw std::runtime_error("database schema version " + std::to_string(version) +
                                 " is newer than this relay (" + std::to_string(kSchemaVersion) +
                                 ")");
    }
    for (int v = version; v < kSchemaVersion; ++v) {
        db.exec("BEGIN IMMEDIATE");
        try {
            db.exec(kMigrations[v]);
            db.exec(("PRAGMA user_version=" + std::to_string(v + 1)).c_str());
            db.exec("COMMIT");
        } catch (...) {
            std::string ignored;
            db.try_exec("ROLLBACK", ignored);
            throw;
        }
    }
    // Checkpoints run on their own thread and connection so the writer (and everyone
    // waiting for a commit) never pays for copying the WAL back into the database.
    db.exec("PRAGMA wal_autocheckpoint=0");
    checkpoint_db_ = std::make_unique<Db>(path);
    sqlite3_wal_hook(db.handle(), &SqliteStorage::wal_hook, this);
    writer_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "relay-writer");  // for profilers / top -H
        writer_loop();
    });
    completer_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "relay-complete");
        completer_loop();
    });
    checkpointer_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "relay-ckpt");
        checkpoint_loop();
    });
}

SqliteStorage::~SqliteStorage() {
    close();
}

int SqliteStorage::schema_version() {
    Stmt s(*writer_db_, "PRAGMA user_version");
    return s.step() ? static_cast<int>(s.i64(0)) : 0;
}

void SqliteStorage::close() {
    {
        std::lock_guard lock(queue_mu_);
        if (closing_ && !writer_.joinable()) return;
        closing_ = true;
    }
    queue_cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    {
        std::lock_guard lock(done_mu_);
        done_stop_ = true;
    }
    done_cv_.notify_all();
    if (completer_.joinable()) completer_.join();
    {
        std::lock_guard lock(ckpt_mu_);
        ckpt_stop_ = true;
    }
    ckpt_cv_.notify_all();
    if (checkpointer_.joinable()) checkpointer_.join();
    // Everything is committed; fold the WAL into the database on a clean shutdown.
    if (writer_db_) {
        std::string ignored;
        writer_db_->try_exec("PRAGMA wal_checkpoint(TRUNCATE)", ignored);
    }
}

int SqliteStorage::wal_hook(void* self, sqlite3*, const char*, int pages) {
    auto* s = static_cast<SqliteStorage*>(self);
    if (pages >= kCheckpointPages) {
        std::lock_guard lock(s->ckpt_mu_);
        s->ckpt_wanted_ = true;
        s->ckpt_cv_.notify_one();
    }
    return SQLITE_OK;
}

void SqliteStorage::checkpoint_loop() {
    for (;;) {
        {
            std::unique_lock lock(ckpt_mu_);
            ckpt_cv_.wait(lock, [&] { return ckpt_stop_ || ckpt_wanted_; });
            if (ckpt_stop_) return;
            ckpt_wanted_ = false;
        }
        // PASSIVE never blocks the writer or readers; frames still in use are copied
        // by a later round.
        sqlite3_wal_checkpoint_v2(checkpoint_db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                  nullptr, nullptr);
    }
}

void SqliteStorage::set_commit_listener(CommitListener listener) {
    std::lock_guard lock(listener_mu_);
    listener_ = std::move(listener);
    has_listener_ = static_cast<bool>(listener_);
}

std::uint64_t SqliteStorage::commits() const {
    std::lock_guard lock(queue_mu_);
    return commits_;
}
std::uint64_t SqliteStorage::batched_requests() const {
    std::lock_guard lock(queue_mu_);
    return batched_;
}

void SqliteStorage::writer_loop() {
    Db& db = *writer_db_;
    for (;;) {
        std::vector<Op> batch;
        {
            std::unique_lock lock(queue_mu_);
            queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
            if (queue_.empty()) return;  // closing and drained
            while (!queue_.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        std::string error;
        bool ok = db.try_exec("BEGIN IMMEDIATE", error);
        if (ok) {
            try {
                for (auto& op : batch) {
                    const std::size_t mark = pending_.size();
                    Stmt(db, "SAVEPOINT op").run();
                    bool keep = false;
                    try {
                        keep = op.run(db);
                    } catch (const std::exception& e) {
                        // run() converts its own errors; this is the last line of defence.
                        keep = false;
                    }
                    if (!keep) {
                        Stmt(db, "ROLLBACK TO op").run();
                        pending_.resize(mark);  // those rows no longer exist
                    }
                    Stmt(db, "RELEASE op").run();
                }
            } catch (const std::exception& e) {
                error = e.what();
                ok = false;
            }
            if (ok) ok = db.try_exec("COMMIT", error);
            if (!ok) {
                std::string ignored;
                db.try_exec("ROLLBACK", ignored);
            }
        }
        {
            std::lock_guard lock(queue_mu_);
            ++commits_;
            batched_ += batch.size();
        }
        // Callers are answered on another thread so the next transaction can start
        // while this one's callers and streams are served.
        Completed c{std::move(batch), {}, ok, std::move(error)};
        if (ok) c.rows.swap(pending_);
        pending_.clear();
        {
            std::lock_guard lock(done_mu_);
            done_.push_back(std::move(c));
        }
        done_cv_.notify_one();
    }
}

void SqliteStorage::completer_loop() {
    for (;;) {
        std::deque<Completed> ready;
        {
            std::unique_lock lock(done_mu_);
            done_cv_.wait(lock, [&] { return done_stop_ || !done_.empty(); });
            if (done_.empty()) return;  // stopping and drained
            ready.swap(done_);
        }
        for (auto& c : ready) {
            // Durable now: report the rows before any caller learns its write succeeded,
            // so a stream never misses a delivery whose sender has already been answered.
            // A throwing callback must not end this thread (std::terminate would take the
            // relay down); the next callbacks still run.
            try {
                if (!c.rows.empty()) {
                    std::lock_guard lock(listener_mu_);
                    if (listener_) listener_(c.rows);
                }
            } catch (...) {
                callback_errors_.fetch_add(1);
            }
            for (auto& op : c.ops) {
                try {
                    op.finish(c.ok ? nullptr : &c.error);
                } catch (...) {
                    callback_errors_.fetch_add(1);
                }
            }
        }
    }
}

template <class T>
void SqliteStorage::write_async(std::function<StoreResult<T>(Db&)> fn,
                                std::function<void(StoreResult<T>)> done) {
    auto slot = std::make_shared<std::optional<StoreResult<T>>>();
    Op op;
    op.run = [fn = std::move(fn), slot](Db& db) {
        try {
            slot->emplace(fn(db));
        } catch (const std::exception& e) {
            slot->emplace(internal(e.what()));
        }
        return (*slot)->ok();
    };
    op.finish = [done, slot](const std::string* commit_error) {
        if (commit_error) {
            done(internal("commit failed: " + *commit_error));
        } else {
            done(std::move(**slot));
        }
    };
    {
        std::lock_guard lock(queue_mu_);
        if (!closing_) {
            queue_.push_back(std::move(op));
            queue_cv_.notify_one();
            return;
        }
    }
    done(StoreError{StoreErrc::unavailable, "storage is closed"});
}

template <class T>
StoreResult<T> SqliteStorage::write(std::function<StoreResult<T>(Db&)> fn) {
    // The asynchronous path, waited for: one queueing and completion mechanism.
    auto promise = std::make_shared<std::promise<StoreResult<T>>>();
    auto future = promise->get_future();
    write_async<T>(std::move(fn),
                   [promise](StoreResult<T> r) { promise->set_value(std::move(r)); });
    return future.get();
}

template <class T>
StoreResult<T> SqliteStorage::read(const std::function<StoreResult<T>(Db&)>& fn) {
    return readers_.read<T>(fn);
}

StoreResult<Unit> SqliteStorage::put_device(const DeviceRecord& d) {
    return write<Unit>([&d](Db& db) -> StoreResult<Unit> {
        Stmt s(db,
               "INSERT OR REPLACE INTO devices(device_id, organisation_id, member_id, serial, "
               "registered_at) VALUES(?,?,?,?,?)");
        s.bind(1, d.device_id).bind(2, d.organisation_id).bind(3, d.member_id);
        s.bind_u(4, d.serial).bind(5, d.registered_at).run();
        return Unit{};
    });
}

StoreResult<std::vector<DeviceRecord>> SqliteStorage::list_devices(const std::string& org,
                                                                   const std::string& member) {
    return read<std::vector<DeviceRecord>>([&](Db& db) -> StoreResult<std::vector<DeviceRecord>> {
        Stmt s(db,
               "SELECT device_id, serial, registered_at FROM devices WHERE organisation_id=? "
               "AND member_id=? ORDER BY device_id LIMIT 64");
        s.bind(1, org).bind(2, member);
        std::vector<DeviceRecord> out;
        while (s.step()) out.push_back(DeviceRecord{s.blob(0), org, member, s.u64(1), s.i64(2)});
        return out;
    });
}

StoreResult<std::vector<Bytes>> SqliteStorage::put_session(ByteView token_hash,
                                                           const Session& session) {
    return write<std::vector<Bytes>>([&](Db& db) -> StoreResult<std::vector<Bytes>> {
        Stmt s(db,
               "INSERT INTO sessions(token_hash, device_id, organisation_id, serial, expires_at) "
               "VALUES(?,?,?,?,?)");
        s.bind(1, token_hash).bind(2, session.device_id).bind(3, session.organisation_id);
        s.bind_u(4, session.serial).bind(5, session.expires_at).run();
        // Oldest first (rowid: insertion order); everything past the newest
        // max_sessions_per_device ends. The bound keeps this list short.
        std::vector<Bytes> ended;
        {
            Stmt old(db,
                     "SELECT token_hash FROM sessions WHERE device_id=? ORDER BY rowid DESC "
                     "LIMIT -1 OFFSET ?");
            old.bind(1, session.device_id).bind_u(2, limits_.max_sessions_per_device);
            while (old.step()) ended.push_back(old.blob(0));
        }
        for (const auto& t : ended) {
            Stmt d(db, "DELETE FROM sessions WHERE token_hash=?");
            d.bind(1, t).run();
        }
        return ended;
    });
}

StoreResult<std::optional<Session>> SqliteStorage::find_session(ByteView token_hash,
                                                                std::int64_t now) {
    return read<std::optional<Session>>([&](Db& db) -> StoreResult<std::optional<Session>> {
        Stmt s(db,
               "SELECT device_id, organisation_id, serial, expires_at FROM sessions "
               "WHERE token_hash=? AND expires_at>?");
        s.bind(1, token_hash).bind(2, now);
        if (!s.step()) return std::optional<Session>{};
        Session out{s.blob(0), s.text(1), s.u64(2), s.i64(3)};
        return std::optional<Session>{std::move(out)};
    });
}

StoreResult<std::uint64_t> SqliteStorage::revoke_sessions(const std::string& org,
                                                          const std::vector<std::uint64_t>& serials,
                                                          const std::vector<Bytes>& device_ids) {
    return write<std::uint64_t>([&](Db& db) -> StoreResult<std::uint64_t> {
        std::uint64_t n = 0;
        for (auto serial : serials) {
            Stmt s(db, "DELETE FROM sessions WHERE organisation_id=? AND serial=?");
            s.bind(1, org).bind_u(2, serial).run();
            n += static_cast<std::uint64_t>(db.changes());
        }
        for (const auto& id : device_ids) {
            // Scoped to the signing organisation: a list can only name its own devices.
            Stmt s(db, "DELETE FROM sessions WHERE organisation_id=? AND device_id=?");
            s.bind(1, org).bind(2, id).run();
            n += static_cast<std::uint64_t>(db.changes());
        }
        return n;
    });
}

StoreResult<std::uint64_t> SqliteStorage::store_revocation_list(
    const std::string& org, std::uint64_t sequence, ByteView encoded_list,
    const std::vector<std::uint64_t>& serials, const std::vector<Bytes>& device_ids) {
    return write<std::uint64_t>([&](Db& db) -> StoreResult<std::uint64_t> {
        {
            Stmt q(db, "SELECT sequence FROM revocation_lists WHERE organisation_id=?");
            q.bind(1, org);
            if (q.step() && q.u64(0) >= sequence) {
                return StoreError{StoreErrc::stale,
                                  "revocation list is not newer than the stored one"};
            }
        }
        Stmt put(db,
                 "INSERT OR REPLACE INTO revocation_lists(organisation_id, sequence, list) "
                 "VALUES(?,?,?)");
        put.bind(1, org).bind_u(2, sequence).bind(3, encoded_list).run();
        // The list and the end of the sessions it revokes commit together.
        std::uint64_t n = 0;
        for (auto serial : serials) {
            Stmt s(db, "DELETE FROM sessions WHERE organisation_id=? AND serial=?");
            s.bind(1, org).bind_u(2, serial).run();
            n += static_cast<std::uint64_t>(db.changes());
        }
        for (const auto& id : device_ids) {
            Stmt s(db, "DELETE FROM sessions WHERE organisation_id=? AND device_id=?");
            s.bind(1, org).bind(2, id).run();
            n += static_cast<std::uint64_t>(db.changes());
        }
        return n;
    });
}

StoreResult<std::vector<Bytes>> SqliteStorage::revocation_lists() {
    return read<std::vector<Bytes>>([](Db& db) -> StoreResult<std::vector<Bytes>> {
        Stmt s(db, "SELECT list FROM revocation_lists ORDER BY organisation_id");
        std::vector<Bytes> out;
        while (s.step()) out.push_back(s.blob(0));
        return out;
    });
}

StoreResult<std::uint64_t> SqliteStorage::end_organisation_sessions(const std::string& org) {
    return write<std::uint64_t>([&](Db& db) -> StoreResult<std::uint64_t> {
        Stmt s(db, "DELETE FROM sessions WHERE organisation_id=?");
        s.bind(1, org).run();
        return static_cast<std::uint64_t>(db.changes());
    });
}

StoreResult<std::uint64_t> SqliteStorage::publish_key_packages(
    ByteView device_id, const std::vector<Bytes>& one_time,
    const std::optional<Bytes>& last_resort) {
    const auto max = limits_.max_key_packages;
    const auto max_bytes = limits_.key_package_store_bytes;
    return write<std::uint64_t>([&, max, max_bytes](Db& db) -> StoreResult<std::uint64_t> {
        std::uint64_t have = 0, have_bytes = 0;
        {
            // length() of a BLOB reads its header only, not the data.
            Stmt c(db,
                   "SELECT count(*), coalesce(sum(length(data)),0) FROM key_packages "
                   "WHERE device_id=?");
            c.bind(1, device_id);
            if (c.step()) {
                have = c.u64(0);
                have_bytes = c.u64(1);
            }
        }
        if (have + one_time.size() > max) {
            return StoreError{StoreErrc::quota_exceeded,
                              "too many one-time KeyPackages (limit " + std::to_string(max) + ")"};
        }
        // Bytes: the one-time packages after this call plus the last-resort package
        // (the new one, or the one kept).
        std::uint64_t total = have_bytes;
        for (const auto& kp : one_time) total += kp.size();
        if (last_resort) {
            total += last_resort->size();
        } else {
            Stmt l(db, "SELECT length(data) FROM last_resort WHERE device_id=?");
            l.bind(1, device_id);
            if (l.step()) total += l.u64(0);
        }
        if (total > max_bytes) {
            return StoreError{StoreErrc::quota_exceeded, "KeyPackages of this device exceed " +
                                                             std::to_string(max_bytes) + " bytes"};
        }
        for (const auto& kp : one_time) {
            Stmt s(db, "INSERT INTO key_packages(device_id, data) VALUES(?,?)");
            s.bind(1, device_id).bind(2, kp).run();
        }
        if (last_resort) {
            Stmt s(db, "INSERT OR REPLACE INTO last_resort(device_id, data) VALUES(?,?)");
            s.bind(1, device_id).bind(2, *last_resort).run();
        }
        return have + one_time.size();
    });
}

StoreResult<std::optional<KeyPackage>> SqliteStorage::fetch_key_package(ByteView device_id,
                                                                        bool last_resort_only) {
    // A write even when it only reads the last-resort package: select-then-delete must
    // happen under the single writer so two fetchers can never get the same package.
    return write<std::optional<KeyPackage>>([&](Db& db) -> StoreResult<std::optional<KeyPackage>> {
        if (!last_resort_only) {
            Stmt s(db, "SELECT id, data FROM key_packages WHERE device_id=? ORDER BY id LIMIT 1");
            s.bind(1, device_id);
            if (s.step()) {
                const std::int64_t id = s.i64(0);
                KeyPackage kp{s.blob(1), false};
                Stmt d(db, "DELETE FROM key_packages WHERE id=?");
                d.bind(1, id).run();
                if (db.changes() != 1) return internal("KeyPackage vanished");
                return std::optional<KeyPackage>{std::move(kp)};
            }
        }
        Stmt s(db, "SELECT data FROM last_resort WHERE device_id=?");
        s.bind(1, device_id);
        if (s.step()) return std::optional<KeyPackage>{KeyPackage{s.blob(0), true}};
        return std::optional<KeyPackage>{};
    });
}

StoreResult<KeyPackageCount> SqliteStorage::count_key_packages(ByteView device_id) {
    return read<KeyPackageCount>([&](Db& db) -> StoreResult<KeyPackageCount> {
        KeyPackageCount out;
        {
            Stmt c(db, "SELECT count(*) FROM key_packages WHERE device_id=?");
            c.bind(1, device_id);
            if (c.step()) out.one_time = c.u64(0);
        }
        Stmt l(db, "SELECT 1 FROM last_resort WHERE device_id=?");
        l.bind(1, device_id);
        out.has_last_resort = l.step();
        return out;
    });
}

StoreResult<Unit> SqliteStorage::create_group(ByteView group_id, ByteView creator,
                                              std::int64_t now) {
    const auto max_empty = limits_.max_empty_groups_per_device;
    return write<Unit>([&, max_empty](Db& db) -> StoreResult<Unit> {
        {
            // Squatting bound: a group nobody has committed to yet (epoch 0, only its
            // creator) counts against its creator; the first Commit frees the slot.
            Stmt q(db, "SELECT count(*) FROM groups WHERE created_by=? AND epoch=0");
            q.bind(1, creator);
            if (q.step() && q.u64(0) >= max_empty) {
                return StoreError{
                    StoreErrc::quota_exceeded,
                    "too many groups without a Commit (limit " + std::to_string(max_empty) + ")"};
            }
        }
        {
            Stmt e(db, "SELECT 1 FROM groups WHERE group_id=?");
            e.bind(1, group_id);
            if (e.step()) return StoreError{StoreErrc::already_exists, "group exists"};
        }
        Stmt g(db, "INSERT INTO groups(group_id, epoch, created_at, created_by) VALUES(?,0,?,?)");
        g.bind(1, group_id).bind(2, now).bind(3, creator).run();
        Stmt m(db, "INSERT INTO group_members(group_id, device_id) VALUES(?,?)");
        m.bind(1, group_id).bind(2, creator).run();
        return Unit{};
    });
}

namespace {

std::optional<std::uint64_t> group_epoch(Db& db, ByteView group_id) {
    Stmt s(db, "SELECT epoch FROM groups WHERE group_id=?");
    s.bind(1, group_id);
    if (!s.step()) return std::nullopt;
    return s.u64(0);
}

std::vector<Bytes> group_members(Db& db, ByteView group_id) {
    Stmt s(db, "SELECT device_id FROM group_members WHERE group_id=? ORDER BY device_id");
    s.bind(1, group_id);
    std::vector<Bytes> out;
    while (s.step()) out.push_back(s.blob(0));
    return out;
}

bool is_member(Db& db, ByteView group_id, ByteView device) {
    Stmt s(db, "SELECT 1 FROM group_members WHERE group_id=? AND device_id=?");
    s.bind(1, group_id).bind(2, device);
    return s.step();
}

// A previously accepted envelope from this sender (idempotent retries).
std::optional<SendResult> accepted(Db& db, ByteView sender, ByteView envelope_id) {
    Stmt s(db, "SELECT recipients, epoch FROM accepted WHERE sender=? AND envelope_id=?");
    s.bind(1, sender).bind(2, envelope_id);
    if (!s.step()) return std::nullopt;
    SendResult r;
    r.recipients = s.u64(0);
    r.epoch = s.u64(1);
    r.duplicate = true;
    return r;
}

void remember(Db& db, ByteView sender, ByteView envelope_id, const SendResult& r,
              std::int64_t expires_at) {
    Stmt s(db,
           "INSERT INTO accepted(sender, envelope_id, recipients, epoch, expires_at) "
           "VALUES(?,?,?,?,?)");
    s.bind(1, sender).bind(2, envelope_id).bind_u(3, r.recipients).bind_u(4, r.epoch);
    s.bind(5, expires_at).run();
}

}  // namespace

StoreResult<GroupState> SqliteStorage::get_group(ByteView group_id) {
    return read<GroupState>([&](Db& db) -> StoreResult<GroupState> {
        auto epoch = group_epoch(db, group_id);
        if (!epoch) return StoreError{StoreErrc::not_found, "unknown group"};
        return GroupState{*epoch, group_members(db, group_id)};
    });
}

std::vector<Bytes> SqliteStorage::fan_out(Db& db, const std::vector<Bytes>& recipients,
                                          ByteView envelope_id, ByteView group_id,
                                          DeliveryKind kind, ByteView sender, std::uint64_t epoch,
                                          ByteView payload, std::int64_t now) {
    // A full mailbox never blocks the others: each recipient is checked on its own and
    // skipped (reported, not failed) when there is no room. Three bounds (limits come
    // from the config, at most 2^40, so the products below cannot overflow):
    //  - the mailbox limit; messages stop short of it by the commit reserve, so Commits
    //    and Welcomes (what keeps a device in its groups, or removes it) still fit;
    //  - the sender's share: one sender device may hold at most share% of the mailbox,
    //    so no device on its own can fill another's (an attacker needs 100/share
    //    devices, each with a certificate its organisation can revoke).
    std::vector<Bytes> skipped;
    if (recipients.empty()) return skipped;
    const auto size = static_cast<std::int64_t>(payload.size());
    const bool may_use_reserve = kind != DeliveryKind::message;
    auto less_reserve = [&](std::uint64_t limit) {
        return may_use_reserve ? limit
                               : limit - limit * limits_.mailbox_commit_reserve_percent / 100;
    };
    auto share = [&](std::uint64_t limit) {
        return std::max<std::uint64_t>(1, limit * limits_.mailbox_sender_share_percent / 100);
    };
    const std::uint64_t max_count = less_reserve(limits_.mailbox_max_count);
    const std::uint64_t max_bytes = less_reserve(limits_.mailbox_max_bytes);
    const std::uint64_t share_count = share(limits_.mailbox_max_count);
    const std::uint64_t share_bytes = share(limits_.mailbox_max_bytes);
    std::vector<const Bytes*> to;
    to.reserve(recipients.size());
    for (const auto& r : recipients) {
        std::uint64_t count = 0, bytes = 0, sent = 0, sent_bytes = 0;
        {
            Stmt u(db, "SELECT count, bytes FROM mailbox_usage WHERE device_id=?");
            u.bind(1, r);
            if (u.step()) {
                count = u.u64(0);
                bytes = u.u64(1);
            }
        }
        {
            Stmt u(db,
                   "SELECT count, bytes FROM mailbox_sender_usage WHERE device_id=? AND sender=?");
            u.bind(1, r).bind(2, sender);
            if (u.step()) {
                sent = u.u64(0);
                sent_bytes = u.u64(1);
            }
        }
        if (count + 1 > max_count || bytes + payload.size() > max_bytes || sent + 1 > share_count ||
            sent_bytes + payload.size() > share_bytes) {
            skipped.push_back(r);
        } else {
            to.push_back(&r);
        }
    }
    if (to.empty()) return skipped;
    std::int64_t envelope = 0;
    {
        Stmt e(db, "INSERT INTO envelopes(payload) VALUES(?)");
        e.bind(1, payload).run();
        envelope = db.last_rowid();
    }
    const std::int64_t expires = now + limits_.ttl_seconds;
    std::shared_ptr<const DeliveryBody> body;
    if (has_listener_.load()) {
        body = std::make_shared<const DeliveryBody>(DeliveryBody{
            Bytes(envelope_id.begin(), envelope_id.end()), Bytes(group_id.begin(), group_id.end()),
            kind, Bytes(sender.begin(), sender.end()), epoch, Bytes(payload.begin(), payload.end()),
            now, expires});
    }
    for (const Bytes* rp : to) {
        const Bytes& r = *rp;
        Stmt m(db,
               "INSERT INTO mailbox(device_id, envelope, envelope_id, group_id, kind, sender, "
               "epoch, size, received_at, expires_at) VALUES(?,?,?,?,?,?,?,?,?,?)");
        m.bind(1, r).bind(2, envelope).bind(3, envelope_id).bind(4, group_id);
        m.bind(5, static_cast<std::int64_t>(kind)).bind(6, sender).bind_u(7, epoch);
        m.bind(8, size).bind(9, now).bind(10, expires).run();
        if (body) pending_.push_back({r, static_cast<std::uint64_t>(db.last_rowid()), body});
        Stmt u(db,
               "INSERT INTO mailbox_usage(device_id, count, bytes) VALUES(?,1,?) "
               "ON CONFLICT(device_id) DO UPDATE SET count=count+1, bytes=bytes+excluded.bytes");
        u.bind(1, r).bind(2, size).run();
        Stmt v(db,
               "INSERT INTO mailbox_sender_usage(device_id, sender, count, bytes) VALUES(?,?,1,?) "
               "ON CONFLICT(device_id, sender) DO UPDATE SET count=count+1, "
               "bytes=bytes+excluded.bytes");
        v.bind(1, r).bind(2, sender).bind(3, size).run();
    }
    return skipped;
}

StoreResult<SendResult> SqliteStorage::send_in(Db& db, const MessageRequest& req) {
    if (auto dup = accepted(db, req.sender, req.envelope_id)) return *dup;
    if (!group_epoch(db, req.group_id)) return StoreError{StoreErrc::not_found, "unknown group"};
    if (!is_member(db, req.group_id, req.sender)) {
        return StoreError{StoreErrc::not_member, "sender is not a member of the group"};
    }
    // Fan-out by the message's epoch (its MLS header's, parsed by the service): only the
    // members who were in the group in that epoch. A removed member has no row at all.
    std::vector<Bytes> recipients;
    {
        Stmt s(db,
               "SELECT device_id FROM group_members WHERE group_id=? AND since_epoch<=? "
               "ORDER BY device_id");
        // (An epoch past INT64_MAX, which no group reaches, counts as the newest.)
        s.bind(1, req.group_id)
            .bind_u(2, std::min<std::uint64_t>(req.epoch, static_cast<std::uint64_t>(INT64_MAX)));
        while (s.step()) {
            Bytes m = s.blob(0);
            if (m != req.sender) recipients.push_back(std::move(m));
        }
    }
    SendResult r;
    r.skipped = fan_out(db, recipients, req.envelope_id, req.group_id, DeliveryKind::message,
                        req.sender, req.epoch, req.payload, req.now);
    // Nobody had room: nothing stored, so fail (and let a retry of this envelope try
    // again) rather than report a send that reached no one.
    if (!recipients.empty() && r.skipped.size() == recipients.size()) {
        return StoreError{StoreErrc::quota_exceeded, "recipient mailbox is full"};
    }
    r.recipients = recipients.size() - r.skipped.size();
    r.epoch = req.epoch;
    remember(db, req.sender, req.envelope_id, r, req.now + limits_.ttl_seconds);
    return r;
}

StoreResult<SendResult> SqliteStorage::send(const MessageRequest& req) {
    return write<SendResult>([&](Db& db) { return send_in(db, req); });
}

void SqliteStorage::send_async(MessageRequest req,
                               std::function<void(StoreResult<SendResult>)> done) {
    auto owned = std::make_shared<MessageRequest>(std::move(req));
    write_async<SendResult>([this, owned](Db& db) { return send_in(db, *owned); }, std::move(done));
}

StoreResult<SendResult> SqliteStorage::commit(const CommitRequest& req) {
    return write<SendResult>([&](Db& db) { return commit_in(db, req); });
}

void SqliteStorage::commit_async(CommitRequest req,
                                 std::function<void(StoreResult<SendResult>)> done) {
    auto owned = std::make_shared<CommitRequest>(std::move(req));
    write_async<SendResult>([this, owned](Db& db) { return commit_in(db, *owned); },
                            std::move(done));
}

StoreResult<SendResult> SqliteStorage::commit_in(Db& db, const CommitRequest& req) {
    if (auto dup = accepted(db, req.sender, req.envelope_id)) return *dup;
    auto epoch = group_epoch(db, req.group_id);
    if (!epoch) return StoreError{StoreErrc::not_found, "unknown group"};
    if (!is_member(db, req.group_id, req.sender)) {
        return StoreError{StoreErrc::not_member, "sender is not a member of the group"};
    }
    if (req.epoch != *epoch) {
        return StoreError{StoreErrc::epoch_mismatch,
                          "epoch mismatch: current epoch " + std::to_string(*epoch), *epoch};
    }
    if (*epoch == static_cast<std::uint64_t>(INT64_MAX)) {
        return StoreError{StoreErrc::invalid, "epoch exhausted"};
    }
    const std::vector<Bytes> before = group_members(db, req.group_id);
    for (const auto& d : req.added) {
        Stmt k(db, "SELECT 1 FROM devices WHERE device_id=?");
        k.bind(1, d);
        if (!k.step()) return StoreError{StoreErrc::invalid, "added device is not registered"};
        // In the group from the epoch this Commit leads to. A device that is a member
        // already keeps its row (and its epoch).
        Stmt s(db,
               "INSERT OR IGNORE INTO group_members(group_id, device_id, since_epoch) "
               "VALUES(?,?,?)");
        s.bind(1, req.group_id).bind(2, d).bind_u(3, *epoch + 1).run();
    }
    for (const auto& d : req.removed) {
        Stmt s(db, "DELETE FROM group_members WHERE group_id=? AND device_id=?");
        s.bind(1, req.group_id).bind(2, d).run();
    }
    for (const auto& d : req.welcome_to) {
        if (!is_member(db, req.group_id, d)) {
            return StoreError{StoreErrc::invalid, "welcome recipient is not a member"};
        }
    }
    const std::uint64_t new_epoch = *epoch + 1;
    {
        Stmt u(db, "UPDATE groups SET epoch=? WHERE group_id=? AND epoch=?");
        u.bind_u(1, new_epoch).bind(2, req.group_id).bind_u(3, *epoch).run();
        if (db.changes() != 1) return internal("epoch compare-and-set failed");
    }
    std::vector<Bytes> recipients;
    for (const auto& m : before) {
        if (m != req.sender) recipients.push_back(m);
    }
    // A Commit always advances the group: a member without room is skipped and
    // reported, never the reason the others (or its own removal) are blocked.
    SendResult r;
    r.skipped = fan_out(db, recipients, req.envelope_id, req.group_id, DeliveryKind::commit,
                        req.sender, req.epoch, req.commit, req.now);
    r.recipients = recipients.size() - r.skipped.size();
    if (!req.welcome.empty() && !req.welcome_to.empty()) {
        auto fw = fan_out(db, req.welcome_to, req.envelope_id, req.group_id, DeliveryKind::welcome,
                          req.sender, new_epoch, req.welcome, req.now);
        r.recipients += req.welcome_to.size() - fw.size();
        r.skipped.insert(r.skipped.end(), fw.begin(), fw.end());
    }
    r.epoch = new_epoch;
    remember(db, req.sender, req.envelope_id, r, req.now + limits_.ttl_seconds);
    return r;
}

StoreResult<std::vector<StoredDelivery>> SqliteStorage::read_mailbox(ByteView device_id,
                                                                     std::uint64_t after_seq,
                                                                     std::size_t max_count,
                                                                     std::size_t max_bytes,
                                                                     std::int64_t now) {
    // Seqs are SQLite integers (at most INT64_MAX); a cursor of 2^63 or more would bind
    // as a negative number and replay the whole mailbox. Every stored seq is below it.
    after_seq = std::min<std::uint64_t>(after_seq, static_cast<std::uint64_t>(INT64_MAX));
    return read<std::vector<StoredDelivery>>(
        [&](Db& db) -> StoreResult<std::vector<StoredDelivery>> {
            Stmt s(db,
                   "SELECT m.seq, m.envelope_id, m.group_id, m.kind, m.sender, m.epoch, "
                   "e.payload, m.received_at, m.expires_at FROM mailbox m JOIN envelopes e ON "
                   "e.id=m.envelope "
                   "WHERE m.device_id=? AND m.seq>? AND m.expires_at>? ORDER BY m.seq LIMIT ?");
            s.bind(1, device_id).bind_u(2, after_seq).bind(3, now);
            s.bind(4, static_cast<std::int64_t>(max_count));
            std::vector<StoredDelivery> out;
            std::size_t bytes = 0;
            while (s.step()) {
                StoredDelivery d;
                d.seq = s.u64(0);
                d.body.envelope_id = s.blob(1);
                d.body.group_id = s.blob(2);
                d.body.kind = static_cast<DeliveryKind>(s.i64(3));
                d.body.sender = s.blob(4);
                d.body.epoch = s.u64(5);
                d.body.payload = s.blob(6);
                d.body.received_at = s.i64(7);
                d.body.expires_at = s.i64(8);
                bytes += d.body.payload.size();
                out.push_back(std::move(d));
                if (bytes >= max_bytes) break;
            }
            return out;
        });
}

namespace {

// Count and bytes of deleted mailbox rows, per device and per (device, sender).
struct Released {
    std::map<Bytes, std::pair<std::int64_t, std::int64_t>> device;
    std::map<std::pair<Bytes, Bytes>, std::pair<std::int64_t, std::int64_t>> sender;
    void add(Bytes dev, Bytes from, std::int64_t size) {
        auto& s = sender[{dev, std::move(from)}];
        s.first += 1;
        s.second += size;
        auto& d = device[std::move(dev)];
        d.first += 1;
        d.second += size;
    }
};

// Deletes the given mailbox rows' bookkeeping: usage counters and orphaned envelopes.
void release_rows(Db& db, const Released& usage, const std::set<std::int64_t>& envelopes) {
    for (const auto& [device, cb] : usage.device) {
        Stmt u(db,
               "UPDATE mailbox_usage SET count=max(0,count-?), bytes=max(0,bytes-?) "
               "WHERE device_id=?");
        u.bind(1, cb.first).bind(2, cb.second).bind(3, device).run();
    }
    for (const auto& [key, cb] : usage.sender) {
        Stmt u(db,
               "UPDATE mailbox_sender_usage SET count=max(0,count-?), bytes=max(0,bytes-?) "
               "WHERE device_id=? AND sender=?");
        u.bind(1, cb.first).bind(2, cb.second).bind(3, key.first).bind(4, key.second).run();
        // A sender with nothing left in this mailbox needs no row (keeps the table small).
        Stmt d(db, "DELETE FROM mailbox_sender_usage WHERE device_id=? AND sender=? AND count=0");
        d.bind(1, key.first).bind(2, key.second).run();
    }
    for (auto id : envelopes) {
        Stmt d(db,
               "DELETE FROM envelopes WHERE id=? AND NOT EXISTS "
               "(SELECT 1 FROM mailbox WHERE envelope=?)");
        d.bind(1, id).bind(2, id).run();
    }
}

}  // namespace

StoreResult<std::uint64_t> SqliteStorage::ack(ByteView device_id, std::uint64_t upto_seq) {
    // Seqs are SQLite integers (at most INT64_MAX); a larger bound would bind negative.
    upto_seq = std::min<std::uint64_t>(upto_seq, static_cast<std::uint64_t>(INT64_MAX));
    return write<std::uint64_t>([&](Db& db) -> StoreResult<std::uint64_t> {
        Released usage;
        std::set<std::int64_t> envelopes;
        const Bytes dev(device_id.begin(), device_id.end());
        {
            Stmt s(db, "SELECT envelope, size, sender FROM mailbox WHERE device_id=? AND seq<=?");
            s.bind(1, device_id).bind_u(2, upto_seq);
            while (s.step()) {
                envelopes.insert(s.i64(0));
                usage.add(dev, s.blob(2), s.i64(1));
            }
        }
        Stmt d(db, "DELETE FROM mailbox WHERE device_id=? AND seq<=?");
        d.bind(1, device_id).bind_u(2, upto_seq).run();
        const auto deleted = static_cast<std::uint64_t>(db.changes());
        release_rows(db, usage, envelopes);
        return deleted;
    });
}

StoreResult<std::uint64_t> SqliteStorage::expire(std::int64_t now) {
    return write<std::uint64_t>([now](Db& db) -> StoreResult<std::uint64_t> {
        Released usage;
        std::set<std::int64_t> envelopes;
        {
            Stmt s(db, "SELECT device_id, envelope, size, sender FROM mailbox WHERE expires_at<=?");
            s.bind(1, now);
            while (s.step()) {
                envelopes.insert(s.i64(1));
                usage.add(s.blob(0), s.blob(3), s.i64(2));
            }
        }
        Stmt d(db, "DELETE FROM mailbox WHERE expires_at<=?");
        d.bind(1, now).run();
        const auto deleted = static_cast<std::uint64_t>(db.changes());
        release_rows(db, usage, envelopes);
        Stmt a(db, "DELETE FROM accepted WHERE expires_at<=?");
        a.bind(1, now).run();
        Stmt ss(db, "DELETE FROM sessions WHERE expires_at<=?");
        ss.bind(1, now).run();
        return deleted;
    });
}

}  // namespace lagrum::relay
