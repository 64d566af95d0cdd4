#include "lagrum/testing/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace lagrum::testing {
namespace fs = std::filesystem;

namespace {

// A socket, not TCP: the port only names the socket file inside the server's own folder,
// so servers of concurrent runs never collide and nothing listens on the network.
constexpr int kPort = 5432;

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

struct RunAs {
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Root runs the server as the `postgres` system user (initdb refuses root); anyone else
// runs it as themselves.
RunAs server_user() {
    RunAs r;
    if (geteuid() != 0) return r;
    struct passwd* pw = getpwnam("postgres");
    if (!pw) throw std::runtime_error("running as root but there is no `postgres` user");
    r.switch_user = true;
    r.uid = pw->pw_uid;
    r.gid = pw->pw_gid;
    return r;
}

// Runs argv (as the server user), output appended to `log`; returns the exit status.
int run(const std::vector<std::string>& args, const fs::path& log, const fs::path& cwd) {
    const RunAs as = server_user();
    std::vector<char*> argv;
    std::vector<std::string> a = args;
    for (auto& s : a) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::string path = "PATH=/usr/bin:/bin", lang = "LC_ALL=C", tz = "TZ=UTC";
    char* envp[] = {path.data(), lang.data(), tz.data(), nullptr};
    const std::string log_s = log.string(), cwd_s = cwd.string();
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // Only async-signal-safe calls from here on (the parent may have threads).
        int fd = open(log_s.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        // The server must not inherit the test's sockets and files.
        close_range(3, ~0U, 0);
        if (as.switch_user) {
            if (setgroups(0, nullptr) != 0 || setgid(as.gid) != 0 || setuid(as.uid) != 0)
                _exit(126);
        }
        if (chdir(cwd_s.c_str()) != 0) _exit(126);
        execve(argv[0], argv.data(), envp);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string conninfo(const fs::path& dir, const std::string& db, const std::string& schema) {
    std::string u = "postgresql:///" + db + "?host=" + dir.string() +
                    "&port=" + std::to_string(kPort) + "&user=postgres";
    // options=-c search_path=<schema> (URI-encoded: space %20, '=' %3D).
    if (!schema.empty()) u += "&options=-c%20search_path%3D" + schema;
    return u;
}

}  // namespace

std::string postgres_bin_dir() {
    const fs::path root = "/usr/lib/postgresql";
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return {};
    int best = -1;
    std::string out;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
        const fs::path bin = e.path() / "bin";
        if (!fs::exists(bin / "initdb") || !fs::exists(bin / "pg_ctl")) continue;
        const int v = std::atoi(name.c_str());
        if (v > best) {
            best = v;
            out = bin.string();
        }
    }
    return out;
}

void PostgresServer::start_in(const fs::path& dir) {
    const std::string bin = postgres_bin_dir();
    if (bin.empty()) throw std::runtime_error("PostgreSQL server binaries not found");
    std::error_code ec;
    if (fs::exists(dir / "data" / "postmaster.pid", ec)) stop_in(dir);  // a stale server
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    const RunAs as = server_user();
    if (as.switch_user && chown(dir.c_str(), as.uid, as.gid) != 0) {
        throw std::runtime_error("cannot chown " + dir.string() + " to postgres");
    }
    // ctl.log: initdb's and pg_ctl's output (opened by us); server.log: the server's own
    // (written by the server user).
    const fs::path log = dir / "ctl.log", server_log = dir / "server.log";
    // --no-sync: only initdb's own files skip fsync; the running server keeps fsync=on
    // (the relay's kill -9 test relies on committed rows surviving).
    if (run({bin + "/initdb", "-D", (dir / "data").string(), "-U", "postgres", "-A", "trust", "-E",
             "UTF8", "--no-locale", "--no-sync"},
            log, dir) != 0) {
        throw std::runtime_error("initdb failed:\n" + read_file(log));
    }
    const std::string opts = "-c listen_addresses='' -c unix_socket_directories='" + dir.string() +
                             "' -c port=" + std::to_string(kPort) +
                             " -c shared_buffers=16MB -c fsync=on -c max_connections=300";
    if (run({bin + "/pg_ctl", "-D", (dir / "data").string(), "-l", server_log.string(), "-w", "-t",
             "120", "-o", opts, "start"},
            log, dir) != 0) {
        throw std::runtime_error("pg_ctl start failed:\n" + read_file(log) + read_file(server_log));
    }
}

void PostgresServer::stop_in(const fs::path& dir) {
    const std::string bin = postgres_bin_dir();
    std::error_code ec;
    if (!bin.empty() && fs::exists(dir / "data" / "postmaster.pid", ec)) {
        run({bin + "/pg_ctl", "-D", (dir / "data").string(), "-m", "immediate", "-w", "-t", "60",
             "stop"},
            dir / "ctl.log", dir);
    }
    fs::remove_all(dir, ec);
}

PostgresServer::PostgresServer() : owned_(true) {
    std::string tmpl = (fs::temp_directory_path() / "lagrum-pg-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    try {
        start_in(dir_);
    } catch (...) {
        stop_in(dir_);
        throw;
    }
}

PostgresServer::PostgresServer(fs::path dir) : dir_(std::move(dir)), owned_(false) {}

PostgresServer::~PostgresServer() {
    if (owned_) stop_in(dir_);
}

std::string PostgresServer::uri(const std::string& dbname, const std::string& schema) const {
    return conninfo(dir_, dbname, schema);
}

std::string PostgresServer::schema_uri(const std::string& schema) {
    ensure_database(kTestDatabase);
    query(kTestDatabase, "CREATE SCHEMA IF NOT EXISTS " + schema);
    return uri(kTestDatabase, schema);
}

void PostgresServer::drop_schema(const std::string& schema) {
    query(kTestDatabase, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
}

std::string PostgresServer::query(const std::string& dbname, const std::string& sql) const {
    PGconn* c = PQconnectdb(uri(dbname).c_str());
    if (PQstatus(c) != CONNECTION_OK) {
        std::string msg = PQerrorMessage(c);
        PQfinish(c);
        throw std::runtime_error("cannot connect to the test PostgreSQL: " + msg);
    }
    PQsetNoticeProcessor(
        c, [](void*, const char*) {}, nullptr);  // "drop cascades to ..."
    PGresult* r = PQexec(c, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        std::string msg = PQresultErrorMessage(r);
        PQclear(r);
        PQfinish(c);
        throw std::runtime_error("test PostgreSQL: " + msg);
    }
    std::string out;
    if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0) out = PQgetvalue(r, 0, 0);
    PQclear(r);
    PQfinish(c);
    return out;
}

std::string PostgresServer::create_database() {
    static std::atomic<unsigned> counter{0};
    static const unsigned salt = std::random_device{}();
    const std::string name = "t_" + std::to_string(getpid()) + "_" + std::to_string(salt % 100000) +
                             "_" + std::to_string(counter.fetch_add(1));
    query("postgres", "CREATE DATABASE " + name);
    return name;
}

void PostgresServer::ensure_database(const std::string& name) {
    if (query("postgres", "SELECT count(*) FROM pg_database WHERE datname='" + name + "'") == "0") {
        try {
            query("postgres", "CREATE DATABASE " + name);
        } catch (const std::exception&) {
            // Created concurrently by another process: fine if it exists now.
            if (query("postgres",
                      "SELECT count(*) FROM pg_database WHERE datname='" + name + "'") == "0") {
                throw;
            }
        }
    }
}

PostgresServer* shared_postgres(std::string* why) {
    static std::mutex mu;
    static std::unique_ptr<PostgresServer> server;
    static std::string failure;
    std::lock_guard lock(mu);
    if (!server && failure.empty()) {
        try {
            const char* d = std::getenv("LAGRUM_TEST_POSTGRES");
#ifdef LAGRUM_TEST_POSTGRES_DIR
            // The ctest fixture's server, if it is running.
            std::error_code ec0;
            if ((!d || !*d) && fs::exists(fs::path(LAGRUM_TEST_POSTGRES_DIR) /
                                              (".s.PGSQL." + std::to_string(kPort)),
                                          ec0)) {
                d = LAGRUM_TEST_POSTGRES_DIR;
            }
#endif
            std::error_code ec;
            if (d && *d && fs::exists(fs::path(d) / (".s.PGSQL." + std::to_string(kPort)), ec)) {
                server = std::make_unique<PostgresServer>(fs::path(d));
            } else if (d && *d && !postgres_bin_dir().empty()) {
                failure = std::string("no PostgreSQL test server running in ") + d +
                          " (the ctest fixture Postgres.ServerStart starts it)";
            } else if (postgres_bin_dir().empty()) {
                failure =
                    "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not "
                    "installed: apt-get install postgresql (tests/run.sh does)";
            } else {
                server = std::make_unique<PostgresServer>();
            }
        } catch (const std::exception& e) {
            failure = e.what();
        }
    }
    if (!server && why) *why = failure;
    return server.get();
}

std::string relay_backend() {
    const char* b = std::getenv("LAGRUM_RELAY_BACKEND");
    if (b && (std::string(b) == "postgres" || std::string(b) == "postgresql")) return "postgres";
    return "sqlite";
}

}  // namespace lagrum::testing
