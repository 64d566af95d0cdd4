#include "lagrum/relay/config.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <toml++/toml.h>

namespace lagrum::relay {
namespace {

namespace fs = std::filesystem;

std::string resolve(const std::string& base, const std::string& p) {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (fs::path(base) / p).lexically_normal().string();
}

ConfigError invalid(std::string message) {
    return ConfigError{ConfigErrc::invalid, std::move(message)};
}

// Bytes (as protobuf keeps them, in a std::string) from hex digits of either case.
ConfigResult<std::string> hex_decode(const std::string& hex) {
    if (hex.size() % 2 != 0) return invalid("odd hex length");
    std::string out;
    auto nib = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int hi = nib(hex[i]), lo = nib(hex[i + 1]);
        if (hi < 0 || lo < 0) return invalid("bad hex digit");
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    return out;
}

const std::pair<const char*, cert::v1::AuthorityType> kAuthorities[] = {
    {"social_services", cert::v1::AUTHORITY_TYPE_SOCIAL_SERVICES},
    {"police", cert::v1::AUTHORITY_TYPE_POLICE},
    {"school", cert::v1::AUTHORITY_TYPE_SCHOOL},
    {"health_care", cert::v1::AUTHORITY_TYPE_HEALTH_CARE},
    {"prosecutor", cert::v1::AUTHORITY_TYPE_PROSECUTOR},
    {"security_service", cert::v1::AUTHORITY_TYPE_SECURITY_SERVICE},
    {"other", cert::v1::AUTHORITY_TYPE_OTHER},
    {"school_independent", cert::v1::AUTHORITY_TYPE_SCHOOL_INDEPENDENT},
};

template <class T>
bool read_num(const toml::table& t, const char* key, T& out, std::string& err, T min, T max) {
    const toml::node* n = t.get(key);
    if (!n) return true;
    std::optional<T> v;
    if constexpr (std::is_floating_point_v<T>) {
        if (auto d = n->value<double>()) v = static_cast<T>(*d);
    } else {
        // An integer key takes only a TOML integer. toml++'s value<int64_t>() would also
        // convert a float with a plain cast, undefined outside int64's range (the fuzzer's
        // `max_list_entries = 10055555555555555555.5`); and every T here is 64 bits wide,
        // so the cast below is exact and the bounds check sees the written number.
        static_assert(sizeof(T) == sizeof(std::int64_t));
        if (const auto* i = n->as_integer()) {
            const std::int64_t x = i->get();
            if (x >= 0 || std::is_signed_v<T>) v = static_cast<T>(x);
        }
    }
    // Written so that NaN fails too (every comparison with NaN is false): a nan rate
    // would otherwise pass both bounds into the token buckets (fuzz seed nan_rate).
    if (!v || !(*v >= min && *v <= max)) {
        err = std::string("invalid value for ") + key;
        return false;
    }
    out = *v;
    return true;
}

// One OrganisationRoot in protobuf text format (what an organisation hands over as its
// anchor), checked as strictly as a [[trust]] table.
ConfigResult<cert::v1::OrganisationRoot> load_trust_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return ConfigError{ConfigErrc::unreadable, "config: trust file " + path + ": cannot read"};
    std::ostringstream os;
    os << in.rdbuf();
    // Keeps the first parse error for the message (the default collector would only
    // write it to stderr).
    struct FirstError : google::protobuf::io::ErrorCollector {
        std::string text;
        void AddError(int line, google::protobuf::io::ColumnNumber column,
                      const std::string& message) override {
            if (text.empty()) {
                text = "line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) +
                       ": " + message;
            }
        }
    } errors;
    google::protobuf::TextFormat::Parser parser;
    parser.RecordErrorsTo(&errors);
    cert::v1::OrganisationRoot r;
    if (!parser.ParseFromString(os.str(), &r)) {
        return ConfigError{ConfigErrc::syntax, "config: trust file " + path +
                                                   ": not a text-format OrganisationRoot (" +
                                                   errors.text + ")"};
    }
    if (r.organisation_id().empty()) {
        return invalid("config: trust file " + path + ": no organisation_id");
    }
    if (r.root_public_key().size() != 32) {
        return invalid("config: trust file " + path + ": root_public_key must be 32 bytes");
    }
    return r;
}

}  // namespace

std::string authority_name(cert::v1::AuthorityType type) {
    for (const auto& [name, t] : kAuthorities) {
        if (t == type) return name;
    }
    return "unspecified";
}

const char* config_errc_name(ConfigErrc code) noexcept {
    switch (code) {
        case ConfigErrc::unreadable:
            return "unreadable";
        case ConfigErrc::syntax:
            return "syntax";
        case ConfigErrc::invalid:
            return "invalid";
    }
    return "unknown";
}

ConfigResult<RelayConfig> parse_config(const std::string& text, const std::string& base) {
    toml::table root;
    try {
        root = toml::parse(text);
    } catch (const toml::parse_error& e) {
        std::ostringstream os;
        os << "config: " << e.description() << " at line " << e.source().begin.line;
        return ConfigError{ConfigErrc::syntax, os.str()};
    }
    RelayConfig c;
    std::string err;
    auto str = [&](const toml::table& t, const char* key, std::string& out) {
        if (auto v = t[key].value<std::string>()) out = *v;
    };
    str(root, "listen", c.listen);
    str(root, "database", c.database);
    str(root, "log_file", c.log_file);
    // A database URI is not a file path.
    if (c.database.rfind("postgresql://", 0) != 0 && c.database.rfind("postgres://", 0) != 0) {
        c.database = resolve(base, c.database);
    }
    c.log_file = resolve(base, c.log_file);
    if (auto v = root["insecure_tcp"].value<bool>()) c.insecure_tcp = *v;
    if (!read_num<std::uint64_t>(root, "database_pool", c.database_pool, err, 1, 64)) {
        return invalid("config: " + err);
    }
    if (!read_num<std::int64_t>(root, "shutdown_grace_ms", c.shutdown_grace_ms, err, 0, 600000)) {
        return invalid("config: " + err);
    }
    if (auto* tls = root["tls"].as_table()) {
        str(*tls, "cert", c.tls_cert);
        str(*tls, "key", c.tls_key);
        c.tls_cert = resolve(base, c.tls_cert);
        c.tls_key = resolve(base, c.tls_key);
    }
    if (auto* l = root["limits"].as_table()) {
        const std::uint64_t big = std::uint64_t{1} << 40;
        if (!read_num<std::uint64_t>(*l, "max_envelope_bytes", c.max_envelope_bytes, err, 1024,
                                     64ull * 1024 * 1024) ||
            !read_num<std::uint64_t>(*l, "max_list_entries", c.max_list_entries, err, 1, 100000) ||
            !read_num<std::uint64_t>(*l, "mailbox_max_count", c.storage.mailbox_max_count, err, 1,
                                     big) ||
            !read_num<std::uint64_t>(*l, "mailbox_max_bytes", c.storage.mailbox_max_bytes, err, 1,
                                     big) ||
            !read_num<std::uint64_t>(*l, "max_key_packages", c.storage.max_key_packages, err, 1,
                                     1000000) ||
            !read_num<std::int64_t>(*l, "ttl_seconds", c.storage.ttl_seconds, err, 1,
                                    10ll * 365 * 86400) ||
            !read_num<double>(*l, "rate_per_second", c.rate_per_second, err, 0.001, 1e9) ||
            !read_num<double>(*l, "rate_burst", c.rate_burst, err, 1, 1e9) ||
            !read_num<std::int64_t>(*l, "session_ttl_seconds", c.session_ttl_seconds, err, 1,
                                    365ll * 86400) ||
            !read_num<std::int64_t>(*l, "expire_interval_seconds", c.expire_interval_seconds, err,
                                    1, 86400) ||
            !read_num<std::uint64_t>(*l, "live_queue_max", c.live_queue_max, err, 1, 1000000) ||
            !read_num<std::uint64_t>(*l, "max_sessions_per_device",
                                     c.storage.max_sessions_per_device, err, 1, 10000) ||
            !read_num<std::uint64_t>(*l, "max_streams_per_device", c.max_streams_per_device, err, 1,
                                     10000)) {
            return invalid("config: " + err);
        }
        // Abuse bounds (relay.proto, "Limits and quotas").
        if (!read_num<std::uint64_t>(*l, "mailbox_sender_share_percent",
                                     c.storage.mailbox_sender_share_percent, err, 1, 100) ||
            !read_num<std::uint64_t>(*l, "mailbox_commit_reserve_percent",
                                     c.storage.mailbox_commit_reserve_percent, err, 0, 50) ||
            !read_num<std::uint64_t>(*l, "max_key_package_bytes", c.max_key_package_bytes, err, 256,
                                     64ull * 1024 * 1024) ||
            !read_num<std::uint64_t>(*l, "key_package_store_bytes",
                                     c.storage.key_package_store_bytes, err, 1024, big) ||
            !read_num<std::uint64_t>(*l, "max_empty_groups_per_device",
                                     c.storage.max_empty_groups_per_device, err, 1, 1000000) ||
            !read_num<double>(*l, "create_group_per_minute", c.create_group_per_minute, err, 0.01,
                              1e9) ||
            !read_num<double>(*l, "list_devices_per_minute", c.list_devices_per_minute, err, 0.01,
                              1e9) ||
            !read_num<double>(*l, "key_package_fetch_per_minute", c.key_package_fetch_per_minute,
                              err, 0.01, 1e9) ||
            !read_num<std::uint64_t>(*l, "key_package_fetch_per_target_hour",
                                     c.key_package_fetch_per_target_hour, err, 0, 1000000000) ||
            !read_num<std::uint64_t>(*l, "key_package_target_per_hour",
                                     c.key_package_target_per_hour, err, 0, 1000000000)) {
            return invalid("config: " + err);
        }
    }
    if (auto* trust = root["trust"].as_array()) {
        for (const auto& node : *trust) {
            const auto* t = node.as_table();
            if (!t) return invalid("config: [[trust]] entries must be tables");
            cert::v1::OrganisationRoot r;
            std::string id, name, type, key;
            str(*t, "organisation_id", id);
            str(*t, "name", name);
            str(*t, "authority_type", type);
            str(*t, "root_public_key", key);
            if (id.empty()) return invalid("config: trust entry without organisation_id");
            auto raw = hex_decode(key);
            if (!raw.ok() || raw.value().size() != 32) {
                return invalid("config: root_public_key of " + id + " must be 64 hex digits");
            }
            r.set_organisation_id(id);
            r.set_name(name);
            r.set_root_public_key(std::move(raw).value());
            for (const auto& [n, a] : kAuthorities) {
                if (type == n) r.set_authority_type(a);
            }
            if (!type.empty() && r.authority_type() == cert::v1::AUTHORITY_TYPE_UNSPECIFIED) {
                return invalid("config: unknown authority_type \"" + type + "\" for " + id);
            }
            c.trust.push_back(std::move(r));
        }
    }
    if (const toml::node* files = root.get("trust_files")) {
        const auto* list = files->as_array();
        if (!list) return invalid("config: trust_files must be a list of strings");
        for (const auto& node : *list) {
            auto p = node.value<std::string>();
            if (!p || p->empty()) return invalid("config: trust_files must be strings");
            auto root_or = load_trust_file(resolve(base, *p));
            if (!root_or.ok()) return std::move(root_or).error();
            c.trust.push_back(std::move(root_or).value());
        }
    }
    if (auto* lists = root["revocation_lists"].as_array()) {
        for (const auto& node : *lists) {
            auto p = node.value<std::string>();
            if (!p) return invalid("config: revocation_lists must be strings");
            c.revocation_lists.push_back(resolve(base, *p));
        }
    }
    if (auto* t = root["testing"].as_table()) {
        str(*t, "clock_file", c.test_clock_file);
        c.test_clock_file = resolve(base, c.test_clock_file);
    }
    const bool is_unix = c.listen.rfind("unix:", 0) == 0;
    if (!is_unix && !c.insecure_tcp && (c.tls_cert.empty() || c.tls_key.empty())) {
        return invalid("config: TCP listen address needs [tls] cert and key");
    }
    return c;
}

ConfigResult<RelayConfig> load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return ConfigError{ConfigErrc::unreadable, "config: cannot read " + path};
    std::ostringstream os;
    os << in.rdbuf();
    auto base = fs::absolute(fs::path(path)).parent_path().string();
    return parse_config(os.str(), base);
}

}  // namespace lagrum::relay
