// Database: the client's SQLCipher store (DESIGN.md, "Client store").
//
// One encrypted SQLite file keyed with a raw 256-bit key (never a passphrase: the key is
// random and wrapped separately, see profile_key.h). Opening verifies the key at once by
// reading the schema, so a wrong key or a damaged file is an Error (wrong_passphrase /
// corrupt_store) before anything is written. Schema changes are numbered migrations in
// PRAGMA user_version, each applied in its own transaction.
//
// SQLCipher 3.4.1 is SQLite 3.15: no UPSERT, RETURNING, window functions or JSON.
// Thread use: one Database per thread (the CLI and the daemon each open their own).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lagrum/core/error.h"
#include "lagrum/crypto/bytes.h"
#include "lagrum/crypto/secret.h"

struct sqlite3;
struct sqlite3_stmt;

namespace lagrum::core::store {

using crypto::Bytes;
using crypto::ByteView;

class Database;

// A prepared statement. Bind indexes are 1-based as in SQLite; column indexes 0-based.
class Statement {
  public:
    Statement(Statement&&) noexcept;
    Statement& operator=(Statement&&) noexcept;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, ByteView blob);  // an empty view binds an empty blob
    Statement& bind_null(int index);

    // Steps once: true when a row is available, false when done. Throws on error.
    bool step();
    // Steps to completion (for statements that return no rows).
    void run();
    void reset();  // for reuse; keeps bindings

    bool is_null(int column) const;
    std::int64_t int64(int column) const;
    std::string text(int column) const;
    Bytes blob(int column) const;
    // The same, read straight into secure memory: for a column that holds secrets (a
    // serialized group state), so that no plain copy is left to wipe by hand.
    crypto::SecretBytes secret_blob(int column) const;

  private:
    friend class Database;
    Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

// A migration: SQL run once, in order, bringing user_version from its index to index+1.
using Migrations = std::vector<std::string>;

class Database {
  public:
    // Opens (creating if `create`) the file with `key` (32 bytes), verifies the key by a
    // first read, applies `migrations` past the stored user_version. Errors:
    //   wrong_passphrase  the key does not decrypt the file (SQLITE_NOTADB on a file that
    //                     has a valid size) — callers that unwrapped the key themselves
    //                     report this as corrupt_store instead;
    //   corrupt_store     truncated/damaged file, a schema newer than `migrations`;
    //   no_profile        the file is missing and create is false;
    //   io_error          cannot open or write.
    static Database open(const std::filesystem::path& file, const crypto::SecretBytes& key,
                         const Migrations& migrations, bool create);

    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    Statement prepare(std::string_view sql);
    void exec(std::string_view sql);  // one or more statements, no results

    // Runs `body` in one IMMEDIATE transaction: committed if it returns, rolled back (and
    // the exception rethrown) if it throws. Nested calls join the outer transaction.
    void transaction(const std::function<void()>& body);

    std::int64_t last_insert_rowid() const;
    int changes() const;
    int schema_version() const;

  private:
    explicit Database(sqlite3* db) : db_(db) {}
    sqlite3* db_ = nullptr;
    int depth_ = 0;
};

}  // namespace lagrum::core::store
