// The organisation CA on disk (organisation.h). Signing is lagrum_cert's; this file
// only keeps the root seed wrapped, the anchor public and the bookkeeping consistent.
#include "lagrum/core/pki/organisation.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "lagrum/cert/cert.h"
#include "lagrum/core/store/profile_key.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/secret.h"

namespace lagrum::core::pki {

namespace fs = std::filesystem;
using crypto::ByteView;
using nlohmann::json;

namespace {

constexpr std::string_view kRootPurpose = "lagrum.org-root.v1";
constexpr std::string_view kCaFormat = "lagrum.org-ca.v1";
constexpr const char* kAnchorFile = "anchor.txtpb";
constexpr const char* kRootKeyFile = "root.key";
constexpr const char* kCaFile = "ca.json";
constexpr const char* kLockFile = "ca.lock";

constexpr std::size_t kMaxField = 256;
// An anchor is a few hundred bytes; certificates and lists are bounded by lagrum_cert
// (the text form of a binary body escapes each byte in up to 4 characters).
constexpr std::size_t kMaxAnchorFile = 64 * 1024;
constexpr std::size_t kMaxSignedFile = 8 * cert::kMaxBodySize;
// Bookkeeping grows with every certificate; 64 MiB is hundreds of thousands of them.
constexpr std::size_t kMaxCaFile = 64 * 1024 * 1024;
constexpr std::int64_t kMaxDays = 3650;
constexpr std::int64_t kClockSkew = 300;

// check-format.md §2.1 names are the cert.proto enum names without the prefix, in lower
// case. Mapping through the generated descriptor keeps the two in step when the enum
// grows (e.g. school_independent) without a second table to forget.
constexpr std::string_view kAuthorityPrefix = "AUTHORITY_TYPE_";

bool valid_authority(int value) {
    return value != cert::v1::AUTHORITY_TYPE_UNSPECIFIED && cert::v1::AuthorityType_IsValid(value);
}

std::string authority_list() {
    std::string out;
    const auto* desc = cert::v1::AuthorityType_descriptor();
    for (int i = 0; i < desc->value_count(); ++i) {
        if (!valid_authority(desc->value(i)->number())) continue;
        if (!out.empty()) out += ", ";
        out += authority_name(static_cast<cert::v1::AuthorityType>(desc->value(i)->number()));
    }
    return out;
}

std::string as_string(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

using crypto::to_hex;

// Only for our own ca.json: anything that is not clean lowercase or uppercase hex is
// damage.
std::optional<Bytes> from_hex(const std::string& text) {
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    if (text.size() % 2 != 0) return std::nullopt;
    Bytes out(text.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

// Reads a whole file of at most `limit` bytes. Missing → `missing` code.
std::string read_bounded(const fs::path& file, std::size_t limit, Errc missing) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::error_code ec;
        if (!fs::exists(file, ec)) throw Error(missing, "no file " + file.string());
        throw Error(Errc::io_error, "cannot read " + file.string());
    }
    // In chunks: the limit is a ceiling, not a size to allocate up front.
    std::string data;
    std::array<char, 64 * 1024> chunk{};
    while (in) {
        in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        data.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
        if (data.size() > limit) throw Error(Errc::bad_input, file.string() + " is too large");
    }
    if (in.bad()) throw Error(Errc::io_error, "cannot read " + file.string());
    return data;
}

// Temporary file, fsync, rename, fsync of the folder: readers see the old or the new
// file, never a torn one, even after a crash.
void write_atomic(const fs::path& file, std::string_view data, mode_t mode) {
    const fs::path tmp = file.string() + ".tmp";
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        throw Error(Errc::io_error, "cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
    std::size_t done = 0;
    bool ok = true;
    while (ok && done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0)
            ok = false;
        else
            done += static_cast<std::size_t>(n);
    }
    if (ok && ::fsync(fd) != 0) ok = false;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
        ::unlink(tmp.c_str());
        throw Error(Errc::io_error, "cannot write " + file.string());
    }
    const fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

// Keeps the first text-format parse error for the message (the default collector
// writes to stderr, which the CLI keeps to one line).
struct FirstError : google::protobuf::io::ErrorCollector {
    std::string text;
    void AddError(int line, google::protobuf::io::ColumnNumber column,
                  const std::string& message) override {
        if (text.empty()) {
            text = "line " + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " +
                   message;
        }
    }
};

template <class Msg>
bool parse_text(const std::string& data, Msg* msg, std::string* why) {
    FirstError errors;
    google::protobuf::TextFormat::Parser parser;
    parser.RecordErrorsTo(&errors);
    const bool ok = parser.ParseFromString(data, msg);
    if (!ok && why != nullptr) *why = errors.text;
    return ok;
}

// Binary first; a text-format file never parses as a binary message with both fields
// set, so the fallback is unambiguous in practice (and both are verified afterwards).
template <class Msg>
Msg read_signed_file(const fs::path& file, const char* what) {
    const std::string data = read_bounded(file, kMaxSignedFile, Errc::bad_input);
    Msg msg;
    if (msg.ParseFromString(data) && !msg.body().empty() && !msg.signature().empty()) return msg;
    msg.Clear();
    std::string why;
    if (parse_text(data, &msg, &why) && !msg.body().empty() && !msg.signature().empty()) {
        return msg;
    }
    throw Error(Errc::bad_input, file.string() + " is not a " + what +
                                     (why.empty() ? std::string() : " (" + why + ")"));
}

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

// Identifiers end up in addresses (ORG/MEMBER) and file-based tooling: no slash, no
// whitespace, no control characters. Names may hold spaces.
void check_field(const std::string& value, const char* what, bool identifier) {
    if (value.empty()) throw Error(Errc::bad_input, std::string(what) + " is empty");
    if (value.size() > kMaxField) {
        throw Error(Errc::bad_input, std::string(what) + " is longer than 256 bytes");
    }
    if (has_control(value)) {
        throw Error(Errc::bad_input, std::string(what) + " contains control characters");
    }
    if (identifier && value.find_first_of("/ \t") != std::string::npos) {
        throw Error(Errc::bad_input, std::string(what) + " may not contain '/' or spaces");
    }
}

std::int64_t now_or_clock(std::int64_t now) {
    return now != 0 ? now : static_cast<std::int64_t>(std::time(nullptr));
}

// The CA's bookkeeping (ca.json).
struct Issued {
    std::uint64_t serial = 0;
    std::string member_id;
    std::string display_name;
    std::string role;
    Bytes device_key;
    std::int64_t not_before = 0;
    std::int64_t not_after = 0;
};

struct CaState {
    std::string organisation_id;
    std::uint64_t next_serial = 1;
    std::uint64_t revocation_sequence = 0;
    std::vector<Issued> issued;
    std::set<std::uint64_t> revoked_serials;
    std::set<Bytes> revoked_device_keys;
};

std::string dump_state(const CaState& s) {
    json issued = json::array();
    for (const auto& i : s.issued) {
        issued.push_back({{"serial", i.serial},
                          {"member_id", i.member_id},
                          {"display_name", i.display_name},
                          {"role", i.role},
                          {"device_key", to_hex(i.device_key)},
                          {"not_before", i.not_before},
                          {"not_after", i.not_after}});
    }
    json keys = json::array();
    for (const auto& k : s.revoked_device_keys) keys.push_back(to_hex(k));
    const json j = {
        {"format", std::string(kCaFormat)},      {"organisation_id", s.organisation_id},
        {"next_serial", s.next_serial},          {"revocation_sequence", s.revocation_sequence},
        {"issued", std::move(issued)},           {"revoked_serials", s.revoked_serials},
        {"revoked_device_keys", std::move(keys)}};
    return j.dump(2) + "\n";
}

CaState load_state(const fs::path& file, const std::string& organisation_id) {
    const auto corrupt = [&](const std::string& why) {
        return Error(Errc::corrupt_store, file.string() + " is damaged: " + why);
    };
    std::string data;
    try {
        data = read_bounded(file, kMaxCaFile, Errc::no_profile);
    } catch (const Error& e) {
        if (e.code() == Errc::bad_input) throw corrupt("too large");
        throw;
    }
    CaState s;
    try {
        const json j = json::parse(data);
        if (j.at("format").get<std::string>() != kCaFormat) throw corrupt("unknown format");
        s.organisation_id = j.at("organisation_id").get<std::string>();
        s.next_serial = j.at("next_serial").get<std::uint64_t>();
        s.revocation_sequence = j.at("revocation_sequence").get<std::uint64_t>();
        for (const auto& i : j.at("issued")) {
            Issued rec;
            rec.serial = i.at("serial").get<std::uint64_t>();
            rec.member_id = i.at("member_id").get<std::string>();
            rec.display_name = i.value("display_name", std::string());
            rec.role = i.value("role", std::string());
            auto key = from_hex(i.at("device_key").get<std::string>());
            if (!key) throw corrupt("bad device key");
            rec.device_key = std::move(*key);
            rec.not_before = i.at("not_before").get<std::int64_t>();
            rec.not_after = i.at("not_after").get<std::int64_t>();
            if (rec.serial == 0 || rec.serial >= s.next_serial) throw corrupt("bad serial");
            s.issued.push_back(std::move(rec));
        }
        for (const auto& v : j.at("revoked_serials")) {
            s.revoked_serials.insert(v.get<std::uint64_t>());
        }
        for (const auto& v : j.at("revoked_device_keys")) {
            auto key = from_hex(v.get<std::string>());
            if (!key || key->size() != crypto::kEd25519PublicKeySize) {
                throw corrupt("bad revoked device key");
            }
            s.revoked_device_keys.insert(std::move(*key));
        }
    } catch (const json::exception& e) {
        throw corrupt(e.what());
    }
    if (s.next_serial == 0) throw corrupt("bad next serial");
    if (s.organisation_id != organisation_id) {
        throw corrupt("it belongs to another organisation than anchor.txtpb");
    }
    return s;
}

// An exclusive advisory lock on DIR/ca.lock for one read-modify-write of ca.json, so two
// `lagrum org issue` runs never hand out the same serial.
class DirLock {
  public:
    explicit DirLock(const fs::path& dir) {
        const fs::path file = dir / kLockFile;
        fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd_ < 0) throw Error(Errc::io_error, "cannot open " + file.string());
        while (::flock(fd_, LOCK_EX) != 0) {
            if (errno != EINTR) {
                ::close(fd_);
                throw Error(Errc::io_error, "cannot lock " + file.string());
            }
        }
    }
    ~DirLock() { ::close(fd_); }  // closing releases the lock
    DirLock(const DirLock&) = delete;
    DirLock& operator=(const DirLock&) = delete;

  private:
    int fd_ = -1;
};

}  // namespace

cert::v1::AuthorityType parse_authority(std::string_view name) {
    const bool lower_word = !name.empty() && name.size() <= 64 &&
                            std::all_of(name.begin(), name.end(),
                                        [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    if (lower_word) {
        std::string upper(kAuthorityPrefix);
        for (char c : name) upper.push_back(c == '_' ? '_' : static_cast<char>(c - 'a' + 'A'));
        cert::v1::AuthorityType type{};
        if (cert::v1::AuthorityType_Parse(upper, &type) && valid_authority(type)) return type;
    }
    throw Error(Errc::bad_input, "unknown authority \"" + std::string(name.substr(0, 64)) + "\" (" +
                                     authority_list() + ")");
}

std::string authority_name(cert::v1::AuthorityType type) {
    if (!valid_authority(type)) return "unspecified";
    std::string name = cert::v1::AuthorityType_Name(type);
    if (name.rfind(kAuthorityPrefix, 0) == 0) name.erase(0, kAuthorityPrefix.size());
    for (char& c : name) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return name;
}

std::string authority_label(std::string_view code, bool english) {
    struct Label {
        std::string_view code, sv, en;
    };
    static constexpr Label kLabels[] = {
        {"social_services", "Socialtjänsten", "Social services"},
        {"police", "Polisen", "Police"},
        {"school", "Skolan", "School"},
        {"school_independent", "Fristående skolan", "Independent school"},
        {"health_care", "Hälso- och sjukvården", "Health care"},
        {"prosecutor", "Åklagarmyndigheten", "Prosecution Authority"},
        {"security_service", "Säkerhetspolisen", "Security Service"},
        {"other", "Annan myndighet", "Other authority"}};
    for (const auto& l : kLabels) {
        if (l.code == code) return std::string(english ? l.en : l.sv);
    }
    return std::string(code);
}

std::string anchor_text(const cert::v1::OrganisationRoot& root) {
    std::string body;
    google::protobuf::TextFormat::PrintToString(root, &body);
    return "# Lagrum organisation anchor (lagrum.cert.v1.OrganisationRoot). Pin it on relays\n"
           "# and clients; compare the key out of band.\n"
           "# root_public_key (hex): " +
           to_hex(view(root.root_public_key())) + "\n" + body;
}

cert::v1::OrganisationRoot read_anchor(const fs::path& file) {
    const std::string data = read_bounded(file, kMaxAnchorFile, Errc::io_error);
    cert::v1::OrganisationRoot root;
    std::string why;
    if (!parse_text(data, &root, &why)) {
        throw Error(Errc::bad_input,
                    file.string() + " is not a text-format OrganisationRoot (" + why + ")");
    }
    const auto bad = [&](const std::string& what) {
        return Error(Errc::bad_input, file.string() + ": " + what);
    };
    if (root.organisation_id().empty()) throw bad("no organisation_id");
    if (root.name().empty()) throw bad("no name");
    if (!valid_authority(root.authority_type())) throw bad("no valid authority_type");
    if (root.root_public_key().size() != crypto::kEd25519PublicKeySize) {
        throw bad("root_public_key must be 32 bytes");
    }
    return root;
}

cert::v1::MemberCertificate read_certificate_file(const fs::path& file) {
    return read_signed_file<cert::v1::MemberCertificate>(file, "member certificate");
}

cert::v1::RevocationList read_revocation_list_file(const fs::path& file) {
    return read_signed_file<cert::v1::RevocationList>(file, "revocation list");
}

struct OrganisationCa::Impl {
    fs::path dir;
    crypto::SecretBytes seed;
};

OrganisationCa::OrganisationCa(std::unique_ptr<Impl> impl, cert::v1::OrganisationRoot anchor)
    : impl_(std::move(impl)), anchor_(std::move(anchor)) {}
OrganisationCa::OrganisationCa(OrganisationCa&&) noexcept = default;
OrganisationCa& OrganisationCa::operator=(OrganisationCa&&) noexcept = default;
OrganisationCa::~OrganisationCa() = default;

OrganisationCa OrganisationCa::init(const fs::path& dir, const std::string& id,
                                    const std::string& name, cert::v1::AuthorityType authority,
                                    std::string_view passphrase, const crypto::Argon2Params& kdf) {
    check_field(id, "organisation id", /*identifier=*/true);
    check_field(name, "organisation name", /*identifier=*/false);
    if (!valid_authority(authority)) throw Error(Errc::bad_input, "unknown authority type");
    if (passphrase.empty()) throw Error(Errc::bad_input, "the passphrase is empty");

    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error(Errc::io_error, "cannot create " + dir.string() + ": " + ec.message());
    DirLock lock(dir);
    for (const char* f : {kAnchorFile, kRootKeyFile, kCaFile}) {
        if (fs::exists(dir / f, ec)) {
            throw Error(Errc::profile_exists, dir.string() + " already holds a CA (" + f + ")");
        }
    }

    auto pair = crypto::ed25519_generate();
    cert::v1::OrganisationRoot root;
    root.set_organisation_id(id);
    root.set_name(name);
    root.set_authority_type(authority);
    root.set_root_public_key(as_string(pair.public_key));

    // The anchor goes last: its presence marks a complete CA (open() needs all three).
    store::write_wrapped_secret(dir / kRootKeyFile, pair.seed, passphrase, kdf, kRootPurpose);
    CaState state;
    state.organisation_id = id;
    write_atomic(dir / kCaFile, dump_state(state), 0600);
    write_atomic(dir / kAnchorFile, anchor_text(root), 0644);

    auto impl = std::make_unique<Impl>();
    impl->dir = dir;
    impl->seed = std::move(pair.seed);
    return OrganisationCa(std::move(impl), std::move(root));
}

OrganisationCa OrganisationCa::open(const fs::path& dir, std::string_view passphrase) {
    std::error_code ec;
    if (!fs::exists(dir / kAnchorFile, ec)) {
        throw Error(Errc::no_profile, "no organisation CA in " + dir.string());
    }
    cert::v1::OrganisationRoot root;
    try {
        root = read_anchor(dir / kAnchorFile);
    } catch (const Error& e) {
        if (e.code() != Errc::bad_input) throw;
        throw Error(Errc::corrupt_store, e.what());
    }
    // Checked before the (slow) unlock so a damaged folder is reported as such.
    (void)load_state(dir / kCaFile, root.organisation_id());
    crypto::SecretBytes seed =
        store::read_wrapped_secret(dir / kRootKeyFile, passphrase, kRootPurpose);
    auto pair = crypto::ed25519_from_seed(seed);
    if (!pair || !crypto::ct_equal(pair->public_key, view(root.root_public_key()))) {
        throw Error(Errc::corrupt_store, "root.key does not belong to anchor.txtpb");
    }
    auto impl = std::make_unique<Impl>();
    impl->dir = dir;
    impl->seed = std::move(seed);
    return OrganisationCa(std::move(impl), std::move(root));
}

cert::v1::MemberCertificate OrganisationCa::issue(const IssueRequest& request) {
    check_field(request.member_id, "member id", /*identifier=*/true);
    check_field(request.display_name, "name", /*identifier=*/false);
    check_field(request.role, "role", /*identifier=*/false);
    if (request.device_public_key.size() != crypto::kEd25519PublicKeySize) {
        throw Error(Errc::bad_input, "the device key must be 32 bytes (64 hex digits)");
    }
    if (request.days < 1 || request.days > kMaxDays) {
        throw Error(Errc::bad_input, "days must be between 1 and 3650");
    }
    const std::int64_t now = now_or_clock(request.now);

    DirLock lock(impl_->dir);
    CaState state = load_state(impl_->dir / kCaFile, anchor_.organisation_id());
    if (state.revoked_device_keys.count(request.device_public_key) != 0) {
        throw Error(Errc::bad_input, "this device key has been revoked");
    }
    cert::v1::MemberCertificateBody body;
    body.set_version(1);
    body.set_serial(state.next_serial);
    body.set_member_id(request.member_id);
    body.set_display_name(request.display_name);
    body.set_organisation_id(anchor_.organisation_id());
    body.set_authority_type(anchor_.authority_type());
    body.set_role(request.role);
    body.set_device_public_key(as_string(request.device_public_key));
    body.set_not_before(now - kClockSkew);
    body.set_not_after(now + request.days * 86400);

    auto issued = cert::issue_certificate(body, impl_->seed);
    if (auto* e = std::get_if<cert::CertError>(&issued)) {
        throw Error(Errc::internal, "signing failed: " + e->message);
    }
    // Recorded before the certificate leaves: a serial is never handed out twice.
    Issued rec;
    rec.serial = body.serial();
    rec.member_id = request.member_id;
    rec.display_name = request.display_name;
    rec.role = request.role;
    rec.device_key = request.device_public_key;
    rec.not_before = body.not_before();
    rec.not_after = body.not_after();
    state.issued.push_back(std::move(rec));
    state.next_serial = body.serial() + 1;
    write_atomic(impl_->dir / kCaFile, dump_state(state), 0600);
    return std::get<cert::v1::MemberCertificate>(std::move(issued));
}

cert::v1::RevocationList OrganisationCa::revoke(const RevokeRequest& request) {
    if (request.serials.empty() && request.device_keys.empty()) {
        throw Error(Errc::bad_input, "nothing to revoke: give a serial or a device key");
    }
    for (const auto& key : request.device_keys) {
        if (key.size() != crypto::kEd25519PublicKeySize) {
            throw Error(Errc::bad_input, "a device key must be 32 bytes (64 hex digits)");
        }
    }
    const std::int64_t now = now_or_clock(request.now);

    DirLock lock(impl_->dir);
    CaState state = load_state(impl_->dir / kCaFile, anchor_.organisation_id());
    for (const auto serial : request.serials) {
        const bool known = std::any_of(state.issued.begin(), state.issued.end(),
                                       [&](const Issued& i) { return i.serial == serial; });
        if (!known) {
            throw Error(Errc::bad_input, "serial " + std::to_string(serial) + " was never issued");
        }
    }
    state.revoked_serials.insert(request.serials.begin(), request.serials.end());
    state.revoked_device_keys.insert(request.device_keys.begin(), request.device_keys.end());
    state.revocation_sequence += 1;

    cert::v1::RevocationListBody body;
    body.set_organisation_id(anchor_.organisation_id());
    body.set_sequence(state.revocation_sequence);
    body.set_issued_at(now);
    for (const auto serial : state.revoked_serials) body.add_revoked_serials(serial);
    for (const auto& key : state.revoked_device_keys) body.add_revoked_device_keys(as_string(key));

    auto list = cert::issue_revocation_list(body, impl_->seed);
    if (auto* e = std::get_if<cert::CertError>(&list)) {
        throw Error(Errc::internal, "signing failed: " + e->message);
    }
    write_atomic(impl_->dir / kCaFile, dump_state(state), 0600);
    return std::get<cert::v1::RevocationList>(std::move(list));
}

}  // namespace lagrum::core::pki
