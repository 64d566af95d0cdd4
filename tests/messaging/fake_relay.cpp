#include "fake_relay.h"

#include <algorithm>
#include <utility>
#include <variant>

#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"

namespace lagrum::messaging_test {

using core::Errc;
using core::Error;

namespace {

constexpr std::string_view kRegisterLabel = "lagrum.relay.v1.Register";
constexpr std::size_t kMaxKeyPackages = 1000;  // relay default (storage.h)
constexpr std::size_t kMaxListedDevices = 64;  // relay: ListDevices LIMIT 64
constexpr std::size_t kMaxIdentifier = 256;

Bytes bytes_of(ByteView v) {
    return {v.begin(), v.end()};
}
Bytes bytes_of(const std::string& s) {
    return {s.begin(), s.end()};
}

[[noreturn]] void invalid(const std::string& why) {
    // INVALID_ARGUMENT, PERMISSION_DENIED, RESOURCE_EXHAUSTED: relay_rejected.
    throw Error(Errc::relay_rejected, why);
}

// What the relay reads from an MLSMessage header (relay/src/mls_header.cpp).
struct Header {
    bool framed = false;  // PublicMessage or PrivateMessage
    bool welcome = false;
    Bytes group_id;
    std::uint64_t epoch = 0;
    mls::ContentType content_type = mls::ContentType::application;
};

Header parse_header(ByteView message, const char* what) {
    Header h;
    try {
        mls::Reader r(message);
        auto msg = mls::MlsMessage::decode(r);
        r.finish();
        if (auto* pub = std::get_if<mls::PublicMessage>(&msg.body)) {
            h.framed = true;
            h.group_id = pub->content.group_id;
            h.epoch = pub->content.epoch;
            h.content_type = pub->content.content_type();
        } else if (auto* priv = std::get_if<mls::PrivateMessage>(&msg.body)) {
            h.framed = true;
            h.group_id = priv->group_id;
            h.epoch = priv->epoch;
            h.content_type = priv->content_type;
        } else if (std::holds_alternative<mls::Welcome>(msg.body)) {
            h.welcome = true;
        }
    } catch (const mls::MlsError& e) {
        invalid(std::string(what) + ": " + e.what());
    }
    if (h.framed && h.group_id.empty()) invalid(std::string(what) + ": empty group id");
    return h;
}

void check_group_id(ByteView group_id) {
    if (group_id.empty() || group_id.size() > 255) invalid("group_id must be 1..255 bytes");
}

void check_envelope_id(ByteView envelope_id) {
    if (envelope_id.size() != 16) invalid("envelope_id must be 16 bytes");
}

void check_devices(const std::vector<Bytes>& ids, const char* what) {
    for (const auto& d : ids) {
        if (d.size() != 32) invalid(std::string(what) + ": device ids are 32 bytes");
    }
}

}  // namespace

struct FakeRelayHub::State {
    struct Device {
        std::string organisation_id;
        std::string member_id;
        std::uint64_t serial = 0;
    };
    struct Session {
        Bytes device;
        std::string organisation_id;
        std::uint64_t serial = 0;
    };
    struct Group {
        std::uint64_t epoch = 0;
        std::set<Bytes> members;
    };
    struct Accepted {
        std::uint64_t epoch = 0;
    };

    cert::TrustStore trust;
    std::function<std::int64_t()> clock;
    std::set<Bytes> challenges;
    std::map<std::string, Session> sessions;  // token → session
    std::map<Bytes, Device> devices;
    std::map<Bytes, std::vector<Bytes>> one_time;  // device → packages, oldest first
    std::map<Bytes, Bytes> last_resort;
    std::map<Bytes, Group> groups;
    std::map<Bytes, std::vector<core::RelayDelivery>> mailboxes;  // device → by seq
    std::map<std::pair<Bytes, Bytes>, Accepted> accepted;         // (sender, envelope id)
    std::uint64_t tokens_issued = 0;
    std::uint64_t next_seq = 1;  // one counter for all mailboxes, like the relay's rowid
    FakeAdversary adversary;

    const Group* find_group(ByteView id) const {
        auto it = groups.find(bytes_of(id));
        return it == groups.end() ? nullptr : &it->second;
    }

    void fan_out(const std::vector<Bytes>& recipients, ByteView envelope_id, ByteView group_id,
                 core::RelayDelivery::Kind kind, ByteView sender, std::uint64_t epoch,
                 ByteView payload) {
        for (const auto& r : recipients) {
            core::RelayDelivery d;
            d.seq = next_seq++;
            d.envelope_id = bytes_of(envelope_id);
            d.group_id = bytes_of(group_id);
            d.kind = kind;
            d.sender_device_id = bytes_of(sender);
            d.epoch = epoch;
            d.payload = bytes_of(payload);
            d.received_at = clock();
            if (adversary.on_store && !adversary.on_store(r, d)) continue;
            mailboxes[r].push_back(std::move(d));
        }
    }
};

namespace {

class FakeTransport : public core::RelayTransport {
  public:
    FakeTransport(FakeRelayHub& hub, FakeRelayHub::State& state, std::shared_ptr<FakeLink> link)
        : hub_(hub), s_(state), link_(std::move(link)) {}

    void register_device(const cert::v1::MemberCertificate& certificate,
                         const std::function<Bytes(ByteView)>& sign) override {
        enter();
        // GetChallenge: 32 random bytes, valid once.
        const Bytes challenge = crypto::random_bytes(32);
        s_.challenges.insert(challenge);
        const Bytes signature = sign(challenge);
        enter();  // Register is a second call
        if (signature.size() != 64) invalid("signature must be 64 bytes");
        if (s_.challenges.erase(challenge) != 1) {
            throw Error(Errc::relay_rejected, "registration refused: unknown or used challenge");
        }
        auto verified = s_.trust.verify(certificate, s_.clock());
        if (auto* e = std::get_if<cert::CertError>(&verified)) {
            throw Error(Errc::relay_rejected, std::string("registration refused: certificate: ") +
                                                  cert::cert_errc_name(e->code) + ": " +
                                                  e->message);
        }
        const auto& body = std::get<cert::v1::MemberCertificateBody>(verified);
        if (body.member_id().size() > kMaxIdentifier ||
            body.organisation_id().size() > kMaxIdentifier) {
            invalid("certificate: identifier too long");
        }
        Bytes msg(kRegisterLabel.begin(), kRegisterLabel.end());
        msg.push_back(0);
        msg.insert(msg.end(), challenge.begin(), challenge.end());
        msg.insert(msg.end(), certificate.body().begin(), certificate.body().end());
        const Bytes device = bytes_of(body.device_public_key());
        if (!crypto::ed25519_verify(device, msg, signature)) {
            throw Error(Errc::relay_rejected,
                        "registration refused: challenge signature does not verify");
        }
        s_.devices[device] = {body.organisation_id(), body.member_id(), body.serial()};
        token_ = link_->name + "#" + std::to_string(++s_.tokens_issued);
        s_.sessions[token_] = {device, body.organisation_id(), body.serial()};
        ++link_->registrations;
    }

    std::vector<Bytes> list_devices(const std::string& organisation_id,
                                    const std::string& member_id) override {
        auth();
        if (organisation_id.empty() || organisation_id.size() > kMaxIdentifier ||
            member_id.empty() || member_id.size() > kMaxIdentifier) {
            invalid("organisation_id/member_id: 1..256 bytes");
        }
        std::vector<Bytes> out;
        for (const auto& [id, d] : s_.devices) {  // sorted by device id, like the relay
            if (d.organisation_id == organisation_id && d.member_id == member_id) {
                out.push_back(id);
                if (out.size() == kMaxListedDevices) break;
            }
        }
        return out;
    }

    std::uint64_t publish_key_packages(const std::vector<Bytes>& one_time,
                                       const Bytes& last_resort) override {
        const Bytes device = auth();
        for (const auto& kp : one_time) {
            if (kp.empty()) invalid("one_time: empty entry");
        }
        auto& have = s_.one_time[device];
        if (have.size() + one_time.size() > kMaxKeyPackages) {
            invalid("too many one-time KeyPackages (limit 1000)");
        }
        have.insert(have.end(), one_time.begin(), one_time.end());
        if (!last_resort.empty()) s_.last_resort[device] = last_resort;
        return have.size();
    }

    core::FetchedKeyPackage fetch_key_package(ByteView device_id) override {
        auth();
        if (device_id.size() != 32) invalid("device_id must be 32 bytes");
        const Bytes id = bytes_of(device_id);
        auto& have = s_.one_time[id];
        std::optional<core::FetchedKeyPackage> out;
        if (!have.empty()) {
            out = core::FetchedKeyPackage{have.front(), false};
            have.erase(have.begin());  // consumed: never handed out twice
        } else if (auto it = s_.last_resort.find(id); it != s_.last_resort.end()) {
            out = core::FetchedKeyPackage{it->second, true};  // kept
        }
        if (!out) throw Error(Errc::not_found, "no KeyPackage left");
        if (s_.adversary.on_fetch_key_package) s_.adversary.on_fetch_key_package(id, *out);
        return *out;
    }

    std::uint64_t count_key_packages() override {
        const Bytes device = auth();
        auto it = s_.one_time.find(device);
        return it == s_.one_time.end() ? 0 : it->second.size();
    }

    void create_group(ByteView group_id) override {
        const Bytes device = auth();
        check_group_id(group_id);
        if (s_.find_group(group_id) != nullptr) throw Error(Errc::conflict, "group exists");
        auto& g = s_.groups[bytes_of(group_id)];
        g.epoch = 0;
        g.members = {device};
    }

    GroupStatus get_group(ByteView group_id) override {
        const Bytes device = auth();
        check_group_id(group_id);
        const auto* g = s_.find_group(group_id);
        if (g == nullptr) throw Error(Errc::not_found, "unknown group");
        if (g->members.count(device) == 0) invalid("caller is not a member of the group");
        return {g->epoch, {g->members.begin(), g->members.end()}};
    }

    std::uint64_t send_commit(const core::CommitRequest& request) override {
        const Bytes sender = auth();
        if (link_->lose_next_commit) {
            link_->lose_next_commit = false;
            throw Error(Errc::relay_unavailable, "fake relay: SendCommit lost on the way");
        }
        check_group_id(request.group_id);
        check_envelope_id(request.envelope_id);
        const Header h = parse_header(request.commit, "commit");
        if (!h.framed) invalid("commit: not a PublicMessage or PrivateMessage");
        if (h.content_type != mls::ContentType::commit) {
            invalid("commit: content type is not commit");
        }
        if (h.group_id != request.group_id) invalid("commit: group id differs from request");
        check_devices(request.added_device_ids, "added_device_ids");
        check_devices(request.removed_device_ids, "removed_device_ids");
        check_devices(request.welcome_device_ids, "welcome_device_ids");
        if (request.welcome.empty() != request.welcome_device_ids.empty()) {
            invalid("welcome and welcome_device_ids must be given together");
        }
        if (!request.welcome.empty() && !parse_header(request.welcome, "welcome").welcome) {
            invalid("welcome: wire format is not mls_welcome");
        }
        if (link_->before_next_commit) {
            // Another client gets there first.
            auto first = std::move(link_->before_next_commit);
            link_->before_next_commit = nullptr;
            first();
        }
        const auto key = std::make_pair(sender, request.envelope_id);
        if (auto it = s_.accepted.find(key); it != s_.accepted.end()) {
            ++link_->commit_duplicates;
            return answer_commit(it->second.epoch);
        }
        auto git = s_.groups.find(request.group_id);
        if (git == s_.groups.end()) throw Error(Errc::not_found, "unknown group");
        auto& g = git->second;
        if (g.members.count(sender) == 0) invalid("sender is not a member of the group");
        const bool equivocate = s_.adversary.accept_stale_commits && h.epoch < g.epoch;
        if (h.epoch != g.epoch && !equivocate) {
            ++link_->commits_rejected;
            throw core::EpochMismatch(g.epoch);
        }
        // Validate everything before changing anything (one transaction).
        for (const auto& d : request.added_device_ids) {
            if (s_.devices.count(d) == 0) invalid("added device is not registered");
        }
        std::set<Bytes> after = g.members;
        for (const auto& d : request.added_device_ids) after.insert(d);
        for (const auto& d : request.removed_device_ids) after.erase(d);
        for (const auto& d : request.welcome_device_ids) {
            if (after.count(d) == 0) invalid("welcome recipient is not a member");
        }
        std::vector<Bytes> recipients;
        for (const auto& m : g.members) {
            if (m != sender) recipients.push_back(m);
        }
        const std::uint64_t new_epoch = h.epoch + 1;
        if (equivocate) {
            // Tell the committer it won; its Commit's new members get routed too.
            for (const auto& d : request.added_device_ids) g.members.insert(d);
        } else {
            g.members = std::move(after);
            g.epoch = new_epoch;
        }
        // The Commit goes to the members before it, with the epoch of its header.
        s_.fan_out(recipients, request.envelope_id, request.group_id,
                   core::RelayDelivery::Kind::commit, sender, h.epoch, request.commit);
        if (!request.welcome.empty()) {
            // relay.proto: group_id is empty for a Welcome; epoch is the new epoch.
            s_.fan_out(request.welcome_device_ids, request.envelope_id, {},
                       core::RelayDelivery::Kind::welcome, sender, new_epoch, request.welcome);
        }
        s_.accepted[key] = {new_epoch};
        ++link_->commits_accepted;
        return answer_commit(new_epoch);
    }

    bool send_message(ByteView group_id, ByteView envelope_id, ByteView message) override {
        const Bytes sender = auth();
        check_group_id(group_id);
        check_envelope_id(envelope_id);
        const Header h = parse_header(message, "message");
        if (!h.framed) invalid("message: not a PublicMessage or PrivateMessage");
        if (h.content_type == mls::ContentType::commit) {
            invalid("message: commits go through SendCommit");
        }
        if (h.group_id != bytes_of(group_id)) invalid("message: group id differs from request");
        if (link_->before_next_message) {
            auto first = std::move(link_->before_next_message);
            link_->before_next_message = nullptr;
            first();
        }
        const auto key = std::make_pair(sender, bytes_of(envelope_id));
        bool duplicate = false;
        if (s_.accepted.count(key) != 0) {
            duplicate = true;
            ++link_->message_duplicates;
        } else {
            const auto* g = s_.find_group(group_id);
            if (g == nullptr) throw Error(Errc::not_found, "unknown group");
            if (g->members.count(sender) == 0) invalid("sender is not a member of the group");
            // To the members as they are now, whatever the message's epoch: lagrum-relay
            // routes by the epoch (group_members.since_epoch), an older or lying relay may
            // not, and this one stays that relay so the client's before_join handling is
            // tested (MessagingTest.MessageFromAnEpochBeforeJoiningIsNoError).
            std::vector<Bytes> recipients;
            for (const auto& m : g->members) {
                if (m != sender) recipients.push_back(m);
            }
            s_.fan_out(recipients, envelope_id, group_id, core::RelayDelivery::Kind::message,
                       sender, h.epoch, message);
            s_.accepted[key] = {h.epoch};
            ++link_->messages_accepted;
        }
        if (link_->drop_next_message_answer) {
            link_->drop_next_message_answer = false;
            throw Error(Errc::relay_unavailable, "fake relay: connection lost after SendMessage");
        }
        return duplicate;
    }

    void subscribe(std::uint64_t after_seq, std::chrono::milliseconds wait,
                   const std::function<bool(const core::RelayDelivery&)>& on_delivery,
                   const std::function<bool()>& stop) override {
        const Bytes device = auth();
        std::uint64_t cursor = after_seq;
        // Backlog only: what is stored now. With a wait: also what arrives meanwhile, which
        // (single-threaded) is whatever the callbacks themselves caused to be stored.
        const std::uint64_t backlog_end = s_.next_seq;
        for (;;) {
            if (stop && stop()) return;
            std::optional<core::RelayDelivery> next;
            for (const auto& d : s_.mailboxes[device]) {
                if (d.seq > cursor && (wait.count() > 0 || d.seq < backlog_end)) {
                    next = d;  // a copy: the callback may store more
                    break;
                }
            }
            if (!next) return;
            cursor = next->seq;
            if (!on_delivery(*next)) return;
            enter();  // the stream may break between deliveries
        }
    }

    void ack(std::uint64_t upto_seq) override {
        const Bytes device = auth();
        auto& box = s_.mailboxes[device];
        box.erase(std::remove_if(box.begin(), box.end(),
                                 [&](const core::RelayDelivery& d) { return d.seq <= upto_seq; }),
                  box.end());
    }

    void publish_revocation_list(const cert::v1::RevocationList& list) override {
        auth();
        auto r = s_.trust.install_revocation_list(list);
        if (auto* e = std::get_if<cert::CertError>(&r)) {
            invalid(std::string("revocation list: ") + cert::cert_errc_name(e->code) + ": " +
                    e->message);
        }
        // Sessions of revoked devices end immediately.
        for (auto it = s_.sessions.begin(); it != s_.sessions.end();) {
            const auto& ses = it->second;
            it = s_.trust.is_revoked(ses.organisation_id, ses.serial, ses.device)
                     ? s_.sessions.erase(it)
                     : std::next(it);
        }
    }

  private:
    void enter() {
        ++link_->calls;
        if (hub_.offline || link_->offline) {
            throw Error(Errc::relay_unavailable, "fake relay: " + link_->name + " is offline");
        }
    }

    // Every call but GetChallenge/Register: the session's device.
    Bytes auth() {
        enter();
        auto it = s_.sessions.find(token_);
        if (token_.empty() || it == s_.sessions.end()) {
            throw core::SessionExpired("missing, unknown or expired session token");
        }
        return it->second.device;
    }

    std::uint64_t answer_commit(std::uint64_t epoch) {
        if (link_->drop_next_commit_answer) {
            link_->drop_next_commit_answer = false;
            throw Error(Errc::relay_unavailable, "fake relay: connection lost after SendCommit");
        }
        return epoch;
    }

    FakeRelayHub& hub_;
    FakeRelayHub::State& s_;
    std::shared_ptr<FakeLink> link_;
    std::string token_;
};

}  // namespace

FakeRelayHub::FakeRelayHub(const std::vector<cert::v1::OrganisationRoot>& roots,
                           std::function<std::int64_t()> clock)
    : state_(std::make_unique<State>()) {
    state_->clock = std::move(clock);
    for (const auto& r : roots) {
        if (auto added = state_->trust.add_root(r); !added.ok()) {
            throw Error(Errc::certificate_invalid, "fake relay trust: " + added.error().message);
        }
    }
}

FakeRelayHub::~FakeRelayHub() = default;

std::shared_ptr<FakeLink> FakeRelayHub::link(const std::string& name) {
    auto l = std::make_shared<FakeLink>();
    l->name = name;
    return l;
}

std::unique_ptr<core::RelayTransport> FakeRelayHub::connect(std::shared_ptr<FakeLink> link) {
    return std::make_unique<FakeTransport>(*this, *state_, std::move(link));
}

core::messaging::Client::TransportFactory FakeRelayHub::factory(std::shared_ptr<FakeLink> link) {
    return [this, link](const std::string&, const std::string&) { return connect(link); };
}

void FakeRelayHub::expire_sessions() {
    state_->sessions.clear();
}

FakeAdversary& FakeRelayHub::adversary() {
    return state_->adversary;
}

std::uint64_t FakeRelayHub::inject(ByteView device_id, core::RelayDelivery delivery) {
    delivery.seq = state_->next_seq++;
    const std::uint64_t seq = delivery.seq;
    state_->mailboxes[bytes_of(device_id)].push_back(std::move(delivery));
    return seq;
}

std::vector<core::RelayDelivery> FakeRelayHub::take_mailbox(ByteView device_id) {
    auto it = state_->mailboxes.find(bytes_of(device_id));
    if (it == state_->mailboxes.end()) return {};
    return std::exchange(it->second, {});
}

bool FakeRelayHub::has_group(ByteView group_id) const {
    return state_->find_group(group_id) != nullptr;
}

std::uint64_t FakeRelayHub::group_epoch(ByteView group_id) const {
    const auto* g = state_->find_group(group_id);
    if (g == nullptr) throw Error(Errc::not_found, "fake relay: unknown group");
    return g->epoch;
}

std::vector<Bytes> FakeRelayHub::group_members(ByteView group_id) const {
    const auto* g = state_->find_group(group_id);
    if (g == nullptr) throw Error(Errc::not_found, "fake relay: unknown group");
    return {g->members.begin(), g->members.end()};
}

std::vector<core::RelayDelivery> FakeRelayHub::mailbox(ByteView device_id) const {
    auto it = state_->mailboxes.find(bytes_of(device_id));
    if (it == state_->mailboxes.end()) return {};
    return it->second;
}

std::size_t FakeRelayHub::one_time_key_packages(ByteView device_id) const {
    auto it = state_->one_time.find(bytes_of(device_id));
    return it == state_->one_time.end() ? 0 : it->second.size();
}

bool FakeRelayHub::has_last_resort(ByteView device_id) const {
    return state_->last_resort.count(bytes_of(device_id)) != 0;
}

}  // namespace lagrum::messaging_test
