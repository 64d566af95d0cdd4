// The relay's one handler wrapper (service.cpp, "The handler wrapper"), in process over a
// unix socket with a Storage that throws:
//  * a handler that throws answers INTERNAL, the exception's text is not logged, and the
//    relay keeps serving (before the wrapper gRPC's own catch answered UNKNOWN for the
//    synchronous handlers and, for the callback ones, dropped the reactor: no INTERNAL, no
//    log line);
//  * every RPC that needs a session answers UNAUTHENTICATED without one; the list of
//    RPCs comes from the service descriptor, so a new RPC cannot skip the check.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>

#include "lagrum/cert/cert.h"
#include "lagrum/relay/log.h"
#include "lagrum/relay/service.h"
#include "relay.grpc.pb.h"

namespace {

namespace fs = std::filesystem;
using namespace lagrum;
using crypto::Bytes;
using crypto::ByteView;
using relay::StoreResult;

constexpr const char* kSecret = "exploded-with-secret-payload";
const std::string kOrg = "se.test.org";

// Throws from every call (the text stands for request data that must never be logged).
// With `sessions` set, find_session answers a valid session instead, so handlers get
// past authentication and throw later.
class ThrowingStorage final : public relay::Storage {
  public:
    std::atomic<bool> sessions{false};

    [[noreturn]] static void boom() { throw std::runtime_error(kSecret); }

    StoreResult<relay::Unit> put_device(const relay::DeviceRecord&) override { boom(); }
    StoreResult<std::vector<relay::DeviceRecord>> list_devices(const std::string&,
                                                               const std::string&) override {
        boom();
    }
    StoreResult<std::vector<Bytes>> put_session(ByteView, const relay::Session&) override {
        boom();
    }
    StoreResult<std::optional<relay::Session>> find_session(ByteView, std::int64_t now) override {
        if (!sessions) boom();
        return std::optional<relay::Session>(relay::Session{Bytes(32, 7), kOrg, 1, now + 3600});
    }
    StoreResult<std::uint64_t> revoke_sessions(const std::string&,
                                               const std::vector<std::uint64_t>&,
                                               const std::vector<Bytes>&) override {
        boom();
    }
    StoreResult<std::uint64_t> store_revocation_list(const std::string&, std::uint64_t, ByteView,
                                                     const std::vector<std::uint64_t>&,
                                                     const std::vector<Bytes>&) override {
        boom();
    }
    StoreResult<std::vector<Bytes>> revocation_lists() override { boom(); }
    StoreResult<std::uint64_t> end_organisation_sessions(const std::string&) override { boom(); }
    StoreResult<std::uint64_t> publish_key_packages(ByteView, const std::vector<Bytes>&,
                                                    const std::optional<Bytes>&) override {
        boom();
    }
    StoreResult<std::optional<relay::KeyPackage>> fetch_key_package(ByteView, bool) override {
        boom();
    }
    StoreResult<relay::KeyPackageCount> count_key_packages(ByteView) override { boom(); }
    StoreResult<relay::Unit> create_group(ByteView, ByteView, std::int64_t) override { boom(); }
    StoreResult<relay::GroupState> get_group(ByteView) override { boom(); }
    StoreResult<relay::SendResult> commit(const relay::CommitRequest&) override { boom(); }
    StoreResult<relay::SendResult> send(const relay::MessageRequest&) override { boom(); }
    StoreResult<std::vector<relay::StoredDelivery>> read_mailbox(ByteView, std::uint64_t,
                                                                 std::size_t, std::size_t,
                                                                 std::int64_t) override {
        boom();
    }
    StoreResult<std::uint64_t> ack(ByteView, std::uint64_t) override { boom(); }
    StoreResult<std::uint64_t> expire(std::int64_t) override { boom(); }
    void set_commit_listener(relay::CommitListener) override {}
    void close() override {}
};

// A PrivateMessage whose public header the relay accepts (RFC 9420 §6.3).
std::string private_message(const std::string& gid, std::uint8_t content_type) {
    std::string m = {0, 1, 0, 2, static_cast<char>(gid.size())};
    m += gid;
    m += std::string(8, '\0');  // epoch 0
    m.push_back(static_cast<char>(content_type));
    m.push_back(0);                   // authenticated_data
    m += std::string{3, 9, 9, 9};     // encrypted_sender_data
    m += std::string{4, 1, 2, 3, 4};  // ciphertext
    return m;
}

using Call = std::function<grpc::Status(relay::v1::Relay::Stub&, grpc::ClientContext&)>;

// One call per RPC that needs a session, each with a request that passes the handler's
// own checks, so with a session it reaches the storage.
std::map<std::string, Call> authenticated_calls() {
    namespace v1 = relay::v1;
    const std::string gid(16, 'g');
    std::map<std::string, Call> calls;
    calls["ListDevices"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::ListDevicesRequest req;
        req.set_organisation_id(kOrg);
        req.set_member_id("anna");
        v1::ListDevicesResponse resp;
        return s.ListDevices(&c, req, &resp);
    };
    calls["PublishKeyPackages"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::PublishKeyPackagesRequest req;
        req.add_one_time("kp");
        v1::PublishKeyPackagesResponse resp;
        return s.PublishKeyPackages(&c, req, &resp);
    };
    calls["FetchKeyPackage"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::FetchKeyPackageRequest req;
        req.set_device_id(std::string(32, 'd'));
        v1::FetchKeyPackageResponse resp;
        return s.FetchKeyPackage(&c, req, &resp);
    };
    calls["CountKeyPackages"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::CountKeyPackagesRequest req;
        v1::CountKeyPackagesResponse resp;
        return s.CountKeyPackages(&c, req, &resp);
    };
    calls["CreateGroup"] = [gid](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::CreateGroupRequest req;
        req.set_group_id(gid);
        v1::CreateGroupResponse resp;
        return s.CreateGroup(&c, req, &resp);
    };
    calls["GetGroup"] = [gid](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::GetGroupRequest req;
        req.set_group_id(gid);
        v1::GetGroupResponse resp;
        return s.GetGroup(&c, req, &resp);
    };
    calls["SendCommit"] = [gid](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::SendCommitRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(std::string(16, 'e'));
        req.set_commit(private_message(gid, 3));
        v1::SendCommitResponse resp;
        return s.SendCommit(&c, req, &resp);
    };
    calls["SendMessage"] = [gid](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::SendMessageRequest req;
        req.set_group_id(gid);
        req.set_envelope_id(std::string(16, 'e'));
        req.set_message(private_message(gid, 1));
        v1::SendMessageResponse resp;
        return s.SendMessage(&c, req, &resp);
    };
    calls["Subscribe"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::SubscribeRequest req;
        req.set_backlog_only(true);
        auto reader = s.Subscribe(&c, req);
        v1::Delivery d;
        while (reader->Read(&d)) {
        }
        return reader->Finish();
    };
    calls["Ack"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::AckRequest req;
        req.set_upto_seq(1);
        v1::AckResponse resp;
        return s.Ack(&c, req, &resp);
    };
    calls["PublishRevocationList"] = [](v1::Relay::Stub& s, grpc::ClientContext& c) {
        v1::PublishRevocationListRequest req;
        v1::PublishRevocationListResponse resp;
        return s.PublishRevocationList(&c, req, &resp);
    };
    return calls;
}

const std::set<std::string> kWithoutSession = {"GetChallenge", "Register"};

class RelayHandler : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("lagrum-handler-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        log_path_ = dir_ / "relay.log";
        log_ = std::make_unique<relay::Logger>(log_path_.string());
        cert::v1::OrganisationRoot root;
        root.set_organisation_id(kOrg);
        root.set_root_public_key(std::string(32, 'r'));
        ASSERT_TRUE(trust_.add_root(root).ok());
        service_ = std::make_unique<relay::RelayService>(config_, storage_, trust_, *log_,
                                                         [] { return std::int64_t{1700000000}; });
        const std::string address = "unix:" + (dir_ / "relay.sock").string();
        grpc::ServerBuilder builder;
        builder.AddListeningPort(address, grpc::InsecureServerCredentials());
        builder.RegisterService(service_.get());
        server_ = builder.BuildAndStart();
        ASSERT_NE(server_, nullptr);
        stub_ = relay::v1::Relay::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
    }
    void TearDown() override {
        if (service_) service_->begin_shutdown();
        if (server_) server_->Shutdown(std::chrono::system_clock::now());
        server_.reset();
        service_.reset();
        log_.reset();
        fs::remove_all(dir_);
    }

    std::unique_ptr<grpc::ClientContext> context(bool with_token) {
        auto ctx = std::make_unique<grpc::ClientContext>();
        ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        if (with_token) ctx->AddMetadata(relay::kSessionMetadataKey, std::string(64, 'a'));
        return ctx;
    }
    // The relay still answers: GetChallenge touches no storage.
    void expect_still_serving() {
        auto ctx = context(false);
        relay::v1::GetChallengeRequest req;
        relay::v1::GetChallengeResponse resp;
        const auto st = stub_->GetChallenge(ctx.get(), req, &resp);
        EXPECT_TRUE(st.ok()) << st.error_message();
        EXPECT_EQ(resp.challenge().size(), 32u);
    }
    std::string read_log() {
        std::ifstream in(log_path_);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    fs::path dir_;
    fs::path log_path_;
    relay::RelayConfig config_;
    ThrowingStorage storage_;
    cert::TrustStore trust_;
    std::unique_ptr<relay::Logger> log_;
    std::unique_ptr<relay::RelayService> service_;
    std::unique_ptr<grpc::Server> server_;
    std::unique_ptr<relay::v1::Relay::Stub> stub_;
};

TEST_F(RelayHandler, EveryRpcIsListedHere) {
    const auto* service =
        relay::v1::Relay::service_full_name() != nullptr
            ? google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
                  relay::v1::Relay::service_full_name())
            : nullptr;
    ASSERT_NE(service, nullptr);
    const auto calls = authenticated_calls();
    for (int i = 0; i < service->method_count(); ++i) {
        const std::string name = service->method(i)->name();
        EXPECT_TRUE(calls.count(name) == 1 || kWithoutSession.count(name) == 1)
            << name << " is a new RPC: add it to authenticated_calls() or kWithoutSession";
    }
    EXPECT_EQ(calls.size() + kWithoutSession.size(),
              static_cast<std::size_t>(service->method_count()));
}

TEST_F(RelayHandler, EveryAuthenticatedRpcWithoutASessionIsUnauthenticated) {
    for (const auto& [name, call] : authenticated_calls()) {
        auto ctx = context(false);
        const auto st = call(*stub_, *ctx);
        EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << name << ": " << st.error_message();
    }
    // A malformed token is no session either.
    for (const auto& [name, call] : authenticated_calls()) {
        auto ctx = std::make_unique<grpc::ClientContext>();
        ctx->AddMetadata(relay::kSessionMetadataKey, "not-a-token");
        const auto st = call(*stub_, *ctx);
        EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAUTHENTICATED) << name;
    }
    expect_still_serving();
}

TEST_F(RelayHandler, AThrowingAuthenticationAnswersInternal) {
    // find_session throws: the exception escapes authenticate() in every RPC.
    for (const auto& [name, call] : authenticated_calls()) {
        auto ctx = context(true);
        const auto st = call(*stub_, *ctx);
        EXPECT_EQ(st.error_code(), grpc::StatusCode::INTERNAL)
            << name << ": " << st.error_message();
        EXPECT_EQ(st.error_message().find(kSecret), std::string::npos) << name;
    }
    expect_still_serving();
    const std::string log = read_log();
    EXPECT_NE(log.find("rpc_exception"), std::string::npos);
    EXPECT_EQ(log.find(kSecret), std::string::npos) << "an exception's text reached the log";
}

TEST_F(RelayHandler, AThrowingHandlerBodyAnswersInternal) {
    // Authenticated; the storage call inside each handler's body throws.
    storage_.sessions = true;
    for (const auto& [name, call] : authenticated_calls()) {
        if (name == "PublishRevocationList") continue;  // fails verification before storage
        auto ctx = context(true);
        const auto st = call(*stub_, *ctx);
        EXPECT_EQ(st.error_code(), grpc::StatusCode::INTERNAL)
            << name << ": " << st.error_message();
    }
    expect_still_serving();
    const std::string log = read_log();
    EXPECT_NE(log.find("\"method\":\"SendMessage\""), std::string::npos);
    EXPECT_EQ(log.find(kSecret), std::string::npos) << "an exception's text reached the log";
}

TEST_F(RelayHandler, AFailureLogLineCarriesNoIds) {
    storage_.sessions = true;
    auto ctx = context(true);
    relay::v1::GetGroupRequest req;  // empty group id: INVALID_ARGUMENT
    relay::v1::GetGroupResponse resp;
    EXPECT_EQ(stub_->GetGroup(ctx.get(), req, &resp).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
    const std::string log = read_log();
    EXPECT_NE(log.find("\"rpc_failed\""), std::string::npos);
    EXPECT_EQ(log.find("\"device\""), std::string::npos);
    EXPECT_EQ(log.find("07070707"), std::string::npos);  // the session's device id, in hex
}

}  // namespace
