// The profile: creating and opening it, the device key, certificate, trust anchors and
// revocation lists, the relay connection and the device's KeyPackages.
#include <ctime>
#include <filesystem>

#include "client_impl.h"
#include "lagrum/core/pki/credential_policy.h"
#include "lagrum/core/pki/organisation.h"
#include "lagrum/core/store/profile_key.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"
#include "schema.h"

namespace lagrum::core::messaging {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kRegisterLabel = "lagrum.relay.v1.Register";
constexpr std::size_t kKeyPackagesLow = 5;
constexpr std::size_t kKeyPackagesWanted = 20;
constexpr std::int64_t kKeyPackageCheckSeconds = 3600;

fs::path key_file(const fs::path& dir) {
    return dir / "key";
}
fs::path db_file(const fs::path& dir) {
    return dir / "store.db";
}

std::int64_t system_now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

}  // namespace

std::string to_str(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
ByteView view_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
std::string authority_of(cert::v1::AuthorityType t) {
    // The check-format.md §2.1 name; an unknown or unspecified type never gets a
    // permissive authority: "other" is what the catalog allows least.
    const std::string name = pki::authority_name(t);
    return name == "unspecified" ? "other" : name;
}
std::pair<std::string, std::string> split_address(const std::string& address) {
    const auto slash = address.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 >= address.size() ||
        address.find('/', slash + 1) != std::string::npos || address.size() > 513) {
        throw Error(Errc::bad_input,
                    "\"" + address + "\" is not a member address ORGANISATION_ID/MEMBER_ID");
    }
    return {address.substr(0, slash), address.substr(slash + 1)};
}

mls::Capabilities lagrum_capabilities() {
    auto c = mls::Capabilities::lagrum_default();
    c.extensions.push_back(kRoomNameExtension);
    return c;
}

legal::Date Client::Impl::today() const {
    const std::time_t t = static_cast<std::time_t>(now());
    std::tm tm{};
    localtime_r(&t, &tm);
    return legal::Date{tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

// ---- creating and opening ------------------------------------------------------------

Bytes Client::init(const fs::path& dir, std::string_view passphrase, const InitOptions& options) {
    if (options.relay.empty()) throw Error(Errc::bad_input, "--relay is required");
    if (options.relay.rfind("unix:", 0) != 0 && options.relay.find(':') == std::string::npos) {
        throw Error(Errc::bad_input, "--relay must be unix:PATH or host:port");
    }
    if (options.trust.empty()) {
        throw Error(Errc::bad_input, "at least one --trust anchor file is required");
    }
    cert::TrustStore check;
    for (const auto& r : options.trust) {
        if (auto added = check.add_root(r); !added.ok()) {
            throw Error(Errc::certificate_invalid, "trust anchor: " + added.error().message);
        }
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(Errc::io_error, "cannot create " + dir.string());
    if (fs::exists(key_file(dir)) || fs::exists(db_file(dir))) {
        throw Error(Errc::profile_exists, "a profile already exists in " + dir.string());
    }
    fs::permissions(dir, fs::perms::owner_all, ec);
    auto key = store::create_profile_key(key_file(dir), passphrase, options.kdf);
    Bytes device_public;
    try {
        auto db = store::Database::open(db_file(dir), key, profile_migrations(), true);
        auto device = crypto::ed25519_generate();
        device_public = device.public_key;
        const auto pseudonym = crypto::random_secret(32);
        db.transaction([&] {
            auto put = [&](const char* k, ByteView v) {
                db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)")
                    .bind(1, k)
                    .bind(2, v)
                    .run();
            };
            put("device_seed", device.seed.view());
            put("device_public", device.public_key);
            put("pseudonym_key", pseudonym.view());
            put("relay", view_of(options.relay));
            put("relay_ca", view_of(options.relay_ca));
            put("cursor", view_of("0"));
            for (const auto& r : options.trust) {
                db.prepare(
                      "INSERT OR REPLACE INTO trust_roots(organisation_id, root) VALUES (?, ?)")
                    .bind(1, r.organisation_id())
                    .bind(2, view_of(r.SerializeAsString()))
                    .run();
            }
        });
    } catch (...) {
        // A half-made profile would block the next init: remove what we wrote.
        fs::remove(db_file(dir), ec);
        fs::remove(key_file(dir), ec);
        throw;
    }
    return device_public;
}

std::unique_ptr<Client> Client::open(const fs::path& dir, std::string_view passphrase,
                                     const legal::Catalog& catalog) {
    if (!fs::exists(key_file(dir))) {
        throw Error(Errc::no_profile, "no profile in " + dir.string() + " (lagrum init)");
    }
    auto key = store::open_profile_key(key_file(dir), passphrase);
    if (!fs::exists(db_file(dir))) {
        throw Error(Errc::corrupt_store, "the profile's database is missing: " + dir.string());
    }
    store::Database db = [&] {
        try {
            return store::Database::open(db_file(dir), key, profile_migrations(), false);
        } catch (const Error& e) {
            // The key unwrapped, so the passphrase is right: a database that does not
            // open with it is damaged.
            if (e.code() == Errc::wrong_passphrase || e.code() == Errc::no_profile) {
                throw Error(Errc::corrupt_store,
                            "the profile's database is damaged or not a Lagrum store");
            }
            throw;
        }
    }();
    auto impl = std::make_unique<Impl>(dir, std::move(db), catalog);
    impl->clock = system_now;
    impl->load();
    return std::unique_ptr<Client>(new Client(std::move(impl)));
}

void Client::change_passphrase(const fs::path& dir, std::string_view old_pass,
                               std::string_view new_pass) {
    if (!fs::exists(key_file(dir))) {
        throw Error(Errc::no_profile, "no profile in " + dir.string());
    }
    if (new_pass.empty()) throw Error(Errc::bad_input, "the new passphrase is empty");
    store::change_profile_passphrase(key_file(dir), old_pass, new_pass);
}

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

void Client::set_transport_factory(TransportFactory factory) {
    impl_->factory = std::move(factory);
    impl_->transport.reset();
    impl_->registered = false;
}
void Client::set_clock(std::function<std::int64_t()> clock) {
    impl_->clock = std::move(clock);
}
Bytes Client::device_key() const {
    return impl_->device_public;
}
std::string Client::relay_address() const {
    return impl_->relay_address;
}
std::optional<pki::Member> Client::self() const {
    return impl_->self;
}

std::optional<Bytes> Client::Impl::meta(const std::string& key) {
    auto st = db.prepare("SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    if (!st.step() || st.is_null(0)) return std::nullopt;
    return st.blob(0);
}

std::optional<crypto::SecretBytes> Client::Impl::secret_meta(const std::string& key) {
    auto st = db.prepare("SELECT value FROM meta WHERE key = ?");
    st.bind(1, key);
    if (!st.step() || st.is_null(0)) return std::nullopt;
    return st.secret_blob(0);
}

void Client::Impl::set_meta(const std::string& key, ByteView value) {
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)")
        .bind(1, key)
        .bind(2, value)
        .run();
}

std::int64_t Client::Impl::cursor() {
    auto v = meta("cursor");
    if (!v) return 0;
    try {
        return std::stoll(to_str(*v));
    } catch (const std::exception&) {
        throw Error(Errc::corrupt_store, "the stored relay cursor is damaged");
    }
}

void Client::Impl::set_cursor(std::int64_t seq) {
    set_meta("cursor", view_of(std::to_string(seq)));
}

void Client::Impl::load() {
    auto seed = secret_meta("device_seed");
    auto pub = meta("device_public");
    auto pk = secret_meta("pseudonym_key");
    if (!seed || seed->size() != 32 || !pub || pub->size() != 32 || !pk) {
        throw Error(Errc::corrupt_store, "the profile has no device key");
    }
    device_seed = std::move(*seed);
    device_public = *pub;
    pseudonym_key = std::move(*pk);
    relay_address = to_str(meta("relay").value_or(Bytes{}));
    relay_ca = to_str(meta("relay_ca").value_or(Bytes{}));
    {
        auto st = db.prepare("SELECT root FROM trust_roots ORDER BY organisation_id");
        while (st.step()) {
            cert::v1::OrganisationRoot root;
            const auto b = st.blob(0);
            if (!root.ParseFromArray(b.data(), static_cast<int>(b.size()))) {
                throw Error(Errc::corrupt_store, "a stored trust anchor is damaged");
            }
            // Stored only after add_root accepted it, so a refusal now means damage.
            if (!trust.add_root(root).ok()) {
                throw Error(Errc::corrupt_store, "a stored trust anchor is damaged");
            }
        }
    }
    {
        auto st = db.prepare("SELECT list FROM revocation_lists");
        while (st.step()) {
            cert::v1::RevocationList list;
            const auto b = st.blob(0);
            if (!list.ParseFromArray(b.data(), static_cast<int>(b.size()))) continue;
            // Each list was verified when it was stored; one that no longer installs
            // (its root is not pinned any more, or a newer list is in) is skipped.
            if (auto installed = trust.install_revocation_list(list); !installed.ok()) continue;
        }
    }
    if (auto c = meta("certificate")) {
        cert::v1::MemberCertificate mc;
        if (!mc.ParseFromArray(c->data(), static_cast<int>(c->size()))) {
            throw Error(Errc::corrupt_store, "the stored member certificate is damaged");
        }
        certificate = mc;
        std::string why;
        auto m = pki::verify_member(trust, pki::credential_for(mc), device_public, now(), &why);
        if (m) {
            self = std::move(m);
        } else {
            // Keep what the certificate says so messages can still be read; sending
            // needs a valid certificate and says why not.
            cert::v1::MemberCertificateBody body;
            body.ParseFromString(mc.body());
            pki::Member s;
            s.organisation_id = body.organisation_id();
            s.member_id = body.member_id();
            s.display_name = body.display_name();
            s.role = body.role();
            s.authority = body.authority_type();
            s.serial = body.serial();
            s.device_key = device_public;
            s.certificate = mc;
            self = std::move(s);
            self_invalid = why;
        }
    }
}

const pki::Member& Client::Impl::require_self() const {
    if (!self) {
        throw Error(Errc::no_certificate,
                    "this profile has no member certificate yet (lagrum cert import FILE)");
    }
    if (!self_invalid.empty()) {
        throw Error(Errc::certificate_invalid,
                    "our member certificate is not valid: " + self_invalid);
    }
    return *self;
}

mls::GroupConfig Client::Impl::group_config() const {
    mls::GroupConfig c;
    c.credential_policy = pki::make_credential_policy(trust, clock);
    c.now = static_cast<std::uint64_t>(now());
    c.encrypt_handshake = true;  // the relay never sees who is added or removed
    c.past_epochs = 4;
    return c;
}

bool Client::Impl::connect() {
    if (transport && registered) return true;
    if (!factory || relay_address.empty()) return false;
    const auto& me = require_self();
    try {
        if (!transport) transport = factory(relay_address, relay_ca);
        transport->register_device(me.certificate, [&](ByteView challenge) {
            Bytes msg(kRegisterLabel.begin(), kRegisterLabel.end());
            msg.push_back(0);
            msg.insert(msg.end(), challenge.begin(), challenge.end());
            const auto& body = me.certificate.body();
            msg.insert(msg.end(), body.begin(), body.end());
            auto sig = crypto::ed25519_sign(device_seed.view(), msg);
            if (!sig) throw Error(Errc::internal, "cannot sign the registration");
            return *sig;
        });
        registered = true;
    } catch (const Error& e) {
        if (e.code() == Errc::relay_unavailable) {
            transport.reset();
            return false;
        }
        throw;
    }
    publish_key_packages(kKeyPackagesWanted);
    key_packages_checked_at = now();
    return true;
}

void Client::Impl::replenish_key_packages(const SyncReport& report) {
    if (!transport || !registered) return;
    if (report.joined == 0 && now() - key_packages_checked_at < kKeyPackageCheckSeconds) return;
    try {
        // Through with_relay: a session that expired since the last call is renewed once.
        with_relay([&](RelayTransport&) {
            publish_key_packages(kKeyPackagesWanted);
            return 0;
        });
        key_packages_checked_at = now();
    } catch (const Error& e) {
        if (e.code() != Errc::relay_unavailable) throw;
        // Offline now: the next connect publishes what is missing.
        registered = false;
        transport.reset();
    }
}

void Client::Impl::publish_key_packages(std::size_t want) {
    const auto& me = require_self();
    const std::uint64_t have = transport->count_key_packages();
    bool need_last_resort = !meta("last_resort_published").has_value();
    if (have >= kKeyPackagesLow && !need_last_resort) return;
    const std::size_t n = have >= want ? 0 : want - static_cast<std::size_t>(have);
    cert::v1::MemberCertificateBody body;
    body.ParseFromString(me.certificate.body());
    const mls::Lifetime life{static_cast<std::uint64_t>(std::max<std::int64_t>(0, now() - 300)),
                             static_cast<std::uint64_t>(body.not_after())};
    std::vector<Bytes> one_time;
    Bytes last_resort;
    auto make = [&](bool is_last) {
        auto bundle = mls::create_key_package(pki::credential_for(me.certificate),
                                              device_seed.view(), lagrum_capabilities(), life);
        const Bytes encoded = mls::encode(bundle.key_package);
        db.prepare(
              "INSERT INTO key_packages(ref, key_package, init_private, encryption_private, "
              "last_resort, published, created_at) VALUES (?, ?, ?, ?, ?, 1, ?)")
            .bind(1, bundle.key_package.ref())
            .bind(2, encoded)
            .bind(3, bundle.init_private.view())
            .bind(4, bundle.encryption_private.view())
            .bind(5, is_last ? 1 : 0)
            .bind(6, now())
            .run();
        mls::MlsMessage msg;
        msg.body = bundle.key_package;
        return mls::encode(msg);
    };
    // Stored before publishing: a KeyPackage the relay hands out must always be one we
    // can join with.
    db.transaction([&] {
        for (std::size_t i = 0; i < n; ++i) one_time.push_back(make(false));
        if (need_last_resort) {
            last_resort = make(true);
            set_meta("last_resort_published", view_of("1"));
        }
    });
    transport->publish_key_packages(one_time, last_resort);
}

void Client::Impl::record_sync_error(SyncReport& report, std::uint64_t seq, const std::string& kind,
                                     const std::string& why, bool is_error) {
    if (is_error) ++report.errors;
    report.problems.push_back({seq, kind, why});
    db.prepare("INSERT INTO sync_errors(seq, kind, reason, at) VALUES (?, ?, ?, ?)")
        .bind(1, static_cast<std::int64_t>(seq))
        .bind(2, kind)
        .bind(3, why)
        .bind(4, now())
        .run();
}

// ---- certificate, trust ---------------------------------------------------------------

bool Client::import_certificate(const cert::v1::MemberCertificate& certificate) {
    auto& d = *impl_;
    auto verified = d.trust.verify(certificate, d.now());
    if (auto* e = std::get_if<cert::CertError>(&verified)) {
        throw Error(Errc::certificate_invalid, "the certificate does not verify: " + e->message);
    }
    const auto& body = std::get<cert::v1::MemberCertificateBody>(verified);
    if (view_of(body.device_public_key()).size() != d.device_public.size() ||
        !crypto::ct_equal(view_of(body.device_public_key()), d.device_public)) {
        throw Error(Errc::certificate_invalid,
                    "the certificate is for another device key (this profile's device key is " +
                        crypto::to_hex(d.device_public) + ")");
    }
    if (d.certificate && d.self &&
        d.self->address() != body.organisation_id() + "/" + body.member_id()) {
        throw Error(Errc::conflict, "this profile already belongs to " + d.self->address());
    }
    d.db.transaction([&] { d.set_meta("certificate", view_of(certificate.SerializeAsString())); });
    d.certificate = certificate;
    d.self_invalid.clear();
    d.self =
        pki::verify_member(d.trust, pki::credential_for(certificate), d.device_public, d.now());
    d.registered = false;
    return d.connect();
}

void Client::add_trust_anchor(const cert::v1::OrganisationRoot& root) {
    auto& d = *impl_;
    if (auto added = d.trust.add_root(root); !added.ok()) {
        throw Error(Errc::certificate_invalid, "trust anchor: " + added.error().message);
    }
    d.db.transaction([&] {
        d.db.prepare("INSERT OR REPLACE INTO trust_roots(organisation_id, root) VALUES (?, ?)")
            .bind(1, root.organisation_id())
            .bind(2, view_of(root.SerializeAsString()))
            .run();
    });
}

void Client::import_revocation_list(const cert::v1::RevocationList& list) {
    auto& d = *impl_;
    auto r = d.trust.install_revocation_list(list);
    if (auto* e = std::get_if<cert::CertError>(&r)) {
        throw Error(Errc::certificate_invalid, "revocation list: " + e->message);
    }
    const auto& body = std::get<cert::v1::RevocationListBody>(r);
    d.db.transaction([&] {
        d.db.prepare(
                "INSERT OR REPLACE INTO revocation_lists(organisation_id, sequence, list) "
                "VALUES (?, ?, ?)")
            .bind(1, body.organisation_id())
            .bind(2, static_cast<std::int64_t>(body.sequence()))
            .bind(3, view_of(list.SerializeAsString()))
            .run();
    });
    try {
        if (d.self && d.self_invalid.empty() && d.connect())
            d.transport->publish_revocation_list(list);
    } catch (const Error&) {
        // The relay may already have it (stale) or be unreachable: the local copy is
        // what protects this device.
    }
}

}  // namespace lagrum::core::messaging
