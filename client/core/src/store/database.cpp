// The client store's SQLCipher layer (database.h).
//
// Error messages carry SQLite's own text and a prefix of the SQL (code written by us),
// never a bound value: those may be personal data.
#include "lagrum/core/store/database.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <sqlcipher/sqlite3.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <utility>

namespace lagrum::core::store {
namespace {

constexpr std::size_t kKeySize = 32;
// The cipher page size, set on every open (SQLCipher 3's default is 1024). 4096 matches
// SQLite's own default page size, so each page read pays one decryption and one HMAC per
// 4 KiB instead of per 1 KiB: tests/bench/store measured reads 1.8-3.9x the unkeyed cost
// at 1024. An encrypted file is always a whole number of pages, so any other size is
// damage (truncation, a foreign file), never a wrong key.
constexpr std::uintmax_t kPageSize = 4096;
// A CLI command and the daemon may open the same profile at once: wait for the other's
// write transaction instead of failing at the first SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 10'000;
constexpr std::size_t kSqlInMessage = 60;

// The code a SQLite result maps to once the file is open and keyed.
Errc errc_for(int rc) {
    switch (rc & 0xff) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB:
        case SQLITE_FORMAT:
        case SQLITE_EMPTY:
            return Errc::corrupt_store;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_FULL:
        case SQLITE_READONLY:
        case SQLITE_PERM:
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
        case SQLITE_PROTOCOL:
        case SQLITE_NOLFS:
            return Errc::io_error;
        case SQLITE_CONSTRAINT:
            return Errc::conflict;
        case SQLITE_TOOBIG:
            return Errc::bad_input;
        default:
            return Errc::internal;
    }
}

// SQLCipher 3.4.1 reports a page whose HMAC does not verify by setting the connection's
// error code to a bare SQLITE_ERROR, without a message of its own; an SQL mistake of ours
// always comes with a specific message ("no such table: ..."). The bare one is damage.
Errc errc_for(sqlite3* db, int rc) {
    if (db != nullptr && rc == SQLITE_ERROR &&
        std::strcmp(sqlite3_errmsg(db), sqlite3_errstr(SQLITE_ERROR)) == 0) {
        return Errc::corrupt_store;
    }
    return errc_for(rc);
}

std::string sql_excerpt(std::string_view sql) {
    while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n' || sql.front() == '\t')) {
        sql.remove_prefix(1);
    }
    if (sql.size() <= kSqlInMessage) return std::string(sql);
    return std::string(sql.substr(0, kSqlInMessage)) + "...";
}

// "store: <what> (<sqlite message>, code N)". sqlite3_errmsg describes the most recent
// failure on `db`; SQLite's messages name tables, columns and constraints, not values.
[[noreturn]] void fail(sqlite3* db, int rc, const std::string& what) {
    const Errc code = errc_for(db, rc);
    // Damage is what a person must understand first; SQLite's words follow for support.
    std::string message = code == Errc::corrupt_store
                              ? "the profile's database is damaged (restore it from a backup): "
                              : "store: ";
    message += what + ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    message += " (SQLite code " + std::to_string(rc) + ")";
    throw Error(code, message);
}

void check_bind(sqlite3* db, int rc, int index) {
    if (rc != SQLITE_OK) fail(db, rc, "cannot bind parameter " + std::to_string(index));
}

// Runs SQL on a connection without throwing (for rollback while an exception is active).
void exec_quietly(sqlite3* db, const char* sql) noexcept {
    sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
}

// Closes the connection unless released: open() throws at many points.
struct ConnectionGuard {
    sqlite3* db = nullptr;
    ~ConnectionGuard() {
        if (db != nullptr) sqlite3_close_v2(db);
    }
    sqlite3* release() { return std::exchange(db, nullptr); }
};

std::optional<std::uintmax_t> store_file_size(const std::filesystem::path& file) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return std::nullopt;
    return size;
}

// Creates a new store file readable by its owner only; SQLite would use 0644 and its
// journal and WAL files copy the main file's mode.
void create_private_file(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    if (errno == EEXIST) return;  // created meanwhile by another process: open that one
    throw Error(Errc::io_error,
                "store: cannot create the database file: " + std::string(std::strerror(errno)));
}

// sqlite3_key with SQLCipher's raw-key syntax x'<64 hex>' (a bare 32-byte string would be
// taken as a passphrase and run through PBKDF2). The hex text lives in secure memory and
// is wiped when `hex` goes out of scope.
void apply_key(sqlite3* db, const crypto::SecretBytes& key) {
    crypto::SecretBytes text(2 * kKeySize + 3 + 1);  // x ' hex ' NUL
    auto* out = reinterpret_cast<char*>(text.data());
    out[0] = 'x';
    out[1] = '\'';
    sodium_bin2hex(out + 2, 2 * kKeySize + 1, key.data(), key.size());  // constant time
    out[2 + 2 * kKeySize] = '\'';
    out[3 + 2 * kKeySize] = '\0';
    const int rc = sqlite3_key(db, out, static_cast<int>(2 * kKeySize + 3));
    sodium_memzero(text.data(), text.size());
    if (rc != SQLITE_OK) fail(db, rc, "cannot set the database key");
}

// The first read after keying. SQLCipher only notices a wrong key when it decrypts page 1,
// which it reports as SQLITE_NOTADB, the same code as for a file that is not a database.
// The file size separates the two: SQLCipher writes whole pages, so a wrong key shows on
// a file of N >= 1 full pages, and anything else is damage.
void verify_key(sqlite3* db, const std::filesystem::path& file) {
    const int rc =
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    const int primary = rc & 0xff;
    if (primary == SQLITE_NOTADB) {
        const auto size = store_file_size(file);
        if (size && *size > 0 && *size % kPageSize == 0) {
            throw Error(Errc::wrong_passphrase,
                        "store: the key does not decrypt the database (wrong key or damaged "
                        "first page)");
        }
        throw Error(Errc::corrupt_store,
                    "store: the database file is not a whole number of "
                    "pages (truncated or not a Lagrum store)");
    }
    if (primary == SQLITE_CORRUPT || primary == SQLITE_FORMAT) {
        fail(db, rc, "the database is damaged");
    }
    fail(db, rc, "cannot read the database");
}

// Reads one integer from a PRAGMA (or any single-value query).
std::int64_t query_int(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, std::string("cannot prepare ") + sql);
    rc = sqlite3_step(stmt);
    std::int64_t value = 0;
    if (rc == SQLITE_ROW) value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db, rc, std::string("cannot run ") + sql);
    return value;
}

std::string query_text(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, std::string("cannot prepare ") + sql);
    rc = sqlite3_step(stmt);
    std::string value;
    if (rc == SQLITE_ROW) {
        const auto* p = sqlite3_column_text(stmt, 0);
        if (p != nullptr) value = reinterpret_cast<const char*>(p);
    }
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(db, rc, std::string("cannot run ") + sql);
    return value;
}

}  // namespace

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (stmt_ != nullptr) sqlite3_finalize(stmt_);
        db_ = std::exchange(other.db_, nullptr);
        stmt_ = std::exchange(other.stmt_, nullptr);
    }
    return *this;
}

Statement::~Statement() {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (stmt_ == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    check_bind(db_, sqlite3_bind_int64(stmt_, index, value), index);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    if (stmt_ == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    // A null pointer would bind NULL; an empty string_view may have one.
    const char* data = text.data() != nullptr ? text.data() : "";
    check_bind(db_,
               sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
               index);
    return *this;
}

Statement& Statement::bind(int index, ByteView blob) {
    if (stmt_ == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    // As for text: a null pointer would bind NULL, and an empty view must bind X''.
    static const std::uint8_t kEmpty = 0;
    const void* data = blob.data() != nullptr ? blob.data() : &kEmpty;
    check_bind(db_, sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT), index);
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (stmt_ == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    check_bind(db_, sqlite3_bind_null(stmt_, index), index);
    return *this;
}

bool Statement::step() {
    if (stmt_ == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    // Leave the statement reusable; reset repeats the error code, already in hand.
    const std::string what = "statement failed: " + sql_excerpt(sqlite3_sql(stmt_));
    const Errc code = errc_for(db_, rc);
    const std::string message =
        (code == Errc::corrupt_store
             ? std::string("the profile's database is damaged (restore it from a backup): ")
             : std::string("store: ")) +
        what + ": " + sqlite3_errmsg(db_) + " (SQLite code " + std::to_string(rc) + ")";
    sqlite3_reset(stmt_);
    throw Error(code, message);
}

void Statement::run() {
    while (step()) {
    }
    // Done statements hold no lock, but reset also makes the next run() start afresh.
    sqlite3_reset(stmt_);
}

void Statement::reset() {
    if (stmt_ == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    // The error code returned here is that of the last step, already reported by step().
    sqlite3_reset(stmt_);
}

namespace {
// Column access without a current row, or past the last column, is undefined in SQLite's
// API; make it a clear error.
void check_column(sqlite3_stmt* stmt, int column) {
    if (stmt == nullptr) throw Error(Errc::internal, "store: statement was moved from");
    if (column < 0 || column >= sqlite3_data_count(stmt)) {
        throw Error(Errc::internal,
                    "store: column " + std::to_string(column) + " is not in the current row");
    }
}

// A blob column as a view into SQLite's buffer (valid until the next step or reset);
// empty for NULL or an empty blob.
ByteView column_blob(sqlite3_stmt* stmt, int column) {
    check_column(stmt, column);
    const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt, column));
    const int n = sqlite3_column_bytes(stmt, column);
    if (p == nullptr) return {};
    return {p, static_cast<std::size_t>(n)};
}
}  // namespace

bool Statement::is_null(int column) const {
    check_column(stmt_, column);
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::int64(int column) const {
    check_column(stmt_, column);
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
    check_column(stmt_, column);
    // Pointer first, then size: the documented order when a conversion may happen.
    const auto* p = sqlite3_column_text(stmt_, column);
    const int n = sqlite3_column_bytes(stmt_, column);
    if (p == nullptr) {
        if (sqlite3_column_type(stmt_, column) != SQLITE_NULL) {
            fail(db_, SQLITE_NOMEM, "cannot read column " + std::to_string(column));
        }
        return {};
    }
    return std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
}

Bytes Statement::blob(int column) const {
    const ByteView v = column_blob(stmt_, column);
    return Bytes(v.begin(), v.end());
}

crypto::SecretBytes Statement::secret_blob(int column) const {
    return crypto::SecretBytes::copy_of(column_blob(stmt_, column));
}

// ---- Database ----

Database Database::open(const std::filesystem::path& file, const crypto::SecretBytes& key,
                        const Migrations& migrations, bool create) {
    if (key.size() != kKeySize) {
        throw Error(Errc::internal, "store: the database key must be 32 bytes");
    }
    std::error_code ec;
    const bool exists = std::filesystem::exists(file, ec);
    if (ec) throw Error(Errc::io_error, "store: cannot access the database file: " + ec.message());
    if (!exists && !create) throw Error(Errc::no_profile, "store: the database file is missing");
    if (exists) {
        if (!std::filesystem::is_regular_file(file, ec)) {
            throw Error(Errc::corrupt_store, "store: the database path is not a regular file");
        }
        const auto size = store_file_size(file);
        if (!size) throw Error(Errc::io_error, "store: cannot read the database file size");
        // An empty file is a database SQLite would happily initialise; when the caller
        // expects an existing store it is a damaged one (e.g. truncated by a full disk).
        if ((*size == 0 && !create) || *size % kPageSize != 0) {
            throw Error(Errc::corrupt_store,
                        "store: the database file is truncated or is not "
                        "a Lagrum store");
        }
    } else {
        create_private_file(file);
    }

    ConnectionGuard guard;
    // NOMUTEX: one Database per thread (database.h), so SQLite's per-connection mutex is
    // pure overhead. No SQLITE_OPEN_CREATE: the file exists by now, and if it vanished
    // meanwhile that must be an error, not a fresh empty store.
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(file.c_str(), &guard.db, flags, nullptr);
    if (rc != SQLITE_OK) {
        if (guard.db == nullptr) throw Error(Errc::internal, "store: out of memory");
        if (!std::filesystem::exists(file, ec) && !ec) {
            throw Error(Errc::no_profile, "store: the database file is missing");
        }
        fail(guard.db, rc, "cannot open the database file");
    }
    sqlite3* db = guard.db;
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMs);
    apply_key(db, key);
    rc = sqlite3_exec(db, "PRAGMA cipher_page_size = 4096;", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "cannot set the cipher page size");
    verify_key(db, file);

    // foreign_keys and secure_delete are per connection; synchronous=FULL makes each commit
    // durable in WAL mode too (NORMAL could lose the last commits on power loss).
    rc = sqlite3_exec(db,
                      "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; "
                      "PRAGMA synchronous = FULL;",
                      nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(db, rc, "cannot configure the connection");

    // WAL lets the daemon read while the CLI writes (and the reverse). The mode is stored
    // in the file, so only the first open changes it; if another connection holds the file
    // in rollback mode the change waits for busy_timeout and otherwise keeps working in
    // rollback mode, which is correct, only less concurrent.
    const std::string mode = query_text(db, "PRAGMA journal_mode = WAL");
    (void)mode;

    Database database(guard.release());
    const std::int64_t version = query_int(database.db_, "PRAGMA user_version");
    if (version < 0 || static_cast<std::uint64_t>(version) > migrations.size()) {
        throw Error(Errc::corrupt_store,
                    "store: the database schema (version " + std::to_string(version) +
                        ") is newer than this program (" + std::to_string(migrations.size()) + ")");
    }
    for (auto i = static_cast<std::size_t>(version); i < migrations.size(); ++i) {
        database.transaction([&] {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            const std::int64_t now = query_int(database.db_, "PRAGMA user_version");
            if (static_cast<std::uint64_t>(now) > i) return;
            rc = sqlite3_exec(database.db_, migrations[i].c_str(), nullptr, nullptr, nullptr);
            if (rc != SQLITE_OK) {
                fail(database.db_, rc, "migration " + std::to_string(i + 1) + " failed");
            }
            database.exec("PRAGMA user_version = " + std::to_string(i + 1));
        });
    }
    return database;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), depth_(std::exchange(other.depth_, 0)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        if (db_ != nullptr) sqlite3_close_v2(db_);
        db_ = std::exchange(other.db_, nullptr);
        depth_ = std::exchange(other.depth_, 0);
    }
    return *this;
}

Database::~Database() {
    // close_v2: a Statement that outlives its Database keeps the connection alive until it
    // is finalized, instead of making close fail with SQLITE_BUSY.
    if (db_ != nullptr) sqlite3_close_v2(db_);
}

Statement Database::prepare(std::string_view sql) {
    if (db_ == nullptr) throw Error(Errc::internal, "store: database was moved from");
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail);
    if (rc != SQLITE_OK) fail(db_, rc, "cannot prepare " + sql_excerpt(sql));
    Statement statement(db_, stmt);
    if (stmt == nullptr)
        throw Error(Errc::internal, "store: no SQL statement in " + sql_excerpt(sql));
    // Only one statement per prepare(): anything after it would be silently ignored.
    const char* end = sql.data() + sql.size();
    for (; tail != nullptr && tail < end; ++tail) {
        if (*tail != ' ' && *tail != '\n' && *tail != '\t' && *tail != '\r' && *tail != ';') {
            throw Error(Errc::internal,
                        "store: prepare() takes one statement: " + sql_excerpt(sql));
        }
    }
    return statement;
}

void Database::exec(std::string_view sql) {
    if (db_ == nullptr) throw Error(Errc::internal, "store: database was moved from");
    const std::string text(sql);  // sqlite3_exec wants a NUL-terminated string
    const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(db_, rc, "cannot execute " + sql_excerpt(sql));
}

void Database::transaction(const std::function<void()>& body) {
    if (db_ == nullptr) throw Error(Errc::internal, "store: database was moved from");
    if (depth_ > 0) {
        // A nested call joins the outer transaction (nothing is committed before the outer
        // one commits), but under a savepoint: if it throws, its own changes are undone, so
        // an outer body that catches the exception does not commit half of the inner work.
        const std::string name = "lagrum_" + std::to_string(depth_);
        exec("SAVEPOINT " + name);
        ++depth_;
        try {
            body();
        } catch (...) {
            --depth_;
            if (sqlite3_get_autocommit(db_) == 0) {
                exec_quietly(db_, ("ROLLBACK TO " + name).c_str());
                exec_quietly(db_, ("RELEASE " + name).c_str());
            }
            throw;
        }
        --depth_;
        exec("RELEASE " + name);
        return;
    }
    // IMMEDIATE takes the write lock now: a deferred transaction that reads first and
    // writes later can fail with SQLITE_BUSY at the write without busy_timeout helping.
    exec("BEGIN IMMEDIATE");
    depth_ = 1;
    try {
        body();
        exec("COMMIT");
    } catch (...) {
        depth_ = 0;
        // Some errors (SQLITE_FULL, IOERR, ...) already rolled back; ROLLBACK would then
        // fail with "no transaction is active".
        if (sqlite3_get_autocommit(db_) == 0) exec_quietly(db_, "ROLLBACK");
        throw;
    }
    depth_ = 0;
}

std::int64_t Database::last_insert_rowid() const {
    if (db_ == nullptr) throw Error(Errc::internal, "store: database was moved from");
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
    if (db_ == nullptr) throw Error(Errc::internal, "store: database was moved from");
    return sqlite3_changes(db_);
}

int Database::schema_version() const {
    if (db_ == nullptr) throw Error(Errc::internal, "store: database was moved from");
    return static_cast<int>(query_int(db_, "PRAGMA user_version"));
}

}  // namespace lagrum::core::store
