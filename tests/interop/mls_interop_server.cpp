// lagrum-mls-interop: the MLS working group's interop service (mls_client.proto) on top
// of lagrum::mls::Group, so that other MLS implementations' test runners can drive
// Lagrum. Usage: lagrum-mls-interop --port N [--host ADDRESS]   (default 127.0.0.1)
//
// Cipher suite 0x0003 only. RPCs not implemented here (ReInit*, branch) answer
// UNIMPLEMENTED (the generated base class does that), as does a ReInit proposal
// description (the library does not support ReInit).
// Credentials are basic credentials carrying the runner's identity; the interop runner is
// the authentication service here, so the credential policy accepts every identity.
#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "lagrum/crypto/random.h"
#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/extensions.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/group.h"
#include "mls_client.grpc.pb.h"

namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;
using lagrum::mls::Bytes;
using lagrum::mls::ByteView;
using lagrum::mls::Group;
using lagrum::mls::MlsErrc;
using lagrum::mls::MlsError;
namespace mls = lagrum::mls;

Bytes to_bytes(const std::string& s) {
    return Bytes(s.begin(), s.end());
}
std::string to_string(ByteView b) {
    return std::string(b.begin(), b.end());
}

Status status_of(const MlsError& e) {
    const std::string msg = std::string(mls::mls_errc_name(e.code())) + ": " + e.what();
    switch (e.code()) {
        case MlsErrc::invalid_state:
        case MlsErrc::wrong_epoch:
        case MlsErrc::generation_too_old:
            return Status(StatusCode::FAILED_PRECONDITION, msg);
        case MlsErrc::unsupported:
            return Status(StatusCode::UNIMPLEMENTED, msg);
        default:
            return Status(StatusCode::INVALID_ARGUMENT, msg);
    }
}

struct NotFound {
    std::string what;
};

mls::GroupConfig config(bool encrypt_handshake) {
    mls::GroupConfig c;
    c.credential_policy = [](const mls::Credential&, ByteView) { return true; };
    c.encrypt_handshake = encrypt_handshake;
    c.accept_external_commits = true;  // the harness's externalJoin scripts need them
    return c;
}

mls::KeyPackage parse_key_package(const std::string& message) {
    mls::Reader r(ByteView(reinterpret_cast<const std::uint8_t*>(message.data()), message.size()));
    if (r.u16() != 1) mls::fail(MlsErrc::unsupported, "MLSMessage version");
    if (r.u16() != static_cast<std::uint16_t>(mls::WireFormat::key_package)) {
        mls::fail(MlsErrc::decode, "not a KeyPackage message");
    }
    mls::KeyPackage kp = mls::KeyPackage::decode(r);
    r.finish();
    return kp;
}

ByteView view(const std::string& s) {
    return ByteView(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

class Service final : public mls_client::MLSClient::Service {
  public:
    Status Name(ServerContext*, const mls_client::NameRequest*,
                mls_client::NameResponse* out) override {
        out->set_name("Lagrum");
        return Status::OK;
    }

    Status SupportedCiphersuites(ServerContext*, const mls_client::SupportedCiphersuitesRequest*,
                                 mls_client::SupportedCiphersuitesResponse* out) override {
        out->add_ciphersuites(mls::kSuite3);
        return Status::OK;
    }

    Status CreateGroup(ServerContext*, const mls_client::CreateGroupRequest* in,
                       mls_client::CreateGroupResponse* out) override {
        return run([&] {
            check_suite(in->cipher_suite());
            const auto sig = mls::generate_signature_key_pair();
            Group g = Group::create(to_bytes(in->group_id()),
                                    mls::Credential::basic(to_bytes(in->identity())),
                                    sig.private_key, config(in->encrypt_handshake()));
            out->set_state_id(add_state(std::move(g)));
        });
    }

    Status CreateKeyPackage(ServerContext*, const mls_client::CreateKeyPackageRequest* in,
                            mls_client::CreateKeyPackageResponse* out) override {
        return run([&] {
            check_suite(in->cipher_suite());
            mls::KeyPackageBundle bundle = fresh_key_package(in->identity());
            mls::Writer w;
            w.u16(1);
            w.u16(static_cast<std::uint16_t>(mls::WireFormat::key_package));
            bundle.key_package.encode(w);
            out->set_key_package(to_string(w.bytes()));
            keep_transaction(std::move(bundle), out);
        });
    }

    Status JoinGroup(ServerContext*, const mls_client::JoinGroupRequest* in,
                     mls_client::JoinGroupResponse* out) override {
        return run([&] {
            auto it = transactions_.find(in->transaction_id());
            if (it == transactions_.end()) throw NotFound{"transaction"};
            std::optional<mls::RatchetTree> tree;
            if (!in->ratchet_tree().empty()) {
                tree = mls::decode_exact<mls::RatchetTree>(view(in->ratchet_tree()));
            }
            Group g = Group::join_from_message(view(in->welcome()), it->second.bundle,
                                               config(in->encrypt_handshake()),
                                               tree ? &*tree : nullptr, it->second.psks);
            out->set_epoch_authenticator(to_string(g.epoch_authenticator()));
            out->set_state_id(add_state(std::move(g)));
        });
    }

    // §12.4.3.2 join by external Commit. The runner hands the PSKs it installed at the
    // members; every one is injected (a PreSharedKey proposal in the commit).
    Status ExternalJoin(ServerContext*, const mls_client::ExternalJoinRequest* in,
                        mls_client::ExternalJoinResponse* out) override {
        return run([&] {
            std::optional<mls::RatchetTree> tree;
            if (!in->ratchet_tree().empty()) {
                tree = mls::decode_exact<mls::RatchetTree>(view(in->ratchet_tree()));
            }
            Group::ExternalJoinOptions opts;
            opts.external_tree = tree ? &*tree : nullptr;
            opts.remove_prior = in->remove_prior();
            for (const auto& p : in->psks()) {
                Bytes id = to_bytes(p.psk_id());
                // A repeated psk_id would inject the same PSK twice (an invalid commit).
                if (opts.psks.count(id) != 0)
                    mls::fail(MlsErrc::invalid_proposal, "repeated psk_id");
                opts.psks.emplace(id, mls::SecretBytes::copy_of(view(p.psk_secret())));
                opts.inject_psks.push_back(std::move(id));
            }
            const auto sig = mls::generate_signature_key_pair();
            auto joined = Group::join_external(
                view(in->group_info()), mls::Credential::basic(to_bytes(in->identity())),
                sig.private_key, config(in->encrypt_handshake()), opts);
            out->set_commit(to_string(joined.commit));
            out->set_epoch_authenticator(to_string(joined.group.epoch_authenticator()));
            out->set_state_id(add_state(std::move(joined.group)));
        });
    }

    Status GroupInfo(ServerContext*, const mls_client::GroupInfoRequest* in,
                     mls_client::GroupInfoResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            out->set_group_info(to_string(g.group_info(!in->external_tree())));
            if (in->external_tree()) out->set_ratchet_tree(to_string(mls::encode(g.tree())));
        });
    }

    Status StateAuth(ServerContext*, const mls_client::StateAuthRequest* in,
                     mls_client::StateAuthResponse* out) override {
        return run([&] {
            out->set_state_auth_secret(to_string(state(in->state_id()).epoch_authenticator()));
        });
    }

    Status Export(ServerContext*, const mls_client::ExportRequest* in,
                  mls_client::ExportResponse* out) override {
        return run([&] {
            if (in->key_length() > 0xffff) mls::fail(MlsErrc::length_limit, "key_length");
            out->set_exported_secret(
                to_string(state(in->state_id())
                              .export_secret(in->label(), view(in->context()),
                                             static_cast<std::uint16_t>(in->key_length()))));
        });
    }

    Status Protect(ServerContext*, const mls_client::ProtectRequest* in,
                   mls_client::ProtectResponse* out) override {
        return run([&] {
            out->set_ciphertext(
                to_string(state(in->state_id())
                              .protect(view(in->plaintext()), view(in->authenticated_data()))));
        });
    }

    Status Unprotect(ServerContext*, const mls_client::UnprotectRequest* in,
                     mls_client::UnprotectResponse* out) override {
        return run([&] {
            auto app = state(in->state_id()).unprotect(view(in->ciphertext()));
            out->set_plaintext(to_string(app.data));
            out->set_authenticated_data(to_string(app.authenticated_data));
        });
    }

    Status StorePSK(ServerContext*, const mls_client::StorePSKRequest* in,
                    mls_client::StorePSKResponse*) override {
        return run([&] {
            const std::uint32_t id = in->state_or_transaction_id();
            auto psk = mls::SecretBytes::copy_of(view(in->psk_secret()));
            if (auto s = states_.find(id); s != states_.end()) {
                s->second.add_external_psk(to_bytes(in->psk_id()), std::move(psk));
            } else if (auto t = transactions_.find(id); t != transactions_.end()) {
                t->second.psks.insert_or_assign(to_bytes(in->psk_id()), std::move(psk));
            } else {
                throw NotFound{"state or transaction"};
            }
        });
    }

    Status AddProposal(ServerContext*, const mls_client::AddProposalRequest* in,
                       mls_client::ProposalResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            out->set_proposal(to_string(g.propose_add(parse_key_package(in->key_package()))));
        });
    }

    Status UpdateProposal(ServerContext*, const mls_client::UpdateProposalRequest* in,
                          mls_client::ProposalResponse* out) override {
        return run([&] { out->set_proposal(to_string(state(in->state_id()).propose_update())); });
    }

    Status RemoveProposal(ServerContext*, const mls_client::RemoveProposalRequest* in,
                          mls_client::ProposalResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            out->set_proposal(to_string(g.propose_remove(leaf_of(g, in->removed_id()))));
        });
    }

    Status ExternalPSKProposal(ServerContext*, const mls_client::ExternalPSKProposalRequest* in,
                               mls_client::ProposalResponse* out) override {
        return run([&] {
            out->set_proposal(
                to_string(state(in->state_id()).propose_external_psk(to_bytes(in->psk_id()))));
        });
    }

    Status ResumptionPSKProposal(ServerContext*, const mls_client::ResumptionPSKProposalRequest* in,
                                 mls_client::ProposalResponse* out) override {
        return run([&] {
            out->set_proposal(
                to_string(state(in->state_id()).propose_resumption_psk(in->epoch_id())));
        });
    }

    Status GroupContextExtensionsProposal(
        ServerContext*, const mls_client::GroupContextExtensionsProposalRequest* in,
        mls_client::ProposalResponse* out) override {
        return run([&] {
            out->set_proposal(
                to_string(state(in->state_id())
                              .propose_group_context_extensions(extensions_of(in->extensions()))));
        });
    }

    Status Commit(ServerContext*, const mls_client::CommitRequest* in,
                  mls_client::CommitResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            for (const auto& p : in->by_reference()) g.handle(view(p));
            Group::CommitOptions opts;
            for (const auto& d : in->by_value()) opts.by_value.push_back(proposal_of(g, d));
            opts.force_path = in->force_path();
            opts.ratchet_tree_in_welcome = !in->external_tree();
            auto result = g.commit(opts);
            out->set_commit(to_string(result.commit));
            if (result.welcome) out->set_welcome(to_string(*result.welcome));
            if (in->external_tree()) out->set_ratchet_tree(to_string(tree_of(result.group_info)));
        });
    }

    Status HandleCommit(ServerContext*, const mls_client::HandleCommitRequest* in,
                        mls_client::HandleCommitResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            for (const auto& p : in->proposal()) g.handle(view(p));
            g.handle(view(in->commit()));
            out->set_state_id(in->state_id());
            out->set_epoch_authenticator(to_string(g.epoch_authenticator()));
        });
    }

    Status HandlePendingCommit(ServerContext*, const mls_client::HandlePendingCommitRequest* in,
                               mls_client::HandleCommitResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            g.merge_pending_commit();
            out->set_state_id(in->state_id());
            out->set_epoch_authenticator(to_string(g.epoch_authenticator()));
        });
    }

    // §12.1.8: the joiner's own Add from the group's GroupInfo; the KeyPackage bundle
    // becomes a transaction so that the joiner can later join from the Welcome.
    Status NewMemberAddProposal(ServerContext*, const mls_client::NewMemberAddProposalRequest* in,
                                mls_client::NewMemberAddProposalResponse* out) override {
        return run([&] {
            mls::KeyPackageBundle bundle = fresh_key_package(in->identity());
            const Bytes proposal = mls::new_member_add_proposal(view(in->group_info()), bundle,
                                                                config(false).credential_policy);
            out->set_proposal(to_string(proposal));
            keep_transaction(std::move(bundle), out);
        });
    }

    // A signer outside every group (e.g. a delivery service); external_sender is its
    // encoded ExternalSender (§12.1.8.1) for a member to list in external_senders.
    Status CreateExternalSigner(ServerContext*, const mls_client::CreateExternalSignerRequest* in,
                                mls_client::CreateExternalSignerResponse* out) override {
        return run([&] {
            check_suite(in->cipher_suite());
            auto sig = mls::generate_signature_key_pair();
            const mls::ExternalSender sender{sig.public_key,
                                             mls::Credential::basic(to_bytes(in->identity()))};
            out->set_external_sender(to_string(mls::encode(sender)));
            const std::uint32_t id = next_id_++;
            signers_.emplace(id, std::move(sig.private_key));
            out->set_signer_id(id);
        });
    }

    // A GroupContextExtensions proposal that appends the signer to external_senders and
    // keeps every other group extension.
    Status AddExternalSigner(ServerContext*, const mls_client::AddExternalSignerRequest* in,
                             mls_client::ProposalResponse* out) override {
        return run([&] {
            Group& g = state(in->state_id());
            const auto sender = mls::decode_exact<mls::ExternalSender>(view(in->external_sender()));
            mls::ExtensionList extensions = g.context().extensions;
            auto senders = mls::get_extension<mls::ExternalSenders>(extensions)
                               .value_or(mls::ExternalSenders{});
            senders.senders.push_back(sender);
            std::erase_if(extensions, [](const mls::Extension& e) {
                return e.type == mls::extension_type::external_senders;
            });
            extensions.push_back(mls::make_extension(senders));
            out->set_proposal(to_string(g.propose_group_context_extensions(std::move(extensions))));
        });
    }

    // A proposal by an external signer. The runner does not fill in signer_index, so the
    // signer is found by its key in the GroupInfo's external_senders (the library checks
    // the GroupInfo and that entry again).
    Status ExternalSignerProposal(ServerContext*,
                                  const mls_client::ExternalSignerProposalRequest* in,
                                  mls_client::ProposalResponse* out) override {
        return run([&] {
            auto it = signers_.find(in->signer_id());
            if (it == signers_.end()) throw NotFound{"signer"};
            const mls::SecretBytes& key = it->second;
            std::optional<mls::RatchetTree> external;
            if (!in->ratchet_tree().empty()) {
                external = mls::decode_exact<mls::RatchetTree>(view(in->ratchet_tree()));
            }
            // Unverified here: only used to find the signer's index and the removed leaf;
            // external_proposal() verifies the GroupInfo before signing anything.
            const mls::GroupInfo gi = group_info_of(in->group_info());
            mls::RatchetTree tree;
            if (const mls::Extension* e =
                    mls::find_extension(gi.extensions, mls::extension_type::ratchet_tree)) {
                tree = mls::decode_exact<mls::RatchetTree>(e->data);
            } else if (external) {
                tree = *external;
            }
            const auto senders =
                mls::get_extension<mls::ExternalSenders>(gi.group_context.extensions);
            if (!senders) mls::fail(MlsErrc::not_member, "the group has no external senders");
            const Bytes public_key = mls::signature_public_key(key.view());
            std::optional<std::uint32_t> index;
            for (std::size_t i = 0; i < senders->senders.size(); ++i) {
                if (senders->senders[i].signature_key == public_key) {
                    index = static_cast<std::uint32_t>(i);
                    break;
                }
            }
            if (!index) mls::fail(MlsErrc::not_member, "signer not in external_senders");
            const mls::Proposal p = describe(in->description(), gi.group_context.group_id, tree);
            out->set_proposal(to_string(mls::external_proposal(
                view(in->group_info()), *index, p, key.view(), config(false).credential_policy,
                external ? &*external : nullptr)));
        });
    }

    Status Free(ServerContext*, const mls_client::FreeRequest* in,
                mls_client::FreeResponse*) override {
        return run([&] {
            if (states_.erase(in->state_id()) == 0) throw NotFound{"state"};
        });
    }

  private:
    struct Transaction {
        mls::KeyPackageBundle bundle;
        mls::ExternalPsks psks;
    };

    // A KeyPackage with fresh keys for a BasicCredential `identity`.
    static mls::KeyPackageBundle fresh_key_package(const std::string& identity) {
        const auto sig = mls::generate_signature_key_pair();
        return mls::create_key_package(mls::Credential::basic(to_bytes(identity)), sig.private_key);
    }

    // Keeps the bundle as a transaction (for JoinGroup) and reports its private keys and
    // id: CreateKeyPackage and NewMemberAddProposal answer with the same fields.
    template <class Response>
    void keep_transaction(mls::KeyPackageBundle bundle, Response* out) {
        out->set_init_priv(to_string(bundle.init_private.view()));
        out->set_encryption_priv(to_string(bundle.encryption_private.view()));
        out->set_signature_priv(to_string(bundle.signature_private.view()));
        const std::uint32_t id = next_id_++;
        Transaction t;
        t.bundle = std::move(bundle);
        transactions_.emplace(id, std::move(t));
        out->set_transaction_id(id);
    }

    // Runs one RPC under the lock and maps errors to gRPC status codes.
    template <class F>
    Status run(F&& f) {
        std::lock_guard<std::mutex> lock(mu_);
        try {
            f();
            return Status::OK;
        } catch (const MlsError& e) {
            return status_of(e);
        } catch (const NotFound& e) {
            return Status(StatusCode::NOT_FOUND, "unknown " + e.what);
        } catch (const std::exception& e) {
            return Status(StatusCode::INTERNAL, e.what());
        }
    }

    static void check_suite(std::uint32_t suite) {
        if (suite != mls::kSuite3) mls::fail(MlsErrc::unsupported, "only cipher suite 3");
    }

    std::uint32_t add_state(Group g) {
        const std::uint32_t id = next_id_++;
        states_.emplace(id, std::move(g));
        return id;
    }

    Group& state(std::uint32_t id) {
        auto it = states_.find(id);
        if (it == states_.end()) throw NotFound{"state"};
        return it->second;
    }

    // The runner names members by identity; find the leaf carrying it.
    static mls::LeafIndex leaf_of(const Group& g, const std::string& identity) {
        return leaf_of(g.tree(), identity);
    }
    static mls::LeafIndex leaf_of(const mls::RatchetTree& tree, const std::string& identity) {
        const Bytes id = to_bytes(identity);
        for (auto m : tree.members()) {
            if (tree.leaf(m)->credential.identity == id) return m;
        }
        mls::fail(MlsErrc::invalid_proposal, "no member with that identity");
    }

    static mls::ExtensionList extensions_of(
        const google::protobuf::RepeatedPtrField<mls_client::Extension>& in) {
        mls::ExtensionList out;
        for (const auto& e : in) {
            if (e.extension_type() > 0xffff) mls::fail(MlsErrc::decode, "extension type");
            out.push_back(mls::Extension{static_cast<std::uint16_t>(e.extension_type()),
                                         to_bytes(e.extension_data())});
        }
        return out;
    }

    static mls::Proposal proposal_of(const Group& g, const mls_client::ProposalDescription& d) {
        return describe(d, g.group_id(), g.tree());
    }

    // A ProposalDescription as a Proposal for the group `group_id` with tree `tree`.
    static mls::Proposal describe(const mls_client::ProposalDescription& d, const Bytes& group_id,
                                  const mls::RatchetTree& tree) {
        const std::string type = d.proposal_type();
        if (type == "add") return mls::Proposal{mls::Add{parse_key_package(d.key_package())}};
        if (type == "remove") return mls::Proposal{mls::Remove{leaf_of(tree, d.removed_id())}};
        if (type == "externalPSK" || type == "resumptionPSK") {
            mls::PreSharedKeyId id;
            id.psk_nonce = lagrum::crypto::random_bytes(mls::kNh);
            if (type == "externalPSK") {
                id.type = mls::PskType::external;
                id.psk_id = to_bytes(d.psk_id());
            } else {
                id.type = mls::PskType::resumption;
                id.usage = mls::ResumptionPskUsage::application;
                id.psk_group_id = group_id;
                id.psk_epoch = d.epoch_id();
            }
            return mls::Proposal{mls::PreSharedKey{id}};
        }
        if (type == "groupContextExtensions") {
            return mls::Proposal{mls::GroupContextExtensions{extensions_of(d.extensions())}};
        }
        if (type == "reinit") mls::fail(MlsErrc::unsupported, "ReInit is not supported");
        mls::fail(MlsErrc::invalid_proposal, "unknown proposal type " + type);
    }

    // A GroupInfo MLSMessage, decoded (not verified).
    static mls::GroupInfo group_info_of(const std::string& message) {
        mls::MlsMessage m = mls::decode_exact<mls::MlsMessage>(view(message));
        auto* gi = std::get_if<mls::GroupInfo>(&m.body);
        if (gi == nullptr) mls::fail(MlsErrc::decode, "not a GroupInfo message");
        return std::move(*gi);
    }

    // The ratchet_tree extension of a GroupInfo MLSMessage.
    static Bytes tree_of(const Bytes& group_info_message) {
        mls::Reader r(group_info_message);
        r.u16();
        r.u16();
        const mls::GroupInfo gi = mls::GroupInfo::decode(r);
        r.finish();
        const mls::Extension* e =
            mls::find_extension(gi.extensions, mls::extension_type::ratchet_tree);
        if (e == nullptr) mls::fail(MlsErrc::invalid_state, "GroupInfo without ratchet tree");
        return e->data;
    }

    std::mutex mu_;
    std::uint32_t next_id_ = 1;
    std::map<std::uint32_t, Group> states_;
    std::map<std::uint32_t, Transaction> transactions_;
    std::map<std::uint32_t, mls::SecretBytes> signers_;  // CreateExternalSigner keys
};

}  // namespace

int main(int argc, char** argv) {
    std::string host = "127.0.0.1";
    long port = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--port") {
            port = std::strtol(argv[i + 1], nullptr, 10);
        } else if (flag == "--host") {
            host = argv[i + 1];
        }
    }
    if (port <= 0 || port > 65535 || (argc % 2) != 1) {
        std::cerr << "usage: lagrum-mls-interop --port N [--host ADDRESS]\n";
        return 2;
    }
    Service service;
    grpc::ServerBuilder builder;
    int bound = 0;
    builder.AddListeningPort(host + ":" + std::to_string(port), grpc::InsecureServerCredentials(),
                             &bound);
    builder.RegisterService(&service);
    std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
    if (!server || bound == 0) {
        std::cerr << "lagrum-mls-interop: cannot listen on " << host << ":" << port << "\n";
        return 1;
    }
    std::cerr << "lagrum-mls-interop listening on " << host << ":" << bound << std::endl;
    server->Wait();
    return 0;
}
