#include "lagrum/transport/grpc_transport.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "relay.grpc.pb.h"

namespace lagrum::transport {
namespace {

namespace v1 = relay::v1;
using core::Bytes;
using core::ByteView;
using core::Errc;
using core::Error;

// Unary calls are small; a relay that has not answered in this time is treated as
// unreachable so the client falls back to working offline instead of hanging.
constexpr auto kUnaryDeadline = std::chrono::seconds(10);
// A backlog-only Subscribe that delivers nothing for this long has a stuck relay.
constexpr auto kStreamIdleLimit = std::chrono::seconds(10);
// stop() is polled at least this often (RelayTransport contract: 200 ms).
constexpr auto kStopPoll = std::chrono::milliseconds(100);
// Deliveries read ahead of the caller's callback: bounds memory when the caller (which
// writes SQLite per delivery) is slower than the stream.
constexpr std::size_t kReadAhead = 256;
// The relay accepts envelopes up to 64 MiB when so configured (config.cpp), and a
// Delivery adds a few ids to that.
constexpr int kMaxMessageBytes = 64 * 1024 * 1024 + 64 * 1024;
constexpr const char* kSessionMetadataKey = "lagrum-session-token";
constexpr const char* kCurrentEpochTrailer = "lagrum-current-epoch";

std::string str(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}
Bytes bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

class GrpcTransport final : public core::RelayTransport {
  public:
    GrpcTransport(std::string address, const std::string& ca_pem) : address_(std::move(address)) {
        grpc::ChannelArguments args;
        args.SetMaxReceiveMessageSize(kMaxMessageBytes);
        args.SetMaxSendMessageSize(kMaxMessageBytes);
        // The defaults back off up to 120 s after a failed connect, so a relay that comes
        // back would stay "unavailable" for minutes; a client is one user, so retrying
        // within seconds costs the relay nothing.
        args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 500);
        args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 500);
        args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
        // Our own subchannels, so this transport's backoff state is not shared with (or
        // inherited from) another transport to the same address.
        args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
        std::shared_ptr<grpc::ChannelCredentials> creds;
        if (address_.rfind("unix:", 0) == 0) {
            // A local socket: the file permissions are the access control.
            creds = grpc::InsecureChannelCredentials();
        } else {
            grpc::SslCredentialsOptions ssl;
            ssl.pem_root_certs = ca_pem;  // empty: the system roots
            creds = grpc::SslCredentials(ssl);
        }
        stub_ = v1::Relay::NewStub(grpc::CreateCustomChannel(address_, creds, args));
    }

    void register_device(const cert::v1::MemberCertificate& certificate,
                         const std::function<Bytes(ByteView challenge)>& sign) override {
        v1::GetChallengeResponse challenge;
        {
            grpc::ClientContext ctx;
            prepare(ctx, false);
            check_register(ctx, stub_->GetChallenge(&ctx, {}, &challenge));
        }
        const Bytes c = bytes(challenge.challenge());
        const Bytes signature = sign(c);
        v1::RegisterRequest req;
        *req.mutable_certificate() = certificate;
        req.set_challenge(challenge.challenge());
        req.set_signature(str(signature));
        v1::RegisterResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx, false);
        check_register(ctx, stub_->Register(&ctx, req, &resp));
        if (resp.session_token().empty()) {
            throw Error(Errc::relay_rejected, "the relay returned no session token");
        }
        std::lock_guard lock(token_mu_);
        token_ = resp.session_token();
    }

    std::vector<Bytes> list_devices(const std::string& organisation_id,
                                    const std::string& member_id) override {
        v1::ListDevicesRequest req;
        req.set_organisation_id(organisation_id);
        req.set_member_id(member_id);
        v1::ListDevicesResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->ListDevices(&ctx, req, &resp));
        std::vector<Bytes> out;
        for (const auto& id : resp.device_ids()) out.push_back(bytes(id));
        return out;
    }

    std::uint64_t publish_key_packages(const std::vector<Bytes>& one_time,
                                       const Bytes& last_resort) override {
        v1::PublishKeyPackagesRequest req;
        for (const auto& kp : one_time) req.add_one_time(str(kp));
        req.set_last_resort(str(last_resort));
        v1::PublishKeyPackagesResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->PublishKeyPackages(&ctx, req, &resp));
        return resp.one_time_count();
    }

    core::FetchedKeyPackage fetch_key_package(ByteView device_id) override {
        v1::FetchKeyPackageRequest req;
        req.set_device_id(str(device_id));
        v1::FetchKeyPackageResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->FetchKeyPackage(&ctx, req, &resp));
        return {bytes(resp.key_package()), resp.last_resort()};
    }

    std::uint64_t count_key_packages() override {
        v1::CountKeyPackagesResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->CountKeyPackages(&ctx, {}, &resp));
        return resp.one_time_count();
    }

    void create_group(ByteView group_id) override {
        v1::CreateGroupRequest req;
        req.set_group_id(str(group_id));
        v1::CreateGroupResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->CreateGroup(&ctx, req, &resp));
    }

    GroupStatus get_group(ByteView group_id) override {
        v1::GetGroupRequest req;
        req.set_group_id(str(group_id));
        v1::GetGroupResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->GetGroup(&ctx, req, &resp));
        GroupStatus out;
        out.epoch = resp.epoch();
        for (const auto& id : resp.member_device_ids()) out.member_device_ids.push_back(bytes(id));
        return out;
    }

    std::uint64_t send_commit(const core::CommitRequest& request) override {
        v1::SendCommitRequest req;
        req.set_group_id(str(request.group_id));
        req.set_envelope_id(str(request.envelope_id));
        req.set_commit(str(request.commit));
        for (const auto& id : request.added_device_ids) req.add_added_device_ids(str(id));
        for (const auto& id : request.removed_device_ids) req.add_removed_device_ids(str(id));
        req.set_welcome(str(request.welcome));
        for (const auto& id : request.welcome_device_ids) req.add_welcome_device_ids(str(id));
        v1::SendCommitResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->SendCommit(&ctx, req, &resp));
        return resp.epoch();
    }

    bool send_message(ByteView group_id, ByteView envelope_id, ByteView message) override {
        v1::SendMessageRequest req;
        req.set_group_id(str(group_id));
        req.set_envelope_id(str(envelope_id));
        req.set_message(str(message));
        v1::SendMessageResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->SendMessage(&ctx, req, &resp));
        return resp.duplicate();
    }

    void subscribe(std::uint64_t after_seq, std::chrono::milliseconds wait,
                   const std::function<bool(const core::RelayDelivery&)>& on_delivery,
                   const std::function<bool()>& stop) override;

    void ack(std::uint64_t upto_seq) override {
        v1::AckRequest req;
        req.set_upto_seq(upto_seq);
        v1::AckResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->Ack(&ctx, req, &resp));
    }

    void publish_revocation_list(const cert::v1::RevocationList& list) override {
        v1::PublishRevocationListRequest req;
        *req.mutable_revocation_list() = list;
        v1::PublishRevocationListResponse resp;
        grpc::ClientContext ctx;
        prepare(ctx);
        check(ctx, stub_->PublishRevocationList(&ctx, req, &resp));
    }

  private:
    // Fail fast (no wait_for_ready): an unreachable relay must surface at once as
    // relay_unavailable, not after the deadline.
    void prepare(grpc::ClientContext& ctx, bool with_session = true, bool unary = true) {
        ctx.set_wait_for_ready(false);
        if (unary) ctx.set_deadline(std::chrono::system_clock::now() + kUnaryDeadline);
        if (with_session) {
            std::lock_guard lock(token_mu_);
            if (!token_.empty()) ctx.AddMetadata(kSessionMetadataKey, token_);
        }
    }

    [[noreturn]] void unavailable(const grpc::Status& st) const {
        throw Error(Errc::relay_unavailable,
                    "relay " + address_ + " unreachable: " + st.error_message());
    }

    // The status → typed error mapping of relay_transport.h.
    void check(const grpc::ClientContext& ctx, const grpc::Status& st) const {
        switch (st.error_code()) {
            case grpc::StatusCode::OK:
                return;
            case grpc::StatusCode::UNAVAILABLE:
            case grpc::StatusCode::DEADLINE_EXCEEDED:
                unavailable(st);
            case grpc::StatusCode::UNAUTHENTICATED:
                throw core::SessionExpired(st.error_message());
            case grpc::StatusCode::FAILED_PRECONDITION: {
                const auto& md = ctx.GetServerTrailingMetadata();
                if (auto it = md.find(kCurrentEpochTrailer); it != md.end()) {
                    if (auto epoch = parse_u64({it->second.data(), it->second.size()})) {
                        throw core::EpochMismatch(*epoch);
                    }
                }
                break;
            }
            case grpc::StatusCode::NOT_FOUND:
                throw Error(Errc::not_found, st.error_message());
            case grpc::StatusCode::ALREADY_EXISTS:
                throw Error(Errc::conflict, st.error_message());
            default:
                break;
        }
        throw Error(Errc::relay_rejected, st.error_message());
    }

    // GetChallenge / Register: UNAUTHENTICATED there means the certificate or signature
    // was refused, which registering again cannot fix, so it is not SessionExpired.
    void check_register(const grpc::ClientContext& ctx, const grpc::Status& st) const {
        if (st.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
            throw Error(Errc::relay_rejected, "registration refused: " + st.error_message());
        }
        check(ctx, st);
    }

    std::string address_;
    std::unique_ptr<v1::Relay::Stub> stub_;
    std::mutex token_mu_;
    std::string token_;
};

// The sync ClientReader blocks in Read(), so a helper thread reads and queues; the
// calling thread waits on the queue with a timeout (to poll stop() and the wait limit)
// and runs on_delivery itself — the caller writes SQLite in it, on its own connection.
// Ending early is ClientContext::TryCancel, which wakes the blocked Read().
void GrpcTransport::subscribe(std::uint64_t after_seq, std::chrono::milliseconds wait,
                              const std::function<bool(const core::RelayDelivery&)>& on_delivery,
                              const std::function<bool()>& stop) {
    using Clock = std::chrono::steady_clock;
    const bool backlog_only = wait <= std::chrono::milliseconds::zero();
    const auto wait_end = Clock::now() + wait;

    struct Shared {
        grpc::ClientContext ctx;
        std::mutex mu;
        std::condition_variable cv;
        std::deque<v1::Delivery> queue;
        bool done = false;       // the reader has finished; status is set
        bool cancelled = false;  // the calling thread ended the call
        grpc::Status status;
    } s;
    prepare(s.ctx, true, false);
    v1::SubscribeRequest req;
    req.set_after_seq(after_seq);
    req.set_backlog_only(backlog_only);

    std::thread reader_thread([&s, &req, this] {
        auto reader = stub_->Subscribe(&s.ctx, req);
        v1::Delivery d;
        while (reader->Read(&d)) {
            std::unique_lock lock(s.mu);
            s.cv.wait(lock, [&] { return s.cancelled || s.queue.size() < kReadAhead; });
            if (s.cancelled) break;
            s.queue.push_back(std::move(d));
            s.cv.notify_all();
        }
        // After a cancel Finish() returns at once with CANCELLED; unread messages are
        // dropped by gRPC.
        grpc::Status st = reader->Finish();
        std::lock_guard lock(s.mu);
        s.status = std::move(st);
        s.done = true;
        s.cv.notify_all();
    });
    // Whatever way this function is left (return, a throwing callback or stop()), the
    // call is cancelled and the reader joined before `s` goes away.
    struct Join {
        Shared& s;
        std::thread& t;
        ~Join() {
            {
                std::lock_guard lock(s.mu);
                s.cancelled = true;
                s.cv.notify_all();
            }
            s.ctx.TryCancel();
            t.join();
        }
    } join{s, reader_thread};

    auto convert = [](const v1::Delivery& d) {
        core::RelayDelivery out;
        out.seq = d.seq();
        out.envelope_id = bytes(d.envelope_id());
        out.group_id = bytes(d.group_id());
        switch (d.kind()) {
            case v1::Delivery::KIND_MESSAGE:
                out.kind = core::RelayDelivery::Kind::message;
                break;
            case v1::Delivery::KIND_COMMIT:
                out.kind = core::RelayDelivery::Kind::commit;
                break;
            case v1::Delivery::KIND_WELCOME:
                out.kind = core::RelayDelivery::Kind::welcome;
                break;
            default:
                // Handing it over as some other kind would misroute the payload.
                throw Error(Errc::relay_rejected,
                            "delivery " + std::to_string(d.seq()) + " has an unknown kind");
        }
        out.sender_device_id = bytes(d.sender_device_id());
        out.epoch = d.epoch();
        out.payload = bytes(d.payload());
        out.received_at = d.received_at();
        return out;
    };

    auto idle_since = Clock::now();
    auto stop_checked = Clock::now();
    std::deque<v1::Delivery> batch;
    for (;;) {
        if (stop && stop()) return;
        stop_checked = Clock::now();
        grpc::Status status;
        bool done = false;
        {
            std::unique_lock lock(s.mu);
            auto until = Clock::now() + kStopPoll;
            if (!backlog_only) until = std::min(until, wait_end);
            s.cv.wait_until(lock, until, [&] { return s.done || !s.queue.empty(); });
            batch.swap(s.queue);
            done = s.done;
            if (done) status = s.status;
            s.cv.notify_all();  // room in the queue again
        }
        if (batch.empty() && !done) {
            if (!backlog_only && Clock::now() >= wait_end) return;
            if (backlog_only && Clock::now() - idle_since >= kStreamIdleLimit) {
                unavailable(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                         "no delivery or end of backlog for 10 s"));
            }
            continue;
        }
        for (const auto& d : batch) {
            if (!on_delivery(convert(d))) return;
            // A long batch of slow callbacks must still notice stop() in time.
            if (stop && Clock::now() - stop_checked >= kStopPoll) {
                if (stop()) return;
                stop_checked = Clock::now();
            }
            if (!backlog_only && Clock::now() >= wait_end) return;
        }
        batch.clear();
        idle_since = Clock::now();
        if (done) {
            // The stream ended by itself: the normal end of a backlog-only call, or an
            // error (including the relay shutting down a live stream).
            check(s.ctx, status);
            return;
        }
    }
}

}  // namespace

std::unique_ptr<core::RelayTransport> make_grpc_transport(const std::string& address,
                                                          const std::string& ca_pem) {
    return std::make_unique<GrpcTransport>(address, ca_pem);
}

}  // namespace lagrum::transport
