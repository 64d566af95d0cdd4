// store_bench: what SQLCipher encryption costs the client store.
//
// One workload, run three ways on the same SQLCipher 3.4.1 library:
//   unkeyed  raw sqlite3 API, no key: plain SQLite file format (the baseline; plain
//            libsqlite3 cannot be linked next to SQLCipher, TOOLCHAIN.md gotcha 3)
//   keyed    the same code with sqlite3_key(x'<64 hex>'): the cost of encryption + HMAC
//   lagrum   store::Database / Statement keyed: encryption plus our wrapper
// Every way uses the pragmas Database::open sets (WAL, synchronous=FULL, secure_delete,
// foreign_keys). Phases, each its own benchmark, each compared to its unkeyed run:
//   Insert     a fresh file, 1 000 rows of 1 KiB in transactions of 10
//   ReadById   open, 1 000 point lookups in shuffled order, close (cold page cache, as a
//              CLI command sees it)
//   RangeScan  open, 10 range scans of 100 rows, close
//   Workload   all three in a row
// The files live in $LAGRUM_BENCH_DIR or the temp directory (use a real disk: fsync is
// part of the cost).
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <sqlcipher/sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "lagrum/bench/ratio_reporter.h"
#include "lagrum/core/store/database.h"
#include "lagrum/crypto/random.h"

namespace fs = std::filesystem;
using lagrum::crypto::Bytes;
using lagrum::crypto::SecretBytes;

namespace {

constexpr int kRows = 1000;
constexpr int kBatch = 10;
constexpr std::size_t kBodySize = 1024;
constexpr int kRangeLen = 100;

const char* const kSchema =
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, room TEXT NOT NULL, sent INTEGER NOT NULL,"
    " body BLOB NOT NULL)";
const char* const kInsert = "INSERT INTO messages (id, room, sent, body) VALUES (?, ?, ?, ?)";
const char* const kById = "SELECT room, sent, body FROM messages WHERE id = ?";
const char* const kRange =
    "SELECT id, room, sent, body FROM messages WHERE id BETWEEN ? AND ? ORDER BY id";

enum class Mode { unkeyed, keyed, lagrum };

struct Fixture {
    fs::path dir;
    SecretBytes key = lagrum::crypto::random_secret(32);
    std::vector<Bytes> bodies;
    std::vector<std::int64_t> shuffled;

    Fixture() {
        const char* env = std::getenv("LAGRUM_BENCH_DIR");
        std::string tmpl =
            ((env != nullptr ? fs::path(env) : fs::temp_directory_path()) / "store-bench-XXXXXX")
                .string();
        if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        dir = tmpl;
        for (int i = 0; i < kRows; ++i) bodies.push_back(lagrum::crypto::random_bytes(kBodySize));
        shuffled.resize(kRows);
        std::iota(shuffled.begin(), shuffled.end(), 1);
        std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937(42));
    }
    ~Fixture() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    fs::path file(Mode m) const {
        switch (m) {
            case Mode::unkeyed:
                return dir / "unkeyed.db";
            case Mode::keyed:
                return dir / "keyed.db";
            case Mode::lagrum:
                return dir / "lagrum.db";
        }
        return {};
    }
    void remove(Mode m) const {
        for (const char* s : {"", "-wal", "-shm", "-journal"}) fs::remove(file(m).string() + s);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void check(int rc, sqlite3* db, int want = SQLITE_OK) {
    if (rc != want) throw std::runtime_error(std::string("sqlite: ") + sqlite3_errmsg(db));
}

// The raw-API connection for the unkeyed and keyed runs, set up as Database::open does.
class Raw {
  public:
    Raw(const fs::path& file, const SecretBytes* key) {
        check(sqlite3_open_v2(file.c_str(), &db_,
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                              nullptr),
              db_);
        sqlite3_busy_timeout(db_, 10'000);
        if (key != nullptr) {
            char text[2 * 32 + 4] = "x'";
            sodium_bin2hex(text + 2, 2 * 32 + 1, key->data(), key->size());
            text[2 + 64] = '\'';
            text[3 + 64] = '\0';
            check(sqlite3_key(db_, text, 2 * 32 + 3), db_);
            // As the product does (client/core/src/store/database.cpp).
            check(sqlite3_exec(db_, "PRAGMA cipher_page_size = 4096;", nullptr, nullptr, nullptr), db_);
            sodium_memzero(text, sizeof text);
        }
        exec("SELECT count(*) FROM sqlite_master");
        exec(
            "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = FULL;"
            "PRAGMA journal_mode = WAL");
    }
    ~Raw() { sqlite3_close_v2(db_); }
    void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr), db_); }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* st = nullptr;
        check(sqlite3_prepare_v2(db_, sql, -1, &st, nullptr), db_);
        return st;
    }
    sqlite3* db() { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

void insert_raw(const Fixture& f, Mode m) {
    Raw db(f.file(m), m == Mode::keyed ? &f.key : nullptr);
    db.exec(kSchema);
    sqlite3_stmt* st = db.prepare(kInsert);
    for (int i = 0; i < kRows; i += kBatch) {
        db.exec("BEGIN IMMEDIATE");
        for (int j = i; j < i + kBatch; ++j) {
            sqlite3_bind_int64(st, 1, j + 1);
            sqlite3_bind_text(st, 2, "room-0001", -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st, 3, 1'700'000'000'000 + j);
            sqlite3_bind_blob(st, 4, f.bodies[static_cast<std::size_t>(j)].data(),
                              static_cast<int>(kBodySize), SQLITE_TRANSIENT);
            check(sqlite3_step(st), db.db(), SQLITE_DONE);
            sqlite3_reset(st);
        }
        db.exec("COMMIT");
    }
    sqlite3_finalize(st);
}

void read_raw(const Fixture& f, Mode m, bool range, benchmark::State& state) {
    Raw db(f.file(m), m == Mode::keyed ? &f.key : nullptr);
    std::size_t bytes = 0;
    if (!range) {
        sqlite3_stmt* st = db.prepare(kById);
        for (std::int64_t id : f.shuffled) {
            sqlite3_bind_int64(st, 1, id);
            check(sqlite3_step(st), db.db(), SQLITE_ROW);
            Bytes body(static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 2)),
                       static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 2)) +
                           sqlite3_column_bytes(st, 2));
            bytes += body.size() + static_cast<std::size_t>(sqlite3_column_bytes(st, 0));
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
    } else {
        sqlite3_stmt* st = db.prepare(kRange);
        for (int from = 1; from <= kRows; from += kRangeLen) {
            sqlite3_bind_int64(st, 1, from);
            sqlite3_bind_int64(st, 2, from + kRangeLen - 1);
            while (sqlite3_step(st) == SQLITE_ROW) {
                Bytes body(static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 3)),
                           static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 3)) +
                               sqlite3_column_bytes(st, 3));
                bytes += body.size() + static_cast<std::size_t>(sqlite3_column_bytes(st, 1));
            }
            sqlite3_reset(st);
        }
        sqlite3_finalize(st);
    }
    if (bytes < kRows * kBodySize) state.SkipWithError("rows missing");
}

lagrum::core::store::Database open_lagrum(const Fixture& f) {
    return lagrum::core::store::Database::open(f.file(Mode::lagrum), f.key, {kSchema}, true);
}

void insert_lagrum(const Fixture& f) {
    auto db = open_lagrum(f);
    auto st = db.prepare(kInsert);
    for (int i = 0; i < kRows; i += kBatch) {
        db.transaction([&] {
            for (int j = i; j < i + kBatch; ++j) {
                st.bind(1, std::int64_t{j + 1})
                    .bind(2, std::string_view("room-0001"))
                    .bind(3, std::int64_t{1'700'000'000'000 + j})
                    .bind(4, f.bodies[static_cast<std::size_t>(j)])
                    .run();
            }
        });
    }
}

void read_lagrum(const Fixture& f, bool range, benchmark::State& state) {
    auto db = open_lagrum(f);
    std::size_t bytes = 0;
    if (!range) {
        auto st = db.prepare(kById);
        for (std::int64_t id : f.shuffled) {
            st.bind(1, id);
            if (!st.step()) return state.SkipWithError("row missing");
            bytes += st.blob(2).size() + st.text(0).size();
            st.reset();
        }
    } else {
        auto st = db.prepare(kRange);
        for (int from = 1; from <= kRows; from += kRangeLen) {
            st.bind(1, std::int64_t{from}).bind(2, std::int64_t{from + kRangeLen - 1});
            while (st.step()) bytes += st.blob(3).size() + st.text(1).size();
            st.reset();
        }
    }
    if (bytes < kRows * kBodySize) state.SkipWithError("rows missing");
}

void insert(const Fixture& f, Mode m) {
    if (m == Mode::lagrum) return insert_lagrum(f);
    insert_raw(f, m);
}

void read(const Fixture& f, Mode m, bool range, benchmark::State& state) {
    if (m == Mode::lagrum) return read_lagrum(f, range, state);
    read_raw(f, m, range, state);
}

void BM_Insert(benchmark::State& state, Mode m) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        state.PauseTiming();
        f.remove(m);
        state.ResumeTiming();
        insert(f, m);
    }
    state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_ReadById(benchmark::State& state, Mode m) {
    const Fixture& f = fixture();
    f.remove(m);
    insert(f, m);
    for (auto _ : state) read(f, m, false, state);
    state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_RangeScan(benchmark::State& state, Mode m) {
    const Fixture& f = fixture();
    f.remove(m);
    insert(f, m);
    for (auto _ : state) read(f, m, true, state);
    state.SetItemsProcessed(state.iterations() * kRows);
}

void BM_Workload(benchmark::State& state, Mode m) {
    const Fixture& f = fixture();
    for (auto _ : state) {
        state.PauseTiming();
        f.remove(m);
        state.ResumeTiming();
        insert(f, m);
        read(f, m, false, state);
        read(f, m, true, state);
    }
}

#define STORE_BENCH(fn, iters)                                                           \
    BENCHMARK_CAPTURE(fn, unkeyed, Mode::unkeyed)->Unit(benchmark::kMillisecond)->iters; \
    BENCHMARK_CAPTURE(fn, keyed, Mode::keyed)->Unit(benchmark::kMillisecond)->iters;     \
    BENCHMARK_CAPTURE(fn, lagrum, Mode::lagrum)->Unit(benchmark::kMillisecond)->iters

// Insert and Workload fsync 100 times per iteration: fixed iteration counts keep the run
// short (Google Benchmark sizes runs by CPU time, which fsync waits barely use).
STORE_BENCH(BM_Insert, Iterations(10));
STORE_BENCH(BM_ReadById, MinTime(1.0));
STORE_BENCH(BM_RangeScan, MinTime(1.0));
STORE_BENCH(BM_Workload, Iterations(10));

// Besides Google Benchmark's table and RatioReporter's (against the unkeyed workload),
// each phase's keyed and lagrum runs as a ratio to the same phase unkeyed.
class PhaseReporter : public lagrum::bench::RatioReporter {
  public:
    PhaseReporter() : RatioReporter("BM_Workload/unkeyed/iterations:10") {}
    void ReportRuns(const std::vector<Run>& runs) override {
        RatioReporter::ReportRuns(runs);
        for (const auto& run : runs) {
            if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
            const std::string name = run.benchmark_name();
            // "BM_Phase/mode/iterations:10" or ".../min_time:1.000"
            const auto slash = name.find('/');
            const auto end = name.find('/', slash + 1);
            auto& row = phases_[name.substr(0, slash)];
            row[name.substr(slash + 1, end - slash - 1)] = {run.GetAdjustedCPUTime(),
                                                            run.GetAdjustedRealTime()};
        }
    }
    void Finalize() override {
        RatioReporter::Finalize();
        std::printf("\n%-14s %14s %14s %14s %14s   (goal: keyed <= 1.15x)\n", "phase",
                    "keyed cpu x", "keyed wall x", "lagrum cpu x", "lagrum wall x");
        for (const auto& [phase, modes] : phases_) {
            auto base = modes.find("unkeyed");
            if (base == modes.end()) continue;
            auto ratio = [&](const char* mode, bool cpu) {
                auto it = modes.find(mode);
                if (it == modes.end()) return std::string("n/a");
                const double b = cpu ? base->second.first : base->second.second;
                const double v = cpu ? it->second.first : it->second.second;
                char buf[32];
                std::snprintf(buf, sizeof buf, "%.2f", v / b);
                return std::string(buf);
            };
            std::printf("%-14s %14s %14s %14s %14s\n", phase.c_str(), ratio("keyed", true).c_str(),
                        ratio("keyed", false).c_str(), ratio("lagrum", true).c_str(),
                        ratio("lagrum", false).c_str());
        }
    }

  private:
    std::map<std::string, std::map<std::string, std::pair<double, double>>> phases_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    PhaseReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
