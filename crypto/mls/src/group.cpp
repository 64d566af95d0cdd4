// The group state machine (RFC 9420 §§ 8, 11, 12). See group.h.
//
// The state machine owns no cryptography of its own: every rule of the RFC is applied by
// the component that implements its section (framing.h §6, treekem.h §7.4-7.6,
// key_schedule.h §8, transcript.h §8.2, secret_tree.h §9, proposal_list.h §12.2-12.3,
// welcome_join.h §12.4.3). This file sequences them, keeps the member's state, and makes
// every operation atomic (build the next epoch on a copy, swap on success).
#include "lagrum/mls/group.h"

#include <algorithm>

#include "group_state.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/extensions.h"
#include "lagrum/mls/framing.h"
#include "lagrum/mls/proposal_list.h"
#include "lagrum/mls/transcript.h"
#include "lagrum/mls/tree_math.h"
#include "lagrum/mls/welcome_join.h"

namespace lagrum::mls {

namespace tm = tree_math;
using namespace group_detail;

namespace {

const LeafNode& member_leaf(const RatchetTree& tree, LeafIndex leaf) {
    const LeafNode* ln = tree.leaf(leaf);
    if (ln == nullptr) fail(MlsErrc::not_member, "sender is not a member of the group");
    return *ln;
}

SecretTreeConfig secret_tree_config(const GroupConfig& c) {
    SecretTreeConfig t;
    t.max_forward_distance = c.max_forward_ratchet;
    t.max_retained_keys = c.out_of_order_window;
    return t;
}

void require_active(const Group::State& s) {
    if (!s.active) fail(MlsErrc::invalid_state, "we are no longer a member of this group");
}

// ---- Proposal checks at the time a proposal is sent or received --------------------------
// (The list-level rules of §12.2 and the application of §12.3 are proposal_list.h's.)

// §12.1.7: every member must support every extension of a proposed GroupContext.
void check_group_extensions(const RatchetTree& tree, const ExtensionList& extensions) {
    for (auto m : tree.members()) {
        const LeafNode& ln = *tree.leaf(m);
        for (const auto& e : extensions) {
            if (!ln.capabilities.supports_extension(e.type)) {
                fail(MlsErrc::invalid_proposal, "a member does not support a group extension");
            }
        }
        if (!satisfies_required_capabilities(ln.capabilities, extensions)) {
            fail(MlsErrc::invalid_proposal, "a member lacks a required capability");
        }
    }
}

void check_psk_id(const PreSharedKeyId& id) {
    if (id.psk_nonce.size() != kNh) fail(MlsErrc::invalid_proposal, "psk_nonce must be Nh bytes");
    if (id.type == PskType::resumption && id.usage != ResumptionPskUsage::application) {
        fail(MlsErrc::invalid_proposal, "resumption PSK usage must be application in a commit");
    }
}

// §12.1: the per-proposal rules that need no list context. Used for a proposal received
// on its own (it may be committed later by reference) and by a non-member checking its
// own proposal against a verified GroupInfo before signing it.
struct ProposalContext {
    const GroupContext& ctx;
    const RatchetTree& tree;
    const CredentialPolicy& policy;
    std::optional<std::uint64_t> now;
};

void check_proposal(const ProposalContext& pc, const Proposal& p, const Sender& sender) {
    switch (p.type()) {
        case proposal_type::add: {
            KeyPackageCheck kc;
            kc.now = pc.now;
            kc.group_extensions = &pc.ctx.extensions;
            kc.policy = &pc.policy;
            validate_key_package(std::get<Add>(p.body).key_package, kc);
            break;
        }
        case proposal_type::update: {
            if (sender.type != SenderType::member) {
                fail(MlsErrc::invalid_proposal, "Update from a non-member");
            }
            const LeafIndex from{sender.index};
            LeafNodeCheck lc;
            lc.expected_source = LeafNodeSource::update;
            lc.group_id = pc.ctx.group_id;
            lc.leaf_index = from;
            lc.group_extensions = &pc.ctx.extensions;
            lc.policy = &pc.policy;
            validate_leaf_node(std::get<Update>(p.body).leaf_node, lc);
            pc.tree.check_new_leaf(std::get<Update>(p.body).leaf_node, from);
            break;
        }
        case proposal_type::remove:
            if (pc.tree.leaf(std::get<Remove>(p.body).removed) == nullptr) {
                fail(MlsErrc::invalid_proposal, "Remove of a blank leaf");
            }
            break;
        case proposal_type::psk:
            check_psk_id(std::get<PreSharedKey>(p.body).psk);
            break;
        case proposal_type::group_context_extensions:
            check_group_extensions(pc.tree, std::get<GroupContextExtensions>(p.body).extensions);
            break;
        case proposal_type::reinit:
            fail(MlsErrc::unsupported, "ReInit is not supported");
        case proposal_type::external_init:
            fail(MlsErrc::invalid_proposal, "ExternalInit outside an external commit");
        default:
            fail(MlsErrc::unsupported, "unknown proposal type");
    }
}

// A proposal received by (or sent from) this member's state.
void check_single_proposal(const Group::State& s, const Proposal& p, const Sender& sender) {
    check_proposal(ProposalContext{s.ctx, s.tree, s.config.credential_policy, s.config.now}, p,
                   sender);
}

// ---- PSKs (§8.4) -------------------------------------------------------------------------

// The values of the PSKs a commit injects, from the external store or our resumption PSKs.
struct PskValues {
    std::vector<SecretBytes> values;
    std::vector<PskWithSecret> list;  // views into `values`
    SecretBytes secret() const { return compute_psk_secret(list); }
};

PskValues resolve_psks(const Group::State& s, const std::vector<PreSharedKeyId>& ids) {
    PskValues out;
    out.values.reserve(ids.size());
    for (const auto& id : ids) {
        if (id.type == PskType::external) {
            auto it = s.external_psks.find(id.psk_id);
            if (it == s.external_psks.end()) {
                fail(MlsErrc::invalid_proposal, "unknown external PSK");
            }
            out.values.push_back(it->second.clone());
        } else {
            if (id.psk_group_id != s.ctx.group_id) {
                fail(MlsErrc::unsupported, "resumption PSK of another group");
            }
            auto it = s.resumption_psks.find(id.psk_epoch);
            if (it == s.resumption_psks.end()) {
                fail(MlsErrc::invalid_proposal, "resumption PSK of an epoch we do not keep");
            }
            out.values.push_back(it->second->clone());
        }
        out.list.push_back(PskWithSecret{id, out.values.back().view()});
    }
    return out;
}

void remember_resumption(Group::State& s) {
    s.resumption_psks[s.ctx.epoch] = share(s.secrets.resumption_psk.clone());
    while (s.resumption_psks.size() > std::max<std::uint32_t>(1, s.config.resumption_psk_epochs)) {
        s.resumption_psks.erase(s.resumption_psks.begin());
    }
}

// ---- Proposal lists (§12.2, §12.3) -------------------------------------------------------

ProposalListCheck list_check(const Group::State& s, Sender committer) {
    ProposalListCheck check;
    check.committer = committer;
    check.group_id = s.ctx.group_id;
    check.policy = &s.config.credential_policy;
    check.now = s.config.now;
    return check;
}

struct Applied {
    ProposalListEffect effect;
    std::vector<LeafIndex> added;  // leaves of the Adds, in order
    bool removed_self = false;
};

// Applies a resolved proposal list to `next` (a copy of `old` for the next epoch), then
// brings our private keys in line with the new tree: the key of our own committed Update,
// and none for nodes that were blanked or removed.
Applied apply_proposals(Group::State& next, const Group::State& old,
                        const std::vector<CommittedProposal>& list, Sender committer) {
    Applied out;
    out.effect =
        apply_proposal_list(next.tree, next.ctx.extensions, list, list_check(old, committer));
    // The same bound as for trees from outside: a group grown past it could not be
    // restored or joined (GroupConfig::max_tree_leaves).
    if (next.tree.n_leaves() > next.config.max_tree_leaves) {
        fail(MlsErrc::length_limit, "commit grows the tree past max_tree_leaves");
    }
    if (out.effect.reinit) fail(MlsErrc::unsupported, "ReInit is not supported");
    for (const auto& [leaf, kp] : out.effect.added) out.added.push_back(leaf);
    for (LeafIndex u : out.effect.updated) {
        if (u != next.me()) continue;
        // Our own Update, committed by another member: we hold its leaf key.
        const SecretBytes* key = nullptr;
        for (const auto& cp : list) {
            if (cp.proposal.type() != proposal_type::update || cp.sender.index != u.value ||
                cp.ref.empty()) {
                continue;
            }
            for (const auto& cached : old.proposals) {
                if (cached.ref == cp.ref && cached.update_private) key = &*cached.update_private;
            }
        }
        if (key == nullptr)
            fail(MlsErrc::invalid_proposal, "Update for our leaf that we did not send");
        next.priv.set_node_key(tm::leaf_to_node(u), key->clone());
    }
    for (LeafIndex r : out.effect.removed) {
        if (r == next.me()) out.removed_self = true;
    }
    if (!out.removed_self) next.priv.prune(next.tree);
    return out;
}

// ---- Epochs (§8, §8.2) -------------------------------------------------------------------

// The GroupContext an UpdatePath is encrypted to (§12.4.2): the new epoch, tree and
// extensions with the old confirmed transcript hash. create_update_path fills tree_hash.
GroupContext provisional_context(const Group::State& next) {
    GroupContext c = next.ctx;
    c.epoch += 1;
    c.tree_hash = next.tree.tree_hash();
    return c;
}

struct EpochStart {
    SecretBytes joiner_secret;  // for the Welcome
    SecretBytes psk_secret;
};

// Key schedule and transcript of the new epoch. `next` holds the new tree and extensions
// and still the old epoch number. The committer computes the confirmation tag into `ac`;
// a receiver verifies it.
EpochStart start_epoch(Group::State& next, ByteView interim_before, ByteView init_secret,
                       AuthenticatedContent& ac, ByteView commit_secret, SecretBytes psk_secret,
                       bool verify_tag) {
    next.ctx.epoch += 1;
    next.ctx.tree_hash = next.tree.tree_hash();
    next.ctx.confirmed_transcript_hash = compute_confirmed_transcript_hash(interim_before, ac);
    next.secrets = key_schedule_epoch(init_secret, commit_secret, psk_secret, next.ctx);
    if (verify_tag) {
        if (!ac.auth.confirmation_tag ||
            !verify_confirmation_tag(next.secrets.confirmation_key,
                                     next.ctx.confirmed_transcript_hash,
                                     *ac.auth.confirmation_tag)) {
            fail(MlsErrc::invalid_commit, "confirmation tag does not verify");
        }
    } else {
        ac.auth.confirmation_tag = compute_confirmation_tag(next.secrets.confirmation_key,
                                                            next.ctx.confirmed_transcript_hash);
    }
    next.confirmation_tag = *ac.auth.confirmation_tag;
    next.interim_transcript_hash =
        compute_interim_transcript_hash(next.ctx.confirmed_transcript_hash, next.confirmation_tag);
    next.secret_tree = SecretTree(next.secrets.encryption_secret, next.tree.n_leaves(),
                                  secret_tree_config(next.config));
    next.proposals.clear();
    next.pending.reset();
    remember_resumption(next);
    EpochStart out{std::move(next.secrets.joiner_secret), std::move(psk_secret)};
    next.secrets.joiner_secret = SecretBytes();
    next.secrets.welcome_secret = SecretBytes();  // create_welcome derives its own
    return out;
}

// Moves the epoch that `old` ends into next.past (bounded).
void retire_epoch(Group::State& next, Group::State& old) {
    next.past = std::move(old.past);
    if (next.config.past_epochs == 0) {
        next.past.clear();
        return;
    }
    next.past.push_back(PastEpoch{old.ctx, std::move(old.tree),
                                  std::move(old.secrets.sender_data_secret),
                                  std::move(old.secret_tree)});
    while (next.past.size() > next.config.past_epochs) next.past.erase(next.past.begin());
}

GroupInfo make_group_info(const Group::State& s, bool with_tree) {
    GroupInfo gi;
    gi.group_context = s.ctx;
    if (with_tree) gi.extensions.push_back(Extension{extension_type::ratchet_tree, encode(s.tree)});
    gi.extensions.push_back(
        make_extension(ExternalPub{external_key_pair(s.secrets.external_secret).public_key}));
    gi.confirmation_tag = s.confirmation_tag;
    gi.signer = s.me();
    gi.sign(*s.signature_private);
    return gi;
}

Bytes wrap(MlsMessage m) {
    return encode(m);
}

// ---- Framing (§6) ------------------------------------------------------------------------

// The signature key of a message's sender (§6.1) in the epoch of `ctx` / `tree`.
Bytes sender_signature_key(const GroupContext& ctx, const RatchetTree& tree,
                           const FramedContent& c) {
    switch (c.sender.type) {
        case SenderType::member:
            return member_leaf(tree, LeafIndex{c.sender.index}).signature_key;
        case SenderType::external: {
            const auto senders = get_extension<ExternalSenders>(ctx.extensions);
            if (!senders || c.sender.index >= senders->senders.size()) {
                fail(MlsErrc::not_member, "unknown external sender");
            }
            return senders->senders[c.sender.index].signature_key;
        }
        case SenderType::new_member_commit: {
            const auto* commit = std::get_if<Commit>(&c.body);
            if (commit == nullptr || !commit->path) {
                fail(MlsErrc::invalid_commit, "external Commit without a path");
            }
            return commit->path->leaf_node.signature_key;
        }
        case SenderType::new_member_proposal: {
            const auto* p = std::get_if<Proposal>(&c.body);
            if (p == nullptr || p->type() != proposal_type::add) {
                fail(MlsErrc::invalid_proposal, "new_member_proposal sender may only send Add");
            }
            return std::get<Add>(p->body).key_package.leaf_node.signature_key;
        }
    }
    fail(MlsErrc::decode, "unknown sender type");
}

// Parses, authenticates and (for PrivateMessage) decrypts an incoming handshake or
// application message of the current epoch (application data also of a kept past one).
// With `deferred`, a PrivateMessage's ratchet key is not deleted but described there
// (and the secret tree it belongs to in `*key_tree`): the caller consumes it once the
// message is accepted, so a message refused by a later check leaves every key in place.
AuthenticatedContent unwrap(Group::State& s, const MlsMessage& m,
                            std::optional<ReceivedKey>* deferred = nullptr,
                            SecretTree** key_tree = nullptr) {
    if (const auto* pub = std::get_if<PublicMessage>(&m.body)) {
        // A member sender must hold a leaf: say so rather than report a bad tag.
        if (pub->content.sender.type == SenderType::member &&
            pub->content.group_id == s.ctx.group_id && pub->content.epoch == s.ctx.epoch) {
            member_leaf(s.tree, LeafIndex{pub->content.sender.index});
        }
        if (pub->content.sender.type == SenderType::new_member_commit &&
            !s.config.accept_external_commits) {
            fail(MlsErrc::unsupported, "external Commits are not accepted in this group");
        }
        return open_public_message(
            *pub, s.ctx, s.secrets.membership_key,
            [&](const FramedContent& c) { return sender_signature_key(s.ctx, s.tree, c); });
    }
    const auto* priv = std::get_if<PrivateMessage>(&m.body);
    if (priv == nullptr) fail(MlsErrc::decode, "not a PublicMessage or PrivateMessage");
    if (priv->group_id != s.ctx.group_id) fail(MlsErrc::wrong_group, "message for another group");
    // The epoch whose keys apply: the current one, or (application data only) a kept
    // past epoch.
    const GroupContext* ctx = &s.ctx;
    const RatchetTree* tree = &s.tree;
    ByteView sender_data_secret = s.secrets.sender_data_secret;
    SecretTree* secret_tree = &s.secret_tree;
    if (priv->epoch != s.ctx.epoch) {
        auto it = std::find_if(s.past.begin(), s.past.end(),
                               [&](const PastEpoch& p) { return p.ctx.epoch == priv->epoch; });
        if (it == s.past.end() || priv->content_type != ContentType::application) {
            fail(MlsErrc::wrong_epoch, "message for another epoch");
        }
        ctx = &it->ctx;
        tree = &it->tree;
        sender_data_secret = it->sender_data_secret;
        secret_tree = &it->secret_tree;
    }
    const LeafIndex me = s.me();
    if (key_tree != nullptr) *key_tree = secret_tree;
    return decrypt_private_message(
        *priv, *ctx, *secret_tree, sender_data_secret,
        [&](const FramedContent& c) { return sender_signature_key(*ctx, *tree, c); },
        [&](LeafIndex sender) {
            member_leaf(*tree, sender);
            if (sender == me) fail(MlsErrc::generation_too_old, "our own message");
        },
        deferred);
}

FramedContent frame(const Group::State& s, ContentBody body, ByteView aad) {
    FramedContent c;
    c.group_id = s.ctx.group_id;
    c.epoch = s.ctx.epoch;
    c.sender = Sender{SenderType::member, s.me().value};
    c.authenticated_data.assign(aad.begin(), aad.end());
    c.body = std::move(body);
    return c;
}

WireFormat handshake_wire_format(const Group::State& s) {
    return s.config.encrypt_handshake ? WireFormat::private_message : WireFormat::public_message;
}

// Wraps signed content of ours as the MLSMessage to send (PublicMessage with membership
// tag, or PrivateMessage under our next ratchet key).
Bytes wrap_content(Group::State& s, AuthenticatedContent ac) {
    if (ac.wire_format == WireFormat::private_message) {
        return wrap(
            MlsMessage{encrypt_private_message(ac, s.secret_tree, s.secrets.sender_data_secret)});
    }
    return wrap(MlsMessage{make_public_message(std::move(ac), s.ctx, s.secrets.membership_key)});
}

// ---- GroupInfo of a group we join without a Welcome (§12.4.3.2) --------------------------

struct VerifiedGroupInfo {
    GroupInfo info;
    RatchetTree tree;
};

VerifiedGroupInfo verify_group_info(ByteView message, const RatchetTree* external_tree,
                                    const CredentialPolicy& policy,
                                    std::uint32_t max_tree_leaves = kDefaultMaxTreeLeaves) {
    VerifiedGroupInfo out;
    Reader probe(message);
    const bool wrapped = message.size() >= 4 && probe.u16() == 1 && probe.u16() == 4;
    if (wrapped) {
        MlsMessage m = decode_exact<MlsMessage>(message);
        out.info = std::move(std::get<GroupInfo>(m.body));
    } else {
        out.info = decode_exact<GroupInfo>(message);
    }
    const GroupContext& gc = out.info.group_context;
    if (gc.version != ProtocolVersion::mls10 ||
        static_cast<std::uint16_t>(gc.cipher_suite) != kSuite3) {
        fail(MlsErrc::unsupported, "GroupInfo for another version or cipher suite");
    }
    if (const Extension* e = find_extension(out.info.extensions, extension_type::ratchet_tree)) {
        out.tree = RatchetTree::decode_extension(e->data, max_tree_leaves);
    } else if (external_tree != nullptr) {
        out.tree = *external_tree;
    } else {
        fail(MlsErrc::invalid_tree, "no ratchet tree in the GroupInfo and none supplied");
    }
    if (out.tree.tree_hash() != gc.tree_hash) {
        fail(MlsErrc::invalid_tree, "ratchet tree does not match the GroupContext tree hash");
    }
    const LeafNode* signer = out.tree.leaf(out.info.signer);
    if (signer == nullptr) fail(MlsErrc::not_member, "GroupInfo signer is not a member");
    if (!out.info.verify_signature(signer->signature_key)) {
        fail(MlsErrc::bad_signature, "GroupInfo signature does not verify");
    }
    TreeCheck tc;
    tc.group_id = gc.group_id;
    tc.group_extensions = &gc.extensions;
    tc.policy = &policy;
    out.tree.validate(tc);
    return out;
}

}  // namespace

// ---- State -------------------------------------------------------------------------------

std::unique_ptr<Group::State> Group::State::clone_for_next_epoch() const {
    auto c = std::make_unique<State>();
    c->config = config;
    c->ctx = ctx;
    c->tree = tree;
    c->priv = priv.clone();
    c->signature_private = signature_private;
    c->interim_transcript_hash = interim_transcript_hash;
    c->confirmation_tag = confirmation_tag;
    c->resumption_psks = resumption_psks;
    for (const auto& [k, v] : external_psks) c->external_psks.emplace(k, v.clone());
    c->active = active;
    return c;
}

// ---- Key packages ------------------------------------------------------------------------

KeyPackageBundle create_key_package(const Credential& credential, ByteView signature_private,
                                    const Capabilities& capabilities, Lifetime lifetime) {
    KeyPackageBundle b;
    HpkeKeyPair init = generate_hpke_key_pair();
    HpkeKeyPair enc = generate_hpke_key_pair();
    b.signature_private = SecretBytes::copy_of(signature_private);
    KeyPackage& kp = b.key_package;
    kp.init_key = init.public_key;
    kp.leaf_node.encryption_key = enc.public_key;
    kp.leaf_node.signature_key = signature_public_key(signature_private);
    kp.leaf_node.credential = credential;
    kp.leaf_node.capabilities = capabilities;
    kp.leaf_node.source = LeafNodeSource::key_package;
    kp.leaf_node.lifetime = lifetime;
    kp.leaf_node.sign(signature_private, {}, LeafIndex{0});
    kp.sign(signature_private);
    b.init_private = std::move(init.private_key);
    b.encryption_private = std::move(enc.private_key);
    return b;
}

// ---- Proposals from outside the group (§12.1.8) ------------------------------------------

namespace {

// The receipt checks a non-member can apply to its own proposal with only the verified
// GroupInfo (refusing here beats members dropping it); an Add must also be new to the tree.
void check_non_member_proposal(const GroupContext& gc, const RatchetTree& tree, const Proposal& p,
                               const CredentialPolicy& policy, const Sender& sender) {
    if (p.type() == proposal_type::update || p.type() == proposal_type::external_init) {
        fail(MlsErrc::invalid_proposal, "Update and ExternalInit cannot come from a non-member");
    }
    check_proposal(ProposalContext{gc, tree, policy, std::nullopt}, p, sender);
    if (const auto* add = std::get_if<Add>(&p.body)) {
        tree.check_new_leaf(add->key_package.leaf_node, std::nullopt);
    }
}

// A PublicMessage without membership_tag (§6.2: only member senders have one).
Bytes frame_non_member_proposal(const GroupContext& gc, Sender sender, Proposal p,
                                ByteView signature_private) {
    FramedContent c;
    c.group_id = gc.group_id;
    c.epoch = gc.epoch;
    c.sender = sender;
    c.body = std::move(p);
    AuthenticatedContent ac =
        sign_content(WireFormat::public_message, std::move(c), gc, signature_private);
    return wrap(MlsMessage{make_public_message(std::move(ac), gc, {})});
}

}  // namespace

Bytes external_proposal(ByteView group_info, std::uint32_t sender_index, const Proposal& proposal,
                        ByteView signature_private, const CredentialPolicy& policy,
                        const RatchetTree* external_tree) {
    const VerifiedGroupInfo v = verify_group_info(group_info, external_tree, policy);
    const GroupContext& gc = v.info.group_context;
    const auto senders = get_extension<ExternalSenders>(gc.extensions);
    if (!senders || sender_index >= senders->senders.size()) {
        fail(MlsErrc::not_member, "no such entry in the group's external_senders");
    }
    if (senders->senders[sender_index].signature_key != signature_public_key(signature_private)) {
        fail(MlsErrc::not_member, "the external_senders entry holds another signature key");
    }
    const Sender sender{SenderType::external, sender_index};
    check_non_member_proposal(gc, v.tree, proposal, policy, sender);
    return frame_non_member_proposal(gc, sender, proposal, signature_private);
}

Bytes new_member_add_proposal(ByteView group_info, const KeyPackageBundle& key_package,
                              const CredentialPolicy& policy, const RatchetTree* external_tree) {
    const VerifiedGroupInfo v = verify_group_info(group_info, external_tree, policy);
    const GroupContext& gc = v.info.group_context;
    const KeyPackage& kp = key_package.key_package;
    if (kp.leaf_node.signature_key != signature_public_key(key_package.signature_private.view())) {
        fail(MlsErrc::invalid_key_package, "the bundle's signature key is not the KeyPackage's");
    }
    Proposal add{Add{kp}};
    const Sender sender{SenderType::new_member_proposal, 0};
    check_non_member_proposal(gc, v.tree, add, policy, sender);
    return frame_non_member_proposal(gc, sender, std::move(add),
                                     key_package.signature_private.view());
}

// ---- Group: creation and joining ---------------------------------------------------------

Group::Group(std::unique_ptr<State> s) : s_(std::move(s)) {}
Group::Group(Group&&) noexcept = default;
Group& Group::operator=(Group&&) noexcept = default;
Group::~Group() = default;

Group Group::create(Bytes group_id, const Credential& credential, ByteView signature_private,
                    GroupConfig config, ExtensionList group_extensions,
                    const Capabilities& capabilities) {
    auto s = std::make_unique<State>();
    s->config = std::move(config);
    s->signature_private = share(SecretBytes::copy_of(signature_private));
    HpkeKeyPair enc = generate_hpke_key_pair();
    LeafNode leaf;
    leaf.encryption_key = enc.public_key;
    leaf.signature_key = signature_public_key(signature_private);
    leaf.credential = credential;
    leaf.capabilities = capabilities;
    leaf.source = LeafNodeSource::key_package;
    leaf.lifetime = Lifetime{0, UINT64_MAX};
    leaf.sign(signature_private, {}, LeafIndex{0});
    check_credential(s->config.credential_policy, leaf.credential, leaf.signature_key);
    s->tree = RatchetTree(leaf);
    s->priv = TreeKemPrivate(LeafIndex{0}, std::move(enc.private_key));
    s->ctx.group_id = std::move(group_id);
    s->ctx.epoch = 0;
    s->ctx.tree_hash = s->tree.tree_hash();
    s->ctx.extensions = std::move(group_extensions);
    check_group_extensions(s->tree, s->ctx.extensions);
    // §11: epoch 0 starts from a fresh random secret. A random joiner_secret makes the
    // epoch_secret (its expansion) just as fresh and reuses the one key schedule.
    s->secrets = derive_epoch_secrets(crypto::random_secret(kNh), {}, encode(s->ctx));
    s->secrets.joiner_secret = SecretBytes();
    s->secrets.welcome_secret = SecretBytes();
    s->confirmation_tag = compute_confirmation_tag(s->secrets.confirmation_key, {});
    s->interim_transcript_hash = compute_interim_transcript_hash({}, s->confirmation_tag);
    s->secret_tree =
        SecretTree(s->secrets.encryption_secret, s->tree.n_leaves(), secret_tree_config(s->config));
    remember_resumption(*s);
    return Group(std::move(s));
}

Group Group::join(const Welcome& welcome, const KeyPackageBundle& kpb, GroupConfig config,
                  const RatchetTree* external_tree, const ExternalPsks& psks) {
    auto s = std::make_unique<State>();
    s->config = std::move(config);
    for (const auto& [k, v] : psks) s->external_psks.emplace(k, v.clone());
    WelcomeJoinInput in;
    in.welcome = &welcome;
    in.key_package = &kpb.key_package;
    in.init_private_key = kpb.init_private.view();
    in.encryption_private_key = kpb.encryption_private.view();
    in.external_tree = external_tree;
    in.policy = &s->config.credential_policy;
    in.max_tree_leaves = s->config.max_tree_leaves;
    in.psk_lookup = [&](const PreSharedKeyId& id) -> std::optional<SecretBytes> {
        if (id.type != PskType::external) return std::nullopt;  // no resumption PSKs yet
        auto it = s->external_psks.find(id.psk_id);
        if (it == s->external_psks.end()) return std::nullopt;
        return it->second.clone();
    };
    JoinedGroup joined = join_from_welcome(in);
    s->ctx = std::move(joined.group_info.group_context);
    s->tree = std::move(joined.tree);
    s->priv = std::move(joined.private_tree);
    s->signature_private = share(kpb.signature_private.clone());
    s->secrets = std::move(joined.epoch_secrets);
    s->secrets.joiner_secret = SecretBytes();
    s->secrets.welcome_secret = SecretBytes();
    s->confirmation_tag = std::move(joined.group_info.confirmation_tag);
    s->interim_transcript_hash = std::move(joined.interim_transcript_hash);
    s->secret_tree =
        SecretTree(s->secrets.encryption_secret, s->tree.n_leaves(), secret_tree_config(s->config));
    remember_resumption(*s);
    return Group(std::move(s));
}

Group Group::join_from_message(ByteView mls_message, const KeyPackageBundle& kpb,
                               GroupConfig config, const RatchetTree* external_tree,
                               const ExternalPsks& psks) {
    MlsMessage m = decode_exact<MlsMessage>(mls_message);
    auto* welcome = std::get_if<Welcome>(&m.body);
    if (welcome == nullptr) fail(MlsErrc::decode, "not a Welcome message");
    return join(*welcome, kpb, std::move(config), external_tree, psks);
}

ExternalJoinOutput Group::join_external(ByteView group_info, const Credential& credential,
                                        ByteView signature_private, GroupConfig config,
                                        const ExternalJoinOptions& options) {
    const VerifiedGroupInfo vgi = verify_group_info(
        group_info, options.external_tree, config.credential_policy, config.max_tree_leaves);
    const auto external_pub = get_extension<ExternalPub>(vgi.info.extensions);
    if (!external_pub) fail(MlsErrc::invalid_state, "GroupInfo has no external_pub");

    // The group as the GroupInfo describes it (the epoch we commit on top of).
    auto old = std::make_unique<State>();
    old->config = std::move(config);
    old->ctx = vgi.info.group_context;
    old->tree = vgi.tree;
    old->confirmation_tag = vgi.info.confirmation_tag;
    old->interim_transcript_hash = compute_interim_transcript_hash(
        old->ctx.confirmed_transcript_hash, vgi.info.confirmation_tag);
    old->signature_private = share(SecretBytes::copy_of(signature_private));
    for (const auto& [k, v] : options.psks) old->external_psks.emplace(k, v.clone());

    // §8.3 external init, then the proposals an external Commit may carry (§12.2).
    ExternalInitSecret init = external_init_sender(external_pub->external_pub);
    Commit commit;
    commit.proposals.push_back(ProposalOrRef{Proposal{ExternalInit{init.kem_output}}});
    if (options.remove_prior) {
        std::optional<LeafIndex> prior;
        for (auto m : old->tree.members()) {
            if (old->tree.leaf(m)->credential == credential) prior = m;
        }
        if (!prior) fail(MlsErrc::invalid_state, "no earlier appearance of ours to remove");
        commit.proposals.push_back(ProposalOrRef{Proposal{Remove{*prior}}});
    }
    for (const auto& id : options.inject_psks) {
        if (old->external_psks.count(id) == 0) {
            fail(MlsErrc::invalid_proposal, "external PSK to inject is not in psks");
        }
        PreSharedKeyId psk;
        psk.type = PskType::external;
        psk.psk_id = id;
        psk.psk_nonce = crypto::random_bytes(kNh);
        commit.proposals.push_back(ProposalOrRef{Proposal{PreSharedKey{psk}}});
    }
    const Sender committer{SenderType::new_member_commit, 0};
    std::vector<CommittedProposal> list = resolve_proposals(commit, committer, {});

    auto next = old->clone_for_next_epoch();
    const ProposalListEffect effect =
        apply_proposal_list(next->tree, next->ctx.extensions, list, list_check(*old, committer));

    // Our leaf at the leftmost free position, then the path from it (§12.4.2).
    LeafNode leaf;
    HpkeKeyPair placeholder = generate_hpke_key_pair();  // replaced by the path's leaf key
    leaf.encryption_key = placeholder.public_key;
    leaf.signature_key = signature_public_key(signature_private);
    leaf.credential = credential;
    leaf.capabilities = options.capabilities;
    leaf.source = LeafNodeSource::key_package;
    leaf.lifetime = Lifetime{0, UINT64_MAX};
    check_credential(next->config.credential_policy, leaf.credential, leaf.signature_key);
    next->tree.check_new_leaf(leaf, std::nullopt);
    const LeafIndex me = next->tree.add_leaf(leaf);
    next->priv = TreeKemPrivate(me, std::move(placeholder.private_key));
    UpdatePathInput in;
    in.leaf_template = leaf;
    in.signature_private_key = old->signature_private->view();
    in.provisional_context = provisional_context(*next);
    UpdatePathResult path = create_update_path(next->tree, next->priv, in);
    commit.path = path.path;

    FramedContent content;
    content.group_id = old->ctx.group_id;
    content.epoch = old->ctx.epoch;
    content.sender = committer;
    content.authenticated_data.assign(options.authenticated_data.begin(),
                                      options.authenticated_data.end());
    content.body = commit;
    AuthenticatedContent ac =
        sign_content(WireFormat::public_message, std::move(content), old->ctx, signature_private);
    PskValues psks = resolve_psks(*old, effect.psks);
    start_epoch(*next, old->interim_transcript_hash, init.init_secret, ac, path.commit_secret,
                psks.secret(), /*verify_tag=*/false);
    Bytes message = wrap(MlsMessage{make_public_message(std::move(ac), old->ctx, {})});
    return ExternalJoinOutput{Group(std::move(next)), std::move(message)};
}

// ---- Accessors ---------------------------------------------------------------------------

const Bytes& Group::group_id() const {
    return s_->ctx.group_id;
}
std::uint64_t Group::epoch() const {
    return s_->ctx.epoch;
}
LeafIndex Group::own_leaf() const {
    return s_->me();
}
const RatchetTree& Group::tree() const {
    return s_->tree;
}
const GroupContext& Group::context() const {
    return s_->ctx;
}
bool Group::active() const {
    return s_->active;
}
Bytes Group::epoch_authenticator() const {
    return s_->secrets.epoch_authenticator.expose();
}

Bytes Group::export_secret(std::string_view label, ByteView context, std::uint16_t length) const {
    return mls_exporter(s_->secrets.exporter_secret, label, context, length).expose();
}

std::optional<SecretBytes> Group::resumption_psk(std::uint64_t epoch) const {
    auto it = s_->resumption_psks.find(epoch);
    if (it == s_->resumption_psks.end()) return std::nullopt;
    return it->second->clone();
}

void Group::add_external_psk(Bytes psk_id, SecretBytes psk) {
    s_->external_psks.insert_or_assign(std::move(psk_id), std::move(psk));
}

Bytes Group::group_info(bool with_tree) const {
    return wrap(MlsMessage{make_group_info(*s_, with_tree)});
}

// ---- Proposals ---------------------------------------------------------------------------

namespace {
// Our proposals pass the same per-proposal checks as a receiver's (check_single_proposal).
Bytes send_proposal(Group::State& s, Proposal p, ByteView aad,
                    std::optional<SecretBytes> update_private = std::nullopt) {
    check_single_proposal(s, p, Sender{SenderType::member, s.me().value});
    require_active(s);
    if (s.pending) fail(MlsErrc::invalid_state, "a commit is pending");
    AuthenticatedContent ac =
        sign_content(handshake_wire_format(s), frame(s, p, aad), s.ctx, *s.signature_private);
    Bytes ref = make_proposal_ref(encode(ac));
    const Sender sender = ac.content.sender;
    Bytes msg = wrap_content(s, std::move(ac));
    s.proposals.push_back(
        CachedProposal{std::move(ref), hash(msg), std::move(p), sender, std::move(update_private)});
    return msg;
}

PreSharedKeyId new_psk_id() {
    PreSharedKeyId id;
    id.psk_nonce = crypto::random_bytes(kNh);
    return id;
}
}  // namespace

Bytes Group::propose_add(const KeyPackage& key_package, ByteView aad) {
    return send_proposal(*s_, Proposal{Add{key_package}}, aad);
}

Bytes Group::propose_update(ByteView aad) {
    HpkeKeyPair kp = generate_hpke_key_pair();
    LeafNode leaf = member_leaf(s_->tree, s_->me());
    leaf.encryption_key = kp.public_key;
    leaf.source = LeafNodeSource::update;
    leaf.lifetime = {};
    leaf.parent_hash.clear();
    leaf.sign(*s_->signature_private, s_->ctx.group_id, s_->me());
    return send_proposal(*s_, Proposal{Update{leaf}}, aad, std::move(kp.private_key));
}

Bytes Group::propose_remove(LeafIndex removed, ByteView aad) {
    return send_proposal(*s_, Proposal{Remove{removed}}, aad);
}

Bytes Group::propose_external_psk(Bytes psk_id, ByteView aad) {
    if (s_->external_psks.count(psk_id) == 0) {
        fail(MlsErrc::invalid_proposal, "unknown external PSK");
    }
    PreSharedKeyId id = new_psk_id();
    id.type = PskType::external;
    id.psk_id = std::move(psk_id);
    return send_proposal(*s_, Proposal{PreSharedKey{id}}, aad);
}

Bytes Group::propose_resumption_psk(std::uint64_t epoch, ByteView aad) {
    if (s_->resumption_psks.count(epoch) == 0) {
        fail(MlsErrc::invalid_proposal, "resumption PSK of an epoch we do not keep");
    }
    PreSharedKeyId id = new_psk_id();
    id.type = PskType::resumption;
    id.usage = ResumptionPskUsage::application;
    id.psk_group_id = s_->ctx.group_id;
    id.psk_epoch = epoch;
    return send_proposal(*s_, Proposal{PreSharedKey{id}}, aad);
}

Bytes Group::propose_group_context_extensions(ExtensionList extensions, ByteView aad) {
    return send_proposal(*s_, Proposal{GroupContextExtensions{std::move(extensions)}}, aad);
}

// ---- Commit ------------------------------------------------------------------------------

Group::CommitOutput Group::commit(const CommitOptions& options) {
    State& s = *s_;
    require_active(s);
    if (s.pending) fail(MlsErrc::invalid_state, "a commit is already pending");
    const Sender self{SenderType::member, s.me().value};
    Commit c;
    std::vector<CommittedProposal> list;
    if (options.include_cached_proposals) {
        for (const auto& p : s.proposals) {
            // Our own Updates cannot be committed by us (the path replaces them).
            if (p.proposal.type() == proposal_type::update && p.sender == self) continue;
            c.proposals.push_back(ProposalOrRef{p.ref});
            list.push_back(CommittedProposal{p.proposal, p.sender, p.ref});
        }
    }
    for (const auto& p : options.by_value) {
        c.proposals.push_back(ProposalOrRef{p});
        list.push_back(CommittedProposal{p, self, {}});
    }
    auto next = s.clone_for_next_epoch();
    const Applied applied = apply_proposals(*next, s, list, self);
    std::optional<UpdatePathResult> path;
    if (applied.effect.path_required || options.force_path) {
        UpdatePathInput in;
        in.leaf_template = member_leaf(next->tree, next->me());
        in.signature_private_key = s.signature_private->view();
        in.provisional_context = provisional_context(*next);
        in.new_members = applied.added;
        path = create_update_path(next->tree, next->priv, in);
        c.path = path->path;
    }
    if (options.tamper_commit_for_testing) options.tamper_commit_for_testing(c);
    AuthenticatedContent ac =
        sign_content(handshake_wire_format(s), frame(s, c, options.authenticated_data), s.ctx,
                     *s.signature_private);
    const PskValues psks = resolve_psks(s, applied.effect.psks);
    const EpochStart keys =
        start_epoch(*next, s.interim_transcript_hash, s.secrets.init_secret, ac,
                    path ? path->commit_secret.view() : ByteView{}, psks.secret(),
                    /*verify_tag=*/false);

    CommitOutput out;
    if (options.corrupt_confirmation_tag_for_testing) (*ac.auth.confirmation_tag)[0] ^= 1;
    out.commit = wrap_content(s, std::move(ac));
    const GroupInfo gi_full = make_group_info(*next, true);
    out.group_info = wrap(MlsMessage{gi_full});
    if (!applied.added.empty()) {
        std::vector<WelcomeRecipient> recipients;
        for (const auto& [leaf, kp] : applied.effect.added) {
            recipients.push_back(WelcomeRecipient{
                &kp, path ? path->path_secret_for(next->tree, next->me(), leaf) : nullptr});
        }
        const GroupInfo gi =
            options.ratchet_tree_in_welcome ? gi_full : make_group_info(*next, false);
        out.welcome = wrap(MlsMessage{create_welcome(gi, keys.joiner_secret, keys.psk_secret,
                                                     applied.effect.psks, recipients)});
    }
    s.pending = std::move(next);
    return out;
}

bool Group::has_pending_commit() const {
    return s_->pending != nullptr;
}

void Group::merge_pending_commit() {
    if (!s_->pending) fail(MlsErrc::invalid_state, "no pending commit");
    std::unique_ptr<State> next = std::move(s_->pending);
    retire_epoch(*next, *s_);
    s_ = std::move(next);
}

void Group::discard_pending_commit() {
    s_->pending.reset();
}

// ---- Receiving ---------------------------------------------------------------------------

Group::HandleResult Group::handle(ByteView mls_message) {
    State& s = *s_;
    require_active(s);
    // Our own proposal coming back (e.g. from the delivery service): already cached.
    const Bytes message_hash = hash(mls_message);
    for (const auto& p : s.proposals) {
        if (!p.own_message_hash.empty() && p.own_message_hash == message_hash) {
            return HandleResult{Received::proposal, s.me(), false, false};
        }
    }
    const MlsMessage m = decode_exact<MlsMessage>(mls_message);
    // Nothing in `s` changes until the message is accepted (group.h): the ratchet key of
    // a PrivateMessage is consumed by accept(), just before the state moves on.
    std::optional<ReceivedKey> key;
    SecretTree* key_tree = nullptr;
    AuthenticatedContent ac = unwrap(s, m, &key, &key_tree);
    const auto accept = [&] {
        if (key) key->consume(*key_tree);
    };
    const FramedContent& content = ac.content;
    HandleResult result;
    result.sender = LeafIndex{content.sender.index};
    result.external_sender = content.sender.type != SenderType::member;
    if (content.content_type() == ContentType::application) {
        fail(MlsErrc::invalid_state, "application message passed to handle(); use unprotect()");
    }
    if (const auto* proposal = std::get_if<Proposal>(&content.body)) {
        check_single_proposal(s, *proposal, content.sender);
        Bytes ref = make_proposal_ref(encode(ac));
        for (const auto& p : s.proposals) {
            if (p.ref == ref) fail(MlsErrc::invalid_proposal, "duplicate proposal");
        }
        accept();
        s.proposals.push_back(
            CachedProposal{std::move(ref), {}, *proposal, content.sender, std::nullopt});
        result.kind = Received::proposal;
        return result;
    }
    result.kind = Received::commit;
    const Commit& c = std::get<Commit>(content.body);
    const bool external = content.sender.type == SenderType::new_member_commit;
    if (!external && result.sender == s.me()) {
        fail(MlsErrc::invalid_state, "our own commit: use merge_pending_commit()");
    }
    std::vector<CommittedProposal> cache;
    cache.reserve(s.proposals.size());
    for (const auto& p : s.proposals)
        cache.push_back(CommittedProposal{p.proposal, p.sender, p.ref});
    const std::vector<CommittedProposal> list =
        resolve_proposals(c, content.sender, [&](ByteView ref) -> const CommittedProposal* {
            for (const auto& p : cache) {
                if (std::equal(p.ref.begin(), p.ref.end(), ref.begin(), ref.end())) return &p;
            }
            return nullptr;
        });
    auto next = s.clone_for_next_epoch();
    Applied applied = apply_proposals(*next, s, list, content.sender);
    if (applied.effect.path_required && !c.path) {
        fail(MlsErrc::invalid_commit, "commit lacks a required path");
    }
    SecretBytes init_secret = s.secrets.init_secret.clone();
    LeafIndex committer = result.sender;
    if (external) {
        // §12.4.3.2: the joiner takes the leftmost free leaf; a resync must be the same
        // participant as the leaf it removes (§12.2: as if it were an Update of it).
        if (!applied.effect.external_init_kem_output) {
            fail(MlsErrc::invalid_commit, "external Commit without ExternalInit");
        }
        for (LeafIndex r : applied.effect.removed) {
            if (!(member_leaf(s.tree, r).credential == c.path->leaf_node.credential)) {
                fail(MlsErrc::invalid_commit, "resync removes a different participant");
            }
        }
        init_secret = external_init_receiver(s.secrets.external_secret,
                                             *applied.effect.external_init_kem_output);
        next->tree.check_new_leaf(c.path->leaf_node, std::nullopt);
        committer = next->tree.add_leaf(c.path->leaf_node);
        result.sender = committer;
    }
    SecretBytes commit_secret;
    if (c.path) {
        LeafNodeCheck lc;
        lc.expected_source = LeafNodeSource::commit;
        lc.group_id = next->ctx.group_id;
        lc.leaf_index = committer;
        lc.group_extensions = &next->ctx.extensions;
        lc.policy = &next->config.credential_policy;
        validate_leaf_node(c.path->leaf_node, lc);
        if (!external) next->tree.check_new_leaf(c.path->leaf_node, committer);
        merge_update_path(next->tree, committer, *c.path, applied.added);
    }
    if (applied.removed_self) {
        // Every check a removed member can make has passed: the sender's signature (and
        // membership tag or AEAD) and the commit's proposals, leaf and path structure. The
        // path secrets, and so the confirmation tag, are out of its reach (§12.4.2: the
        // removed leaf is blank in the tree the path is encrypted to). Only now does it
        // stop following the group; the state stays as it was, inactive.
        accept();
        s.active = false;
        s.pending.reset();
        result.removed_self = true;
        return result;
    }
    if (c.path) {
        GroupContext provisional = next->ctx;
        provisional.epoch += 1;
        provisional.tree_hash = next->tree.tree_hash();
        commit_secret = decrypt_update_path(next->tree, next->priv, committer, *c.path,
                                            applied.added, encode(provisional))
                            .commit_secret;
    }
    const PskValues psks = resolve_psks(s, applied.effect.psks);
    start_epoch(*next, s.interim_transcript_hash, init_secret, ac, commit_secret.view(),
                psks.secret(), /*verify_tag=*/true);
    accept();  // before retire_epoch moves the epoch's secret tree into the past
    retire_epoch(*next, s);
    s_ = std::move(next);
    return result;
}

Bytes Group::protect(ByteView application_data, ByteView aad) {
    State& s = *s_;
    require_active(s);
    AuthenticatedContent ac =
        sign_content(WireFormat::private_message,
                     frame(s, Bytes(application_data.begin(), application_data.end()), aad), s.ctx,
                     *s.signature_private);
    return wrap(
        MlsMessage{encrypt_private_message(ac, s.secret_tree, s.secrets.sender_data_secret)});
}

Group::Application Group::unprotect(ByteView mls_message) {
    State& s = *s_;
    require_active(s);
    const MlsMessage m = decode_exact<MlsMessage>(mls_message);
    const auto* pm = std::get_if<PrivateMessage>(&m.body);
    if (pm == nullptr) fail(MlsErrc::decode, "application data must come in a PrivateMessage");
    // Handshake messages go to handle(): refuse them before any key is touched.
    if (pm->content_type != ContentType::application) {
        fail(MlsErrc::invalid_state, "handshake message passed to unprotect(); use handle()");
    }
    AuthenticatedContent ac = unwrap(s, m);
    const LeafIndex sender{ac.content.sender.index};
    const RatchetTree* tree = &s.tree;
    if (ac.content.epoch != s.ctx.epoch) {
        for (const auto& p : s.past) {
            if (p.ctx.epoch == ac.content.epoch) tree = &p.tree;
        }
    }
    std::optional<LeafNode> leaf;
    if (const LeafNode* l = tree->leaf(sender)) leaf = *l;
    return Application{sender, std::move(std::get<Bytes>(ac.content.body)),
                       std::move(ac.content.authenticated_data), std::move(leaf)};
}

}  // namespace lagrum::mls
