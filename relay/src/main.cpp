// lagrum-relay: the minimal, untrusted delivery service.
//   lagrum-relay --config relay.toml [--listen ADDR] [--database PATH]
//   lagrum-relay --init-demo DIR
//   lagrum-relay --version
#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "lagrum/crypto/ed25519.h"
#include "lagrum/relay/config.h"
#include "lagrum/relay/log.h"
#include "lagrum/relay/postgres_storage.h"
#include "lagrum/relay/service.h"
#include "lagrum/relay/sqlite_storage.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace lagrum;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

std::string hex(crypto::ByteView b) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (auto c : b) {
        out.push_back(d[c >> 4]);
        out.push_back(d[c & 15]);
    }
    return out;
}

int run_process(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return -1;
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Writes DIR/relay.toml, a self-signed TLS certificate (openssl CLI), and a demo
// organisation root whose seed is kept in DIR/demo-org-root.seed for issuing test
// certificates. Demo only: a real deployment pins real organisation roots.
int init_demo(const std::string& dir_arg) {
    const fs::path dir = fs::absolute(dir_arg);
    fs::create_directories(dir);
    const auto crt = (dir / "tls.crt").string(), key = (dir / "tls.key").string();
    int rc = run_process({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                          "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", crt,
                          "-days", "365", "-subj", "/CN=localhost", "-addext",
                          "subjectAltName=DNS:localhost,IP:127.0.0.1"});
    if (rc != 0) {
        std::cerr << "lagrum-relay: openssl failed to create the demo TLS certificate\n";
        return 1;
    }
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
    auto root = crypto::ed25519_generate();
    {
        std::ofstream seed(dir / "demo-org-root.seed");
        seed << hex(root.seed.view()) << "\n";
    }
    fs::permissions(dir / "demo-org-root.seed", fs::perms::owner_read | fs::perms::owner_write);
    std::ofstream cfg(dir / "relay.toml");
    cfg << "# lagrum-relay demo configuration (written by lagrum-relay --init-demo)\n"
        << "listen = \"127.0.0.1:8443\"\n"
        << "database = \"relay.db\"\n"
        << "log_file = \"\"  # empty: JSON lines on stderr\n\n"
        << "[tls]\ncert = \"tls.crt\"\nkey = \"tls.key\"\n\n"
        << "[limits]\nmax_envelope_bytes = 1048576\nmailbox_max_count = 100000\n"
        << "mailbox_max_bytes = 1073741824\nmax_key_packages = 1000\n"
        << "ttl_seconds = 2592000  # 30 days\nrate_per_second = 100\nrate_burst = 200\n"
        << "session_ttl_seconds = 86400\n\n"
        << "# Pinned organisation roots. The demo root's seed is in demo-org-root.seed.\n"
        << "[[trust]]\norganisation_id = \"demo.example\"\nname = \"Demo organisation\"\n"
        << "authority_type = \"social_services\"\nroot_public_key = \"" << hex(root.public_key)
        << "\"\n";
    std::cout << "wrote " << (dir / "relay.toml").string() << "\n";
    return 0;
}

std::string parse_listen_port(const std::string& listen, int port) {
    auto colon = listen.rfind(':');
    return listen.substr(0, colon + 1) + std::to_string(port);
}

// Reads the config's revocation list files and applies each through the service (stored
// durably, sessions ended). A list older than the installed one (the database keeps the
// newest) is skipped; any other failure is a configuration error.
bool apply_config_revocation_lists(const relay::RelayConfig& config, relay::RelayService& service,
                                   relay::Logger& log) {
    for (const auto& path : config.revocation_lists) {
        cert::v1::RevocationList list;
        std::string data;
        try {
            data = read_file(path);
        } catch (const std::exception& e) {
            log.error("config", {{"reason", e.what()}});
            return false;
        }
        if (!list.ParseFromString(data)) {
            log.error("config", {{"reason", "revocation list does not parse"}, {"path", path}});
            return false;
        }
        auto st = service.apply_revocation_list(list);
        if (st.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
            log.info("revocation_list_skipped", {{"reason", st.error_message()}, {"path", path}});
        } else if (!st.ok()) {
            log.error("config", {{"reason", st.error_message()}, {"path", path}});
            return false;
        }
    }
    return true;
}

// SIGHUP: re-reads the configuration's trust list ([[trust]] and trust_files) and
// revocation list files. Organisations no longer pinned lose their sessions and streams
// at once. Other settings need a restart. A configuration that does not load leaves
// the running trust list as it was.
void reload(const std::string& config_path, cert::TrustStore& trust, relay::RelayService& service,
            relay::Logger& log) {
    auto loaded = relay::load_config(config_path);
    if (!loaded.ok()) {
        log.error("reload", {{"reason", loaded.error().message}});
        return;
    }
    const auto& config = loaded.value();
    auto replaced = trust.replace_roots(config.trust);
    if (auto* e = std::get_if<cert::CertError>(&replaced)) {
        log.error("reload", {{"reason", e->message}});
        return;
    }
    const auto& removed = std::get<std::vector<std::string>>(replaced);
    service.organisations_removed(removed);
    apply_config_revocation_lists(config, service, log);
    log.info("reloaded", {{"roots", trust.root_count()}, {"removed", removed}});
}

int serve(relay::RelayConfig config, const std::string& config_path) {
    // Signals are taken by one thread with sigwait; block them before gRPC starts threads.
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, nullptr);
    signal(SIGPIPE, SIG_IGN);

    relay::Logger log(config.log_file);
    cert::TrustStore trust;
    for (const auto& r : config.trust) {
        if (auto added = trust.add_root(r); !added.ok()) {
            log.error("config", {{"reason", added.error().message}});
            return 2;
        }
    }
    // The service is the same on both backends; only this choice differs.
    std::unique_ptr<relay::Storage> storage;
    relay::SqliteStorage* sqlite = nullptr;
    int schema_version = 0;
    const bool postgres = relay::PostgresStorage::is_uri(config.database);
    try {
        if (postgres) {
            auto pg = std::make_unique<relay::PostgresStorage>(config.database, config.storage,
                                                               config.database_pool);
            schema_version = pg->schema_version();
            storage = std::move(pg);
        } else {
            auto lite = std::make_unique<relay::SqliteStorage>(config.database, config.storage);
            schema_version = lite->schema_version();
            sqlite = lite.get();
            storage = std::move(lite);
        }
    } catch (const std::exception& e) {
        log.error("storage_open", {{"reason", e.what()}});
        return 2;
    }
    // Revocation lists installed earlier (PublishRevocationList, config files) come back
    // from the database first, so an older list is refused after a restart too.
    auto stored = storage->revocation_lists();
    if (!stored.ok()) {
        log.error("storage_open", {{"reason", stored.error().message}});
        return 2;
    }
    for (const auto& encoded : stored.value()) {
        cert::v1::RevocationList list;
        if (!list.ParseFromArray(encoded.data(), static_cast<int>(encoded.size()))) {
            log.error("storage_open", {{"reason", "stored revocation list does not parse"}});
            return 2;
        }
        auto r = trust.install_revocation_list(list);
        if (auto* e = std::get_if<cert::CertError>(&r)) {
            // Its organisation is no longer pinned: nothing of it can authenticate.
            log.info("revocation_list_not_loaded", {{"reason", e->message}});
        }
    }
    auto clock = relay::make_clock(config.test_clock_file);
    relay::RelayService service(config, *storage, trust, log, clock);
    if (!apply_config_revocation_lists(config, service, log)) return 2;
    relay::HealthService health;

    grpc::ServerBuilder builder;
    std::shared_ptr<grpc::ServerCredentials> creds;
    const bool is_unix = config.listen.rfind("unix:", 0) == 0;
    if (is_unix || config.insecure_tcp) {
        creds = grpc::InsecureServerCredentials();
    } else {
        grpc::SslServerCredentialsOptions ssl;
        try {
            ssl.pem_key_cert_pairs.push_back(
                {read_file(config.tls_key), read_file(config.tls_cert)});
        } catch (const std::exception& e) {
            log.error("tls", {{"reason", e.what()}});
            return 2;
        }
        creds = grpc::SslServerCredentials(ssl);
    }
    int port = 0;
    builder.AddListeningPort(config.listen, creds, is_unix ? nullptr : &port);
    // Room for a Commit plus a Welcome at the envelope limit, plus framing.
    const auto max_msg = static_cast<int>(2 * config.max_envelope_bytes + 64 * 1024);
    builder.SetMaxReceiveMessageSize(max_msg);
    builder.SetMaxSendMessageSize(static_cast<int>(8 * 1024 * 1024 + config.max_envelope_bytes));
    builder.RegisterService(&service);
    builder.RegisterService(&health);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || (!is_unix && port == 0)) {
        log.error("listen", {{"reason", "cannot listen"}, {"address", config.listen}});
        return 2;
    }
    log.info("listening",
             {{"address", is_unix ? config.listen : parse_listen_port(config.listen, port)},
              {"port", port},
              {"tls", !is_unix && !config.insecure_tcp},
              {"backend", postgres ? "postgresql" : "sqlite"},
              {"schema_version", schema_version},
              {"roots", trust.root_count()}});

    // TTL sweeper: a timed wait that also wakes for shutdown.
    std::mutex stop_mu;
    std::condition_variable stop_cv;
    bool stopping = false;
    std::thread sweeper([&] {
        std::unique_lock lock(stop_mu);
        while (!stopping) {
            stop_cv.wait_for(lock, std::chrono::seconds(config.expire_interval_seconds));
            if (stopping) break;
            lock.unlock();
            auto r = storage->expire(clock());
            if (r.ok() && r.value() > 0) log.info("expired", {{"deliveries", r.value()}});
            lock.lock();
        }
    });

    int sig = 0;
    for (;;) {
        sigwait(&sigs, &sig);
        if (sig != SIGHUP) break;
        reload(config_path, trust, service, log);
    }
    log.info("shutdown", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    health.set_serving(false);
    service.begin_shutdown();
    // Waits for in-flight calls (their writes are committed before they return);
    // streams are cancelled after the deadline.
    server->Shutdown(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(config.shutdown_grace_ms));
    {
        std::lock_guard lock(stop_mu);
        stopping = true;
    }
    stop_cv.notify_all();
    sweeper.join();
    storage->close();
    if (sqlite) {
        log.info("stopped",
                 {{"commits", sqlite->commits()}, {"requests", sqlite->batched_requests()}});
    } else {
        log.info("stopped", {{"backend", "postgresql"}});
    }
    return 0;
}

void usage() {
    std::cerr << "usage: lagrum-relay --config relay.toml [--listen ADDR] [--database PATH]\n"
                 "       lagrum-relay --init-demo DIR\n"
                 "       lagrum-relay --version\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::string config_path, listen, database, demo_dir;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--config")
            config_path = next();
        else if (a == "--listen")
            listen = next();
        else if (a == "--database")
            database = next();
        else if (a == "--init-demo")
            demo_dir = next();
        else if (a == "--version") {
            // LAGRUM_VERSION is CMake's project version (packaging/Packaging.cmake).
            std::cout << "lagrum-relay " LAGRUM_VERSION "\n";
            return 0;
        } else if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else {
            usage();
            return 2;
        }
    }
    try {
        if (!demo_dir.empty()) return init_demo(demo_dir);
        if (config_path.empty()) {
            usage();
            return 2;
        }
        auto loaded = relay::load_config(config_path);
        if (!loaded.ok()) {
            std::cerr << "lagrum-relay: " << loaded.error().message << "\n";
            return 2;
        }
        auto config = std::move(loaded).value();
        if (!listen.empty()) config.listen = listen;
        if (!database.empty()) config.database = database;
        return serve(std::move(config), config_path);
    } catch (const std::exception& e) {
        std::cerr << "lagrum-relay: " << e.what() << "\n";
        return 1;
    }
}
