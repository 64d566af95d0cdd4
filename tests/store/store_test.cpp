// Tests for the client store's SQLCipher layer (lagrum/core/store/database.h): keying,
// the errors a damaged or foreign file must produce (never a crash), migrations,
// transactions, two connections on one file, and that nothing is stored in plaintext.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "lagrum/core/error.h"
#include "lagrum/core/store/database.h"
#include "lagrum/crypto/random.h"

namespace fs = std::filesystem;
using lagrum::core::Errc;
using lagrum::core::errc_name;
using lagrum::core::Error;
using lagrum::core::store::Database;
using lagrum::core::store::Migrations;
using lagrum::crypto::Bytes;
using lagrum::crypto::SecretBytes;

namespace {

const Migrations kSchema = {
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL, body BLOB, note TEXT);"
    "CREATE UNIQUE INDEX messages_note ON messages(note);",
};

Bytes read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& p, const Bytes& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
}

bool contains(const Bytes& haystack, std::string_view needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

// The Errc thrown by `f`, failing the test if it throws anything else or nothing.
Errc error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    } catch (const std::exception& e) {
        ADD_FAILURE() << "not a core::Error: " << e.what();
        return Errc::internal;
    }
    ADD_FAILURE() << "no exception";
    return Errc::internal;
}

#define EXPECT_ERRC(expr, code) \
    EXPECT_EQ(errc_name(error_of([&] { (void)(expr); })), errc_name(code))

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string tmpl = (fs::temp_directory_path() / "lagrum-store-test-XXXXXX").string();
        ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        file_ = dir_ / "store.db";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    Database open(bool create = false, const Migrations& m = kSchema) {
        return Database::open(file_, key_, m, create);
    }

    void insert(Database& db, std::int64_t id, std::string_view room, const Bytes& body) {
        db.prepare("INSERT INTO messages (id, room, body) VALUES (?, ?, ?)")
            .bind(1, id)
            .bind(2, room)
            .bind(3, body)
            .run();
    }

    std::int64_t count(Database& db) {
        auto st = db.prepare("SELECT count(*) FROM messages");
        EXPECT_TRUE(st.step());
        return st.int64(0);
    }

    // Reads every column of every row, so every page of the table is decrypted.
    std::vector<Bytes> scan(Database& db) {
        std::vector<Bytes> rows;
        auto st = db.prepare("SELECT id, room, body, note FROM messages ORDER BY id");
        while (st.step()) {
            Bytes row = st.blob(2);
            const std::string room = st.text(1);
            row.insert(row.end(), room.begin(), room.end());
            rows.push_back(std::move(row));
        }
        return rows;
    }

    // A store of several pages: 20 rows of 1 KiB (each spills to an overflow page).
    void make_multi_page_store() {
        auto db = open(true);
        db.transaction([&] {
            for (int i = 1; i <= 20; ++i)
                insert(db, i, "room", Bytes(1024, static_cast<std::uint8_t>(i)));
        });
    }

    fs::path dir_;
    fs::path file_;
    SecretBytes key_ = lagrum::crypto::random_secret(32);
};

TEST_F(StoreTest, RoundTripsEveryType) {
    auto db = open(true);
    const Bytes body = {0, 1, 2, 0xff, 0};
    db.prepare("INSERT INTO messages (id, room, body, note) VALUES (?, ?, ?, ?)")
        .bind(1, std::int64_t{-5})
        .bind(2, std::string_view("räkna\0x", 8))
        .bind(3, body)
        .bind_null(4)
        .run();
    EXPECT_EQ(db.changes(), 1);
    EXPECT_EQ(db.last_insert_rowid(), -5);
    db.prepare("INSERT INTO messages (id, room, body, note) VALUES (?, ?, ?, ?)")
        .bind(1, std::int64_t{1} << 40)
        .bind(2, std::string_view())
        .bind(3, lagrum::crypto::ByteView())
        .bind(4, "n")
        .run();

    auto st = db.prepare(
        "SELECT id, room, body, note, typeof(body), typeof(room) FROM messages "
        "ORDER BY id");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), -5);
    EXPECT_EQ(st.text(1), std::string("räkna\0x", 8));
    EXPECT_EQ(st.blob(2), body);
    EXPECT_TRUE(st.is_null(3));
    EXPECT_EQ(st.text(3), "");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), std::int64_t{1} << 40);
    // Empty text and an empty blob are values, not NULL.
    EXPECT_FALSE(st.is_null(1));
    EXPECT_FALSE(st.is_null(2));
    EXPECT_EQ(st.text(4), "blob");
    EXPECT_EQ(st.text(5), "text");
    EXPECT_TRUE(st.blob(2).empty());
    EXPECT_EQ(st.text(3), "n");
    EXPECT_FALSE(st.step());
}

// A secret column is read straight into secure memory: the same bytes as blob(), an
// empty or NULL value as an empty secret, and a column out of range an error.
TEST_F(StoreTest, SecretBlobReadsTheSameBytesIntoSecureMemory) {
    auto db = open(true);
    const Bytes secret = {9, 0, 8, 0xff, 7};
    db.prepare("INSERT INTO messages (id, room, body, note) VALUES (1, 'r', ?, NULL)")
        .bind(1, secret)
        .run();
    db.prepare("INSERT INTO messages (id, room, body, note) VALUES (2, 'r', ?, NULL)")
        .bind(1, lagrum::crypto::ByteView())
        .run();
    auto st = db.prepare("SELECT body, note FROM messages ORDER BY id");
    ASSERT_TRUE(st.step());
    const SecretBytes read = st.secret_blob(0);
    EXPECT_EQ(read.expose(), secret);
    EXPECT_EQ(read.expose(), st.blob(0));
    EXPECT_TRUE(st.secret_blob(1).empty());  // NULL
    EXPECT_THROW((void)st.secret_blob(2), Error);
    ASSERT_TRUE(st.step());
    EXPECT_TRUE(st.secret_blob(0).empty());  // an empty blob
    EXPECT_FALSE(st.step());
}

TEST_F(StoreTest, StatementIsReusableAfterReset) {
    auto db = open(true);
    auto ins = db.prepare("INSERT INTO messages (room) VALUES (?)");
    for (int i = 0; i < 3; ++i) {
        ins.bind(1, "r" + std::to_string(i)).run();
        ins.reset();
    }
    ins.run();  // keeps its bindings
    EXPECT_EQ(count(db), 4);
    auto sel = db.prepare("SELECT room FROM messages WHERE room = ?");
    sel.bind(1, "r2");
    ASSERT_TRUE(sel.step());
    sel.reset();
    ASSERT_TRUE(sel.step());
    EXPECT_EQ(sel.text(0), "r2");
}

TEST_F(StoreTest, PersistsAcrossReopen) {
    {
        auto db = open(true);
        insert(db, 7, "room-a", Bytes{1, 2, 3});
    }
    auto db = open(false);
    auto st = db.prepare("SELECT room, body FROM messages WHERE id = ?");
    st.bind(1, std::int64_t{7});
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.text(0), "room-a");
    EXPECT_EQ(st.blob(1), (Bytes{1, 2, 3}));
    EXPECT_EQ(db.schema_version(), 1);
}

TEST_F(StoreTest, CreateOnExistingStoreOpensIt) {
    { insert(*std::make_unique<Database>(open(true)), 1, "r", {}); }
    auto db = open(true);
    EXPECT_EQ(count(db), 1);
}

TEST_F(StoreTest, NewFileIsOwnerOnly) {
    { auto db = open(true); }
    struct stat st {};
    ASSERT_EQ(::stat(file_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StoreTest, UsesWalAndForeignKeys) {
    auto db = open(true, {"CREATE TABLE p (id INTEGER PRIMARY KEY);"
                          "CREATE TABLE c (p INTEGER NOT NULL REFERENCES p(id));"});
    auto mode = db.prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.text(0), "wal");
    EXPECT_ERRC(db.exec("INSERT INTO c VALUES (42)"), Errc::conflict);
}

TEST_F(StoreTest, WrongKeyIsWrongPassphraseAndLeavesFileUntouched) {
    make_multi_page_store();
    const Bytes before = read_file(file_);
    ASSERT_FALSE(before.empty());

    const SecretBytes other = lagrum::crypto::random_secret(32);
    EXPECT_ERRC(Database::open(file_, other, kSchema, false), Errc::wrong_passphrase);
    EXPECT_ERRC(Database::open(file_, other, kSchema, true), Errc::wrong_passphrase);

    EXPECT_EQ(read_file(file_), before);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        EXPECT_FALSE(fs::exists(file_.string() + suffix)) << suffix;
    }
    auto db = open(false);
    EXPECT_EQ(count(db), 20);
}

TEST_F(StoreTest, KeyMustBe32Bytes) {
    const SecretBytes short_key = lagrum::crypto::random_secret(16);
    EXPECT_ERRC(Database::open(file_, short_key, kSchema, true), Errc::internal);
    EXPECT_FALSE(fs::exists(file_));
}

TEST_F(StoreTest, MissingFileIsNoProfile) {
    EXPECT_ERRC(open(false), Errc::no_profile);
    EXPECT_FALSE(fs::exists(file_));
    file_ = dir_ / "no-such-dir" / "store.db";
    EXPECT_ERRC(open(false), Errc::no_profile);
    EXPECT_ERRC(open(true), Errc::io_error);
}

TEST_F(StoreTest, TruncatedFileIsCorrupt) {
    make_multi_page_store();
    const Bytes whole = read_file(file_);
    ASSERT_GE(whole.size(), 8 * 1024u);
    ASSERT_EQ(whole.size() % 1024, 0u);
    // Not a whole number of pages: caught before SQLCipher reads anything.
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{100}, std::size_t{512},
          std::size_t{1023}, std::size_t{1024 + 17}, whole.size() / 2 + 7, whole.size() - 1}) {
        write_file(file_, Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
        EXPECT_ERRC(open(false), Errc::corrupt_store) << "cut at " << cut;
    }
    // Whole pages missing at the end: page 1 decrypts, so the damage shows on open or at
    // the latest when the missing pages are read.
    for (std::size_t cut : {std::size_t{1024}, std::size_t{2048}, whole.size() / 2 / 1024 * 1024,
                            whole.size() - 1024}) {
        write_file(file_, Bytes(whole.begin(), whole.begin() + static_cast<long>(cut)));
        const Errc code = error_of([&] {
            auto db = open(false);
            scan(db);
        });
        EXPECT_EQ(errc_name(code), errc_name(Errc::corrupt_store)) << "cut at " << cut;
    }
}

TEST_F(StoreTest, GarbageFileIsAnErrorNotACrash) {
    write_file(file_, lagrum::crypto::random_bytes(5000));
    EXPECT_ERRC(open(false), Errc::corrupt_store);
    write_file(file_, lagrum::crypto::random_bytes(4096));
    // Whole pages of random bytes look exactly like a store under another key: SQLCipher 3
    // has no plaintext header to tell them apart.
    EXPECT_ERRC(open(false), Errc::wrong_passphrase);
    // A plain-SQLite-looking header is no different once "decrypted".
    Bytes fake(4096, 0);
    const std::string header = "SQLite format 3";
    std::copy(header.begin(), header.end(), fake.begin());
    fake[header.size()] = 0;
    write_file(file_, fake);
    EXPECT_ERRC(open(false), Errc::wrong_passphrase);
    fs::remove(file_);
    fs::create_directory(file_);
    EXPECT_ERRC(open(false), Errc::corrupt_store);
}

// SQLCipher 3 pages are [encrypted data | 16-byte IV | 20-byte HMAC-SHA1 | 12 unused]
// (4096-byte pages as the store sets them, 48 reserved bytes); the HMAC covers data and IV.
TEST_F(StoreTest, FlippedByteIsNeverReadAsValidData) {
    make_multi_page_store();
    const Bytes whole = read_file(file_);
    std::vector<Bytes> original;
    {
        auto db = open(false);
        original = scan(db);
    }
    constexpr std::size_t kPage = 4096;
    const std::size_t pages = whole.size() / kPage;
    int errors = 0, zero_filled = 0;
    // Every page after the first: a data byte, an IV byte, an HMAC byte.
    for (std::size_t page = 1; page < pages; ++page) {
        for (std::size_t at : {std::size_t{100}, kPage - 48 + 5, kPage - 32 + 3}) {
            Bytes damaged = whole;
            damaged[page * kPage + at] ^= 0x01;
            write_file(file_, damaged);
            try {
                auto db = open(false);
                const auto rows = scan(db);
                // quick_check reads every page, including the index the scan skips.
                auto check = db.prepare("PRAGMA quick_check");
                std::string verdict;
                while (check.step()) verdict += check.text(0);
                // SQLCipher 3.4.1 zero-fills a page whose HMAC fails, and the error may not
                // reach the caller if the b-tree still looks sound: the data then reads back
                // changed, never as the original, never as a crash.
                EXPECT_TRUE(rows != original || verdict != "ok")
                    << "undetected: page " << page + 1 << " byte " << at;
                ++zero_filled;
            } catch (const Error& e) {
                EXPECT_EQ(errc_name(e.code()), errc_name(Errc::corrupt_store))
                    << "page " << page + 1 << " byte " << at << ": " << e.what();
                ++errors;
            }
        }
    }
    std::printf("flipped bytes: %d reported as corrupt_store, %d read as zero-filled pages\n",
                errors, zero_filled);
    EXPECT_GT(errors, 0);
    // Page 1 carries the salt and the schema: damage there cannot be told from a wrong key.
    for (std::size_t at : {std::size_t{0}, std::size_t{20}, std::size_t{500}, std::size_t{980}}) {
        Bytes damaged = whole;
        damaged[at] ^= 0x80;
        write_file(file_, damaged);
        const Errc code = error_of([&] { (void)open(false); });
        EXPECT_TRUE(code == Errc::wrong_passphrase || code == Errc::corrupt_store)
            << errc_name(code);
    }
}

TEST_F(StoreTest, MigrationsRunOnceInOrder) {
    Migrations m = {
        "CREATE TABLE log (n INTEGER NOT NULL);",
        "INSERT INTO log VALUES (1);",
        "ALTER TABLE log ADD COLUMN tag TEXT; INSERT INTO log VALUES (2, 'b');",
    };
    {
        auto db = open(true, m);
        EXPECT_EQ(db.schema_version(), 3);
    }
    m.push_back("INSERT INTO log VALUES (3, 'c');");
    for (int i = 0; i < 2; ++i) {
        auto db = open(false, m);
        EXPECT_EQ(db.schema_version(), 4);
    }
    auto db = open(false, m);
    auto st = db.prepare("SELECT n FROM log ORDER BY rowid");
    std::vector<std::int64_t> seen;
    while (st.step()) seen.push_back(st.int64(0));
    EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(StoreTest, FailedMigrationLeavesPreviousVersion) {
    const Migrations good = {"CREATE TABLE a (x);"};
    { auto db = open(true, good); }
    const Migrations bad = {good[0], "CREATE TABLE b (x); INSERT INTO no_such_table VALUES (1);"};
    EXPECT_ERRC(open(false, bad), Errc::internal);
    auto db = open(false, good);
    EXPECT_EQ(db.schema_version(), 1);
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), 0);
}

TEST_F(StoreTest, NewerSchemaIsCorrupt) {
    { auto db = open(true, {"CREATE TABLE a (x);", "CREATE TABLE b (x);"}); }
    EXPECT_ERRC(open(false, {"CREATE TABLE a (x);"}), Errc::corrupt_store);
    EXPECT_ERRC(open(false, {}), Errc::corrupt_store);
}

TEST_F(StoreTest, EmptyMigrationsStillMakeAValidStore) {
    { auto db = open(true, {}); }
    auto db = open(false, {});
    EXPECT_EQ(db.schema_version(), 0);
}

struct Boom : std::runtime_error {
    Boom() : std::runtime_error("boom") {}
};

TEST_F(StoreTest, TransactionRollsBackAndRethrows) {
    auto db = open(true);
    insert(db, 1, "kept", {});
    EXPECT_THROW(db.transaction([&] {
        insert(db, 2, "lost", {});
        insert(db, 3, "lost", {});
        throw Boom();
    }),
                 Boom);
    EXPECT_EQ(count(db), 1);
    // A failing statement inside rolls back what came before it.
    EXPECT_ERRC(db.transaction([&] {
        insert(db, 4, "lost", {});
        insert(db, 1, "duplicate id", {});
    }),
                Errc::conflict);
    EXPECT_EQ(count(db), 1);
    // The connection is usable afterwards.
    db.transaction([&] { insert(db, 5, "kept", {}); });
    EXPECT_EQ(count(db), 2);
}

TEST_F(StoreTest, NestedTransactionsJoinTheOuterOne) {
    auto db = open(true);
    db.transaction([&] {
        insert(db, 1, "outer", {});
        db.transaction([&] { insert(db, 2, "inner", {}); });
        db.transaction([&] { db.transaction([&] { insert(db, 3, "inner-inner", {}); }); });
    });
    EXPECT_EQ(count(db), 3);

    // The outer failure undoes the inner work too.
    EXPECT_THROW(db.transaction([&] {
        db.transaction([&] { insert(db, 10, "inner", {}); });
        throw Boom();
    }),
                 Boom);
    EXPECT_EQ(count(db), 3);

    // An inner failure caught by the outer body: only the inner changes are undone.
    db.transaction([&] {
        insert(db, 20, "outer", {});
        EXPECT_THROW(db.transaction([&] {
            insert(db, 21, "inner", {});
            throw Boom();
        }),
                     Boom);
        insert(db, 22, "outer", {});
    });
    auto st = db.prepare("SELECT id FROM messages WHERE id >= 20 ORDER BY id");
    std::vector<std::int64_t> ids;
    while (st.step()) ids.push_back(st.int64(0));
    EXPECT_EQ(ids, (std::vector<std::int64_t>{20, 22}));
}

TEST_F(StoreTest, TwoHandlesOnOneFile) {
    auto writer = open(true);
    auto reader = open(false);
    auto sel = reader.prepare("SELECT count(*) FROM messages");
    ASSERT_TRUE(sel.step());
    EXPECT_EQ(sel.int64(0), 0);
    sel.reset();

    writer.transaction([&] {
        insert(writer, 1, "a", {});
        insert(writer, 2, "b", {});
        // WAL: the reader sees the last committed state while a write is in progress.
        ASSERT_TRUE(sel.step());
        EXPECT_EQ(sel.int64(0), 0);
        sel.reset();
    });
    ASSERT_TRUE(sel.step());
    EXPECT_EQ(sel.int64(0), 2);
    sel.reset();

    // And the other way round.
    reader.transaction([&] { insert(reader, 3, "c", {}); });
    EXPECT_EQ(count(writer), 3);
}

TEST_F(StoreTest, NothingIsStoredInPlaintext) {
    const std::string marker = "LAGRUM-PLAINTEXT-MARKER-6b1f0c";
    {
        auto db = open(true);
        db.prepare("INSERT INTO messages (room, body, note) VALUES (?, ?, ?)")
            .bind(1, marker)
            .bind(2, lagrum::crypto::as_bytes(marker))
            .bind(3, marker)
            .run();
        // While open the rows may sit in the WAL file: it must be encrypted too.
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            const fs::path p = file_.string() + suffix;
            if (fs::exists(p)) {
                EXPECT_FALSE(contains(read_file(p), marker)) << suffix;
            }
        }
        EXPECT_EQ(count(db), 1);
    }
    const Bytes on_disk = read_file(file_);
    EXPECT_FALSE(contains(on_disk, marker));
    EXPECT_FALSE(contains(on_disk, "SQLite format 3"));
    EXPECT_FALSE(contains(on_disk, "CREATE TABLE"));
}

TEST_F(StoreTest, ErrorsNameNoBoundValues) {
    auto db = open(true);
    const std::string secret = "19121212-1212 Tolvan";
    db.prepare("INSERT INTO messages (room, note) VALUES ('r', ?)").bind(1, secret).run();
    try {
        db.prepare("INSERT INTO messages (room, note) VALUES ('r', ?)").bind(1, secret).run();
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), Errc::conflict);
        EXPECT_EQ(std::string(e.what()).find("Tolvan"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("UNIQUE"), std::string::npos) << e.what();
    }
}

TEST_F(StoreTest, MisuseIsAnErrorNotUndefinedBehaviour) {
    auto db = open(true);
    EXPECT_ERRC(db.prepare("SELEC nothing"), Errc::internal);
    EXPECT_ERRC(db.prepare("SELECT 1; SELECT 2"), Errc::internal);
    EXPECT_ERRC(db.prepare("   "), Errc::internal);
    EXPECT_NO_THROW(db.prepare("SELECT 1; "));
    auto st = db.prepare("SELECT 1 WHERE ? = 1");
    EXPECT_ERRC(st.bind(2, std::int64_t{1}), Errc::internal);
    EXPECT_ERRC(st.int64(0), Errc::internal);  // no row yet
    st.bind(1, std::int64_t{1});
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), 1);
    EXPECT_ERRC(st.int64(1), Errc::internal);
    EXPECT_ERRC(st.text(-1), Errc::internal);
    EXPECT_FALSE(st.step());
    EXPECT_ERRC(db.exec("INSERT INTO no_such_table VALUES (1)"), Errc::internal);

    Database moved = std::move(db);
    EXPECT_ERRC(db.prepare("SELECT 1"), Errc::internal);  // NOLINT(bugprone-use-after-move)
    EXPECT_NO_THROW(moved.exec("SELECT 1"));
}

TEST_F(StoreTest, StatementMayOutliveItsDatabase) {
    auto db = std::make_unique<Database>(open(true));
    auto st = db->prepare("SELECT 1");
    db.reset();  // close is deferred until the statement is finalized
    EXPECT_TRUE(st.step());
}

}  // namespace
