// The MLS group state machine, RFC 9420 §§ 8, 11, 12 (cipher suite 0x0003 only).
//
// A Group is one member's view of one epoch of one group: ratchet tree, GroupContext,
// epoch secrets, secret tree, transcript hashes and the proposals received in the epoch.
// Every operation either produces a new epoch atomically or leaves the state untouched:
// commits are built into a complete pending next state and only merged on request, and
// received commits are applied to a copy that replaces the current state on success.
//
// Every failure throws MlsError with a specific code (error.h); nothing else escapes.
// Credentials are never assumed valid: every leaf that enters the group (Add, Update,
// UpdatePath, Welcome tree) is passed to the caller's CredentialPolicy.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/commit.h"
#include "lagrum/mls/credential.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/ratchet_tree.h"
#include "lagrum/mls/types.h"
#include "lagrum/mls/welcome.h"

namespace lagrum::mls {

struct GroupConfig {
    CredentialPolicy credential_policy;  // required; an empty policy rejects everything
    // Application/handshake keys kept for out-of-order delivery behind the newest
    // generation seen, and how far ahead a sender's generation may jump (§9.4).
    std::uint32_t out_of_order_window = 128;
    std::uint32_t max_forward_ratchet = 1024;
    // If set, KeyPackage lifetimes must cover it (seconds since the Unix epoch).
    std::optional<std::uint64_t> now;
    // How many past epochs' resumption PSKs are kept (§8.6).
    std::uint32_t resumption_psk_epochs = 8;
    // How many past epochs' application keys are kept for late messages (§15.2).
    std::uint32_t past_epochs = 2;
    // Send handshake messages (proposals, commits) as PrivateMessage instead of
    // PublicMessage.
    bool encrypt_handshake = false;
    // Accept external Commits (§12.4.3.2) from holders of a GroupInfo. Off unless the
    // application opts in: anyone with a current GroupInfo and an acceptable credential
    // could otherwise join, and a resync lets a stolen signature key replace its member
    // in one step (§12.4.3.2, §16.5). The joiner's credential still goes through credential_policy;
    // a resync must carry the removed member's credential.
    bool accept_external_commits = false;
    // Largest ratchet tree (leaves, padded to a power of two) accepted from a Welcome, a
    // GroupInfo or stored state, and grown to by a Commit: length_limit beyond it.
    std::uint32_t max_tree_leaves = kDefaultMaxTreeLeaves;
};

// A KeyPackage with its private keys (§10).
struct KeyPackageBundle {
    KeyPackage key_package;
    SecretBytes init_private;
    SecretBytes encryption_private;
    SecretBytes signature_private;
};

// Builds and signs a KeyPackage for `credential` with fresh init and leaf keys.
KeyPackageBundle create_key_package(
    const Credential& credential, ByteView signature_private,
    const Capabilities& capabilities = Capabilities::lagrum_default(),
    Lifetime lifetime = {0, UINT64_MAX});

// ---- Proposals from outside the group (§12.1.8) ----------------------------------------
//
// Both take the group's current GroupInfo (MLSMessage or bare; `external_tree` if it has
// no ratchet_tree extension) and verify it as an external joiner does (cipher suite, tree
// hash, the signer's signature, every leaf through `policy`), so a forged GroupInfo is
// refused. The result is an MLSMessage PublicMessage framed for the GroupInfo's group id
// and epoch and signed over its GroupContext; members receive it with Group::handle()
// and commit it by reference. Non-members cannot encrypt, so it is never a PrivateMessage.

// §12.1.8.1: a proposal of the external sender at `sender_index` in the GroupContext's
// external_senders extension, whose signature key must be that of `signature_private`
// (not_member otherwise). Add, Remove, PreSharedKey and GroupContextExtensions only:
// Update and ExternalInit are refused (invalid_proposal), ReInit is unsupported. The
// proposal gets the checks a member applies on receipt that need no member state
// (KeyPackage, Remove of an occupied leaf, PSK nonce length and usage, extensions every
// member supports).
Bytes external_proposal(ByteView group_info, std::uint32_t sender_index, const Proposal& proposal,
                        ByteView signature_private, const CredentialPolicy& policy,
                        const RatchetTree* external_tree = nullptr);

// §12.1.8: a prospective member's Add of itself (sender new_member_proposal), signed with
// the KeyPackage's own signature key (the bundle's key must match the leaf's:
// invalid_key_package otherwise). Keep the bundle: it is what joins from the Welcome.
Bytes new_member_add_proposal(ByteView group_info, const KeyPackageBundle& key_package,
                              const CredentialPolicy& policy,
                              const RatchetTree* external_tree = nullptr);

// An external PSK known to the client (§8.4), by psk_id.
using ExternalPsks = std::map<Bytes, SecretBytes>;

struct ExternalJoinOutput;

class Group {
  public:
    // ---- Creation and joining ----------------------------------------------------

    // §11: a one-member group at epoch 0 with a fresh leaf.
    static Group create(Bytes group_id, const Credential& credential, ByteView signature_private,
                        GroupConfig config, ExtensionList group_extensions = {},
                        const Capabilities& capabilities = Capabilities::lagrum_default());

    // §12.4.3.1: join from a Welcome (the encoded MLSMessage or bare Welcome is accepted by
    // join_from_message). `external_tree` is used when the GroupInfo carries no
    // ratchet_tree extension. Throws MlsError on every validation failure.
    static Group join(const Welcome& welcome, const KeyPackageBundle& key_package,
                      GroupConfig config, const RatchetTree* external_tree = nullptr,
                      const ExternalPsks& psks = {});
    static Group join_from_message(ByteView mls_message, const KeyPackageBundle& key_package,
                                   GroupConfig config, const RatchetTree* external_tree = nullptr,
                                   const ExternalPsks& psks = {});

    // §12.4.3.2: join by external Commit from a GroupInfo (MLSMessage or bare) that
    // carries external_pub. The returned group is already in the new epoch; send
    // `commit` to the members (it is a PublicMessage from a new_member_commit sender).
    struct ExternalJoinOptions {
        const RatchetTree* external_tree = nullptr;  // if the GroupInfo has no ratchet_tree
        // Resync: remove our earlier appearance, the member whose credential equals ours.
        bool remove_prior = false;
        // External PSKs to inject (PreSharedKey proposals), by psk_id; the values must be
        // in `psks` (members need them too).
        std::vector<Bytes> inject_psks;
        ExternalPsks psks;
        ByteView authenticated_data = {};
        Capabilities capabilities = Capabilities::lagrum_default();
    };
    static ExternalJoinOutput join_external(ByteView group_info, const Credential& credential,
                                            ByteView signature_private, GroupConfig config,
                                            const ExternalJoinOptions& options);

    Group(Group&&) noexcept;
    Group& operator=(Group&&) noexcept;
    ~Group();

    // ---- State ---------------------------------------------------------------------

    const Bytes& group_id() const;
    std::uint64_t epoch() const;
    LeafIndex own_leaf() const;
    const RatchetTree& tree() const;
    const GroupContext& context() const;
    Bytes epoch_authenticator() const;
    // §8.5 MLS-Exporter.
    Bytes export_secret(std::string_view label, ByteView context, std::uint16_t length) const;
    // False after a commit removed this member.
    bool active() const;
    // Resumption PSK of a kept epoch (§8.6), or nullopt.
    std::optional<SecretBytes> resumption_psk(std::uint64_t epoch) const;
    void add_external_psk(Bytes psk_id, SecretBytes psk);

    // §12.4.3.1 GroupInfo for the current epoch, signed, with external_pub and (if
    // with_tree) the ratchet_tree extension; returned as an MLSMessage.
    Bytes group_info(bool with_tree) const;

    // ---- Proposals (each returns the MLSMessage to send; the proposal is also cached
    //      locally so a later commit can include it by reference) --------------------

    Bytes propose_add(const KeyPackage& key_package, ByteView authenticated_data = {});
    Bytes propose_update(ByteView authenticated_data = {});
    Bytes propose_remove(LeafIndex removed, ByteView authenticated_data = {});
    Bytes propose_external_psk(Bytes psk_id, ByteView authenticated_data = {});
    Bytes propose_resumption_psk(std::uint64_t epoch, ByteView authenticated_data = {});
    Bytes propose_group_context_extensions(ExtensionList extensions,
                                           ByteView authenticated_data = {});

    // ---- Commits -----------------------------------------------------------------

    struct CommitOptions {
        bool include_cached_proposals = true;  // every valid cached proposal by reference
        std::vector<Proposal> by_value;        // extra proposals carried inline
        bool force_path = false;               // include an UpdatePath even if not required
        bool ratchet_tree_in_welcome = true;   // else joiners need the tree out of band
        ByteView authenticated_data = {};
        // Negative tests only: alter the Commit before it is signed (a validly signed but
        // malformed commit), or send a wrong confirmation tag. Never set in production.
        std::function<void(Commit&)> tamper_commit_for_testing;
        bool corrupt_confirmation_tag_for_testing = false;
    };
    struct CommitOutput {
        Bytes commit;                  // MLSMessage
        std::optional<Bytes> welcome;  // MLSMessage, if members were added
        Bytes group_info;              // MLSMessage GroupInfo of the new epoch (with tree)
    };
    // Builds the commit and a complete pending next epoch; the current epoch is kept
    // until merge_pending_commit().
    CommitOutput commit(const CommitOptions& options);
    CommitOutput commit() { return commit(CommitOptions{}); }
    bool has_pending_commit() const;
    void merge_pending_commit();
    void discard_pending_commit();

    // ---- Receiving -----------------------------------------------------------------

    enum class Received { proposal, commit };
    struct HandleResult {
        Received kind = Received::proposal;
        // A member's leaf; for an external Commit, the leaf the joiner now occupies; for
        // a proposal from a non-member, the Sender's index field (its position in the
        // external_senders extension, or 0 for new_member_proposal).
        LeafIndex sender;
        bool external_sender = false;  // not a member: external proposal or external Commit
        bool removed_self = false;     // the commit removed this member
    };
    // A PublicMessage or PrivateMessage carrying a proposal or commit of the current epoch.
    HandleResult handle(ByteView mls_message);

    // Application messages (PrivateMessage, §6.3).
    Bytes protect(ByteView application_data, ByteView authenticated_data = {});
    struct Application {
        LeafIndex sender;
        Bytes data;
        Bytes authenticated_data;
        // The sender's leaf in the epoch the message was sent in (its signature was
        // verified against it): a message sent just before the sender's removal comes
        // from a kept past epoch whose tree still holds them, while the current tree may
        // not (or may hold someone else at that index).
        std::optional<LeafNode> sender_leaf;
    };
    Application unprotect(ByteView mls_message);

    // ---- Persistence ---------------------------------------------------------------

    // Everything needed to continue (secrets included: the caller stores it encrypted);
    // restore() gives back an equal state. The policy is not stored: pass it again.
    // Returned in secure memory: it holds every secret of the group.
    SecretBytes serialize() const;
    static Group restore(ByteView bytes, GroupConfig config);

    struct State;

  private:
    explicit Group(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
};

struct ExternalJoinOutput {
    Group group;
    Bytes commit;  // MLSMessage (PublicMessage) to send to the group
};

}  // namespace lagrum::mls
