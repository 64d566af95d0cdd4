#include "lagrum/relay/postgres_storage.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <random>
#include <set>
#include <stdexcept>

namespace lagrum::relay {
namespace {

// Advisory locks use the two-int key space: (purpose, hash of the schema [and id]), so
// relays in different schemas of one database (the tests do this) never share one.
constexpr int kMigrationLock = 0x4c4701;
constexpr int kExpiryLock = 0x4c4702;
constexpr int kCreatorLock = 0x4c4703;
constexpr int kKeyPackageLock = 0x4c4704;
constexpr int kMaxAttempts = 8;

// Numbered migrations: index i moves the schema from version i to i + 1, each in one
// transaction. Never edit an applied step; append a new one.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE devices(
  device_id bytea PRIMARY KEY,
  organisation_id text NOT NULL,
  member_id text NOT NULL,
  serial bigint NOT NULL,
  registered_at bigint NOT NULL);
CREATE INDEX devices_member ON devices(organisation_id, member_id);
CREATE TABLE sessions(
  token_hash bytea PRIMARY KEY,
  id bigserial NOT NULL,
  device_id bytea NOT NULL,
  organisation_id text NOT NULL,
  serial bigint NOT NULL,
  expires_at bigint NOT NULL);
CREATE INDEX sessions_device ON sessions(device_id, id);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE INDEX sessions_organisation ON sessions(organisation_id, serial);
CREATE TABLE key_packages(
  id bigserial PRIMARY KEY,
  device_id bytea NOT NULL,
  data bytea NOT NULL);
CREATE INDEX key_packages_device ON key_packages(device_id, id);
CREATE TABLE last_resort(device_id bytea PRIMARY KEY, data bytea NOT NULL);
CREATE TABLE groups(
  group_id bytea PRIMARY KEY,
  epoch bigint NOT NULL,
  created_at bigint NOT NULL,
  created_by bytea NOT NULL);
CREATE INDEX groups_creator ON groups(created_by, epoch);
CREATE TABLE group_members(
  group_id bytea NOT NULL,
  device_id bytea NOT NULL,
  PRIMARY KEY(group_id, device_id));
CREATE TABLE envelopes(id bigserial PRIMARY KEY, payload bytea NOT NULL);
-- Ciphertext does not compress: store it out of line without trying.
ALTER TABLE envelopes ALTER COLUMN payload SET STORAGE EXTERNAL;
CREATE TABLE mailbox(
  device_id bytea NOT NULL,
  seq bigint NOT NULL,
  envelope bigint NOT NULL,
  envelope_id bytea NOT NULL,
  group_id bytea NOT NULL,
  kind bigint NOT NULL,
  sender bytea NOT NULL,
  epoch bigint NOT NULL,
  size bigint NOT NULL,
  received_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY(device_id, seq));
CREATE INDEX mailbox_expiry ON mailbox(expires_at);
CREATE INDEX mailbox_envelope ON mailbox(envelope);
-- One row per device: its seq counter (never decreases) and its mailbox usage. The
-- fan-out locks it, which orders each device's seqs by commit.
CREATE TABLE mailbox_usage(
  device_id bytea PRIMARY KEY,
  last_seq bigint NOT NULL,
  count bigint NOT NULL,
  bytes bigint NOT NULL);
CREATE TABLE mailbox_sender_usage(
  device_id bytea NOT NULL,
  sender bytea NOT NULL,
  count bigint NOT NULL,
  bytes bigint NOT NULL,
  PRIMARY KEY(device_id, sender));
CREATE TABLE accepted(
  sender bytea NOT NULL,
  envelope_id bytea NOT NULL,
  recipients bigint NOT NULL,
  epoch bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY(sender, envelope_id));
CREATE INDEX accepted_expiry ON accepted(expires_at);
CREATE TABLE revocation_lists(
  organisation_id text PRIMARY KEY,
  sequence bigint NOT NULL,
  list bytea NOT NULL);
)sql",
    // 2: the epoch from which each member is in the group (the epoch its adding Commit
    // leads to; 0 for the creator): an application message of epoch E goes only to the
    // members in the group since E or earlier, so a member added later does not learn
    // the size and time of messages from before it joined. Members stored before this
    // step count from 0 (they get what they got before).
    R"sql(
ALTER TABLE group_members ADD COLUMN since_epoch bigint NOT NULL DEFAULT 0;
)sql",
};
constexpr int kMigrationCount = static_cast<int>(std::size(kMigrations));
static_assert(kMigrationCount == PostgresStorage::kSchemaVersion);

StoreError internal(const std::string& what) {
    return StoreError{StoreErrc::internal, what};
}

std::string hex(ByteView b) {
    static const char* d = "0123456789abcdef";
    std::string out;
    out.reserve(b.size() * 2);
    for (auto c : b) {
        out.push_back(d[c >> 4]);
        out.push_back(d[c & 15]);
    }
    return out;
}

std::int64_t clamp64(std::uint64_t v) {
    return static_cast<std::int64_t>(std::min<std::uint64_t>(v, INT64_MAX));
}

}  // namespace

// A failed statement: SQLSTATE (e.g. 40P01 deadlock) and whether the connection is gone.
class PgError : public std::runtime_error {
  public:
    PgError(const std::string& msg, std::string state, bool lost)
        : std::runtime_error(msg), sqlstate(std::move(state)), connection_lost(lost) {}
    std::string sqlstate;
    bool connection_lost;
    bool retryable() const { return sqlstate == "40001" || sqlstate == "40P01"; }
};

// Statement parameters: bytea in binary, numbers and text in text format.
class Params {
  public:
    Params& b(ByteView v) {
        // A non-null pointer even for an empty value (null means SQL NULL).
        values_.push_back(v.empty() ? "" : reinterpret_cast<const char*>(v.data()));
        lengths_.push_back(static_cast<int>(v.size()));
        formats_.push_back(1);
        return *this;
    }
    Params& i(std::int64_t v) { return t(std::to_string(v)); }
    Params& u(std::uint64_t v) { return i(clamp64(v)); }
    Params& t(std::string v) {
        store_.push_back(std::move(v));
        values_.push_back(store_.back().c_str());
        lengths_.push_back(static_cast<int>(store_.back().size()));
        formats_.push_back(0);
        return *this;
    }
    // A bytea[] literal (hex elements), for set-based statements.
    Params& barr(const std::vector<const Bytes*>& vs) {
        std::string s = "{";
        for (std::size_t k = 0; k < vs.size(); ++k) {
            if (k) s += ',';
            s += "\"\\\\x" + hex(*vs[k]) + "\"";
        }
        return t(s + "}");
    }
    Params& iarr(const std::vector<std::int64_t>& vs) {
        std::string s = "{";
        for (std::size_t k = 0; k < vs.size(); ++k) {
            if (k) s += ',';
            s += std::to_string(vs[k]);
        }
        return t(s + "}");
    }
    int size() const { return static_cast<int>(values_.size()); }
    const char* const* values() const { return values_.data(); }
    const int* lengths() const { return lengths_.data(); }
    const int* formats() const { return formats_.data(); }

  private:
    std::deque<std::string> store_;  // stable addresses
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
};

// A result in binary format.
class Res {
  public:
    explicit Res(PGresult* r) : r_(r) {}
    ~Res() { PQclear(r_); }
    Res(Res&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
    Res(const Res&) = delete;
    Res& operator=(const Res&) = delete;
    int rows() const { return PQntuples(r_); }
    std::uint64_t affected() const {
        const char* s = PQcmdTuples(r_);
        return s && *s ? std::stoull(s) : 0;
    }
    bool null(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }
    std::int64_t i64(int row, int col) const {
        const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(r_, row, col));
        const int n = PQgetlength(r_, row, col);
        if (n != 8 && n != 4) throw std::runtime_error("unexpected integer width");
        std::uint64_t v = 0;
        for (int k = 0; k < n; ++k) v = (v << 8) | p[k];
        if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
        return static_cast<std::int64_t>(v);
    }
    std::uint64_t u64(int row, int col) const {
        return static_cast<std::uint64_t>(std::max<std::int64_t>(0, i64(row, col)));
    }
    bool boolean(int row, int col) const { return PQgetvalue(r_, row, col)[0] != 0; }
    Bytes blob(int row, int col) const {
        const auto* p = reinterpret_cast<const std::uint8_t*>(PQgetvalue(r_, row, col));
        return Bytes(p, p + PQgetlength(r_, row, col));
    }
    std::string text(int row, int col) const {
        return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
    }

  private:
    PGresult* r_;
};

class PgConn {
  public:
    explicit PgConn(const std::string& conninfo) {
        c_ = PQconnectdb(conninfo.c_str());
        if (PQstatus(c_) != CONNECTION_OK) {
            std::string msg = PQerrorMessage(c_);
            PQfinish(c_);
            c_ = nullptr;
            while (!msg.empty() && msg.back() == '\n') msg.pop_back();
            throw std::runtime_error("cannot connect to PostgreSQL: " + msg);
        }
        // Quiet: notices (e.g. "relation exists") are not errors and must not reach stderr.
        PQsetNoticeProcessor(
            c_, [](void*, const char*) {}, nullptr);
    }
    ~PgConn() {
        if (c_) PQfinish(c_);
    }
    PgConn(const PgConn&) = delete;
    PgConn& operator=(const PgConn&) = delete;

    bool healthy() const { return PQstatus(c_) == CONNECTION_OK; }
    void reset() { PQreset(c_); }
    PGconn* raw() const { return c_; }

    Res exec(const char* sql, const Params& p = Params()) {
        PGresult* r =
            PQexecParams(c_, sql, p.size(), nullptr, p.values(), p.lengths(), p.formats(), 1);
        check(r);
        return Res(r);
    }
    // Several statements without parameters (migrations, transaction control).
    void run(const char* sql) { Res r(check(PQexec(c_, sql))); }

  private:
    PGresult* check(PGresult* r) {
        const auto st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) return r;
        std::string msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c_);
        const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
        std::string s = state ? state : "";
        PQclear(r);
        while (!msg.empty() && msg.back() == '\n') msg.pop_back();
        throw PgError("postgresql: " + msg, s, PQstatus(c_) != CONNECTION_OK);
    }
    PGconn* c_ = nullptr;
};

bool PostgresStorage::is_uri(const std::string& database) {
    return database.rfind("postgresql://", 0) == 0 || database.rfind("postgres://", 0) == 0;
}

PostgresStorage::PostgresStorage(const std::string& conninfo, StorageLimits limits,
                                 std::size_t pool_size)
    : conninfo_(conninfo),
      limits_(limits),
      readers_(
          pool_size, [this] { return std::make_unique<PgConn>(conninfo_); },
          [](const PgConn& c) { return c.healthy(); }) {
    {
        std::random_device rd;
        std::uint64_t id = (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
        node_id_ = hex(ByteView(reinterpret_cast<const std::uint8_t*>(&id), sizeof id));
    }
    // Migrations under a session advisory lock: several nodes starting at once wait for
    // the first, then find nothing left to do.
    {
        PgConn admin(conninfo_);
        try {
            admin.run("SET client_min_messages = warning");
            Res sc = admin.exec("SELECT current_schema()");
            if (sc.rows() == 0 || sc.null(0, 0)) {
                throw std::runtime_error(
                    "no schema to create the relay's tables in (create it, or check search_path)");
            }
            schema_ = sc.text(0, 0);
            // NOTIFY channel of this schema's relays.
            channel_ = schema_ == "public" ? "lagrum_mailbox" : "lagrum_mailbox_" + schema_;
            admin.exec("SELECT pg_advisory_lock($1::int4, hashtext(current_schema()))",
                       Params().i(kMigrationLock));
            admin.run(
                "CREATE TABLE IF NOT EXISTS schema_migrations(version integer PRIMARY KEY, "
                "applied_at timestamptz NOT NULL DEFAULT now())");
            Res v = admin.exec("SELECT coalesce(max(version), 0)::int8 FROM schema_migrations");
            const int version = static_cast<int>(v.i64(0, 0));
            if (version > kSchemaVersion) {
                throw std::runtime_error("database schema version " + std::to_string(version) +
                                         " is newer than this relay (" +
                                         std::to_string(kSchemaVersion) + ")");
            }
            for (int step = version; step < kSchemaVersion; ++step) {
                admin.run("BEGIN");
                try {
                    admin.run(kMigrations[step]);
                    admin.exec("INSERT INTO schema_migrations(version) VALUES($1::int4)",
                               Params().i(step + 1));
                    admin.run("COMMIT");
                } catch (...) {
                    try {
                        admin.run("ROLLBACK");
                    } catch (...) {
                    }
                    throw;
                }
            }
            admin.exec("SELECT pg_advisory_unlock($1::int4, hashtext(current_schema()))",
                       Params().i(kMigrationLock));
        } catch (const PgError& e) {
            throw std::runtime_error(e.what());
        }
    }
    const std::size_t writers = std::max<std::size_t>(1, pool_size);
    for (std::size_t k = 0; k < writers; ++k) {
        writer_conns_.push_back(std::make_unique<PgConn>(conninfo_));
    }
    if (const char* v = std::getenv("LAGRUM_RELAY_PG_SAFETY_NET_SECONDS")) {
        // Test-only; anything but a number from 0 to a day keeps the default.
        char* end = nullptr;
        const long n = std::strtol(v, &end, 10);
        if (end != v && *end == '\0' && n >= 0 && n <= 86400)
            safety_net_seconds_ = static_cast<int>(n);
    }
    wake_fd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
    // LISTEN before anything is reported, then start from every device's counter: a row
    // committed in between is either counted or notified.
    listen_conn_ = std::make_unique<PgConn>(conninfo_);
    try {
        listen_conn_->run(listen_sql().c_str());
        Res r = listen_conn_->exec("SELECT device_id, last_seq FROM mailbox_usage");
        for (int k = 0; k < r.rows(); ++k) reported_[r.blob(k, 0)] = r.u64(k, 1);
    } catch (const PgError& e) {
        throw std::runtime_error(e.what());
    }
    notifier_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "relay-notify");
        notifier_loop();
    });
    for (std::size_t k = 0; k < writers; ++k) {
        PgConn* conn = writer_conns_[k].get();
        workers_.emplace_back([this, conn] {
            pthread_setname_np(pthread_self(), "relay-pgwrite");
            worker_loop(*conn);
        });
    }
}

PostgresStorage::~PostgresStorage() {
    close();
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

int PostgresStorage::schema_version() {
    auto r = read<std::uint64_t>([](PgConn& c) -> StoreResult<std::uint64_t> {
        Res v = c.exec("SELECT coalesce(max(version), 0)::int8 FROM schema_migrations");
        return v.u64(0, 0);
    });
    return r.ok() ? static_cast<int>(r.value()) : -1;
}

void PostgresStorage::close() {
    {
        std::lock_guard lock(queue_mu_);
        if (closed_) return;
        closing_ = true;
    }
    queue_cv_.notify_all();
    for (auto& w : workers_) {
        if (w.joinable()) w.join();
    }
    // Every write is finished; the notifier reports and answers what is left, then ends.
    notifier_stop_ = true;
    wake_notifier();
    if (notifier_.joinable()) notifier_.join();
    std::lock_guard lock(queue_mu_);
    closed_ = true;
}

void PostgresStorage::set_commit_listener(CommitListener listener) {
    std::lock_guard lock(listener_mu_);
    listener_ = std::move(listener);
}

void PostgresStorage::set_revocation_listener(RevocationListener listener) {
    std::lock_guard lock(revocation_listener_mu_);
    revocation_listener_ = std::move(listener);
}

void PostgresStorage::notify_revocations() {
    std::lock_guard lock(revocation_listener_mu_);
    try {
        if (revocation_listener_) revocation_listener_();
    } catch (...) {
        callback_errors_.fetch_add(1);
    }
}

void PostgresStorage::wake_notifier() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

// ---- writes ----

void PostgresStorage::worker_loop(PgConn& conn) {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(queue_mu_);
            queue_cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
            if (queue_.empty()) return;  // closing and drained
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        run_job(conn, job);
    }
}

void PostgresStorage::run_job(PgConn& conn, Job& job) {
    std::string error;
    for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
        if (!conn.healthy()) conn.reset();  // the database came back (or not: fails below)
        Rows rows;
        std::shared_ptr<Slot> slot;
        try {
            conn.run("BEGIN");
            const bool keep = job.run(conn, rows);
            if (!keep) {
                conn.run("ROLLBACK");
                job.finish(nullptr);  // the result (an error) is in the job
                return;
            }
            if (rows.empty()) {
                conn.run("COMMIT");
                commits_.fetch_add(1);
                job.finish(nullptr);
                return;
            }
            // The slot is taken before COMMIT is sent: a transaction that waited for this
            // one's row locks can only commit, and take its slot, after it.
            slot = std::make_shared<Slot>();
            {
                std::lock_guard lock(slot_mu_);
                slots_.push_back(slot);
            }
            conn.run("COMMIT");
            commits_.fetch_add(1);
            auto finish = std::move(job.finish);
            {
                std::lock_guard lock(slot_mu_);
                slot->rows = std::move(rows);
                slot->finish = [finish] { finish(nullptr); };
                slot->filled = true;
            }
            wake_notifier();
            return;
        } catch (const std::exception& e) {
            error = e.what();
            const auto* pg = dynamic_cast<const PgError*>(&e);
            if (conn.healthy()) {
                try {
                    conn.run("ROLLBACK");
                } catch (...) {
                }
            }
            if (slot) {
                // COMMIT failed (or its answer was lost): nothing to report from here.
                // If it did commit, the next row of those devices or the safety net
                // reports the rows from the database.
                auto finish = std::move(job.finish);
                const std::string err = error;
                {
                    std::lock_guard lock(slot_mu_);
                    slot->finish = [finish, err] { finish(&err); };
                    slot->filled = true;
                }
                wake_notifier();
                return;
            }
            // A deadlock or serialization failure, or a connection lost before COMMIT
            // was sent (nothing committed; the server restarted, or failed over):
            // run the whole transaction again.
            if (pg && (pg->retryable() || (pg->connection_lost && attempt == 0))) {
                retries_.fetch_add(1);
                continue;
            }
            break;
        }
    }
    job.finish(&error);
}

template <class T>
void PostgresStorage::write_async(std::function<StoreResult<T>(PgConn&, Rows&)> fn,
                                  std::function<void(StoreResult<T>)> done) {
    auto slot = std::make_shared<std::optional<StoreResult<T>>>();
    Job job;
    job.run = [fn = std::move(fn), slot](PgConn& c, Rows& rows) {
        slot->reset();
        try {
            slot->emplace(fn(c, rows));
        } catch (const PgError&) {
            throw;  // the worker retries or fails the whole transaction
        } catch (const std::exception& e) {
            slot->emplace(internal(e.what()));
        }
        return (*slot)->ok();
    };
    job.finish = [this, done, slot](const std::string* error) {
        try {
            if (error) {
                done(internal("database: " + *error));
            } else {
                done(std::move(**slot));
            }
        } catch (...) {
            // A throwing callback must not end a writer or the notifier.
            callback_errors_.fetch_add(1);
        }
    };
    {
        std::lock_guard lock(queue_mu_);
        if (!closing_) {
            queue_.push_back(std::move(job));
            queue_cv_.notify_one();
            return;
        }
    }
    done(StoreError{StoreErrc::unavailable, "storage is closed"});
}

template <class T>
StoreResult<T> PostgresStorage::write(std::function<StoreResult<T>(PgConn&, Rows&)> fn) {
    {
        std::lock_guard lock(queue_mu_);
        if (closing_) return StoreError{StoreErrc::unavailable, "storage is closed"};
    }
    auto promise = std::make_shared<std::promise<StoreResult<T>>>();
    auto future = promise->get_future();
    write_async<T>(std::move(fn),
                   [promise](StoreResult<T> r) { promise->set_value(std::move(r)); });
    return future.get();
}

template <class T>
StoreResult<T> PostgresStorage::read(const std::function<StoreResult<T>(PgConn&)>& fn) {
    return readers_.read<T>(fn);
}

// ---- devices, sessions, revocation ----

StoreResult<Unit> PostgresStorage::put_device(const DeviceRecord& d) {
    return write<Unit>([&d](PgConn& c, Rows&) -> StoreResult<Unit> {
        c.exec(
            "INSERT INTO devices(device_id, organisation_id, member_id, serial, registered_at) "
            "VALUES($1::bytea,$2::text,$3::text,$4::int8,$5::int8) ON CONFLICT(device_id) DO "
            "UPDATE SET organisation_id=excluded.organisation_id, member_id=excluded.member_id, "
            "serial=excluded.serial, registered_at=excluded.registered_at",
            Params()
                .b(d.device_id)
                .t(d.organisation_id)
                .t(d.member_id)
                .u(d.serial)
                .i(d.registered_at));
        return Unit{};
    });
}

StoreResult<std::vector<DeviceRecord>> PostgresStorage::list_devices(const std::string& org,
                                                                     const std::string& member) {
    return read<std::vector<DeviceRecord>>(
        [&](PgConn& c) -> StoreResult<std::vector<DeviceRecord>> {
            Res r = c.exec(
                "SELECT device_id, serial, registered_at FROM devices WHERE organisation_id=$1 "
                "AND member_id=$2 ORDER BY device_id LIMIT 64",
                Params().t(org).t(member));
            std::vector<DeviceRecord> out;
            for (int k = 0; k < r.rows(); ++k) {
                out.push_back(DeviceRecord{r.blob(k, 0), org, member, r.u64(k, 1), r.i64(k, 2)});
            }
            return out;
        });
}

StoreResult<std::vector<Bytes>> PostgresStorage::put_session(ByteView token_hash,
                                                             const Session& session) {
    return write<std::vector<Bytes>>([&](PgConn& c, Rows&) -> StoreResult<std::vector<Bytes>> {
        c.exec(
            "INSERT INTO sessions(token_hash, device_id, organisation_id, serial, expires_at) "
            "VALUES($1::bytea,$2::bytea,$3::text,$4::int8,$5::int8)",
            Params()
                .b(token_hash)
                .b(session.device_id)
                .t(session.organisation_id)
                .u(session.serial)
                .i(session.expires_at));
        // Oldest first (id: insertion order); everything past the newest
        // max_sessions_per_device ends.
        Res r = c.exec(
            "DELETE FROM sessions WHERE token_hash IN (SELECT token_hash FROM sessions WHERE "
            "device_id=$1::bytea ORDER BY id DESC OFFSET $2::int8) RETURNING token_hash",
            Params().b(session.device_id).u(limits_.max_sessions_per_device));
        std::vector<Bytes> ended;
        for (int k = 0; k < r.rows(); ++k) ended.push_back(r.blob(k, 0));
        return ended;
    });
}

StoreResult<std::optional<Session>> PostgresStorage::find_session(ByteView token_hash,
                                                                  std::int64_t now) {
    return read<std::optional<Session>>([&](PgConn& c) -> StoreResult<std::optional<Session>> {
        Res r = c.exec(
            "SELECT device_id, organisation_id, serial, expires_at FROM sessions "
            "WHERE token_hash=$1::bytea AND expires_at>$2::int8",
            Params().b(token_hash).i(now));
        if (r.rows() == 0) return std::optional<Session>{};
        return std::optional<Session>{
            Session{r.blob(0, 0), r.text(0, 1), r.u64(0, 2), r.i64(0, 3)}};
    });
}

namespace {

// Ends the organisation's sessions with these serials or device keys (never another
// organisation's: a list can only name its own devices).
std::uint64_t end_sessions(PgConn& c, const std::string& org,
                           const std::vector<std::uint64_t>& serials,
                           const std::vector<Bytes>& device_ids) {
    std::uint64_t n = 0;
    if (!serials.empty()) {
        std::vector<std::int64_t> s;
        for (auto v : serials) s.push_back(clamp64(v));
        n += c.exec(
                  "DELETE FROM sessions WHERE organisation_id=$1::text AND serial = "
                  "ANY($2::int8[])",
                  Params().t(org).iarr(s))
                 .affected();
    }
    if (!device_ids.empty()) {
        std::vector<const Bytes*> d;
        for (const auto& v : device_ids) d.push_back(&v);
        n += c.exec(
                  "DELETE FROM sessions WHERE organisation_id=$1::text AND device_id = "
                  "ANY($2::bytea[])",
                  Params().t(org).barr(d))
                 .affected();
    }
    return n;
}

}  // namespace

StoreResult<std::uint64_t> PostgresStorage::revoke_sessions(
    const std::string& org, const std::vector<std::uint64_t>& serials,
    const std::vector<Bytes>& device_ids) {
    return write<std::uint64_t>([&](PgConn& c, Rows&) -> StoreResult<std::uint64_t> {
        return end_sessions(c, org, serials, device_ids);
    });
}

StoreResult<std::uint64_t> PostgresStorage::store_revocation_list(
    const std::string& org, std::uint64_t sequence, ByteView encoded_list,
    const std::vector<std::uint64_t>& serials, const std::vector<Bytes>& device_ids) {
    return write<std::uint64_t>([&](PgConn& c, Rows&) -> StoreResult<std::uint64_t> {
        // One statement decides "newer" atomically, also against another node.
        Res r = c.exec(
            "INSERT INTO revocation_lists(organisation_id, sequence, list) "
            "VALUES($1::text,$2::int8,$3::bytea) ON CONFLICT(organisation_id) DO UPDATE SET "
            "sequence=excluded.sequence, list=excluded.list "
            "WHERE revocation_lists.sequence < excluded.sequence RETURNING 1",
            Params().t(org).u(sequence).b(encoded_list));
        if (r.rows() == 0) {
            return StoreError{StoreErrc::stale, "revocation list is not newer than the stored one"};
        }
        // Every other node installs the list and ends its streams when this commits
        // (the payload "rev" tells it from a mailbox notification).
        c.exec("SELECT pg_notify($1::text, $2::text)", Params().t(channel_).t(node_id_ + ":rev"));
        // The list and the end of the sessions it revokes commit together.
        return end_sessions(c, org, serials, device_ids);
    });
}

StoreResult<std::vector<Bytes>> PostgresStorage::revocation_lists() {
    return read<std::vector<Bytes>>([](PgConn& c) -> StoreResult<std::vector<Bytes>> {
        Res r = c.exec("SELECT list FROM revocation_lists ORDER BY organisation_id");
        std::vector<Bytes> out;
        for (int k = 0; k < r.rows(); ++k) out.push_back(r.blob(k, 0));
        return out;
    });
}

StoreResult<std::uint64_t> PostgresStorage::end_organisation_sessions(const std::string& org) {
    return write<std::uint64_t>([&](PgConn& c, Rows&) -> StoreResult<std::uint64_t> {
        return c.exec("DELETE FROM sessions WHERE organisation_id=$1::text", Params().t(org))
            .affected();
    });
}

// ---- KeyPackages ----

StoreResult<std::uint64_t> PostgresStorage::publish_key_packages(
    ByteView device_id, const std::vector<Bytes>& one_time,
    const std::optional<Bytes>& last_resort) {
    const auto max = limits_.max_key_packages;
    const auto max_bytes = limits_.key_package_store_bytes;
    return write<std::uint64_t>([&, max, max_bytes](PgConn& c,
                                                    Rows&) -> StoreResult<std::uint64_t> {
        // Two publishers of one device (two nodes) count one after the other.
        c.exec(
            "SELECT pg_advisory_xact_lock($1::int4, hashtext(current_schema() || "
            "encode($2::bytea, 'hex')))",
            Params().i(kKeyPackageLock).b(device_id));
        Res have_r = c.exec(
            "SELECT count(*)::int8, coalesce(sum(octet_length(data)), 0)::int8 FROM key_packages "
            "WHERE device_id=$1::bytea",
            Params().b(device_id));
        const std::uint64_t have = have_r.u64(0, 0), have_bytes = have_r.u64(0, 1);
        if (have + one_time.size() > max) {
            return StoreError{StoreErrc::quota_exceeded,
                              "too many one-time KeyPackages (limit " + std::to_string(max) + ")"};
        }
        std::uint64_t total = have_bytes;
        for (const auto& kp : one_time) total += kp.size();
        if (last_resort) {
            total += last_resort->size();
        } else {
            Res l = c.exec("SELECT octet_length(data)::int8 FROM last_resort WHERE device_id=$1",
                           Params().b(device_id));
            if (l.rows() > 0) total += l.u64(0, 0);
        }
        if (total > max_bytes) {
            return StoreError{StoreErrc::quota_exceeded, "KeyPackages of this device exceed " +
                                                             std::to_string(max_bytes) + " bytes"};
        }
        for (const auto& kp : one_time) {
            c.exec("INSERT INTO key_packages(device_id, data) VALUES($1::bytea,$2::bytea)",
                   Params().b(device_id).b(kp));
        }
        if (last_resort) {
            c.exec(
                "INSERT INTO last_resort(device_id, data) VALUES($1::bytea,$2::bytea) "
                "ON CONFLICT(device_id) DO UPDATE SET data=excluded.data",
                Params().b(device_id).b(*last_resort));
        }
        return have + one_time.size();
    });
}

StoreResult<std::optional<KeyPackage>> PostgresStorage::fetch_key_package(ByteView device_id,
                                                                          bool last_resort_only) {
    return write<std::optional<KeyPackage>>([&](PgConn& c,
                                                Rows&) -> StoreResult<std::optional<KeyPackage>> {
        if (!last_resort_only) {
            // Atomic one-time consumption: concurrent fetchers (any node) skip the row
            // another has locked and take the next one; a package goes to one only.
            Res r = c.exec(
                "DELETE FROM key_packages WHERE id = (SELECT id FROM key_packages WHERE "
                "device_id=$1::bytea ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                "RETURNING data",
                Params().b(device_id));
            if (r.rows() > 0) return std::optional<KeyPackage>{KeyPackage{r.blob(0, 0), false}};
        }
        Res l =
            c.exec("SELECT data FROM last_resort WHERE device_id=$1::bytea", Params().b(device_id));
        if (l.rows() > 0) return std::optional<KeyPackage>{KeyPackage{l.blob(0, 0), true}};
        return std::optional<KeyPackage>{};
    });
}

StoreResult<KeyPackageCount> PostgresStorage::count_key_packages(ByteView device_id) {
    return read<KeyPackageCount>([&](PgConn& c) -> StoreResult<KeyPackageCount> {
        Res r = c.exec(
            "SELECT (SELECT count(*) FROM key_packages WHERE device_id=$1::bytea)::int8, "
            "EXISTS(SELECT 1 FROM last_resort WHERE device_id=$1::bytea)",
            Params().b(device_id));
        return KeyPackageCount{r.u64(0, 0), r.boolean(0, 1)};
    });
}

// ---- groups, fan-out ----

StoreResult<Unit> PostgresStorage::create_group(ByteView group_id, ByteView creator,
                                                std::int64_t now) {
    const auto max_empty = limits_.max_empty_groups_per_device;
    return write<Unit>([&, max_empty](PgConn& c, Rows&) -> StoreResult<Unit> {
        // Squatting bound, counted under a per-creator lock so two nodes cannot both
        // pass it.
        c.exec(
            "SELECT pg_advisory_xact_lock($1::int4, hashtext(current_schema() || "
            "encode($2::bytea, 'hex')))",
            Params().i(kCreatorLock).b(creator));
        Res n = c.exec("SELECT count(*)::int8 FROM groups WHERE created_by=$1::bytea AND epoch=0",
                       Params().b(creator));
        if (n.u64(0, 0) >= max_empty) {
            return StoreError{
                StoreErrc::quota_exceeded,
                "too many groups without a Commit (limit " + std::to_string(max_empty) + ")"};
        }
        Res g = c.exec(
            "INSERT INTO groups(group_id, epoch, created_at, created_by) "
            "VALUES($1::bytea,0,$2::int8,$3::bytea) ON CONFLICT DO NOTHING RETURNING 1",
            Params().b(group_id).i(now).b(creator));
        if (g.rows() == 0) return StoreError{StoreErrc::already_exists, "group exists"};
        c.exec("INSERT INTO group_members(group_id, device_id) VALUES($1::bytea,$2::bytea)",
               Params().b(group_id).b(creator));
        return Unit{};
    });
}

namespace {

std::vector<Bytes> group_members(PgConn& c, ByteView group_id) {
    Res r =
        c.exec("SELECT device_id FROM group_members WHERE group_id=$1::bytea ORDER BY device_id",
               Params().b(group_id));
    std::vector<Bytes> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int k = 0; k < r.rows(); ++k) out.push_back(r.blob(k, 0));
    return out;
}

bool is_member(PgConn& c, ByteView group_id, ByteView device) {
    return c.exec("SELECT 1 FROM group_members WHERE group_id=$1::bytea AND device_id=$2::bytea",
                  Params().b(group_id).b(device))
               .rows() > 0;
}

// Claims (sender, envelope_id) for this transaction. A duplicate returns the first
// result; a concurrent retry of the same envelope waits here for the first to finish.
std::optional<SendResult> claim(PgConn& c, ByteView sender, ByteView envelope_id,
                                std::int64_t expires_at) {
    Res ins = c.exec(
        "INSERT INTO accepted(sender, envelope_id, recipients, epoch, expires_at) "
        "VALUES($1::bytea,$2::bytea,0,0,$3::int8) ON CONFLICT DO NOTHING RETURNING 1",
        Params().b(sender).b(envelope_id).i(expires_at));
    if (ins.rows() > 0) return std::nullopt;
    Res r = c.exec(
        "SELECT recipients, epoch FROM accepted WHERE sender=$1::bytea AND envelope_id=$2::bytea",
        Params().b(sender).b(envelope_id));
    SendResult out;
    if (r.rows() > 0) {
        out.recipients = r.u64(0, 0);
        out.epoch = r.u64(0, 1);
    }
    out.duplicate = true;
    return out;
}

void remember(PgConn& c, ByteView sender, ByteView envelope_id, const SendResult& r) {
    c.exec(
        "UPDATE accepted SET recipients=$3::int8, epoch=$4::int8 WHERE sender=$1::bytea AND "
        "envelope_id=$2::bytea",
        Params().b(sender).b(envelope_id).u(r.recipients).u(r.epoch));
}

std::vector<const Bytes*> sorted_unique(const std::vector<Bytes>& a, const std::vector<Bytes>& b) {
    std::vector<const Bytes*> out;
    for (const auto& x : a) out.push_back(&x);
    for (const auto& x : b) out.push_back(&x);
    std::sort(out.begin(), out.end(), [](const Bytes* l, const Bytes* r) { return *l < *r; });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const Bytes* l, const Bytes* r) { return *l == *r; }),
              out.end());
    return out;
}

// Locks the devices' counter rows (created if missing) in device order: every
// transaction takes them in the same order, so fan-outs never deadlock each other.
void lock_usage(PgConn& c, const std::vector<const Bytes*>& devices) {
    if (devices.empty()) return;
    Params p;
    p.barr(devices);
    c.exec(
        "INSERT INTO mailbox_usage(device_id, last_seq, count, bytes) SELECT d, 0, 0, 0 FROM "
        "unnest($1::bytea[]) AS d ORDER BY d ON CONFLICT DO NOTHING",
        p);
    c.exec(
        "SELECT 1 FROM mailbox_usage WHERE device_id = ANY($1::bytea[]) ORDER BY device_id "
        "FOR UPDATE",
        p);
}

}  // namespace

std::vector<Bytes> PostgresStorage::fan_out(PgConn& c, const std::vector<Bytes>& recipients,
                                            ByteView envelope_id, ByteView group_id,
                                            DeliveryKind kind, ByteView sender, std::uint64_t epoch,
                                            ByteView payload, std::int64_t now, Rows& rows) {
    // The bounds of SqliteStorage::fan_out: the mailbox limit (messages stop short of it
    // by the commit reserve) and the sender's share; a recipient without room is skipped.
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

    const auto devices = sorted_unique(recipients, {});
    lock_usage(c, devices);
    Params p;
    p.barr(devices).b(sender);
    Res u = c.exec(
        "SELECT u.device_id, u.last_seq, u.count, u.bytes, coalesce(s.count, 0)::int8, "
        "coalesce(s.bytes, 0)::int8 FROM mailbox_usage u LEFT JOIN mailbox_sender_usage s ON "
        "s.device_id=u.device_id AND s.sender=$2::bytea WHERE u.device_id = ANY($1::bytea[])",
        p);
    struct Usage {
        std::uint64_t last_seq, count, bytes, sent, sent_bytes;
    };
    std::map<Bytes, Usage> usage;
    for (int k = 0; k < u.rows(); ++k) {
        usage[u.blob(k, 0)] =
            Usage{u.u64(k, 1), u.u64(k, 2), u.u64(k, 3), u.u64(k, 4), u.u64(k, 5)};
    }
    std::vector<const Bytes*> to;
    std::vector<std::int64_t> seqs;
    for (const auto& r : recipients) {
        auto it = usage.find(r);
        if (it == usage.end()) throw std::runtime_error("mailbox counter row missing");
        Usage& us = it->second;
        if (us.count + 1 > max_count || us.bytes + payload.size() > max_bytes ||
            us.sent + 1 > share_count || us.sent_bytes + payload.size() > share_bytes) {
            skipped.push_back(r);
        } else {
            to.push_back(&r);
            seqs.push_back(static_cast<std::int64_t>(++us.last_seq));
        }
    }
    if (to.empty()) return skipped;
    Res e = c.exec("INSERT INTO envelopes(payload) VALUES($1::bytea) RETURNING id",
                   Params().b(payload));
    const std::int64_t envelope = e.i64(0, 0);
    const std::int64_t expires = now + limits_.ttl_seconds;
    Params ins;
    ins.barr(to).iarr(seqs).i(envelope).b(envelope_id).b(group_id);
    ins.i(static_cast<std::int64_t>(kind)).b(sender).u(epoch).i(size).i(now).i(expires);
    c.exec(
        "INSERT INTO mailbox(device_id, seq, envelope, envelope_id, group_id, kind, sender, "
        "epoch, size, received_at, expires_at) SELECT t.d, t.s, $3::int8, $4::bytea, $5::bytea, "
        "$6::int8, $7::bytea, $8::int8, $9::int8, $10::int8, $11::int8 FROM "
        "unnest($1::bytea[], $2::int8[]) AS t(d, s)",
        ins);
    Params up;
    up.barr(to).iarr(seqs).i(size);
    c.exec(
        "UPDATE mailbox_usage u SET last_seq=t.s, count=u.count+1, bytes=u.bytes+$3::int8 FROM "
        "unnest($1::bytea[], $2::int8[]) AS t(d, s) WHERE u.device_id=t.d",
        up);
    Params su;
    su.barr(to).b(sender).i(size);
    c.exec(
        "INSERT INTO mailbox_sender_usage(device_id, sender, count, bytes) SELECT d, $2::bytea, "
        "1, $3::int8 FROM unnest($1::bytea[]) AS d ORDER BY d ON CONFLICT(device_id, sender) DO "
        "UPDATE SET count=mailbox_sender_usage.count+1, "
        "bytes=mailbox_sender_usage.bytes+excluded.bytes",
        su);
    // Delivered with the COMMIT (and only if it commits) to every node's LISTEN.
    c.exec("SELECT pg_notify($1::text, $2::text)",
           Params().t(channel_).t(node_id_ + ":" + std::to_string(envelope)));
    auto body = std::make_shared<const DeliveryBody>(DeliveryBody{
        Bytes(envelope_id.begin(), envelope_id.end()), Bytes(group_id.begin(), group_id.end()),
        kind, Bytes(sender.begin(), sender.end()), epoch, Bytes(payload.begin(), payload.end()),
        now, expires});
    for (std::size_t k = 0; k < to.size(); ++k) {
        rows.push_back({*to[k], static_cast<std::uint64_t>(seqs[k]), body});
    }
    return skipped;
}

StoreResult<GroupState> PostgresStorage::get_group(ByteView group_id) {
    return read<GroupState>([&](PgConn& c) -> StoreResult<GroupState> {
        // One snapshot for the epoch and the members.
        c.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try {
            Res g =
                c.exec("SELECT epoch FROM groups WHERE group_id=$1::bytea", Params().b(group_id));
            if (g.rows() == 0) {
                c.run("COMMIT");
                return StoreError{StoreErrc::not_found, "unknown group"};
            }
            GroupState out{g.u64(0, 0), group_members(c, group_id)};
            c.run("COMMIT");
            return out;
        } catch (...) {
            if (c.healthy()) c.run("ROLLBACK");
            throw;
        }
    });
}

StoreResult<SendResult> PostgresStorage::send_in(PgConn& c, const MessageRequest& req, Rows& rows) {
    if (auto dup = claim(c, req.sender, req.envelope_id, req.now + limits_.ttl_seconds)) {
        return *dup;
    }
    // FOR SHARE: a Commit of this group waits for this send, and this send for a Commit
    // in flight, as in SQLite's single writer.
    Res g = c.exec("SELECT epoch FROM groups WHERE group_id=$1::bytea FOR SHARE",
                   Params().b(req.group_id));
    if (g.rows() == 0) return StoreError{StoreErrc::not_found, "unknown group"};
    if (!is_member(c, req.group_id, req.sender)) {
        return StoreError{StoreErrc::not_member, "sender is not a member of the group"};
    }
    // Fan-out by the message's epoch (its MLS header's, parsed by the service): only the
    // members who were in the group in that epoch. A removed member has no row at all.
    // (An epoch past INT64_MAX, which no group reaches, counts as the newest.)
    std::vector<Bytes> recipients;
    {
        Res m = c.exec(
            "SELECT device_id FROM group_members WHERE group_id=$1::bytea AND "
            "since_epoch<=$2::int8 ORDER BY device_id",
            Params().b(req.group_id).u(req.epoch));  // u() clamps to INT64_MAX
        for (int k = 0; k < m.rows(); ++k) {
            Bytes d = m.blob(k, 0);
            if (d != req.sender) recipients.push_back(std::move(d));
        }
    }
    SendResult r;
    r.skipped = fan_out(c, recipients, req.envelope_id, req.group_id, DeliveryKind::message,
                        req.sender, req.epoch, req.payload, req.now, rows);
    if (!recipients.empty() && r.skipped.size() == recipients.size()) {
        return StoreError{StoreErrc::quota_exceeded, "recipient mailbox is full"};
    }
    r.recipients = recipients.size() - r.skipped.size();
    r.epoch = req.epoch;
    remember(c, req.sender, req.envelope_id, r);
    return r;
}

StoreResult<SendResult> PostgresStorage::commit_in(PgConn& c, const CommitRequest& req,
                                                   Rows& rows) {
    if (auto dup = claim(c, req.sender, req.envelope_id, req.now + limits_.ttl_seconds)) {
        return *dup;
    }
    Res g = c.exec("SELECT epoch FROM groups WHERE group_id=$1::bytea FOR UPDATE",
                   Params().b(req.group_id));
    if (g.rows() == 0) return StoreError{StoreErrc::not_found, "unknown group"};
    const std::uint64_t epoch = g.u64(0, 0);
    if (!is_member(c, req.group_id, req.sender)) {
        return StoreError{StoreErrc::not_member, "sender is not a member of the group"};
    }
    if (req.epoch != epoch) {
        return StoreError{StoreErrc::epoch_mismatch,
                          "epoch mismatch: current epoch " + std::to_string(epoch), epoch};
    }
    if (epoch == static_cast<std::uint64_t>(INT64_MAX)) {
        return StoreError{StoreErrc::invalid, "epoch exhausted"};
    }
    const std::vector<Bytes> before = group_members(c, req.group_id);
    for (const auto& d : req.added) {
        if (c.exec("SELECT 1 FROM devices WHERE device_id=$1::bytea", Params().b(d)).rows() == 0) {
            return StoreError{StoreErrc::invalid, "added device is not registered"};
        }
        // In the group from the epoch this Commit leads to. A device that is a member
        // already keeps its row (and its epoch).
        c.exec(
            "INSERT INTO group_members(group_id, device_id, since_epoch) "
            "VALUES($1::bytea,$2::bytea,$3::int8) ON CONFLICT DO NOTHING",
            Params().b(req.group_id).b(d).u(epoch + 1));
    }
    for (const auto& d : req.removed) {
        c.exec("DELETE FROM group_members WHERE group_id=$1::bytea AND device_id=$2::bytea",
               Params().b(req.group_id).b(d));
    }
    for (const auto& d : req.welcome_to) {
        if (!is_member(c, req.group_id, d)) {
            return StoreError{StoreErrc::invalid, "welcome recipient is not a member"};
        }
    }
    const std::uint64_t new_epoch = epoch + 1;
    // The compare-and-set (the row is locked, so this cannot miss; kept as the check).
    if (c.exec("UPDATE groups SET epoch=$3::int8 WHERE group_id=$1::bytea AND epoch=$2::int8",
               Params().b(req.group_id).u(epoch).u(new_epoch))
            .affected() != 1) {
        return internal("epoch compare-and-set failed");
    }
    std::vector<Bytes> recipients;
    for (const auto& m : before) {
        if (m != req.sender) recipients.push_back(m);
    }
    // Both fan-outs' counter rows locked at once, in device order (no deadlock with a
    // fan-out of another group holding some of them).
    if (!req.welcome.empty() && !req.welcome_to.empty()) {
        lock_usage(c, sorted_unique(recipients, req.welcome_to));
    }
    SendResult r;
    r.skipped = fan_out(c, recipients, req.envelope_id, req.group_id, DeliveryKind::commit,
                        req.sender, req.epoch, req.commit, req.now, rows);
    r.recipients = recipients.size() - r.skipped.size();
    if (!req.welcome.empty() && !req.welcome_to.empty()) {
        auto fw = fan_out(c, req.welcome_to, req.envelope_id, req.group_id, DeliveryKind::welcome,
                          req.sender, new_epoch, req.welcome, req.now, rows);
        r.recipients += req.welcome_to.size() - fw.size();
        r.skipped.insert(r.skipped.end(), fw.begin(), fw.end());
    }
    r.epoch = new_epoch;
    remember(c, req.sender, req.envelope_id, r);
    return r;
}

StoreResult<SendResult> PostgresStorage::send(const MessageRequest& req) {
    return write<SendResult>([&](PgConn& c, Rows& rows) { return send_in(c, req, rows); });
}

void PostgresStorage::send_async(MessageRequest req,
                                 std::function<void(StoreResult<SendResult>)> done) {
    auto owned = std::make_shared<MessageRequest>(std::move(req));
    write_async<SendResult>(
        [this, owned](PgConn& c, Rows& rows) { return send_in(c, *owned, rows); }, std::move(done));
}

StoreResult<SendResult> PostgresStorage::commit(const CommitRequest& req) {
    return write<SendResult>([&](PgConn& c, Rows& rows) { return commit_in(c, req, rows); });
}

void PostgresStorage::commit_async(CommitRequest req,
                                   std::function<void(StoreResult<SendResult>)> done) {
    auto owned = std::make_shared<CommitRequest>(std::move(req));
    write_async<SendResult>(
        [this, owned](PgConn& c, Rows& rows) { return commit_in(c, *owned, rows); },
        std::move(done));
}

// ---- mailbox reads, ack, expiry ----

StoreResult<std::vector<StoredDelivery>> PostgresStorage::read_mailbox(ByteView device_id,
                                                                       std::uint64_t after_seq,
                                                                       std::size_t max_count,
                                                                       std::size_t max_bytes,
                                                                       std::int64_t now) {
    const std::int64_t after = clamp64(after_seq);
    return read<std::vector<StoredDelivery>>(
        [&](PgConn& c) -> StoreResult<std::vector<StoredDelivery>> {
            // Sizes first, so at most ~max_bytes of payload crosses the connection.
            Res s = c.exec(
                "SELECT seq, size FROM mailbox WHERE device_id=$1::bytea AND seq>$2::int8 AND "
                "expires_at>$3::int8 ORDER BY seq LIMIT $4::int8",
                Params().b(device_id).i(after).i(now).u(max_count));
            if (s.rows() == 0) return std::vector<StoredDelivery>{};
            std::int64_t last = 0;
            std::size_t bytes = 0;
            for (int k = 0; k < s.rows(); ++k) {
                last = s.i64(k, 0);
                bytes += static_cast<std::size_t>(s.u64(k, 1));
                if (bytes >= max_bytes) break;
            }
            Res r = c.exec(
                "SELECT m.seq, m.envelope_id, m.group_id, m.kind, m.sender, m.epoch, e.payload, "
                "m.received_at, m.expires_at FROM mailbox m JOIN envelopes e ON e.id=m.envelope "
                "WHERE m.device_id=$1::bytea AND m.seq>$2::int8 AND m.seq<=$3::int8 AND "
                "m.expires_at>$4::int8 ORDER BY m.seq",
                Params().b(device_id).i(after).i(last).i(now));
            std::vector<StoredDelivery> out;
            out.reserve(static_cast<std::size_t>(r.rows()));
            for (int k = 0; k < r.rows(); ++k) {
                StoredDelivery d;
                d.seq = r.u64(k, 0);
                d.body.envelope_id = r.blob(k, 1);
                d.body.group_id = r.blob(k, 2);
                d.body.kind = static_cast<DeliveryKind>(r.i64(k, 3));
                d.body.sender = r.blob(k, 4);
                d.body.epoch = r.u64(k, 5);
                d.body.payload = r.blob(k, 6);
                d.body.received_at = r.i64(k, 7);
                d.body.expires_at = r.i64(k, 8);
                out.push_back(std::move(d));
            }
            return out;
        });
}

namespace {

// Deletes the mailbox rows matching `where` (parameters from $1 on, after locking the
// devices' counter rows), releases their usage and removes envelopes no row refers to.
std::uint64_t delete_rows(PgConn& c, const std::string& where, const Params& p,
                          const char* empty_senders_sql, const Params& empty_senders) {
    const std::string sql =
        "WITH d AS (DELETE FROM mailbox WHERE " + where +
        " RETURNING device_id, sender, envelope, size), "
        "a AS (UPDATE mailbox_usage m SET count=greatest(0, m.count-x.c), "
        "bytes=greatest(0, m.bytes-x.b) FROM (SELECT device_id, count(*)::int8 AS c, "
        "sum(size)::int8 AS b FROM d GROUP BY device_id) x WHERE m.device_id=x.device_id "
        "RETURNING 1), "
        "s AS (UPDATE mailbox_sender_usage m SET count=greatest(0, m.count-x.c), "
        "bytes=greatest(0, m.bytes-x.b) FROM (SELECT device_id, sender, count(*)::int8 AS c, "
        "sum(size)::int8 AS b FROM d GROUP BY device_id, sender) x WHERE "
        "m.device_id=x.device_id AND m.sender=x.sender RETURNING m.device_id, m.sender, m.count) "
        "SELECT (SELECT count(*) FROM d)::int8, (SELECT count(*) FROM a)::int8, "
        "array(SELECT DISTINCT envelope FROM d ORDER BY envelope)::text, "
        "(SELECT count(*) FROM s)::int8";
    Res r = c.exec(sql.c_str(), p);
    const std::uint64_t deleted = r.u64(0, 0);
    if (deleted == 0) return 0;
    // A sender with nothing left in a mailbox needs no row (keeps the table small).
    c.exec(empty_senders_sql, empty_senders);
    // Envelopes: locked first (in id order), then checked in a new statement, so of two
    // transactions deleting the last rows of one envelope the later one sees the
    // earlier's deletion and removes it.
    Params e;
    e.t(r.text(0, 2));
    c.exec("SELECT 1 FROM envelopes WHERE id = ANY($1::int8[]) ORDER BY id FOR UPDATE", e);
    c.exec(
        "DELETE FROM envelopes x WHERE x.id = ANY($1::int8[]) AND NOT EXISTS (SELECT 1 FROM "
        "mailbox m WHERE m.envelope=x.id)",
        e);
    return deleted;
}

}  // namespace

StoreResult<std::uint64_t> PostgresStorage::ack(ByteView device_id, std::uint64_t upto_seq) {
    const std::int64_t upto = clamp64(upto_seq);
    return write<std::uint64_t>([&, upto](PgConn& c, Rows&) -> StoreResult<std::uint64_t> {
        // The device's counter row first: the order fan-out and expiry take it in.
        c.exec("SELECT 1 FROM mailbox_usage WHERE device_id=$1::bytea FOR UPDATE",
               Params().b(device_id));
        return delete_rows(
            c, "device_id=$1::bytea AND seq<=$2::int8", Params().b(device_id).i(upto),
            "DELETE FROM mailbox_sender_usage WHERE device_id=$1::bytea AND count<=0",
            Params().b(device_id));
    });
}

StoreResult<std::uint64_t> PostgresStorage::expire(std::int64_t now) {
    return write<std::uint64_t>([now](PgConn& c, Rows&) -> StoreResult<std::uint64_t> {
        // One node at a time: the others skip this round (the lock ends with the
        // transaction).
        Res l = c.exec("SELECT pg_try_advisory_xact_lock($1::int4, hashtext(current_schema()))",
                       Params().i(kExpiryLock));
        if (!l.boolean(0, 0)) return std::uint64_t{0};
        c.exec(
            "SELECT 1 FROM mailbox_usage WHERE device_id IN (SELECT device_id FROM mailbox WHERE "
            "expires_at<=$1::int8) ORDER BY device_id FOR UPDATE",
            Params().i(now));
        const std::uint64_t deleted =
            delete_rows(c, "expires_at<=$1::int8", Params().i(now),
                        "DELETE FROM mailbox_sender_usage WHERE count<=0", Params());
        c.exec("DELETE FROM accepted WHERE expires_at<=$1::int8", Params().i(now));
        c.exec("DELETE FROM sessions WHERE expires_at<=$1::int8", Params().i(now));
        return deleted;
    });
}

// ---- the notifier: listener calls, LISTEN/NOTIFY ----

std::string PostgresStorage::listen_sql() const {
    std::string q = "\"";
    for (char ch : channel_) {
        if (ch == '"') q += '"';
        q += ch;
    }
    // Named, so an operator (and a test) can find this node's LISTEN connection.
    return "SET application_name = 'lagrum-relay-listen'; LISTEN " + q + "\"";
}

bool PostgresStorage::listen_connect() {
    try {
        if (!listen_conn_ || !listen_conn_->healthy()) {
            listen_conn_.reset();
            listen_conn_ = std::make_unique<PgConn>(conninfo_);
            listen_conn_->run(listen_sql().c_str());
            reconnects_.fetch_add(1);
            need_recovery_ = true;  // notifications may have been missed meanwhile
            notify_revocations();   // so may a revocation list stored by another node
        }
        return true;
    } catch (const std::exception&) {
        listen_conn_.reset();
        return false;
    }
}

void PostgresStorage::notifier_loop() {
    using Clock = std::chrono::steady_clock;
    // Off (0): never due; a reconnect still recovers (need_recovery_).
    auto due = [this] {
        return safety_net_seconds_ > 0 ? Clock::now() + std::chrono::seconds(safety_net_seconds_)
                                       : Clock::time_point::max();
    };
    auto next_check = due();
    auto next_connect = Clock::now();
    for (;;) {
        // Local commits, in slot order.
        for (;;) {
            std::shared_ptr<Slot> s;
            {
                std::lock_guard lock(slot_mu_);
                if (slots_.empty() || !slots_.front()->filled) break;
                s = std::move(slots_.front());
                slots_.pop_front();
            }
            if (!s->rows.empty()) report(std::move(s->rows));
            if (s->finish) s->finish();
        }
        if (notifier_stop_.load()) {
            std::lock_guard lock(slot_mu_);
            if (slots_.empty()) break;  // the writers are joined: nothing more comes
        }
        if ((!listen_conn_ || !listen_conn_->healthy()) && Clock::now() >= next_connect) {
            if (!listen_connect()) next_connect = Clock::now() + std::chrono::seconds(1);
        }
        if (listen_conn_ && (need_recovery_ || Clock::now() >= next_check)) {
            recover();
            next_check = due();
        }
        // Notifications libpq has already read (also those that arrived while this
        // thread ran a query on the connection), in commit order.
        bool handled = false;
        if (listen_conn_) {
            std::vector<std::string> payloads;
            while (PGnotify* n = PQnotifies(listen_conn_->raw())) {
                payloads.emplace_back(n->extra ? n->extra : "");
                PQfreemem(n);
            }
            if (!payloads.empty()) handle_notifications(payloads);
            handled = !payloads.empty();
        }
        pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {-1, POLLIN, 0}};
        if (listen_conn_) fds[1].fd = PQsocket(listen_conn_->raw());
        // No polling loop: the wait ends on a local commit, a notification, or (at most
        // every second) to retry a lost connection and run the safety net when due.
        ::poll(fds, fds[1].fd >= 0 ? 2 : 1, handled ? 0 : 1000);
        if (fds[0].revents & POLLIN) {
            std::uint64_t v = 0;
            [[maybe_unused]] auto n = ::read(wake_fd_, &v, sizeof v);
        }
        if (listen_conn_ && fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLERR | POLLHUP))) {
            if (PQconsumeInput(listen_conn_->raw()) == 0 || !listen_conn_->healthy()) {
                listen_conn_.reset();  // reconnect, then recover from the counters
            }
        }
    }
    listen_conn_.reset();
}

void PostgresStorage::handle_notifications(const std::vector<std::string>& payloads) {
    // Other nodes' envelopes, in commit order; ours are reported from their slots.
    std::vector<std::int64_t> envelopes;
    bool revocations = false;
    for (const auto& payload : payloads) {
        const auto colon = payload.find(':');
        if (colon == std::string::npos) continue;
        if (payload.compare(0, colon, node_id_) == 0) continue;
        if (payload.compare(colon + 1, std::string::npos, "rev") == 0) {
            revocations = true;  // another node stored a revocation list
            continue;
        }
        try {
            envelopes.push_back(std::stoll(payload.substr(colon + 1)));
        } catch (...) {
        }
    }
    if (revocations) notify_revocations();
    // Every notification libpq has read is handled with two queries per batch, not two
    // round trips per envelope: one thread per node makes these reads for every other
    // node's commits, and on a busy machine each round trip waits to be scheduled.
    for (std::size_t at = 0; at < envelopes.size() && listen_conn_; at += kNotifyBatch) {
        const std::size_t n = std::min(kNotifyBatch, envelopes.size() - at);
        read_envelopes(
            std::vector<std::int64_t>(envelopes.begin() + static_cast<std::ptrdiff_t>(at),
                                      envelopes.begin() + static_cast<std::ptrdiff_t>(at + n)));
    }
}

void PostgresStorage::read_envelopes(const std::vector<std::int64_t>& envelopes) {
    try {
        // Each device's rows in seq order (report's rule); envelopes without rows were
        // acknowledged or expired everywhere already.
        Res r = listen_conn_->exec(
            "SELECT device_id, seq, envelope, envelope_id, group_id, kind, sender, epoch, "
            "received_at, expires_at FROM mailbox WHERE envelope = ANY($1::int8[]) ORDER BY "
            "device_id, seq",
            Params().iarr(envelopes));
        // Only payloads some row still needs (a row at or below what was reported for
        // its device came already, through a gap read or this node's own commit).
        std::vector<std::int64_t> wanted;
        std::set<std::int64_t> seen;
        for (int k = 0; k < r.rows(); ++k) {
            auto it = reported_.find(r.blob(k, 0));
            if (it != reported_.end() && r.u64(k, 1) <= it->second) continue;
            const std::int64_t env = r.i64(k, 2);
            if (seen.insert(env).second) wanted.push_back(env);
        }
        if (wanted.empty()) return;
        Res e = listen_conn_->exec("SELECT id, payload FROM envelopes WHERE id = ANY($1::int8[])",
                                   Params().iarr(wanted));
        std::map<std::int64_t, Bytes> payload;
        for (int k = 0; k < e.rows(); ++k) payload.emplace(e.i64(k, 0), e.blob(k, 1));
        std::map<std::int64_t, std::shared_ptr<const DeliveryBody>> bodies;
        Rows rows;
        for (int k = 0; k < r.rows(); ++k) {
            const std::int64_t env = r.i64(k, 2);
            auto p = payload.find(env);
            if (p == payload.end()) continue;  // not wanted, or gone since the first read
            auto& body = bodies[env];
            if (!body) {
                body = std::make_shared<const DeliveryBody>(
                    DeliveryBody{r.blob(k, 3), r.blob(k, 4), static_cast<DeliveryKind>(r.i64(k, 5)),
                                 r.blob(k, 6), r.u64(k, 7), p->second, r.i64(k, 8), r.i64(k, 9)});
            }
            rows.push_back({r.blob(k, 0), r.u64(k, 1), body});
        }
        remote_rows_.fetch_add(rows.size());
        report(std::move(rows));
    } catch (const std::exception&) {
        need_recovery_ = true;  // read it from the counters once the connection is back
    }
}

bool PostgresStorage::read_gap(const Bytes& device, std::uint64_t after, std::uint64_t upto,
                               Rows& out) {
    if (!listen_conn_) return false;
    try {
        Res r = listen_conn_->exec(
            "SELECT m.seq, m.envelope_id, m.group_id, m.kind, m.sender, m.epoch, e.payload, "
            "m.received_at, m.expires_at FROM mailbox m JOIN envelopes e ON e.id=m.envelope "
            "WHERE m.device_id=$1::bytea AND m.seq>$2::int8 AND m.seq<=$3::int8 ORDER BY m.seq",
            Params().b(device).u(after).u(upto));
        for (int k = 0; k < r.rows(); ++k) {
            auto body = std::make_shared<const DeliveryBody>(
                DeliveryBody{r.blob(k, 1), r.blob(k, 2), static_cast<DeliveryKind>(r.i64(k, 3)),
                             r.blob(k, 4), r.u64(k, 5), r.blob(k, 6), r.i64(k, 7), r.i64(k, 8)});
            out.push_back({device, r.u64(k, 0), std::move(body)});
        }
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

void PostgresStorage::report(Rows rows) {
    // Each device's rows go out in seq order without gaps: a stream drops a row at or
    // below its cursor, so a row reported after a higher one would never reach it.
    Rows out;
    out.reserve(rows.size());
    for (auto& row : rows) {
        std::uint64_t& last = reported_[row.device];
        if (row.seq <= last) continue;  // reported already (recovery, a gap read)
        if (row.seq > last + 1) {
            Rows gap;
            if (!read_gap(row.device, last, row.seq - 1, gap)) {
                // Cannot read the gap now: hold back this row too; recovery reports both.
                need_recovery_ = true;
                continue;
            }
            for (auto& g : gap) out.push_back(std::move(g));
        }
        last = row.seq;
        out.push_back(std::move(row));
    }
    if (out.empty()) return;
    try {
        std::lock_guard lock(listener_mu_);
        if (listener_) listener_(out);
    } catch (...) {
        callback_errors_.fetch_add(1);
    }
}

void PostgresStorage::recover() {
    // Every device whose counter is past what this node reported: read the difference.
    try {
        Res r = listen_conn_->exec("SELECT device_id, last_seq FROM mailbox_usage");
        Rows rows;
        for (int k = 0; k < r.rows(); ++k) {
            Bytes device = r.blob(k, 0);
            const std::uint64_t last_seq = r.u64(k, 1);
            auto it = reported_.find(device);
            const std::uint64_t have = it == reported_.end() ? 0 : it->second;
            if (last_seq <= have) continue;
            Rows gap;
            if (!read_gap(device, have, last_seq, gap)) return;  // try again later
            for (auto& g : gap) rows.push_back(std::move(g));
            reported_[device] = last_seq;  // rows acknowledged meanwhile are simply gone
            if (!rows.empty()) {
                std::lock_guard lock(listener_mu_);
                try {
                    if (listener_) listener_(rows);
                } catch (...) {
                    callback_errors_.fetch_add(1);
                }
                rows.clear();
            }
        }
        need_recovery_ = false;
    } catch (const std::exception&) {
        listen_conn_.reset();
    }
}

}  // namespace lagrum::relay
