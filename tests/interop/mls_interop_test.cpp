// Two lagrum-mls-interop processes driven through the MLS WG interop scenarios
// (../shared/mls-interop/configs/{welcome_join,commit,application,external_join,
// external_proposals}.json), each script run with the actors' assignment to the two
// instances swapped, and with plaintext (PublicMessage) and encrypted (PrivateMessage)
// handshake messages. After every commit the test checks that every member reports the
// same state_auth and export, and that application messages go through in both
// directions. externalJoin follows the WG test
// runner: the actor publishes a GroupInfo (tree outside it if externalTree), the joiner
// calls ExternalJoin with the PSKs of the listed installExternalPSK steps, and the actor
// and `members` HandleCommit the commit, each reporting the joiner's epoch_authenticator.
// The external-proposal actions follow it too: newMemberAddProposal (GroupInfo with the
// tree), addExternalSigner (CreateExternalSigner + AddExternalSigner) and
// externalSignerProposal (GroupInfo with the tree outside, signer_index left unset). ReInit
// is not implemented by the library: a script that needs it must be refused with
// UNIMPLEMENTED at that step, and is counted and printed as stopped, not as passed.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lagrum/test/shared.h"
#include "mls_client.grpc.pb.h"

extern char** environ;

namespace {

using nlohmann::json;

int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    const int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

// One server process and a stub connected to it.
class Instance {
  public:
    Instance() {
        port_ = free_loopback_port();
        if (port_ <= 0) throw std::runtime_error("no free loopback port");
        const std::string port = std::to_string(port_);
        std::vector<std::string> args{LAGRUM_MLS_INTEROP_SERVER, "--port", port};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + args[0]);
        }
        channel_ = grpc::CreateChannel("127.0.0.1:" + port, grpc::InsecureChannelCredentials());
        // Readiness: retry the connection until a bounded deadline (no fixed sleeps).
        const auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(60);
        while (!channel_->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::milliseconds(500))) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("interop server exited during start-up");
            }
            if (std::chrono::system_clock::now() > deadline) {
                throw std::runtime_error("interop server not ready on port " + port);
            }
        }
        stub = mls_client::MLSClient::NewStub(channel_);
    }
    ~Instance() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;

    std::unique_ptr<mls_client::MLSClient::Stub> stub;

  private:
    pid_t pid_ = -1;
    int port_ = -1;
    std::shared_ptr<grpc::Channel> channel_;
};

bool flag(const json& step, const char* name) {
    auto it = step.find(name);
    return it != step.end() && it->is_boolean() && it->get<bool>();
}

std::string b64decode(const std::string& in) {
    static const std::string chars =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        const auto pos = chars.find(c);
        if (pos == std::string::npos) throw std::runtime_error("bad base64");
        buf = (buf << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buf >> bits) & 0xff));
        }
    }
    return out;
}

#define RPC(inst, method, req, resp)                                                    \
    do {                                                                                \
        grpc::ClientContext ctx_;                                                       \
        ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60)); \
        const grpc::Status st_ = (inst).stub->method(&ctx_, (req), &(resp));            \
        ASSERT_TRUE(st_.ok()) << #method << " failed: " << st_.error_code() << " "      \
                              << st_.error_message() << " (" << where_ << ")";          \
    } while (0)

// Runs one script with a given actor -> instance assignment.
class ScriptRun {
  public:
    ScriptRun(std::vector<Instance*> instances, std::string name, int rotation,
              bool encrypt_handshake = false)
        : instances_(std::move(instances)),
          name_(std::move(name)),
          rotation_(rotation),
          encrypt_(encrypt_handshake) {}

    void run(const json& steps) {
        outputs_.assign(steps.size(), std::string());
        for (std::size_t i = 0; i < steps.size(); ++i) {
            where_ = name_ + " (rotation " + std::to_string(rotation_) +
                     (encrypt_ ? ", encrypted handshake" : "") + ") step " + std::to_string(i) +
                     " " + steps[i]["action"].get<std::string>();
            ASSERT_NO_FATAL_FAILURE(step(i, steps[i]));
            if (!stopped_.empty()) return;
        }
    }

    int checks() const { return checks_; }
    // Non-empty if the run ended early at a feature the library refuses as unsupported.
    const std::string& stopped() const { return stopped_; }

  private:
    struct Actor {
        Instance* inst = nullptr;
        std::optional<std::uint32_t> state;
        std::optional<std::uint32_t> transaction;
        std::optional<std::uint32_t> signer;  // CreateExternalSigner
    };

    Actor& actor(const std::string& name) {
        auto it = actors_.find(name);
        if (it != actors_.end()) return it->second;
        Actor a;
        a.inst = instances_[(order_++ + static_cast<std::size_t>(rotation_)) % instances_.size()];
        return actors_.emplace(name, a).first->second;
    }

    void step(std::size_t i, const json& s) {
        const std::string action = s["action"];
        if (action == "createGroup") {
            Actor& a = actor(s["actor"]);
            mls_client::CreateGroupRequest req;
            req.set_group_id(name_ + "-" + std::to_string(rotation_));
            req.set_cipher_suite(3);
            req.set_identity(s["actor"].get<std::string>());
            req.set_encrypt_handshake(encrypt_);
            mls_client::CreateGroupResponse resp;
            RPC(*a.inst, CreateGroup, req, resp);
            a.state = resp.state_id();
            members_ = {s["actor"]};
            if (s.contains("members")) {
                for (const auto& m : s["members"])
                    ASSERT_NO_FATAL_FAILURE(add_member(s["actor"], m));
            }
        } else if (action == "createKeyPackage") {
            outputs_[i] = create_key_package(s["actor"]);
        } else if (action == "addProposal") {
            mls_client::AddProposalRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            req.set_key_package(outputs_.at(s["keyPackage"].get<std::size_t>()));
            mls_client::ProposalResponse resp;
            RPC(*actor(s["actor"]).inst, AddProposal, req, resp);
            outputs_[i] = resp.proposal();
        } else if (action == "updateProposal") {
            mls_client::UpdateProposalRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            mls_client::ProposalResponse resp;
            RPC(*actor(s["actor"]).inst, UpdateProposal, req, resp);
            outputs_[i] = resp.proposal();
        } else if (action == "removeProposal") {
            mls_client::RemoveProposalRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            req.set_removed_id(s["removed"].get<std::string>());
            mls_client::ProposalResponse resp;
            RPC(*actor(s["actor"]).inst, RemoveProposal, req, resp);
            outputs_[i] = resp.proposal();
        } else if (action == "groupContextExtensionsProposal") {
            mls_client::GroupContextExtensionsProposalRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            for (const auto& e : s["extensions"]) {
                auto* x = req.add_extensions();
                x->set_extension_type(e["extension_type"].get<std::uint32_t>());
                x->set_extension_data(b64decode(e["extension_data"]));
            }
            mls_client::ProposalResponse resp;
            RPC(*actor(s["actor"]).inst, GroupContextExtensionsProposal, req, resp);
            outputs_[i] = resp.proposal();
        } else if (action == "installExternalPSK") {
            const std::string id = "psk-" + std::to_string(i);
            const std::string secret = "secret-of-" + id + "-0123456789abcdef";
            for (const auto& c : s["clients"]) {
                Actor& a = actor(c);
                mls_client::StorePSKRequest req;
                req.set_state_or_transaction_id(a.state ? *a.state : a.transaction.value());
                req.set_psk_id(id);
                req.set_psk_secret(secret);
                mls_client::StorePSKResponse resp;
                RPC(*a.inst, StorePSK, req, resp);
            }
            outputs_[i] = id;
            psk_secrets_[i] = secret;
        } else if (action == "externalPSKProposal") {
            mls_client::ExternalPSKProposalRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            req.set_psk_id(outputs_.at(s["pskID"].get<std::size_t>()));
            mls_client::ProposalResponse resp;
            RPC(*actor(s["actor"]).inst, ExternalPSKProposal, req, resp);
            outputs_[i] = resp.proposal();
        } else if (action == "resumptionPSKProposal") {
            mls_client::ResumptionPSKProposalRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            req.set_epoch_id(s["epochID"].get<std::uint64_t>());
            mls_client::ProposalResponse resp;
            RPC(*actor(s["actor"]).inst, ResumptionPSKProposal, req, resp);
            outputs_[i] = resp.proposal();
        } else if (action == "newMemberAddProposal") {
            ASSERT_NO_FATAL_FAILURE(new_member_add_proposal(i, s));
        } else if (action == "addExternalSigner") {
            ASSERT_NO_FATAL_FAILURE(add_external_signer(i, s));
        } else if (action == "externalSignerProposal") {
            ASSERT_NO_FATAL_FAILURE(external_signer_proposal(i, s));
        } else if (action == "externalJoin") {
            ASSERT_NO_FATAL_FAILURE(external_join(s));
        } else if (action == "fullCommit") {
            ASSERT_NO_FATAL_FAILURE(full_commit(s));
        } else if (action == "protect") {
            mls_client::ProtectRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            req.set_authenticated_data(s["authenticatedData"].get<std::string>());
            req.set_plaintext(s["plaintext"].get<std::string>());
            mls_client::ProtectResponse resp;
            RPC(*actor(s["actor"]).inst, Protect, req, resp);
            outputs_[i] = resp.ciphertext();
            sent_[i] = {req.authenticated_data(), req.plaintext()};
        } else if (action == "unprotect") {
            const auto idx = s["ciphertext"].get<std::size_t>();
            mls_client::UnprotectRequest req;
            req.set_state_id(*actor(s["actor"]).state);
            req.set_ciphertext(outputs_.at(idx));
            mls_client::UnprotectResponse resp;
            RPC(*actor(s["actor"]).inst, Unprotect, req, resp);
            EXPECT_EQ(resp.authenticated_data(), sent_.at(idx).first) << where_;
            EXPECT_EQ(resp.plaintext(), sent_.at(idx).second) << where_;
        } else {
            FAIL() << "unsupported action " << action << " (" << where_ << ")";
        }
    }

    std::string create_key_package(const std::string& who) {
        Actor& a = actor(who);
        mls_client::CreateKeyPackageRequest req;
        req.set_cipher_suite(3);
        req.set_identity(who);
        mls_client::CreateKeyPackageResponse resp;
        [&] { RPC(*a.inst, CreateKeyPackage, req, resp); }();
        a.transaction = resp.transaction_id();
        return resp.key_package();
    }

    void add_member(const std::string& committer, const std::string& who) {
        const std::string kp = create_key_package(who);
        if (::testing::Test::HasFatalFailure()) return;
        mls_client::AddProposalRequest preq;
        preq.set_state_id(*actor(committer).state);
        preq.set_key_package(kp);
        mls_client::ProposalResponse presp;
        RPC(*actor(committer).inst, AddProposal, preq, presp);
        json commit = {{"actor", committer}, {"joiners", {who}}};
        json others = json::array();
        for (const auto& m : members_) {
            if (m != committer) others.push_back(m);
        }
        commit["members"] = others;
        extra_refs_ = {presp.proposal()};
        ASSERT_NO_FATAL_FAILURE(full_commit(commit));
    }

    void full_commit(const json& s) {
        const std::string committer = s["actor"];
        Actor& c = actor(committer);
        std::vector<std::string> refs = extra_refs_;
        extra_refs_.clear();
        if (s.contains("byReference")) {
            for (const auto& r : s["byReference"])
                refs.push_back(outputs_.at(r.get<std::size_t>()));
        }
        mls_client::CommitRequest req;
        req.set_state_id(*c.state);
        for (const auto& r : refs) req.add_by_reference(r);
        if (s.contains("byValue")) {
            for (const auto& v : s["byValue"]) describe(v, req.add_by_value());
        }
        req.set_force_path(flag(s, "force_path"));
        const bool external_tree = flag(s, "external_tree");
        req.set_external_tree(external_tree);
        mls_client::CommitResponse resp;
        RPC(*c.inst, Commit, req, resp);

        std::vector<std::string> group{committer};
        if (s.contains("members")) {
            for (const auto& m : s["members"]) {
                Actor& a = actor(m);
                mls_client::HandleCommitRequest hreq;
                hreq.set_state_id(*a.state);
                for (const auto& r : refs) hreq.add_proposal(r);
                hreq.set_commit(resp.commit());
                mls_client::HandleCommitResponse hresp;
                RPC(*a.inst, HandleCommit, hreq, hresp);
                a.state = hresp.state_id();
                group.push_back(m);
            }
        }
        mls_client::HandlePendingCommitRequest preq;
        preq.set_state_id(*c.state);
        mls_client::HandleCommitResponse presp;
        RPC(*c.inst, HandlePendingCommit, preq, presp);
        c.state = presp.state_id();
        if (s.contains("joiners")) {
            ASSERT_FALSE(resp.welcome().empty()) << where_;
            for (const auto& j : s["joiners"]) {
                Actor& a = actor(j);
                mls_client::JoinGroupRequest jreq;
                jreq.set_transaction_id(a.transaction.value());
                jreq.set_welcome(resp.welcome());
                jreq.set_identity(j.get<std::string>());
                jreq.set_encrypt_handshake(encrypt_);
                if (external_tree) jreq.set_ratchet_tree(resp.ratchet_tree());
                mls_client::JoinGroupResponse jresp;
                RPC(*a.inst, JoinGroup, jreq, jresp);
                a.state = jresp.state_id();
                group.push_back(j);
            }
        }
        members_ = group;
        ASSERT_NO_FATAL_FAILURE(check_agreement());
    }

    // The WG runner: the actor hands out a GroupInfo with the tree inside; the joiner
    // answers with its own Add and keeps the KeyPackage (a transaction) for the Welcome.
    void new_member_add_proposal(std::size_t i, const json& s) {
        const std::string joiner = s["joiner"];
        Actor& o = actor(s["actor"]);
        mls_client::GroupInfoRequest greq;
        greq.set_state_id(*o.state);
        mls_client::GroupInfoResponse gresp;
        RPC(*o.inst, GroupInfo, greq, gresp);
        Actor& j = actor(joiner);
        mls_client::NewMemberAddProposalRequest req;
        req.set_group_info(gresp.group_info());
        req.set_identity(joiner);
        mls_client::NewMemberAddProposalResponse resp;
        RPC(*j.inst, NewMemberAddProposal, req, resp);
        ASSERT_FALSE(resp.proposal().empty()) << where_;
        ASSERT_FALSE(resp.signature_priv().empty()) << where_;
        j.transaction = resp.transaction_id();
        outputs_[i] = resp.proposal();
    }

    // The signer creates its key; the actor proposes adding it to external_senders.
    void add_external_signer(std::size_t i, const json& s) {
        const std::string signer = s["signer"];
        Actor& d = actor(signer);
        mls_client::CreateExternalSignerRequest creq;
        creq.set_cipher_suite(3);
        creq.set_identity(signer);
        mls_client::CreateExternalSignerResponse cresp;
        RPC(*d.inst, CreateExternalSigner, creq, cresp);
        ASSERT_FALSE(cresp.external_sender().empty()) << where_;
        d.signer = cresp.signer_id();
        Actor& a = actor(s["actor"]);
        mls_client::AddExternalSignerRequest req;
        req.set_state_id(*a.state);
        req.set_external_sender(cresp.external_sender());
        mls_client::ProposalResponse resp;
        RPC(*a.inst, AddExternalSigner, req, resp);
        outputs_[i] = resp.proposal();
    }

    // The member hands out a GroupInfo with the tree outside it; the signer proposes. As
    // in the WG runner, signer_index is left unset: the signer finds itself. A ReInit
    // description must be refused as unsupported (the library has no ReInit), which ends
    // the run (reported as such, not as passed).
    void external_signer_proposal(std::size_t i, const json& s) {
        Actor& m = actor(s["member"]);
        mls_client::GroupInfoRequest greq;
        greq.set_state_id(*m.state);
        greq.set_external_tree(true);
        mls_client::GroupInfoResponse gresp;
        RPC(*m.inst, GroupInfo, greq, gresp);
        ASSERT_FALSE(gresp.ratchet_tree().empty()) << where_;
        Actor& d = actor(s["actor"]);
        ASSERT_TRUE(d.signer.has_value()) << "no external signer " << s["actor"] << " " << where_;
        mls_client::ExternalSignerProposalRequest req;
        req.set_signer_id(*d.signer);
        req.set_group_info(gresp.group_info());
        req.set_ratchet_tree(gresp.ratchet_tree());
        const json& v = s["description"];
        const std::string type = v["proposalType"];
        describe(v, req.mutable_description());
        if (type == "reinit") {
            req.mutable_description()->set_group_id(name_ + "-" + std::to_string(rotation_) +
                                                    (flag(v, "changeGroupID") ? "++" : ""));
            req.mutable_description()->set_cipher_suite(3);
            mls_client::ProposalResponse resp;
            grpc::ClientContext ctx;
            EXPECT_EQ(d.inst->stub->ExternalSignerProposal(&ctx, req, &resp).error_code(),
                      grpc::StatusCode::UNIMPLEMENTED)
                << where_;
            stopped_ = "ReInit";
            return;
        }
        mls_client::ProposalResponse resp;
        RPC(*d.inst, ExternalSignerProposal, req, resp);
        outputs_[i] = resp.proposal();
    }

    // A script's proposal description (byValue entry or externalSignerProposal).
    void describe(const json& v, mls_client::ProposalDescription* d) {
        d->set_proposal_type(v["proposalType"].get<std::string>());
        if (v.contains("keyPackage"))
            d->set_key_package(outputs_.at(v["keyPackage"].get<std::size_t>()));
        if (v.contains("removed")) d->set_removed_id(v["removed"].get<std::string>());
        if (v.contains("pskID")) d->set_psk_id(outputs_.at(v["pskID"].get<std::size_t>()));
        if (v.contains("epochID")) d->set_epoch_id(v["epochID"].get<std::uint64_t>());
        if (v.contains("extensions")) {
            for (const auto& e : v["extensions"]) {
                auto* x = d->add_extensions();
                x->set_extension_type(e["extension_type"].get<std::uint32_t>());
                x->set_extension_data(b64decode(e["extension_data"]));
            }
        }
    }

    void external_join(const json& s) {
        const std::string owner = s["actor"];
        const std::string joiner = s["joiner"];
        const bool external_tree = flag(s, "externalTree");
        Actor& o = actor(owner);
        mls_client::GroupInfoRequest greq;
        greq.set_state_id(*o.state);
        greq.set_external_tree(external_tree);
        mls_client::GroupInfoResponse gresp;
        RPC(*o.inst, GroupInfo, greq, gresp);
        ASSERT_FALSE(gresp.group_info().empty()) << where_;
        EXPECT_EQ(gresp.ratchet_tree().empty(), !external_tree) << where_;

        mls_client::ExternalJoinRequest req;
        req.set_group_info(gresp.group_info());
        req.set_ratchet_tree(gresp.ratchet_tree());
        req.set_encrypt_handshake(encrypt_);
        req.set_identity(joiner);
        req.set_remove_prior(flag(s, "removePrior"));
        if (s.contains("psks")) {
            for (const auto& p : s["psks"]) {
                const auto idx = p.get<std::size_t>();
                auto* psk = req.add_psks();
                psk->set_psk_id(outputs_.at(idx));
                psk->set_psk_secret(psk_secrets_.at(idx));
            }
        }
        Actor& j = actor(joiner);
        const std::optional<std::uint32_t> prior = j.state;  // removePrior: the old state
        if (external_tree) {
            // The GroupInfo really lacks the tree: without it the join is refused.
            mls_client::ExternalJoinRequest no_tree = req;
            no_tree.clear_ratchet_tree();
            grpc::ClientContext ctx;
            mls_client::ExternalJoinResponse ignored;
            EXPECT_EQ(j.inst->stub->ExternalJoin(&ctx, no_tree, &ignored).error_code(),
                      grpc::StatusCode::INVALID_ARGUMENT)
                << where_;
        }
        mls_client::ExternalJoinResponse resp;
        RPC(*j.inst, ExternalJoin, req, resp);
        ASSERT_FALSE(resp.commit().empty()) << where_;
        ASSERT_FALSE(resp.epoch_authenticator().empty()) << where_;
        j.state = resp.state_id();

        std::vector<std::string> handlers;
        if (s.contains("members")) {
            for (const auto& m : s["members"]) handlers.push_back(m);
        }
        handlers.push_back(owner);
        for (const auto& m : handlers) {
            Actor& a = actor(m);
            mls_client::HandleCommitRequest hreq;
            hreq.set_state_id(*a.state);
            hreq.set_commit(resp.commit());
            mls_client::HandleCommitResponse hresp;
            RPC(*a.inst, HandleCommit, hreq, hresp);
            EXPECT_EQ(hresp.epoch_authenticator(), resp.epoch_authenticator())
                << m << " (" << where_ << ")";
            a.state = hresp.state_id();
        }
        // A removePrior join replaces the joiner's earlier state. The WG runner does not
        // involve it; here it also processes the commit, which must have removed it.
        if (flag(s, "removePrior")) {
            ASSERT_TRUE(prior.has_value()) << where_;
            mls_client::HandleCommitRequest hreq;
            hreq.set_state_id(*prior);
            hreq.set_commit(resp.commit());
            mls_client::HandleCommitResponse hresp;
            RPC(*j.inst, HandleCommit, hreq, hresp);
            mls_client::ProtectRequest preq;
            preq.set_state_id(*prior);
            preq.set_plaintext("from a removed member");
            mls_client::ProtectResponse presp;
            grpc::ClientContext ctx;
            EXPECT_EQ(j.inst->stub->Protect(&ctx, preq, &presp).error_code(),
                      grpc::StatusCode::FAILED_PRECONDITION)
                << "the prior appearance was not removed (" << where_ << ")";
        }
        handlers.push_back(joiner);
        members_ = handlers;
        ASSERT_NO_FATAL_FAILURE(check_agreement());
    }

    // Every member: same state_auth and export; committer <-> each member messages.
    void check_agreement() {
        std::optional<std::string> auth, exported;
        for (const auto& m : members_) {
            Actor& a = actor(m);
            mls_client::StateAuthRequest areq;
            areq.set_state_id(*a.state);
            mls_client::StateAuthResponse aresp;
            RPC(*a.inst, StateAuth, areq, aresp);
            if (!auth) auth = aresp.state_auth_secret();
            EXPECT_EQ(aresp.state_auth_secret(), *auth) << m << " disagrees (" << where_ << ")";
            mls_client::ExportRequest ereq;
            ereq.set_state_id(*a.state);
            ereq.set_label("interop");
            ereq.set_context("ctx");
            ereq.set_key_length(32);
            mls_client::ExportResponse eresp;
            RPC(*a.inst, Export, ereq, eresp);
            if (!exported) exported = eresp.exported_secret();
            EXPECT_EQ(eresp.exported_secret(), *exported) << m << " export (" << where_ << ")";
        }
        for (std::size_t i = 1; i < members_.size(); ++i) {
            ASSERT_NO_FATAL_FAILURE(message(members_[0], members_[i]));
            ASSERT_NO_FATAL_FAILURE(message(members_[i], members_[0]));
        }
        ++checks_;
    }

    void message(const std::string& from, const std::string& to) {
        mls_client::ProtectRequest preq;
        preq.set_state_id(*actor(from).state);
        preq.set_plaintext("check " + from + "->" + to);
        preq.set_authenticated_data("aad");
        mls_client::ProtectResponse presp;
        RPC(*actor(from).inst, Protect, preq, presp);
        mls_client::UnprotectRequest ureq;
        ureq.set_state_id(*actor(to).state);
        ureq.set_ciphertext(presp.ciphertext());
        mls_client::UnprotectResponse uresp;
        RPC(*actor(to).inst, Unprotect, ureq, uresp);
        EXPECT_EQ(uresp.plaintext(), preq.plaintext()) << where_;
        EXPECT_EQ(uresp.authenticated_data(), "aad") << where_;
    }

    std::vector<Instance*> instances_;
    std::string name_;
    int rotation_;
    bool encrypt_;
    std::string where_;
    std::map<std::string, Actor> actors_;
    std::size_t order_ = 0;
    std::vector<std::string> outputs_;
    std::map<std::size_t, std::pair<std::string, std::string>> sent_;
    std::map<std::size_t, std::string> psk_secrets_;  // installExternalPSK step -> secret
    std::vector<std::string> members_;
    std::vector<std::string> extra_refs_;
    int checks_ = 0;
    std::string stopped_;
};

class MlsInterop : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        a_ = new Instance();
        b_ = new Instance();
    }
    static void TearDownTestSuite() {
        delete a_;
        delete b_;
        a_ = b_ = nullptr;
    }

    // Runs every script of `file` in both actor assignments (and, if both_handshakes,
    // with plaintext and with encrypted handshake messages).
    void run_config(const std::string& file, bool both_handshakes = false) {
        const json cfg = lagrum::test::load_shared_json("mls-interop/configs/" + file);
        int scripts = 0, runs = 0, passed = 0, checks = 0;
        std::map<std::string, int> stopped;  // script -> runs ended at an unsupported feature
        for (const auto& [name, steps] : cfg["scripts"].items()) {
            for (int encrypt = 0; encrypt < (both_handshakes ? 2 : 1); ++encrypt) {
                for (int rotation = 0; rotation < 2; ++rotation) {
                    ScriptRun run({a_, b_}, name, rotation, encrypt == 1);
                    ASSERT_NO_FATAL_FAILURE(run.run(steps)) << file << " " << name;
                    checks += run.checks();
                    ++runs;
                    if (run.stopped().empty()) {
                        ++passed;
                    } else {
                        ++stopped[name + " (" + run.stopped() + ")"];
                    }
                }
            }
            ++scripts;
        }
        std::cout << "[mls interop] " << file << ": " << scripts
                  << " script(s) x 2 actor assignments"
                  << (both_handshakes ? " x 2 handshake modes" : "") << " = " << runs << " runs, "
                  << passed << " passed, " << checks << " agreement checks";
        for (const auto& [what, n] : stopped) {
            std::cout << "; " << n << " run(s) of " << what
                      << " stopped: unsupported, refused with UNIMPLEMENTED";
        }
        std::cout << std::endl;
        EXPECT_GT(scripts, 0);
    }

    static Instance* a_;
    static Instance* b_;
};

Instance* MlsInterop::a_ = nullptr;
Instance* MlsInterop::b_ = nullptr;

TEST_F(MlsInterop, NameAndSuites) {
    for (Instance* inst : {a_, b_}) {
        grpc::ClientContext ctx;
        mls_client::NameResponse name;
        ASSERT_TRUE(inst->stub->Name(&ctx, mls_client::NameRequest(), &name).ok());
        EXPECT_EQ(name.name(), "Lagrum");
        grpc::ClientContext ctx2;
        mls_client::SupportedCiphersuitesResponse suites;
        ASSERT_TRUE(
            inst->stub
                ->SupportedCiphersuites(&ctx2, mls_client::SupportedCiphersuitesRequest(), &suites)
                .ok());
        ASSERT_EQ(suites.ciphersuites_size(), 1);
        EXPECT_EQ(suites.ciphersuites(0), 3u);
        // Unsupported RPCs answer UNIMPLEMENTED; unknown states NOT_FOUND; bad suites are
        // refused.
        grpc::ClientContext ctx3;
        mls_client::ReInitProposalRequest ri;
        mls_client::ProposalResponse rir;
        EXPECT_EQ(inst->stub->ReInitProposal(&ctx3, ri, &rir).error_code(),
                  grpc::StatusCode::UNIMPLEMENTED);
        grpc::ClientContext ctx4;
        mls_client::StateAuthRequest sa;
        sa.set_state_id(987654);
        mls_client::StateAuthResponse sar;
        EXPECT_EQ(inst->stub->StateAuth(&ctx4, sa, &sar).error_code(), grpc::StatusCode::NOT_FOUND);
        grpc::ClientContext ctx5;
        mls_client::CreateGroupRequest cg;
        cg.set_cipher_suite(1);
        mls_client::CreateGroupResponse cgr;
        EXPECT_NE(inst->stub->CreateGroup(&ctx5, cg, &cgr).error_code(), grpc::StatusCode::OK);
    }
}

TEST_F(MlsInterop, WelcomeJoin) {
    run_config("welcome_join.json", /*both_handshakes=*/true);
}
TEST_F(MlsInterop, Commit) {
    run_config("commit.json", /*both_handshakes=*/true);
}
TEST_F(MlsInterop, Application) {
    run_config("application.json", /*both_handshakes=*/true);
}
TEST_F(MlsInterop, ExternalJoin) {
    run_config("external_join.json", /*both_handshakes=*/true);
}
TEST_F(MlsInterop, ExternalProposals) {
    run_config("external_proposals.json", /*both_handshakes=*/true);
}

// The PSKs given to ExternalJoin are injected into the commit: a member without the
// PSK, or with a different value, cannot process it; with the right value it can (a
// failed HandleCommit leaves the member's state usable).
TEST_F(MlsInterop, ExternalJoinPskIsInjected) {
    mls_client::CreateGroupRequest cg;
    cg.set_group_id("psk-injected");
    cg.set_cipher_suite(3);
    cg.set_identity("alice");
    mls_client::CreateGroupResponse cgr;
    {
        grpc::ClientContext ctx;
        ASSERT_TRUE(a_->stub->CreateGroup(&ctx, cg, &cgr).ok());
    }
    mls_client::GroupInfoRequest greq;
    greq.set_state_id(cgr.state_id());
    mls_client::GroupInfoResponse gresp;
    {
        grpc::ClientContext ctx;
        ASSERT_TRUE(a_->stub->GroupInfo(&ctx, greq, &gresp).ok());
    }
    mls_client::ExternalJoinRequest req;
    req.set_group_info(gresp.group_info());
    req.set_identity("bob");
    auto* psk = req.add_psks();
    psk->set_psk_id("injected-psk");
    psk->set_psk_secret("the right secret");
    mls_client::ExternalJoinResponse resp;
    {
        grpc::ClientContext ctx;
        ASSERT_TRUE(b_->stub->ExternalJoin(&ctx, req, &resp).ok());
    }
    auto handle = [&](mls_client::HandleCommitResponse* out) {
        mls_client::HandleCommitRequest hreq;
        hreq.set_state_id(cgr.state_id());
        hreq.set_commit(resp.commit());
        grpc::ClientContext ctx;
        return a_->stub->HandleCommit(&ctx, hreq, out).error_code();
    };
    auto store = [&](const std::string& secret) {
        mls_client::StorePSKRequest sreq;
        sreq.set_state_or_transaction_id(cgr.state_id());
        sreq.set_psk_id("injected-psk");
        sreq.set_psk_secret(secret);
        mls_client::StorePSKResponse sresp;
        grpc::ClientContext ctx;
        return a_->stub->StorePSK(&ctx, sreq, &sresp).ok();
    };
    mls_client::HandleCommitResponse hresp;
    const auto unknown = handle(&hresp);
    EXPECT_NE(unknown, grpc::StatusCode::OK) << "PSK unknown to the member";
    EXPECT_NE(unknown, grpc::StatusCode::INTERNAL);
    ASSERT_TRUE(store("a wrong secret"));
    const auto wrong = handle(&hresp);
    EXPECT_NE(wrong, grpc::StatusCode::OK) << "member holds a different PSK value";
    EXPECT_NE(wrong, grpc::StatusCode::INTERNAL);
    ASSERT_TRUE(store("the right secret"));
    ASSERT_EQ(handle(&hresp), grpc::StatusCode::OK);
    EXPECT_EQ(hresp.epoch_authenticator(), resp.epoch_authenticator());
}

// Malformed or unusable ExternalJoin input gets an error status, never a crash (the
// server answers the next request) and never OK.
TEST_F(MlsInterop, ExternalJoinRejectsBadInput) {
    mls_client::CreateGroupRequest cg;
    cg.set_group_id("bad-input");
    cg.set_cipher_suite(3);
    cg.set_identity("alice");
    mls_client::CreateGroupResponse cgr;
    {
        grpc::ClientContext ctx;
        ASSERT_TRUE(a_->stub->CreateGroup(&ctx, cg, &cgr).ok());
    }
    std::string info[2];  // with and without the tree inside
    std::string tree;
    for (int external = 0; external < 2; ++external) {
        mls_client::GroupInfoRequest req;
        req.set_state_id(cgr.state_id());
        req.set_external_tree(external == 1);
        mls_client::GroupInfoResponse resp;
        grpc::ClientContext ctx;
        ASSERT_TRUE(a_->stub->GroupInfo(&ctx, req, &resp).ok());
        info[external] = resp.group_info();
        if (external == 1) tree = resp.ratchet_tree();
    }
    ASSERT_FALSE(tree.empty());
    ASSERT_LT(info[1].size(), info[0].size());

    auto join = [&](const std::string& group_info, const std::string& ratchet_tree,
                    bool remove_prior = false, int repeated_psks = 0) {
        mls_client::ExternalJoinRequest req;
        req.set_group_info(group_info);
        req.set_ratchet_tree(ratchet_tree);
        req.set_identity("bob");
        req.set_remove_prior(remove_prior);
        for (int i = 0; i < repeated_psks; ++i) {
            auto* psk = req.add_psks();
            psk->set_psk_id("same-id");
            psk->set_psk_secret("secret");
        }
        mls_client::ExternalJoinResponse resp;
        grpc::ClientContext ctx;
        return b_->stub->ExternalJoin(&ctx, req, &resp).error_code();
    };
    const auto invalid = grpc::StatusCode::INVALID_ARGUMENT;
    EXPECT_EQ(join("", ""), invalid);
    // MLSMessage GroupInfo header, then a GroupContext cut short / of an unknown version
    // (the server's mapping for an unsupported protocol version is UNIMPLEMENTED).
    EXPECT_EQ(join(std::string("\x00\x01\x00\x04\x00\x01\x00\x03\x05", 9), ""), invalid);
    EXPECT_EQ(join(std::string("\x00\x01\x00\x04garbage", 11), ""),
              grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_EQ(join(std::string("\x00\x01\x00\x05", 4) + info[0].substr(4), ""), invalid);
    EXPECT_EQ(join(info[0].substr(0, info[0].size() - 1), ""), invalid);
    EXPECT_EQ(join(info[0] + "x", ""), invalid);
    EXPECT_EQ(join(info[1], ""), invalid);                               // tree missing
    EXPECT_EQ(join(info[1], "\x05junk"), invalid);                       // tree garbage
    EXPECT_EQ(join(info[1], tree.substr(0, tree.size() - 1)), invalid);  // tree truncated
    EXPECT_EQ(join(info[0], "", false, 2), invalid);                     // psk_id repeated
    // Nothing of bob's to remove: refused (the library calls this a state error).
    const auto no_prior = join(info[0], "", true);
    EXPECT_NE(no_prior, grpc::StatusCode::OK);
    EXPECT_NE(no_prior, grpc::StatusCode::INTERNAL);
    EXPECT_NE(no_prior, grpc::StatusCode::UNKNOWN);
    // Still serving, and the good inputs work.
    EXPECT_EQ(join(info[0], ""), grpc::StatusCode::OK);
    EXPECT_EQ(join(info[1], tree), grpc::StatusCode::OK);
}

// The external-proposal RPCs refuse bad input with an error status (INVALID_ARGUMENT for
// malformed or unacceptable data, NOT_FOUND for unknown ids), never a crash or OK, and
// keep serving.
TEST_F(MlsInterop, ExternalProposalsRejectBadInput) {
    Instance& inst = *a_;
    const auto invalid = grpc::StatusCode::INVALID_ARGUMENT;
    mls_client::CreateGroupRequest cg;
    cg.set_group_id("ext-bad-input");
    cg.set_cipher_suite(3);
    cg.set_identity("alice");
    mls_client::CreateGroupResponse cgr;
    {
        grpc::ClientContext ctx;
        ASSERT_TRUE(inst.stub->CreateGroup(&ctx, cg, &cgr).ok());
    }
    auto group_info = [&](bool external_tree, std::string* tree = nullptr) {
        mls_client::GroupInfoRequest req;
        req.set_state_id(cgr.state_id());
        req.set_external_tree(external_tree);
        mls_client::GroupInfoResponse resp;
        grpc::ClientContext ctx;
        EXPECT_TRUE(inst.stub->GroupInfo(&ctx, req, &resp).ok());
        if (tree != nullptr) *tree = resp.ratchet_tree();
        return resp.group_info();
    };
    auto new_member = [&](const std::string& info) {
        mls_client::NewMemberAddProposalRequest req;
        req.set_group_info(info);
        req.set_identity("bob");
        mls_client::NewMemberAddProposalResponse resp;
        grpc::ClientContext ctx;
        return inst.stub->NewMemberAddProposal(&ctx, req, &resp).error_code();
    };
    const std::string info = group_info(false);
    std::string forged = info;
    forged.back() = static_cast<char>(forged.back() ^ 1);  // inside the signature
    EXPECT_EQ(new_member(""), invalid);
    EXPECT_EQ(new_member(info.substr(0, info.size() - 1)), invalid);
    EXPECT_EQ(new_member(forged), invalid);
    EXPECT_EQ(new_member(group_info(true)), invalid);  // no tree: none can be given here
    EXPECT_EQ(new_member(info), grpc::StatusCode::OK);

    mls_client::CreateExternalSignerRequest creq;
    creq.set_cipher_suite(1);
    creq.set_identity("ds");
    mls_client::CreateExternalSignerResponse cresp;
    {
        grpc::ClientContext ctx;
        EXPECT_NE(inst.stub->CreateExternalSigner(&ctx, creq, &cresp).error_code(),
                  grpc::StatusCode::OK);
    }
    creq.set_cipher_suite(3);
    {
        grpc::ClientContext ctx;
        ASSERT_TRUE(inst.stub->CreateExternalSigner(&ctx, creq, &cresp).ok());
    }
    auto add_signer = [&](std::uint32_t state, const std::string& sender,
                          mls_client::ProposalResponse* out) {
        mls_client::AddExternalSignerRequest req;
        req.set_state_id(state);
        req.set_external_sender(sender);
        grpc::ClientContext ctx;
        return inst.stub->AddExternalSigner(&ctx, req, out).error_code();
    };
    mls_client::ProposalResponse added;
    EXPECT_EQ(add_signer(cgr.state_id(), "", &added), invalid);
    EXPECT_EQ(add_signer(cgr.state_id(), cresp.external_sender() + "x", &added), invalid);
    EXPECT_EQ(add_signer(987654, cresp.external_sender(), &added), grpc::StatusCode::NOT_FOUND);

    auto propose = [&](std::uint32_t signer, const std::string& gi, const std::string& tree,
                       const std::string& type, const std::string& removed = "") {
        mls_client::ExternalSignerProposalRequest req;
        req.set_signer_id(signer);
        req.set_group_info(gi);
        req.set_ratchet_tree(tree);
        req.mutable_description()->set_proposal_type(type);
        req.mutable_description()->set_removed_id(removed);
        mls_client::ProposalResponse resp;
        grpc::ClientContext ctx;
        return inst.stub->ExternalSignerProposal(&ctx, req, &resp).error_code();
    };
    // Not yet in external_senders.
    EXPECT_EQ(propose(cresp.signer_id(), info, "", "remove", "alice"), invalid);

    ASSERT_EQ(add_signer(cgr.state_id(), cresp.external_sender(), &added), grpc::StatusCode::OK);
    {
        mls_client::CommitRequest req;
        req.set_state_id(cgr.state_id());
        req.add_by_reference(added.proposal());
        mls_client::CommitResponse resp;
        grpc::ClientContext ctx;
        ASSERT_TRUE(inst.stub->Commit(&ctx, req, &resp).ok());
        mls_client::HandlePendingCommitRequest preq;
        preq.set_state_id(cgr.state_id());
        mls_client::HandleCommitResponse presp;
        grpc::ClientContext ctx2;
        ASSERT_TRUE(inst.stub->HandlePendingCommit(&ctx2, preq, &presp).ok());
    }
    std::string tree;
    const std::string info2 = group_info(true, &tree);
    std::string forged2 = info2;
    forged2.back() = static_cast<char>(forged2.back() ^ 1);
    const std::uint32_t ds = cresp.signer_id();
    EXPECT_EQ(propose(987654, info2, tree, "remove", "alice"), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(propose(ds, "", tree, "remove", "alice"), invalid);
    EXPECT_EQ(propose(ds, forged2, tree, "remove", "alice"), invalid);
    EXPECT_EQ(propose(ds, info2, "", "remove", "alice"), invalid);  // tree missing
    EXPECT_EQ(propose(ds, info2, tree.substr(1), "remove", "alice"), invalid);
    EXPECT_EQ(propose(ds, info2, tree, "remove", "nobody"), invalid);
    EXPECT_EQ(propose(ds, info2, tree, "update"), invalid);
    EXPECT_EQ(propose(ds, info2, tree, "add"), invalid);  // no KeyPackage
    EXPECT_EQ(propose(ds, info2, tree, "reinit"), grpc::StatusCode::UNIMPLEMENTED);
    EXPECT_EQ(propose(ds, info2, tree, "remove", "alice"), grpc::StatusCode::OK);
}

}  // namespace
