// lagrum-relay configuration (one TOML file; see RelayConfig::example_toml()).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cert.pb.h"
#include "lagrum/relay/storage.h"
#include "lagrum/result.h"

namespace lagrum::relay {

enum class ConfigErrc {
    unreadable,  // the configuration or a trust file cannot be read
    syntax,      // not TOML, or a trust file that is not a text-format OrganisationRoot
    invalid,     // a value of the wrong type, out of its bounds, missing or unknown
};
const char* config_errc_name(ConfigErrc code) noexcept;

// One sentence that always starts "config" and names the key or file at fault.
struct ConfigError {
    ConfigErrc code;
    std::string message;
};

// The project-wide lagrum::Result ([[nodiscard]]), so a configuration that did not load
// cannot be used by accident.
template <class T>
using ConfigResult = lagrum::Result<T, ConfigError>;

struct RelayConfig {
    // "unix:/path/relay.sock" or "host:port" (TCP needs tls_cert/tls_key unless
    // insecure_tcp is set, which is meant for loopback tests and benchmarks only).
    std::string listen = "unix:/run/lagrum-relay/relay.sock";
    std::string tls_cert;
    std::string tls_key;
    bool insecure_tcp = false;
    // A file path: SQLite (the default). "postgresql://..." or "postgres://...": the
    // PostgreSQL backend (libpq URI), which several relay nodes can share.
    std::string database = "/var/lib/lagrum-relay/relay.db";
    // PostgreSQL only: writer connections (each with its thread) and at most as many
    // reader connections, plus one LISTEN connection, per node.
    std::uint64_t database_pool = 4;
    std::string log_file;  // empty: stderr
    // Pinned organisation roots: the [[trust]] tables, then one per `trust_files` entry
    // (each file one lagrum.cert.v1.OrganisationRoot in protobuf text format).
    std::vector<cert::v1::OrganisationRoot> trust;
    std::vector<std::string> revocation_lists;  // files holding a binary RevocationList

    std::uint64_t max_envelope_bytes = 1024 * 1024;
    std::uint64_t max_list_entries = 1000;  // devices per commit change list
    StorageLimits storage;
    double rate_per_second = 100;  // sustained requests per device (all its sessions)
    double rate_burst = 200;
    // Per-device budgets of the RPCs that reveal or consume other devices' data or
    // create shared state (each a token bucket holding one minute's worth).
    double create_group_per_minute = 30;
    double list_devices_per_minute = 60;
    double key_package_fetch_per_minute = 60;
    // One-time KeyPackages handed out per hour: to one requesting device of one target
    // device, and of one target device in total. Past either, FetchKeyPackage returns
    // the target's last-resort package (still usable), so nobody can drain the pool.
    std::uint64_t key_package_fetch_per_target_hour = 10;
    std::uint64_t key_package_target_per_hour = 100;
    std::uint64_t max_key_package_bytes = 64 * 1024;  // one KeyPackage
    std::int64_t session_ttl_seconds = 24 * 3600;
    std::int64_t expire_interval_seconds = 60;
    // Deliveries queued in memory for one live Subscribe stream that is not keeping up;
    // beyond this the stream goes back to reading its mailbox from the database.
    std::uint64_t live_queue_max = 4096;
    // Subscribe streams one device may hold open; a further one ends the device's oldest
    // stream (RESOURCE_EXHAUSTED), so a client reconnecting over a dead connection is
    // never locked out.
    std::uint64_t max_streams_per_device = 8;
    // SIGTERM: in-flight handlers always run to completion (their writes commit); this is
    // how long responses may still be sent and connected clients drained before calls
    // are cancelled. gRPC waits for it whenever any client is connected.
    std::int64_t shutdown_grace_ms = 2000;
    std::string test_clock_file;  // test only: file with the current Unix time
};

// Parses TOML text; relative paths are resolved against base_dir. Fails on any unknown
// type, bad value or missing required field.
ConfigResult<RelayConfig> parse_config(const std::string& toml_text, const std::string& base_dir);
ConfigResult<RelayConfig> load_config(const std::string& path);

std::string authority_name(cert::v1::AuthorityType type);

}  // namespace lagrum::relay
