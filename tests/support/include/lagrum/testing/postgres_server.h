// A real PostgreSQL server for tests: Debian's initdb/pg_ctl (the newest version under
// /usr/lib/postgresql) in a temporary folder, listening only on a unix socket there.
// initdb refuses to run as root, so as root the server runs as the `postgres` system
// user (the folder is chowned to it); as anyone else it runs as the caller.
//
// One server serves a whole test run: the ctest fixture (postgres_server_ctl start/stop,
// see tests/support/CMakeLists.txt) starts it in the build's LAGRUM_TEST_POSTGRES_DIR
// (or LAGRUM_TEST_POSTGRES names a folder); a test binary run on its own, with no server
// there, starts one on first use and stops it at exit. Each test takes a fresh schema
// (schema_uri()) or database (create_database()).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace lagrum::testing {

// The newest /usr/lib/postgresql/<version>/bin holding initdb and pg_ctl, or empty.
std::string postgres_bin_dir();

class PostgresServer {
  public:
    // initdb + start in a new temporary folder; stopped and removed by the destructor.
    // Throws std::runtime_error (with the server's log) if that fails.
    PostgresServer();
    // Uses the running server in `dir` (started by start_in); the destructor leaves it.
    explicit PostgresServer(std::filesystem::path dir);
    ~PostgresServer();
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;

    // initdb + start in `dir` (created; an earlier server there is stopped and replaced).
    static void start_in(const std::filesystem::path& dir);
    // Stops the server in `dir` (immediate) and removes the folder.
    static void stop_in(const std::filesystem::path& dir);

    // The folder holding the socket (and data/, server.log).
    const std::filesystem::path& dir() const { return dir_; }
    // libpq URI of a database on this server (unix socket, role postgres); with a schema,
    // that schema first on the search_path (so a relay's tables go there).
    std::string uri(const std::string& dbname, const std::string& schema = "") const;
    // A schema in the shared test database (kTestDatabase), created if missing: far
    // cheaper than a database per test (CREATE/DROP DATABASE take seconds here).
    std::string schema_uri(const std::string& schema);
    void drop_schema(const std::string& schema);
    static constexpr const char* kTestDatabase = "lagrum_test";
    // A new, empty database with a unique name; returns the name.
    std::string create_database();
    // Creates the database if it does not exist yet (several relays of one test).
    void ensure_database(const std::string& name);
    // Runs SQL in `dbname`, throwing on error; returns the first column of the first
    // row (or empty).
    std::string query(const std::string& dbname, const std::string& sql) const;

  private:
    std::filesystem::path dir_;
    bool owned_ = false;
};

// The run's shared server: LAGRUM_TEST_POSTGRES's, else one started now and stopped at
// exit. Null if the PostgreSQL binaries are not installed (`why` says so).
PostgresServer* shared_postgres(std::string* why = nullptr);

// "postgres" when LAGRUM_RELAY_BACKEND selects PostgreSQL, else "sqlite".
std::string relay_backend();

}  // namespace lagrum::testing
