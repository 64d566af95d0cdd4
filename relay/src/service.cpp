#include "lagrum/relay/service.h"

#include <chrono>
#include <fstream>
#include <set>

#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/relay/mls_header.h"

namespace lagrum::relay {
namespace {

using grpc::Status;
using grpc::StatusCode;

constexpr std::int64_t kChallengeSeconds = 60;
constexpr std::size_t kMaxChallenges = 100000;
constexpr std::size_t kEnvelopeIdSize = 16;
constexpr std::size_t kDeviceIdSize = 32;
constexpr std::size_t kMaxIdentifier = 256;  // organisation / member id strings
constexpr std::size_t kMaxKeyPackagesPerCall = 1000;
constexpr std::size_t kStreamBatch = 64;
constexpr std::size_t kStreamBatchBytes = 4 * 1024 * 1024;
constexpr auto kSessionCacheTtl = std::chrono::seconds(5);
constexpr std::size_t kMaxCachedSessions = 100000;

Bytes to_bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}
std::string to_string(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
crypto::ByteView view(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string hex(ByteView b, std::size_t max = SIZE_MAX) {
    static const char* d = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < b.size() && i < max; ++i) {
        out.push_back(d[b[i] >> 4]);
        out.push_back(d[b[i] & 15]);
    }
    return out;
}

std::optional<Bytes> unhex(std::string_view s) {
    if (s.size() % 2) return std::nullopt;
    Bytes out;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        auto nib = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return -1;
        };
        int hi = nib(s[i]), lo = nib(s[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return out;
}

Status invalid(const std::string& why) {
    return Status(StatusCode::INVALID_ARGUMENT, why);
}

const char* code_name(StatusCode c) {
    switch (c) {
        case StatusCode::OK:
            return "OK";
        case StatusCode::INVALID_ARGUMENT:
            return "INVALID_ARGUMENT";
        case StatusCode::UNAUTHENTICATED:
            return "UNAUTHENTICATED";
        case StatusCode::PERMISSION_DENIED:
            return "PERMISSION_DENIED";
        case StatusCode::NOT_FOUND:
            return "NOT_FOUND";
        case StatusCode::ALREADY_EXISTS:
            return "ALREADY_EXISTS";
        case StatusCode::FAILED_PRECONDITION:
            return "FAILED_PRECONDITION";
        case StatusCode::RESOURCE_EXHAUSTED:
            return "RESOURCE_EXHAUSTED";
        case StatusCode::UNAVAILABLE:
            return "UNAVAILABLE";
        case StatusCode::CANCELLED:
            return "CANCELLED";
        default:
            return "INTERNAL";
    }
}

// Checks a list of device ids: each 32 bytes, at most `max` entries, no duplicates.
std::optional<std::string> check_devices(const google::protobuf::RepeatedPtrField<std::string>& ids,
                                         std::uint64_t max, const char* field,
                                         std::vector<Bytes>& out) {
    if (static_cast<std::uint64_t>(ids.size()) > max)
        return std::string(field) + ": too many entries";
    std::set<Bytes> seen;
    for (const auto& id : ids) {
        if (id.size() != kDeviceIdSize) return std::string(field) + ": device id must be 32 bytes";
        Bytes b = to_bytes(id);
        if (!seen.insert(b).second) return std::string(field) + ": duplicate device id";
        out.push_back(std::move(b));
    }
    return std::nullopt;
}

}  // namespace

// ---- MailboxHub ----

std::shared_ptr<MailboxHub::Subscriber> MailboxHub::attach(const Bytes& device) {
    auto sub = std::make_shared<Subscriber>(device);
    std::lock_guard lock(mu_);
    subs_[device].push_back(sub.get());
    return sub;
}

void MailboxHub::detach(const std::shared_ptr<Subscriber>& sub) {
    std::lock_guard lock(mu_);
    auto it = subs_.find(sub->device);
    if (it == subs_.end()) return;
    std::erase(it->second, sub.get());
    if (it->second.empty()) subs_.erase(it);
}

void MailboxHub::publish(const std::vector<CommittedDelivery>& deliveries) {
    std::lock_guard lock(mu_);
    for (const auto& d : deliveries) {
        auto it = subs_.find(d.device);
        if (it == subs_.end()) continue;  // no stream open: the store has it for later
        for (Subscriber* sub : it->second) {
            if (sub->overflow) continue;
            const std::size_t size = d.body->payload.size();
            if (sub->queue.size() >= max_queued_ || sub->bytes + size > kMaxQueuedBytes) {
                sub->queue.clear();
                sub->bytes = 0;
                sub->overflow = true;
            } else {
                sub->queue.push_back(Live{d.seq, d.body});
                sub->bytes += size;
            }
            sub->cv.notify_one();
        }
    }
}

void MailboxHub::acked(const Bytes& device, std::uint64_t upto_seq) {
    std::lock_guard lock(mu_);
    auto it = subs_.find(device);
    if (it == subs_.end()) return;
    for (Subscriber* sub : it->second) {
        while (!sub->queue.empty() && sub->queue.front().seq <= upto_seq) {
            sub->bytes -= sub->queue.front().body->payload.size();
            sub->queue.pop_front();
        }
    }
}

MailboxHub::Taken MailboxHub::take(Subscriber& sub, std::vector<Live>& out,
                                   std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    sub.cv.wait_for(lock, timeout,
                    [&] { return shutdown_.load() || sub.overflow || !sub.queue.empty(); });
    if (shutdown_) return Taken::shutdown;
    if (sub.overflow) {
        // Re-armed under the lock, so whatever is committed after the caller's store
        // read starts is queued again.
        sub.overflow = false;
        return Taken::overflow;
    }
    if (sub.queue.empty()) return Taken::timeout;
    out.assign(std::make_move_iterator(sub.queue.begin()),
               std::make_move_iterator(sub.queue.end()));
    sub.queue.clear();
    sub.bytes = 0;
    return Taken::deliveries;
}

void MailboxHub::shutdown() {
    std::lock_guard lock(mu_);
    shutdown_ = true;
    for (auto& [d, subs] : subs_) {
        for (Subscriber* sub : subs) sub->cv.notify_all();
    }
}

// ---- Clock ----

Clock make_clock(const std::string& test_clock_file) {
    auto real = [] {
        return static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    };
    if (test_clock_file.empty()) return real;
    return [real, test_clock_file] {
        std::ifstream in(test_clock_file);
        std::int64_t t = 0;
        if (in >> t) return t;
        return real();
    };
}

// ---- RelayService ----

RelayService::RelayService(const RelayConfig& config, Storage& storage, cert::TrustStore& trust,
                           Logger& log, Clock clock)
    : config_(config),
      storage_(storage),
      trust_(trust),
      log_(log),
      clock_(std::move(clock)),
      hub_(static_cast<std::size_t>(config.live_queue_max)) {
    storage_.set_commit_listener(
        [this](const std::vector<CommittedDelivery>& rows) { hub_.publish(rows); });
}

RelayService::~RelayService() {
    storage_.set_commit_listener({});
}

void RelayService::begin_shutdown() {
    hub_.shutdown();
}

Status RelayService::finish(const char* method, grpc::ServerContextBase* ctx, const Status& st,
                            const Bytes& device) {
    (void)ctx;
    // Successful calls are not logged one by one (volume); failures are, without payloads.
    if (!st.ok()) {
        nlohmann::json f = {{"method", method},
                            {"code", code_name(st.error_code())},
                            {"reason", st.error_message()}};
        if (!device.empty()) f["device"] = hex(device, 4);
        log_.warn("rpc_failed", std::move(f));
    }
    return st;
}

Status RelayService::from_store(grpc::ServerContextBase* ctx, const StoreError& e) {
    switch (e.code) {
        case StoreErrc::invalid:
            return invalid(e.message);
        case StoreErrc::not_found:
            return Status(StatusCode::NOT_FOUND, e.message);
        case StoreErrc::already_exists:
            return Status(StatusCode::ALREADY_EXISTS, e.message);
        case StoreErrc::epoch_mismatch:
            ctx->AddTrailingMetadata(kCurrentEpochTrailer, std::to_string(e.current_epoch));
            return Status(StatusCode::FAILED_PRECONDITION, e.message);
        case StoreErrc::not_member:
            return Status(StatusCode::PERMISSION_DENIED, e.message);
        case StoreErrc::quota_exceeded:
            return Status(StatusCode::RESOURCE_EXHAUSTED, e.message);
        case StoreErrc::unavailable:
            return Status(StatusCode::UNAVAILABLE, e.message);
        case StoreErrc::internal:
            log_.error("storage_error", {{"reason", e.message}});
            return Status(StatusCode::INTERNAL, "storage error");
    }
    return Status(StatusCode::INTERNAL, "storage error");
}

Status RelayService::authenticate(grpc::ServerContextBase* ctx, Caller& caller) {
    if (hub_.is_shutdown()) return Status(StatusCode::UNAVAILABLE, "relay shutting down");
    const auto& md = ctx->client_metadata();
    auto it = md.find(kSessionMetadataKey);
    if (it == md.end()) return Status(StatusCode::UNAUTHENTICATED, "missing session token");
    const std::string_view token(it->second.data(), it->second.size());
    if (token.size() != 64) return Status(StatusCode::UNAUTHENTICATED, "malformed session token");
    auto raw = unhex(token);
    if (!raw) return Status(StatusCode::UNAUTHENTICATED, "malformed session token");
    const Bytes token_hash = crypto::sha256(*raw);
    const std::int64_t now_s = clock_();
    bool cached = false;
    {
        std::lock_guard lock(session_mu_);
        auto hit = session_cache_.find(token_hash);
        if (hit != session_cache_.end() &&
            std::chrono::steady_clock::now() - hit->second.cached_at < kSessionCacheTtl &&
            hit->second.session.expires_at > now_s) {
            caller.session = hit->second.session;
            cached = true;
        }
    }
    if (!cached) {
        auto found = storage_.find_session(token_hash, now_s);
        if (!found.ok()) return from_store(ctx, found.error());
        if (!found.value())
            return Status(StatusCode::UNAUTHENTICATED, "unknown or expired session");
        caller.session = std::move(*found.value());
        std::lock_guard lock(session_mu_);
        if (session_cache_.size() >= kMaxCachedSessions) session_cache_.clear();
        session_cache_[token_hash] =
            CachedSession{caller.session, std::chrono::steady_clock::now()};
    }
    if (trust_.is_revoked(caller.session.organisation_id, caller.session.serial,
                          caller.session.device_id)) {
        return Status(StatusCode::UNAUTHENTICATED, "certificate revoked");
    }
    // Token bucket per session token.
    std::lock_guard lock(rate_mu_);
    if (buckets_.size() >= kMaxCachedSessions) buckets_.clear();  // bound memory; refills
    const auto now = std::chrono::steady_clock::now();
    auto [b, inserted] = buckets_.try_emplace(token_hash, Bucket{config_.rate_burst, now});
    if (!inserted) {
        const double dt = std::chrono::duration<double>(now - b->second.last).count();
        b->second.tokens =
            std::min(config_.rate_burst, b->second.tokens + dt * config_.rate_per_second);
        b->second.last = now;
    }
    if (b->second.tokens < 1.0)
        return Status(StatusCode::RESOURCE_EXHAUSTED, "rate limit exceeded");
    b->second.tokens -= 1.0;
    return Status::OK;
}

Status RelayService::GetChallenge(grpc::ServerContext* ctx, const v1::GetChallengeRequest*,
                                  v1::GetChallengeResponse* resp) {
    if (hub_.is_shutdown()) return Status(StatusCode::UNAVAILABLE, "relay shutting down");
    const std::int64_t now = clock_();
    Bytes c = crypto::random_bytes(32);
    {
        std::lock_guard lock(challenge_mu_);
        for (auto it = challenges_.begin(); it != challenges_.end();) {
            it = it->second <= now ? challenges_.erase(it) : std::next(it);
            if (challenges_.size() < kMaxChallenges / 2) break;
        }
        if (challenges_.size() >= kMaxChallenges) {
            return finish("GetChallenge", ctx,
                          Status(StatusCode::RESOURCE_EXHAUSTED, "too many open challenges"));
        }
        challenges_[c] = now + kChallengeSeconds;
    }
    resp->set_challenge(to_string(c));
    resp->set_expires_at(now + kChallengeSeconds);
    return Status::OK;
}

Status RelayService::Register(grpc::ServerContext* ctx, const v1::RegisterRequest* req,
                              v1::RegisterResponse* resp) {
    if (hub_.is_shutdown()) return Status(StatusCode::UNAVAILABLE, "relay shutting down");
    const std::int64_t now = clock_();
    if (req->challenge().size() != 32) {
        return finish("Register", ctx, invalid("challenge must be 32 bytes"));
    }
    if (req->signature().size() != crypto::kEd25519SignatureSize) {
        return finish("Register", ctx, invalid("signature must be 64 bytes"));
    }
    {
        // Single use: the challenge is consumed whether or not the rest succeeds.
        std::lock_guard lock(challenge_mu_);
        auto it = challenges_.find(to_bytes(req->challenge()));
        if (it == challenges_.end()) {
            return finish("Register", ctx,
                          Status(StatusCode::UNAUTHENTICATED, "unknown or used challenge"));
        }
        const bool expired = it->second <= now;
        challenges_.erase(it);
        if (expired) {
            return finish("Register", ctx,
                          Status(StatusCode::UNAUTHENTICATED, "challenge expired"));
        }
    }
    auto verified = trust_.verify(req->certificate(), now);
    if (auto* e = std::get_if<cert::CertError>(&verified)) {
        const auto code = e->code == cert::CertErrc::malformed ? StatusCode::INVALID_ARGUMENT
                                                               : StatusCode::UNAUTHENTICATED;
        return finish("Register", ctx,
                      Status(code, std::string("certificate: ") + cert::cert_errc_name(e->code) +
                                       ": " + e->message));
    }
    const auto& body = std::get<cert::v1::MemberCertificateBody>(verified);
    if (body.member_id().size() > kMaxIdentifier ||
        body.organisation_id().size() > kMaxIdentifier) {
        return finish("Register", ctx, invalid("certificate: identifier too long"));
    }
    Bytes msg(kRegisterLabel.begin(), kRegisterLabel.end());
    msg.push_back(0);
    msg.insert(msg.end(), req->challenge().begin(), req->challenge().end());
    msg.insert(msg.end(), req->certificate().body().begin(), req->certificate().body().end());
    if (!crypto::ed25519_verify(view(body.device_public_key()), msg, view(req->signature()))) {
        return finish("Register", ctx,
                      Status(StatusCode::UNAUTHENTICATED, "challenge signature does not verify"));
    }
    const Bytes device = to_bytes(body.device_public_key());
    DeviceRecord rec{device, body.organisation_id(), body.member_id(), body.serial(), now};
    if (auto r = storage_.put_device(rec); !r.ok()) {
        return finish("Register", ctx, from_store(ctx, r.error()), device);
    }
    Bytes token = crypto::random_bytes(32);
    const std::int64_t expires = std::min(now + config_.session_ttl_seconds, body.not_after());
    Session s{device, body.organisation_id(), body.serial(), expires};
    if (auto r = storage_.put_session(crypto::sha256(token), s); !r.ok()) {
        return finish("Register", ctx, from_store(ctx, r.error()), device);
    }
    resp->set_session_token(hex(token));
    resp->set_expires_at(expires);
    resp->set_device_id(body.device_public_key());
    crypto::wipe(token);
    log_.info("registered", {{"device", hex(device, 4)}, {"organisation", body.organisation_id()}});
    return Status::OK;
}

Status RelayService::ListDevices(grpc::ServerContext* ctx, const v1::ListDevicesRequest* req,
                                 v1::ListDevicesResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("ListDevices", ctx, st);
    if (req->organisation_id().empty() || req->organisation_id().size() > kMaxIdentifier ||
        req->member_id().empty() || req->member_id().size() > kMaxIdentifier) {
        return finish("ListDevices", ctx, invalid("organisation_id/member_id: 1..256 bytes"));
    }
    auto r = storage_.list_devices(req->organisation_id(), req->member_id());
    if (!r.ok()) return finish("ListDevices", ctx, from_store(ctx, r.error()));
    for (const auto& d : r.value()) resp->add_device_ids(to_string(d));
    return Status::OK;
}

Status RelayService::PublishKeyPackages(grpc::ServerContext* ctx,
                                        const v1::PublishKeyPackagesRequest* req,
                                        v1::PublishKeyPackagesResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("PublishKeyPackages", ctx, st);
    const Bytes& dev = c.session.device_id;
    if (req->one_time_size() > static_cast<int>(kMaxKeyPackagesPerCall)) {
        return finish("PublishKeyPackages", ctx, invalid("one_time: too many entries"), dev);
    }
    std::vector<Bytes> one_time;
    for (const auto& kp : req->one_time()) {
        if (kp.empty())
            return finish("PublishKeyPackages", ctx, invalid("one_time: empty entry"), dev);
        if (kp.size() > config_.max_envelope_bytes) {
            return finish("PublishKeyPackages", ctx,
                          Status(StatusCode::RESOURCE_EXHAUSTED, "one_time: KeyPackage too large"),
                          dev);
        }
        one_time.push_back(to_bytes(kp));
    }
    if (req->last_resort().size() > config_.max_envelope_bytes) {
        return finish("PublishKeyPackages", ctx,
                      Status(StatusCode::RESOURCE_EXHAUSTED, "last_resort: KeyPackage too large"),
                      dev);
    }
    std::optional<Bytes> last;
    if (!req->last_resort().empty()) last = to_bytes(req->last_resort());
    auto r = storage_.publish_key_packages(dev, one_time, last);
    if (!r.ok()) return finish("PublishKeyPackages", ctx, from_store(ctx, r.error()), dev);
    resp->set_one_time_count(r.value());
    return Status::OK;
}

Status RelayService::FetchKeyPackage(grpc::ServerContext* ctx,
                                     const v1::FetchKeyPackageRequest* req,
                                     v1::FetchKeyPackageResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("FetchKeyPackage", ctx, st);
    if (req->device_id().size() != kDeviceIdSize) {
        return finish("FetchKeyPackage", ctx, invalid("device_id must be 32 bytes"));
    }
    auto r = storage_.fetch_key_package(view(req->device_id()));
    if (!r.ok()) return finish("FetchKeyPackage", ctx, from_store(ctx, r.error()));
    if (!r.value()) {
        return finish("FetchKeyPackage", ctx, Status(StatusCode::NOT_FOUND, "no KeyPackage left"));
    }
    resp->set_key_package(to_string(r.value()->data));
    resp->set_last_resort(r.value()->last_resort);
    return Status::OK;
}

Status RelayService::CountKeyPackages(grpc::ServerContext* ctx, const v1::CountKeyPackagesRequest*,
                                      v1::CountKeyPackagesResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("CountKeyPackages", ctx, st);
    auto r = storage_.count_key_packages(c.session.device_id);
    if (!r.ok()) return finish("CountKeyPackages", ctx, from_store(ctx, r.error()));
    resp->set_one_time_count(r.value().one_time);
    resp->set_has_last_resort(r.value().has_last_resort);
    return Status::OK;
}

Status RelayService::CreateGroup(grpc::ServerContext* ctx, const v1::CreateGroupRequest* req,
                                 v1::CreateGroupResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("CreateGroup", ctx, st);
    if (req->group_id().empty() || req->group_id().size() > kMaxGroupIdSize) {
        return finish("CreateGroup", ctx, invalid("group_id must be 1..255 bytes"));
    }
    auto r = storage_.create_group(view(req->group_id()), c.session.device_id, clock_());
    if (!r.ok()) return finish("CreateGroup", ctx, from_store(ctx, r.error()));
    resp->set_epoch(0);
    return Status::OK;
}

Status RelayService::GetGroup(grpc::ServerContext* ctx, const v1::GetGroupRequest* req,
                              v1::GetGroupResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("GetGroup", ctx, st);
    if (req->group_id().empty() || req->group_id().size() > kMaxGroupIdSize) {
        return finish("GetGroup", ctx, invalid("group_id must be 1..255 bytes"));
    }
    auto r = storage_.get_group(view(req->group_id()));
    if (!r.ok()) return finish("GetGroup", ctx, from_store(ctx, r.error()));
    bool member = false;
    for (const auto& m : r.value().members) member = member || m == c.session.device_id;
    if (!member) {
        return finish("GetGroup", ctx,
                      Status(StatusCode::PERMISSION_DENIED, "caller is not a member of the group"));
    }
    resp->set_epoch(r.value().epoch);
    for (const auto& m : r.value().members) resp->add_member_device_ids(to_string(m));
    return Status::OK;
}

Status RelayService::SendCommit(grpc::ServerContext* ctx, const v1::SendCommitRequest* req,
                                v1::SendCommitResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("SendCommit", ctx, st);
    const Bytes& dev = c.session.device_id;
    auto fail = [&](Status st) { return finish("SendCommit", ctx, st, dev); };
    if (req->group_id().empty() || req->group_id().size() > kMaxGroupIdSize) {
        return fail(invalid("group_id must be 1..255 bytes"));
    }
    if (req->envelope_id().size() != kEnvelopeIdSize)
        return fail(invalid("envelope_id must be 16 bytes"));
    if (req->commit().size() > config_.max_envelope_bytes ||
        req->welcome().size() > config_.max_envelope_bytes) {
        return fail(Status(StatusCode::RESOURCE_EXHAUSTED, "envelope too large"));
    }
    auto header = parse_mls_header(view(req->commit()));
    if (auto* e = std::get_if<std::string>(&header)) return fail(invalid("commit: " + *e));
    const auto& h = std::get<MlsHeader>(header);
    if (h.wire_format != WireFormat::public_message &&
        h.wire_format != WireFormat::private_message) {
        return fail(invalid("commit: not a PublicMessage or PrivateMessage"));
    }
    if (h.content_type != ContentType::commit)
        return fail(invalid("commit: content type is not commit"));
    if (h.group_id != to_bytes(req->group_id()))
        return fail(invalid("commit: group id differs from request"));

    CommitRequest cr;
    if (auto e = check_devices(req->added_device_ids(), config_.max_list_entries,
                               "added_device_ids", cr.added))
        return fail(invalid(*e));
    if (auto e = check_devices(req->removed_device_ids(), config_.max_list_entries,
                               "removed_device_ids", cr.removed))
        return fail(invalid(*e));
    if (auto e = check_devices(req->welcome_device_ids(), config_.max_list_entries,
                               "welcome_device_ids", cr.welcome_to))
        return fail(invalid(*e));
    if (req->welcome().empty() != cr.welcome_to.empty()) {
        return fail(invalid("welcome and welcome_device_ids must be given together"));
    }
    if (!req->welcome().empty()) {
        auto wh = parse_mls_header(view(req->welcome()));
        if (auto* e = std::get_if<std::string>(&wh)) return fail(invalid("welcome: " + *e));
        if (std::get<MlsHeader>(wh).wire_format != WireFormat::welcome) {
            return fail(invalid("welcome: wire format is not mls_welcome"));
        }
    }
    cr.group_id = h.group_id;
    cr.sender = dev;
    cr.envelope_id = to_bytes(req->envelope_id());
    cr.epoch = h.epoch;
    cr.commit = to_bytes(req->commit());
    cr.welcome = to_bytes(req->welcome());
    cr.now = clock_();
    auto r = storage_.commit(cr);
    if (!r.ok()) return fail(from_store(ctx, r.error()));
    resp->set_epoch(r.value().epoch);
    resp->set_recipients(r.value().recipients);
    resp->set_duplicate(r.value().duplicate);
    return Status::OK;
}

Status RelayService::prepare_message(const v1::SendMessageRequest* req, const Bytes& sender,
                                     MessageRequest& mr) {
    if (req->group_id().empty() || req->group_id().size() > kMaxGroupIdSize) {
        return invalid("group_id must be 1..255 bytes");
    }
    if (req->envelope_id().size() != kEnvelopeIdSize)
        return invalid("envelope_id must be 16 bytes");
    if (req->message().size() > config_.max_envelope_bytes) {
        return Status(StatusCode::RESOURCE_EXHAUSTED, "envelope too large");
    }
    auto header = parse_mls_header(view(req->message()));
    if (auto* e = std::get_if<std::string>(&header)) return invalid("message: " + *e);
    const auto& h = std::get<MlsHeader>(header);
    if (h.wire_format != WireFormat::public_message &&
        h.wire_format != WireFormat::private_message) {
        return invalid("message: not a PublicMessage or PrivateMessage");
    }
    if (h.content_type == ContentType::commit) {
        return invalid("message: commits go through SendCommit");
    }
    if (h.group_id != to_bytes(req->group_id())) {
        return invalid("message: group id differs from request");
    }
    mr.group_id = h.group_id;
    mr.sender = sender;
    mr.envelope_id = to_bytes(req->envelope_id());
    mr.epoch = h.epoch;
    mr.payload = to_bytes(req->message());
    mr.now = clock_();
    return Status::OK;
}

grpc::ServerUnaryReactor* RelayService::SendMessage(grpc::CallbackServerContext* ctx,
                                                    const v1::SendMessageRequest* req,
                                                    v1::SendMessageResponse* resp) {
    auto* reactor = ctx->DefaultReactor();
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) {
        reactor->Finish(finish("SendMessage", ctx, st));
        return reactor;
    }
    MessageRequest mr;
    if (auto st = prepare_message(req, c.session.device_id, mr); !st.ok()) {
        reactor->Finish(finish("SendMessage", ctx, st, c.session.device_id));
        return reactor;
    }
    // Completes on the storage completer thread once the fan-out is committed.
    storage_.send_async(std::move(mr), [this, ctx, reactor, resp,
                                        device = c.session.device_id](StoreResult<SendResult> r) {
        if (!r.ok()) {
            reactor->Finish(finish("SendMessage", ctx, from_store(ctx, r.error()), device));
            return;
        }
        resp->set_recipients(r.value().recipients);
        resp->set_duplicate(r.value().duplicate);
        reactor->Finish(Status::OK);
    });
    return reactor;
}

Status RelayService::Subscribe(grpc::ServerContext* ctx, const v1::SubscribeRequest* req,
                               grpc::ServerWriter<v1::Delivery>* writer) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("Subscribe", ctx, st);
    const Bytes device = c.session.device_id;
    // Tells the client the stream is authenticated and live before any delivery exists.
    writer->SendInitialMetadata();
    // Attached before the first store read: a delivery committed before that read is in
    // it, one committed after is queued here (one committed in between is in both, and
    // the cursor drops the second copy). So none is skipped and none is sent twice.
    // A backlog-only stream never reads the hub, so it does not attach (nothing queues
    // for it).
    const bool backlog_only = req->backlog_only();
    const auto sub = backlog_only ? nullptr : hub_.attach(device);
    struct Detach {
        MailboxHub& hub;
        const std::shared_ptr<MailboxHub::Subscriber>& sub;
        ~Detach() {
            if (sub) hub.detach(sub);
        }
    } detach{hub_, sub};
    std::uint64_t cursor = req->after_seq();
    v1::Delivery out;
    // `last`: flush now; otherwise gRPC may coalesce this write with the next one.
    auto send = [&](std::uint64_t seq, const DeliveryBody& d, bool last) {
        out.set_seq(seq);
        out.set_envelope_id(to_string(d.envelope_id));
        out.set_group_id(to_string(d.group_id));
        out.set_kind(static_cast<v1::Delivery::Kind>(static_cast<int>(d.kind)));
        out.set_sender_device_id(to_string(d.sender));
        out.set_epoch(d.epoch);
        out.set_payload(to_string(d.payload));
        out.set_received_at(d.received_at);
        grpc::WriteOptions opts;
        if (!last) opts.set_buffer_hint();
        if (!writer->Write(out, opts)) return false;
        cursor = seq;
        return true;
    };
    bool reading_store = true;
    std::vector<MailboxHub::Live> live;
    while (!ctx->IsCancelled()) {
        if (hub_.is_shutdown()) return Status(StatusCode::UNAVAILABLE, "relay shutting down");
        if (reading_store) {
            auto batch =
                storage_.read_mailbox(device, cursor, kStreamBatch, kStreamBatchBytes, clock_());
            if (!batch.ok())
                return finish("Subscribe", ctx, from_store(ctx, batch.error()), device);
            const auto& rows = batch.value();
            std::size_t bytes = 0;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                bytes += rows[i].body.payload.size();
                if (!send(rows[i].seq, rows[i].body, i + 1 == rows.size())) {
                    return Status(StatusCode::CANCELLED, "stream closed");
                }
            }
            // A batch cut by either limit may have more behind it: read again at once.
            // Otherwise the store is drained up to the read, and the queue has the rest.
            reading_store = rows.size() >= kStreamBatch || bytes >= kStreamBatchBytes;
            // One-shot fetch: the backlog is sent (each batch was flushed by its last
            // write), so the stream ends here instead of waiting for live deliveries.
            if (!reading_store && backlog_only) return Status::OK;
            continue;
        }
        // The bounded wait is only so cancellation is noticed (the sync API has no
        // cancellation callback).
        live.clear();
        switch (hub_.take(*sub, live, std::chrono::milliseconds(500))) {
            case MailboxHub::Taken::shutdown:
                return Status(StatusCode::UNAVAILABLE, "relay shutting down");
            case MailboxHub::Taken::overflow:
                log_.info("live_queue_overflow", {{"device", hex(device, 4)}});
                reading_store = true;
                continue;
            case MailboxHub::Taken::timeout:
                continue;
            case MailboxHub::Taken::deliveries:
                break;
        }
        const std::int64_t now = clock_();
        // Drop what the store read already sent and what has expired (read_mailbox's
        // rule), so the stream stays in seq order with no duplicates.
        std::erase_if(live, [&](const MailboxHub::Live& l) {
            return l.seq <= cursor || l.body->expires_at <= now;
        });
        for (std::size_t i = 0; i < live.size(); ++i) {
            if (!send(live[i].seq, *live[i].body, i + 1 == live.size())) {
                return Status(StatusCode::CANCELLED, "stream closed");
            }
        }
    }
    return Status(StatusCode::CANCELLED, "cancelled");
}

Status RelayService::Ack(grpc::ServerContext* ctx, const v1::AckRequest* req,
                         v1::AckResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("Ack", ctx, st);
    auto r = storage_.ack(c.session.device_id, req->upto_seq());
    if (!r.ok()) return finish("Ack", ctx, from_store(ctx, r.error()), c.session.device_id);
    hub_.acked(c.session.device_id, req->upto_seq());
    resp->set_deleted(r.value());
    return Status::OK;
}

Status RelayService::PublishRevocationList(grpc::ServerContext* ctx,
                                           const v1::PublishRevocationListRequest* req,
                                           v1::PublishRevocationListResponse* resp) {
    Caller c;
    if (auto st = authenticate(ctx, c); !st.ok()) return finish("PublishRevocationList", ctx, st);
    auto r = trust_.install_revocation_list(req->revocation_list());
    if (auto* e = std::get_if<cert::CertError>(&r)) {
        const auto code = e->code == cert::CertErrc::stale       ? StatusCode::FAILED_PRECONDITION
                          : e->code == cert::CertErrc::malformed ? StatusCode::INVALID_ARGUMENT
                                                                 : StatusCode::PERMISSION_DENIED;
        return finish("PublishRevocationList", ctx,
                      Status(code, std::string("revocation list: ") + e->message));
    }
    const auto& body = std::get<cert::v1::RevocationListBody>(r);
    std::vector<std::uint64_t> serials(body.revoked_serials().begin(),
                                       body.revoked_serials().end());
    std::vector<Bytes> keys;
    for (const auto& k : body.revoked_device_keys()) keys.push_back(to_bytes(k));
    {
        std::lock_guard lock(session_mu_);
        session_cache_.clear();
    }
    auto rs = storage_.revoke_sessions(body.organisation_id(), serials, keys);
    if (!rs.ok()) return finish("PublishRevocationList", ctx, from_store(ctx, rs.error()));
    log_.info("revocation_list", {{"organisation", body.organisation_id()},
                                  {"sequence", body.sequence()},
                                  {"sessions_ended", rs.value()}});
    resp->set_sequence(body.sequence());
    return Status::OK;
}

// ---- Health ----

Status HealthService::Check(grpc::ServerContext*, const grpc::health::v1::HealthCheckRequest* req,
                            grpc::health::v1::HealthCheckResponse* resp) {
    if (!req->service().empty() && req->service() != "lagrum.relay.v1.Relay") {
        return Status(StatusCode::NOT_FOUND, "unknown service");
    }
    resp->set_status(serving_ ? grpc::health::v1::HealthCheckResponse::SERVING
                              : grpc::health::v1::HealthCheckResponse::NOT_SERVING);
    return Status::OK;
}

Status HealthService::Watch(grpc::ServerContext* ctx,
                            const grpc::health::v1::HealthCheckRequest* req,
                            grpc::ServerWriter<grpc::health::v1::HealthCheckResponse>* writer) {
    grpc::health::v1::HealthCheckResponse resp;
    auto st = Check(ctx, req, &resp);
    if (!st.ok()) return st;
    writer->Write(resp);
    return Status::OK;  // one answer; clients re-watch (the relay has no status transitions to push
                        // but shutdown)
}

}  // namespace lagrum::relay
