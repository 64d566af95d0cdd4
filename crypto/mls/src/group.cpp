// The group state machine (RFC 9420 §§ 8, 11, 12). See group.h.
#include "lagrum/mls/group.h"

#include <algorithm>
#include <set>

#include "group_state.h"
#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/commit.h"
#include "lagrum/mls/extensions.h"
#include "lagrum/mls/tree_math.h"

namespace lagrum::mls {

namespace tm = tree_math;
using namespace group_detail;

namespace {

std::uint16_t suite_value(CipherSuite s) {
    return static_cast<std::uint16_t>(s);
}

const LeafNode& member_leaf(const RatchetTree& tree, LeafIndex leaf) {
    const LeafNode* ln = tree.leaf(leaf);
    if (ln == nullptr) fail(MlsErrc::not_member, "sender is not a member of the group");
    return *ln;
}

RatchetLimits limits_of(const GroupConfig& c) {
    return RatchetLimits{c.out_of_order_window, c.max_forward_ratchet};
}

// A proposal of a commit, resolved from a reference or carried by value.
struct Resolved {
    Proposal proposal;
    Sender sender;
    const SecretBytes* update_private = nullptr;  // our own Update, committed by someone
};

struct Applied {
    std::vector<LeafIndex> added;
    std::vector<const KeyPackage*> added_key_packages;
    std::vector<PreSharedKeyId> psks;  // in commit order
    bool removed_self = false;
    bool path_required = false;
};

bool same_psk(const PreSharedKeyId& a, const PreSharedKeyId& b) {
    // §12.2: the same PSK may not appear twice (the nonce does not make it different).
    if (a.type != b.type) return false;
    if (a.type == PskType::external) return a.psk_id == b.psk_id;
    return a.usage == b.usage && a.psk_group_id == b.psk_group_id && a.psk_epoch == b.psk_epoch;
}

void check_psk_id(const PreSharedKeyId& id) {
    if (id.psk_nonce.size() != kNh) fail(MlsErrc::invalid_proposal, "psk_nonce must be Nh bytes");
    if (id.type == PskType::resumption && id.usage != ResumptionPskUsage::application) {
        fail(MlsErrc::invalid_proposal, "resumption PSK usage must be application in a commit");
    }
}

void check_update_leaf(const Group::State& s, const LeafNode& leaf, LeafIndex sender,
                       const ExtensionList& extensions) {
    LeafNodeCheck lc;
    lc.expected_source = LeafNodeSource::update;
    lc.group_id = s.ctx.group_id;
    lc.leaf_index = sender;
    lc.group_extensions = &extensions;
    lc.policy = &s.config.credential_policy;
    validate_leaf_node(leaf, lc);
}

void check_key_package(const Group::State& s, const KeyPackage& kp,
                       const ExtensionList& extensions) {
    KeyPackageCheck kc;
    kc.now = s.config.now;
    kc.group_extensions = &extensions;
    kc.policy = &s.config.credential_policy;
    validate_key_package(kp, kc);
}

// §12.1.7: every member must support every extension of the new GroupContext.
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

// Checks a single proposal as received (§12.1 per-type rules that need no list context).
void check_single_proposal(const Group::State& s, const Proposal& p, const Sender& sender) {
    if (sender.type != SenderType::member) {
        fail(MlsErrc::unsupported, "proposals from non-members are not supported");
    }
    switch (p.type()) {
        case proposal_type::add:
            check_key_package(s, std::get<Add>(p.body).key_package, s.ctx.extensions);
            break;
        case proposal_type::update: {
            const LeafIndex from{sender.index};
            check_update_leaf(s, std::get<Update>(p.body).leaf_node, from, s.ctx.extensions);
            s.tree.check_new_leaf(std::get<Update>(p.body).leaf_node, from);
            break;
        }
        case proposal_type::remove: {
            const LeafIndex r = std::get<Remove>(p.body).removed;
            if (s.tree.leaf(r) == nullptr)
                fail(MlsErrc::invalid_proposal, "Remove of a blank leaf");
            break;
        }
        case proposal_type::psk:
            check_psk_id(std::get<PreSharedKey>(p.body).psk);
            break;
        case proposal_type::group_context_extensions:
            check_group_extensions(s.tree, std::get<GroupContextExtensions>(p.body).extensions);
            break;
        case proposal_type::reinit:
            fail(MlsErrc::unsupported, "ReInit is not supported");
        case proposal_type::external_init:
            fail(MlsErrc::invalid_proposal, "ExternalInit outside an external commit");
        default:
            fail(MlsErrc::unsupported, "unknown proposal type");
    }
}

// Removes private keys whose node changed or disappeared.
void prune_node_keys(Group::State& s) {
    for (auto it = s.node_keys.begin(); it != s.node_keys.end();) {
        const NodeIndex n{it->first};
        bool keep = n.value < s.tree.width() && !s.tree.is_blank(n) &&
                    s.tree.node(n)->encryption_key() == it->second.public_key;
        it = keep ? std::next(it) : s.node_keys.erase(it);
    }
}

// §12.2 validation of the whole list, then §12.3 application in the prescribed order
// (GroupContextExtensions, Update, Remove, Add) to `next`.
Applied apply_proposals(Group::State& next, const std::vector<Resolved>& list,
                        LeafIndex committer) {
    Applied out;
    const GroupContextExtensions* gce = nullptr;
    std::set<std::uint32_t> updated, removed;
    std::vector<const Resolved*> updates, removes, adds;
    bool only_add_psk = true;
    for (const Resolved& r : list) {
        const std::uint16_t t = r.proposal.type();
        if (t != proposal_type::add && t != proposal_type::psk) only_add_psk = false;
        if (r.sender.type != SenderType::member) {
            fail(MlsErrc::unsupported, "proposals from non-members are not supported");
        }
        switch (t) {
            case proposal_type::add:
                adds.push_back(&r);
                break;
            case proposal_type::update: {
                const LeafIndex from{r.sender.index};
                if (from == committer) fail(MlsErrc::invalid_proposal, "committer's own Update");
                if (!updated.insert(from.value).second) {
                    fail(MlsErrc::invalid_proposal, "two Updates for one leaf");
                }
                updates.push_back(&r);
                break;
            }
            case proposal_type::remove: {
                const LeafIndex idx = std::get<Remove>(r.proposal.body).removed;
                if (idx == committer) fail(MlsErrc::invalid_proposal, "committer removes itself");
                if (next.tree.leaf(idx) == nullptr) {
                    fail(MlsErrc::invalid_proposal, "Remove of a blank leaf");
                }
                if (!removed.insert(idx.value).second) {
                    fail(MlsErrc::invalid_proposal, "two Removes for one leaf");
                }
                removes.push_back(&r);
                break;
            }
            case proposal_type::psk: {
                const auto& id = std::get<PreSharedKey>(r.proposal.body).psk;
                check_psk_id(id);
                for (const auto& prev : out.psks) {
                    if (same_psk(prev, id)) fail(MlsErrc::invalid_proposal, "duplicate PSK");
                }
                out.psks.push_back(id);
                break;
            }
            case proposal_type::group_context_extensions:
                if (gce != nullptr) fail(MlsErrc::invalid_proposal, "two GroupContextExtensions");
                gce = &std::get<GroupContextExtensions>(r.proposal.body);
                break;
            case proposal_type::reinit:
                fail(MlsErrc::unsupported, "ReInit is not supported");
            case proposal_type::external_init:
                fail(MlsErrc::invalid_proposal, "ExternalInit in a member commit");
            default:
                fail(MlsErrc::unsupported, "unknown proposal type");
        }
    }
    for (auto u : updated) {
        if (removed.count(u) != 0) fail(MlsErrc::invalid_proposal, "Update and Remove of one leaf");
    }
    out.path_required = list.empty() || !only_add_psk;

    // GroupContextExtensions first: later checks use the new extensions.
    if (gce != nullptr) {
        check_group_extensions(next.tree, gce->extensions);
        next.ctx.extensions = gce->extensions;
    }
    for (const Resolved* r : updates) {
        const LeafIndex from{r->sender.index};
        const LeafNode& ln = std::get<Update>(r->proposal.body).leaf_node;
        member_leaf(next.tree, from);
        check_update_leaf(next, ln, from, next.ctx.extensions);
        next.tree.check_new_leaf(ln, from);
        next.tree.update_leaf(from, ln);
        if (from == next.me) {
            if (r->update_private == nullptr) {
                fail(MlsErrc::invalid_proposal, "Update for our leaf that we did not send");
            }
            next.node_keys[tm::leaf_to_node(from).value] =
                NodeKey{r->update_private->clone(), ln.encryption_key};
        }
    }
    for (const Resolved* r : removes) {
        const LeafIndex idx = std::get<Remove>(r->proposal.body).removed;
        if (idx == next.me) out.removed_self = true;
        next.tree.remove_leaf(idx);
    }
    for (const Resolved* r : adds) {
        const KeyPackage& kp = std::get<Add>(r->proposal.body).key_package;
        check_key_package(next, kp, next.ctx.extensions);
        next.tree.check_new_leaf(kp.leaf_node, std::nullopt);
        out.added.push_back(next.tree.add_leaf(kp.leaf_node));
        out.added_key_packages.push_back(&kp);
    }
    prune_node_keys(next);
    return out;
}

bool contains_leaf(const std::vector<LeafIndex>& v, NodeIndex n) {
    if (!tm::is_leaf(n)) return false;
    return std::find(v.begin(), v.end(), tm::node_to_leaf(n)) != v.end();
}

std::vector<NodeIndex> resolution_excluding(const RatchetTree& tree, NodeIndex n,
                                            const std::vector<LeafIndex>& excluded) {
    std::vector<NodeIndex> out;
    for (auto x : tree.resolution(n)) {
        if (!contains_leaf(excluded, x)) out.push_back(x);
    }
    return out;
}

Bytes provisional_context(const Group::State& next) {
    GroupContext c = next.ctx;
    c.epoch += 1;
    c.tree_hash = next.tree.tree_hash();
    return encode(c);
}

// The committer's side of §7.5/§12.4.2: new leaf key, path secrets, UpdatePath.
struct PathOutput {
    UpdatePath path;
    SecretBytes commit_secret;
    std::map<std::uint32_t, SecretBytes> path_secrets;  // node -> path secret
};

PathOutput create_path(Group::State& next, const std::vector<LeafIndex>& added) {
    PathOutput out;
    const auto steps = next.tree.filtered_direct_path(next.me);
    HpkeKeyPair leaf_kp = generate_hpke_key_pair();
    SecretBytes ps = crypto::random_secret(kNh);
    next.tree.blank_path(next.me);
    for (auto it = next.node_keys.begin(); it != next.node_keys.end();) {
        it = tm::is_leaf(NodeIndex{it->first}) ? std::next(it) : next.node_keys.erase(it);
    }
    for (const auto& step : steps) {
        HpkeKeyPair kp = derive_hpke_key_pair(derive_secret(ps, "node"));
        ParentNode pn;
        pn.encryption_key = kp.public_key;
        next.tree.set_node(step.node, Node{pn});
        out.path_secrets.emplace(step.node.value, ps.clone());
        next.node_keys[step.node.value] = NodeKey{std::move(kp.private_key), kp.public_key};
        ps = derive_secret(ps, "path");
    }
    out.commit_secret = std::move(ps);
    const Bytes parent_hash = next.tree.apply_parent_hashes(next.me);
    LeafNode leaf = member_leaf(next.tree, next.me);
    leaf.encryption_key = leaf_kp.public_key;
    leaf.source = LeafNodeSource::commit;
    leaf.lifetime = {};
    leaf.parent_hash = parent_hash;
    leaf.sign(*next.signature_private, next.ctx.group_id, next.me);
    next.tree.set_leaf(next.me, leaf);
    next.node_keys[tm::leaf_to_node(next.me).value] =
        NodeKey{std::move(leaf_kp.private_key), leaf_kp.public_key};

    const Bytes ctx = provisional_context(next);
    out.path.leaf_node = leaf;
    for (const auto& step : steps) {
        UpdatePathNode upn;
        upn.encryption_key = next.tree.node(step.node)->encryption_key();
        const SecretBytes& secret = out.path_secrets.at(step.node.value);
        for (auto r : resolution_excluding(next.tree, step.copath_child, added)) {
            upn.encrypted_path_secret.push_back(encrypt_with_label(
                next.tree.node(r)->encryption_key(), "UpdatePathNode", ctx, secret));
        }
        out.path.nodes.push_back(std::move(upn));
    }
    return out;
}

// Derives node keys upward from `ps` assigned to steps[first], checking each public key
// against the tree (§12.4.2 "verify that the derived public keys match"). Returns the
// commit secret.
SecretBytes absorb_path_secret(Group::State& s, const std::vector<RatchetTree::PathStep>& steps,
                               std::size_t first, SecretBytes ps) {
    StackSecret<kNh> cur;  // path secrets stay on the stack (see StackSecret)
    std::copy(ps.view().begin(), ps.view().end(), cur.data());
    for (std::size_t k = first; k < steps.size(); ++k) {
        StackSecret<kNh> node;
        expand_label_into(cur.view(), "node", {}, node.span());
        HpkeKeyPair kp = derive_hpke_key_pair(node.view());
        if (kp.public_key != s.tree.node(steps[k].node)->encryption_key()) {
            fail(MlsErrc::invalid_path, "derived path key does not match the UpdatePath");
        }
        s.node_keys[steps[k].node.value] = NodeKey{std::move(kp.private_key), kp.public_key};
        StackSecret<kNh> next;
        expand_label_into(cur.view(), "path", {}, next.span());
        std::copy(next.view().begin(), next.view().end(), cur.data());
    }
    return SecretBytes::copy_of(cur.view());
}

// The receiver's side of §12.4.2 for an UpdatePath from `sender`.
SecretBytes apply_path(Group::State& next, const UpdatePath& path, LeafIndex sender,
                       const std::vector<LeafIndex>& added) {
    LeafNodeCheck lc;
    lc.expected_source = LeafNodeSource::commit;
    lc.group_id = next.ctx.group_id;
    lc.leaf_index = sender;
    lc.group_extensions = &next.ctx.extensions;
    lc.policy = &next.config.credential_policy;
    validate_leaf_node(path.leaf_node, lc);
    next.tree.check_new_leaf(path.leaf_node, sender);

    const auto steps = next.tree.filtered_direct_path(sender);
    if (path.nodes.size() != steps.size()) {
        fail(MlsErrc::invalid_path, "UpdatePath length differs from the filtered direct path");
    }
    std::set<Bytes> keys;
    for (const auto& n : path.nodes) {
        if (n.encryption_key.size() != kHpkePublicKeySize ||
            !keys.insert(n.encryption_key).second) {
            fail(MlsErrc::invalid_path, "bad or repeated UpdatePath node key");
        }
    }
    next.tree.blank_path(sender);
    next.tree.set_leaf(sender, path.leaf_node);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        ParentNode pn;
        pn.encryption_key = path.nodes[i].encryption_key;
        next.tree.set_node(steps[i].node, Node{pn});
    }
    const Bytes parent_hash = next.tree.apply_parent_hashes(sender);
    if (parent_hash != path.leaf_node.parent_hash) {
        fail(MlsErrc::invalid_path, "parent hash mismatch in UpdatePath");
    }
    prune_node_keys(next);

    const Bytes ctx = provisional_context(next);
    const NodeIndex mine = tm::leaf_to_node(next.me);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (!tm::is_in_subtree(steps[i].copath_child, mine)) continue;
        const auto res = resolution_excluding(next.tree, steps[i].copath_child, added);
        const auto& cts = path.nodes[i].encrypted_path_secret;
        if (cts.size() != res.size()) {
            fail(MlsErrc::invalid_path, "UpdatePath ciphertext count differs from resolution");
        }
        for (std::size_t j = 0; j < res.size(); ++j) {
            auto key = next.node_keys.find(res[j].value);
            if (key == next.node_keys.end()) continue;
            SecretBytes ps = decrypt_with_label(*key->second.private_key, "UpdatePathNode", ctx,
                                                cts[j].kem_output, cts[j].ciphertext);
            return absorb_path_secret(next, steps, i, std::move(ps));
        }
        fail(MlsErrc::invalid_state, "no private key for the UpdatePath resolution");
    }
    fail(MlsErrc::invalid_path, "UpdatePath does not cover our leaf");
}

// Resolves PSK ids to their values (external store, or our own resumption PSKs).
std::vector<std::pair<PreSharedKeyId, SecretBytes>> resolve_psks(
    const Group::State& s, const std::vector<PreSharedKeyId>& ids) {
    std::vector<std::pair<PreSharedKeyId, SecretBytes>> out;
    for (const auto& id : ids) {
        if (id.type == PskType::external) {
            auto it = s.external_psks.find(id.psk_id);
            if (it == s.external_psks.end())
                fail(MlsErrc::invalid_proposal, "unknown external PSK");
            out.emplace_back(id, it->second.clone());
        } else {
            if (id.psk_group_id != s.ctx.group_id) {
                fail(MlsErrc::unsupported, "resumption PSK of another group");
            }
            auto it = s.resumption_psks.find(id.psk_epoch);
            if (it == s.resumption_psks.end()) {
                fail(MlsErrc::invalid_proposal, "resumption PSK of an epoch we do not keep");
            }
            out.emplace_back(id, it->second->clone());
        }
    }
    return out;
}

void remember_resumption(Group::State& s) {
    s.resumption_psks[s.ctx.epoch] = share(SecretBytes::copy_of(s.secrets.resumption_psk()));
    while (s.resumption_psks.size() > std::max<std::uint32_t>(1, s.config.resumption_psk_epochs)) {
        s.resumption_psks.erase(s.resumption_psks.begin());
    }
}

// Key schedule and transcript of the new epoch (§8, §8.2). `next` holds the new tree
// and extensions and still the old epoch number, interim hash and init secret (in
// `old`). Returns the joiner and welcome secrets for Welcome creation.
struct EpochKeys {
    SecretBytes joiner_secret;
    SecretBytes welcome_secret;
};
EpochKeys start_epoch(Group::State& next, const Group::State& old, AuthenticatedContent& ac,
                      ByteView commit_secret, const std::vector<PreSharedKeyId>& psk_ids,
                      bool verify_tag) {
    const SecretBytes psk_secret = compute_psk_secret(resolve_psks(old, psk_ids));
    next.ctx.epoch = old.ctx.epoch + 1;
    next.ctx.tree_hash = next.tree.tree_hash();
    next.ctx.confirmed_transcript_hash = next_confirmed_transcript_hash(
        old.interim_transcript_hash, ac.confirmed_transcript_input());
    const Bytes ctx = encode(next.ctx);
    EpochKeys keys;
    keys.joiner_secret = derive_joiner_secret(old.secrets.init_secret(), commit_secret, ctx);
    JoinerDerived jd = derive_from_joiner(keys.joiner_secret, psk_secret, ctx);
    keys.welcome_secret = std::move(jd.welcome_secret);
    next.secrets = derive_epoch_secrets(jd.epoch_secret);
    if (verify_tag) {
        if (!verify_mac(next.secrets.confirmation_key(), next.ctx.confirmed_transcript_hash,
                        ac.confirmation_tag)) {
            fail(MlsErrc::invalid_commit, "confirmation tag does not verify");
        }
    } else {
        ac.confirmation_tag =
            mac(next.secrets.confirmation_key(), next.ctx.confirmed_transcript_hash);
    }
    next.confirmation_tag = ac.confirmation_tag;
    next.interim_transcript_hash =
        next_interim_transcript_hash(next.ctx.confirmed_transcript_hash, ac.confirmation_tag);
    next.secret_tree = SecretTree(next.secrets.encryption(), next.tree.n_leaves());
    next.proposals.clear();
    next.pending.reset();
    remember_resumption(next);
    return keys;
}

// Moves the epoch that `old` ends into next.past (bounded).
void retire_epoch(Group::State& next, Group::State& old) {
    next.past = std::move(old.past);
    if (next.config.past_epochs == 0) {
        next.past.clear();
        return;
    }
    next.past.push_back(PastEpoch{old.ctx, std::move(old.tree), std::move(old.secrets),
                                  std::move(old.secret_tree)});
    while (next.past.size() > next.config.past_epochs) next.past.erase(next.past.begin());
}

GroupInfo make_group_info(const Group::State& s, bool with_tree) {
    GroupInfo gi;
    gi.group_context = s.ctx;
    if (with_tree) gi.extensions.push_back(Extension{extension_type::ratchet_tree, encode(s.tree)});
    gi.extensions.push_back(
        make_extension(ExternalPub{derive_hpke_key_pair(s.secrets.external()).public_key}));
    gi.confirmation_tag = s.confirmation_tag;
    gi.signer = s.me;
    gi.sign(*s.signature_private);
    return gi;
}

// ---- Private messages (§6.3) ----------------------------------------------------------

Bytes sender_data_aad(const Bytes& group_id, std::uint64_t epoch, ContentType ct) {
    Writer w;
    w.opaque(group_id);
    w.u64(epoch);
    w.u8(static_cast<std::uint8_t>(ct));
    return w.take();
}

Bytes content_aad(const Bytes& group_id, std::uint64_t epoch, ContentType ct, ByteView aad) {
    Writer w;
    w.opaque(group_id);
    w.u64(epoch);
    w.u8(static_cast<std::uint8_t>(ct));
    w.opaque(aad);
    return w.take();
}

struct SenderDataKey {
    StackSecret<kNk> key;
    StackSecret<kNn> nonce;
};
void sender_data_key(ByteView sender_data_secret, ByteView ciphertext, SenderDataKey& out) {
    const ByteView sample = ciphertext.subspan(0, std::min<std::size_t>(kNh, ciphertext.size()));
    expand_label_into(sender_data_secret, "key", sample, out.key.span());
    expand_label_into(sender_data_secret, "nonce", sample, out.nonce.span());
}

Bytes encrypt_private(Group::State& s, const AuthenticatedContent& ac) {
    const FramedContent& c = ac.content;
    Writer pt;  // PrivateMessageContent, no padding
    c.encode_body(pt);
    ac.encode_auth(pt);
    const bool handshake = c.content_type != ContentType::application;
    KeyNonce kn;
    s.secret_tree.next(s.me, handshake, kn);
    Bytes guard = crypto::random_bytes(4);
    std::uint8_t* nonce = kn.nonce.data();
    for (int i = 0; i < 4; ++i) nonce[i] ^= guard[i];
    PrivateMessage pm;
    pm.group_id = c.group_id;
    pm.epoch = c.epoch;
    pm.content_type = c.content_type;
    pm.authenticated_data = c.authenticated_data;
    auto sealed = crypto::ChaCha20Poly1305::seal(
        kn.key.view(), kn.nonce.view(),
        content_aad(pm.group_id, pm.epoch, pm.content_type, pm.authenticated_data), pt.bytes());
    if (!sealed) fail(MlsErrc::crypto, "AEAD seal failed");
    pm.ciphertext = std::move(sealed.value());
    Writer sd;  // SenderData
    sd.u32(s.me.value);
    sd.u32(kn.generation);
    sd.raw(guard);
    SenderDataKey sk;
    sender_data_key(s.secrets.sender_data(), pm.ciphertext, sk);
    auto esd = crypto::ChaCha20Poly1305::seal(
        sk.key.view(), sk.nonce.view(), sender_data_aad(pm.group_id, pm.epoch, pm.content_type),
        sd.bytes());
    if (!esd) fail(MlsErrc::crypto, "AEAD seal failed");
    pm.encrypted_sender_data = std::move(esd.value());
    return MlsMessage::wrap(WireFormat::private_message, encode(pm));
}

AuthenticatedContent decrypt_private(Group::State& s, ByteView body) {
    const PrivateMessage pm = decode_exact<PrivateMessage>(body);
    if (pm.group_id != s.ctx.group_id) fail(MlsErrc::wrong_group, "message for another group");
    // The epoch whose keys apply: the current one, or (application data only) a kept
    // past epoch.
    const GroupContext* ctx = &s.ctx;
    const RatchetTree* tree = &s.tree;
    const EpochSecrets* secrets = &s.secrets;
    SecretTree* secret_tree = &s.secret_tree;
    if (pm.epoch != s.ctx.epoch) {
        auto it = std::find_if(s.past.begin(), s.past.end(),
                               [&](const PastEpoch& p) { return p.ctx.epoch == pm.epoch; });
        if (it == s.past.end() || pm.content_type != ContentType::application) {
            fail(MlsErrc::wrong_epoch, "message for another epoch");
        }
        ctx = &it->ctx;
        tree = &it->tree;
        secrets = &it->secrets;
        secret_tree = &it->secret_tree;
    }
    SenderDataKey sk;
    sender_data_key(secrets->sender_data(), pm.ciphertext, sk);
    auto sd_plain = crypto::ChaCha20Poly1305::open(
        sk.key.view(), sk.nonce.view(), sender_data_aad(pm.group_id, pm.epoch, pm.content_type),
        pm.encrypted_sender_data);
    if (!sd_plain) fail(MlsErrc::decryption_failed, "sender data does not decrypt");
    Reader sdr(sd_plain.value());
    const LeafIndex sender{sdr.u32()};
    const std::uint32_t generation = sdr.u32();
    const ByteView guard = sdr.raw(4);
    sdr.finish();
    const LeafNode& sender_leaf = member_leaf(*tree, sender);
    if (sender == s.me) fail(MlsErrc::generation_too_old, "our own message");
    const bool handshake = pm.content_type != ContentType::application;
    KeyNonce kn;
    secret_tree->peek(sender, handshake, generation, limits_of(s.config), kn);
    std::uint8_t* nonce = kn.nonce.data();
    for (int i = 0; i < 4; ++i) nonce[i] ^= guard[i];
    auto plain = crypto::ChaCha20Poly1305::open(
        kn.key.view(), kn.nonce.view(),
        content_aad(pm.group_id, pm.epoch, pm.content_type, pm.authenticated_data), pm.ciphertext);
    if (!plain) fail(MlsErrc::decryption_failed, "PrivateMessage does not decrypt");
    AuthenticatedContent ac;
    ac.wire_format = WireFormat::private_message;
    ac.content.group_id = pm.group_id;
    ac.content.epoch = pm.epoch;
    ac.content.sender = Sender{SenderType::member, sender.value};
    ac.content.authenticated_data = pm.authenticated_data;
    ac.content.content_type = pm.content_type;
    Reader r(plain.value());
    ac.content.decode_body(r);
    ac.decode_auth(r);
    while (!r.empty()) {
        if (r.u8() != 0) fail(MlsErrc::decode, "non-zero padding in PrivateMessage");
    }
    crypto::wipe(plain.value());
    if (!ac.verify(sender_leaf.signature_key, ctx)) {
        fail(MlsErrc::bad_signature, "PrivateMessage signature does not verify");
    }
    secret_tree->consume(sender, handshake, generation);  // replay protection
    return ac;
}

// Parses, authenticates and (for PrivateMessage) decrypts an incoming message.
AuthenticatedContent unwrap(Group::State& s, ByteView message) {
    if (!s.active) fail(MlsErrc::invalid_state, "we are no longer a member of this group");
    const MlsMessage m = MlsMessage::parse(message);
    if (m.wire_format == WireFormat::private_message) return decrypt_private(s, m.body);
    if (m.wire_format != WireFormat::public_message) {
        fail(MlsErrc::decode, "not a PublicMessage or PrivateMessage");
    }
    PublicMessage pm = decode_exact<PublicMessage>(m.body);
    const FramedContent& c = pm.ac.content;
    if (c.group_id != s.ctx.group_id) fail(MlsErrc::wrong_group, "message for another group");
    if (c.epoch != s.ctx.epoch) fail(MlsErrc::wrong_epoch, "message for another epoch");
    if (c.sender.type != SenderType::member) {
        fail(MlsErrc::unsupported, "only member senders are supported");
    }
    const LeafNode& sender_leaf = member_leaf(s.tree, LeafIndex{c.sender.index});
    if (!verify_mac(s.secrets.membership_key(), pm.membership_input(s.ctx), pm.membership_tag)) {
        fail(MlsErrc::bad_membership_tag, "membership tag does not verify");
    }
    if (!pm.ac.verify(sender_leaf.signature_key, &s.ctx)) {
        fail(MlsErrc::bad_signature, "PublicMessage signature does not verify");
    }
    return std::move(pm.ac);
}

// Frames, signs and wraps a handshake message of ours (PublicMessage or PrivateMessage).
AuthenticatedContent frame(const Group::State& s, ContentType type, ByteView aad) {
    AuthenticatedContent ac;
    ac.wire_format =
        s.config.encrypt_handshake ? WireFormat::private_message : WireFormat::public_message;
    ac.content.group_id = s.ctx.group_id;
    ac.content.epoch = s.ctx.epoch;
    ac.content.sender = Sender{SenderType::member, s.me.value};
    ac.content.authenticated_data = to_bytes(aad);
    ac.content.content_type = type;
    return ac;
}

Bytes wrap_handshake(Group::State& s, const AuthenticatedContent& ac) {
    if (ac.wire_format == WireFormat::private_message) return encrypt_private(s, ac);
    PublicMessage pm;
    pm.ac = ac;
    pm.membership_tag = mac(s.secrets.membership_key(), pm.membership_input(s.ctx));
    return MlsMessage::wrap(WireFormat::public_message, encode(pm));
}

}  // namespace

// ---- CachedProposal / State ---------------------------------------------------------

namespace group_detail {
CachedProposal CachedProposal::clone() const {
    CachedProposal c{ref, own_message_hash, proposal, sender, std::nullopt};
    if (update_private) c.update_private = update_private->clone();
    return c;
}
}  // namespace group_detail

std::unique_ptr<Group::State> Group::State::clone(bool for_next_epoch) const {
    auto c = std::make_unique<State>();
    c->config = config;
    c->ctx = ctx;
    c->tree = tree;
    c->me = me;
    c->signature_private = signature_private;
    for (const auto& [k, v] : node_keys)
        c->node_keys.emplace(k, NodeKey{v.private_key, v.public_key});
    c->interim_transcript_hash = interim_transcript_hash;
    c->confirmation_tag = confirmation_tag;
    // The next epoch derives its own secrets, secret tree and proposal cache.
    if (!for_next_epoch) {
        c->secrets = secrets.clone();
        c->secret_tree = secret_tree.clone();
        for (const auto& p : proposals) c->proposals.push_back(p.clone());
    }
    c->resumption_psks = resumption_psks;
    for (const auto& [k, v] : external_psks) c->external_psks.emplace(k, v.clone());
    if (!for_next_epoch) {
        for (const auto& p : past) c->past.push_back(p.clone());
    }
    c->active = active;
    return c;
}

// ---- Key packages ----------------------------------------------------------------------

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

// ---- Group: creation and joining -------------------------------------------------------

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
    s->me = LeafIndex{0};
    s->node_keys[0] = NodeKey{std::move(enc.private_key), enc.public_key};
    s->ctx.group_id = std::move(group_id);
    s->ctx.epoch = 0;
    s->ctx.tree_hash = s->tree.tree_hash();
    s->ctx.extensions = std::move(group_extensions);
    check_group_extensions(s->tree, s->ctx.extensions);
    const SecretBytes epoch_secret = crypto::random_secret(kNh);
    s->secrets = derive_epoch_secrets(epoch_secret);
    s->confirmation_tag = mac(s->secrets.confirmation_key(), {});
    s->interim_transcript_hash = next_interim_transcript_hash({}, s->confirmation_tag);
    s->secret_tree = SecretTree(s->secrets.encryption(), s->tree.n_leaves());
    remember_resumption(*s);
    return Group(std::move(s));
}

Group Group::join(const Welcome& welcome, const KeyPackageBundle& kpb, GroupConfig config,
                  const RatchetTree* external_tree, const ExternalPsks& psks) {
    if (suite_value(welcome.cipher_suite) != kSuite3) {
        fail(MlsErrc::unsupported, "Welcome for another cipher suite");
    }
    const EncryptedGroupSecrets* egs = welcome.find(kpb.key_package.ref());
    if (egs == nullptr)
        fail(MlsErrc::invalid_state, "the Welcome is not addressed to our KeyPackage");
    const GroupSecrets gs = decrypt_group_secrets(kpb.init_private, welcome.encrypted_group_info,
                                                  egs->encrypted_group_secrets);
    auto s = std::make_unique<State>();
    s->config = std::move(config);
    for (const auto& [k, v] : psks) s->external_psks.emplace(k, v.clone());
    std::vector<std::pair<PreSharedKeyId, SecretBytes>> psk_values;
    for (const auto& id : gs.psks) {
        if (id.type != PskType::external) {
            fail(MlsErrc::unsupported, "resumption PSK in a Welcome is not supported");
        }
        auto it = s->external_psks.find(id.psk_id);
        if (it == s->external_psks.end()) fail(MlsErrc::invalid_proposal, "unknown external PSK");
        psk_values.emplace_back(id, it->second.clone());
    }
    const SecretBytes psk_secret = compute_psk_secret(psk_values);
    const SecretBytes welcome_secret =
        derive_secret(kdf_extract(gs.joiner_secret, psk_secret), "welcome");
    GroupInfo gi = decrypt_group_info(welcome_secret, welcome.encrypted_group_info);
    if (suite_value(gi.group_context.cipher_suite) != kSuite3) {
        fail(MlsErrc::unsupported, "GroupInfo for another cipher suite");
    }
    if (const Extension* e = find_extension(gi.extensions, extension_type::ratchet_tree)) {
        s->tree = decode_exact<RatchetTree>(e->data);
    } else if (external_tree != nullptr) {
        s->tree = *external_tree;
    } else {
        fail(MlsErrc::invalid_tree, "no ratchet tree in the Welcome and none supplied");
    }
    if (s->tree.tree_hash() != gi.group_context.tree_hash) {
        fail(MlsErrc::invalid_tree, "ratchet tree does not match the GroupContext tree hash");
    }
    const LeafNode* signer = s->tree.leaf(gi.signer);
    if (signer == nullptr) fail(MlsErrc::not_member, "GroupInfo signer is not a member");
    if (!gi.verify_signature(signer->signature_key)) {
        fail(MlsErrc::bad_signature, "GroupInfo signature does not verify");
    }
    TreeCheck tc;
    tc.group_id = gi.group_context.group_id;
    tc.group_extensions = &gi.group_context.extensions;
    tc.policy = &s->config.credential_policy;
    s->tree.validate(tc);
    // Our own leaf: the one that is exactly our KeyPackage's LeafNode.
    bool found = false;
    for (auto m : s->tree.members()) {
        if (*s->tree.leaf(m) == kpb.key_package.leaf_node) {
            s->me = m;
            found = true;
            break;
        }
    }
    if (!found) fail(MlsErrc::invalid_tree, "our leaf is not in the ratchet tree");
    s->ctx = gi.group_context;
    s->signature_private = share(kpb.signature_private.clone());
    s->node_keys[tm::leaf_to_node(s->me).value] =
        NodeKey{kpb.encryption_private.clone(), kpb.key_package.leaf_node.encryption_key};
    if (gs.path_secret) {
        const NodeIndex ancestor = tm::common_ancestor(
            tm::leaf_to_node(s->me), tm::leaf_to_node(gi.signer), s->tree.n_leaves());
        const auto steps = s->tree.filtered_direct_path(gi.signer);
        std::size_t first = steps.size();
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (steps[i].node == ancestor) first = i;
        }
        if (first == steps.size()) fail(MlsErrc::invalid_path, "path secret for no path node");
        absorb_path_secret(*s, steps, first, gs.path_secret->clone());
    }
    const Bytes ctx = encode(s->ctx);
    const JoinerDerived jd = derive_from_joiner(gs.joiner_secret, psk_secret, ctx);
    s->secrets = derive_epoch_secrets(jd.epoch_secret);
    if (!verify_mac(s->secrets.confirmation_key(), s->ctx.confirmed_transcript_hash,
                    gi.confirmation_tag)) {
        fail(MlsErrc::invalid_commit, "GroupInfo confirmation tag does not verify");
    }
    s->confirmation_tag = gi.confirmation_tag;
    s->interim_transcript_hash =
        next_interim_transcript_hash(s->ctx.confirmed_transcript_hash, gi.confirmation_tag);
    s->secret_tree = SecretTree(s->secrets.encryption(), s->tree.n_leaves());
    remember_resumption(*s);
    return Group(std::move(s));
}

Group Group::join_from_message(ByteView mls_message, const KeyPackageBundle& kpb,
                               GroupConfig config, const RatchetTree* external_tree,
                               const ExternalPsks& psks) {
    const MlsMessage m = MlsMessage::parse(mls_message);
    if (m.wire_format != WireFormat::welcome) fail(MlsErrc::decode, "not a Welcome message");
    return join(decode_exact<Welcome>(m.body), kpb, std::move(config), external_tree, psks);
}

// ---- Accessors -------------------------------------------------------------------------

const Bytes& Group::group_id() const {
    return s_->ctx.group_id;
}
std::uint64_t Group::epoch() const {
    return s_->ctx.epoch;
}
LeafIndex Group::own_leaf() const {
    return s_->me;
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
    return to_bytes(s_->secrets.epoch_authenticator());
}

Bytes Group::export_secret(std::string_view label, ByteView context, std::uint16_t length) const {
    return mls_exporter(s_->secrets.exporter(), label, context, length);
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
    return MlsMessage::wrap(WireFormat::group_info, encode(make_group_info(*s_, with_tree)));
}

// ---- Proposals -------------------------------------------------------------------------

namespace {
Bytes send_proposal(Group::State& s, Proposal p, ByteView aad,
                    std::optional<SecretBytes> update_private = std::nullopt) {
    if (!s.active) fail(MlsErrc::invalid_state, "we are no longer a member of this group");
    if (s.pending) fail(MlsErrc::invalid_state, "a commit is pending");
    AuthenticatedContent ac = frame(s, ContentType::proposal, aad);
    ac.content.proposal = std::move(p);
    ac.sign(*s.signature_private, &s.ctx);
    Bytes msg = wrap_handshake(s, ac);
    s.proposals.push_back(CachedProposal{make_proposal_ref(encode(ac)), hash(msg),
                                         *ac.content.proposal, ac.content.sender,
                                         std::move(update_private)});
    return msg;
}

PreSharedKeyId new_psk_id() {
    PreSharedKeyId id;
    id.psk_nonce = crypto::random_bytes(kNh);
    return id;
}
}  // namespace

Bytes Group::propose_add(const KeyPackage& key_package, ByteView aad) {
    check_key_package(*s_, key_package, s_->ctx.extensions);
    return send_proposal(*s_, Proposal{Add{key_package}}, aad);
}

Bytes Group::propose_update(ByteView aad) {
    HpkeKeyPair kp = generate_hpke_key_pair();
    LeafNode leaf = member_leaf(s_->tree, s_->me);
    leaf.encryption_key = kp.public_key;
    leaf.source = LeafNodeSource::update;
    leaf.lifetime = {};
    leaf.parent_hash.clear();
    leaf.sign(*s_->signature_private, s_->ctx.group_id, s_->me);
    return send_proposal(*s_, Proposal{Update{leaf}}, aad, std::move(kp.private_key));
}

Bytes Group::propose_remove(LeafIndex removed, ByteView aad) {
    if (s_->tree.leaf(removed) == nullptr)
        fail(MlsErrc::invalid_proposal, "Remove of a blank leaf");
    return send_proposal(*s_, Proposal{Remove{removed}}, aad);
}

Bytes Group::propose_external_psk(Bytes psk_id, ByteView aad) {
    if (s_->external_psks.count(psk_id) == 0)
        fail(MlsErrc::invalid_proposal, "unknown external PSK");
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
    check_group_extensions(s_->tree, extensions);
    return send_proposal(*s_, Proposal{GroupContextExtensions{std::move(extensions)}}, aad);
}

// ---- Commit ------------------------------------------------------------------------------

Group::CommitOutput Group::commit(const CommitOptions& options) {
    State& s = *s_;
    if (!s.active) fail(MlsErrc::invalid_state, "we are no longer a member of this group");
    if (s.pending) fail(MlsErrc::invalid_state, "a commit is already pending");
    Commit c;
    std::vector<Resolved> list;
    if (options.include_cached_proposals) {
        for (const auto& p : s.proposals) {
            // Our own Updates cannot be committed by us (the path replaces them).
            if (p.proposal.type() == proposal_type::update && LeafIndex{p.sender.index} == s.me) {
                continue;
            }
            c.proposals.push_back(ProposalOrRef{p.ref});
            list.push_back(Resolved{p.proposal, p.sender, nullptr});
        }
    }
    const Sender self{SenderType::member, s.me.value};
    for (const auto& p : options.by_value) {
        c.proposals.push_back(ProposalOrRef{p});
        list.push_back(Resolved{p, self, nullptr});
    }
    auto next = s.clone(/*for_next_epoch=*/true);
    Applied applied = apply_proposals(*next, list, s.me);
    std::optional<PathOutput> path;
    if (applied.path_required || options.force_path) {
        path = create_path(*next, applied.added);
        c.path = path->path;
    }
    if (options.tamper_commit_for_testing) options.tamper_commit_for_testing(c);
    AuthenticatedContent ac = frame(s, ContentType::commit, options.authenticated_data);
    ac.content.commit = c;
    ac.sign(*s.signature_private, &s.ctx);
    const SecretBytes zero(kNh);
    EpochKeys keys = start_epoch(*next, s, ac, path ? path->commit_secret.view() : zero.view(),
                                 applied.psks, /*verify_tag=*/false);

    CommitOutput out;
    if (options.corrupt_confirmation_tag_for_testing) ac.confirmation_tag[0] ^= 1;
    out.commit = wrap_handshake(s, ac);
    const GroupInfo gi_full = make_group_info(*next, true);
    out.group_info = MlsMessage::wrap(WireFormat::group_info, encode(gi_full));
    if (!applied.added.empty()) {
        const GroupInfo gi =
            options.ratchet_tree_in_welcome ? gi_full : make_group_info(*next, false);
        Welcome w;
        w.encrypted_group_info = encrypt_group_info(keys.welcome_secret, gi);
        for (std::size_t i = 0; i < applied.added.size(); ++i) {
            const KeyPackage& kp = *applied.added_key_packages[i];
            GroupSecrets gs;
            gs.joiner_secret = keys.joiner_secret.clone();
            gs.psks = applied.psks;
            if (path) {
                const NodeIndex anc =
                    tm::common_ancestor(tm::leaf_to_node(applied.added[i]), tm::leaf_to_node(s.me),
                                        next->tree.n_leaves());
                auto it = path->path_secrets.find(anc.value);
                if (it != path->path_secrets.end()) gs.path_secret = it->second.clone();
            }
            w.secrets.push_back(
                encrypt_group_secrets(kp.ref(), kp.init_key, w.encrypted_group_info, gs));
        }
        out.welcome = MlsMessage::wrap(WireFormat::welcome, encode(w));
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

// ---- Receiving -----------------------------------------------------------------------------

Group::HandleResult Group::handle(ByteView mls_message) {
    State& s = *s_;
    // Our own proposal coming back (e.g. from the delivery service): already cached.
    const Bytes message_hash = hash(mls_message);
    for (const auto& p : s.proposals) {
        if (!p.own_message_hash.empty() && p.own_message_hash == message_hash) {
            return HandleResult{Received::proposal, s.me, false};
        }
    }
    AuthenticatedContent ac = unwrap(s, mls_message);
    const FramedContent& content = ac.content;
    HandleResult result;
    result.sender = LeafIndex{content.sender.index};
    if (content.content_type == ContentType::application) {
        fail(MlsErrc::invalid_state, "application message passed to handle(); use unprotect()");
    }
    if (content.content_type == ContentType::proposal) {
        check_single_proposal(s, *content.proposal, content.sender);
        Bytes ref = make_proposal_ref(encode(ac));
        for (const auto& p : s.proposals) {
            if (p.ref == ref) fail(MlsErrc::invalid_proposal, "duplicate proposal");
        }
        s.proposals.push_back(
            CachedProposal{std::move(ref), {}, *content.proposal, content.sender, std::nullopt});
        result.kind = Received::proposal;
        return result;
    }
    result.kind = Received::commit;
    if (result.sender == s.me) {
        fail(MlsErrc::invalid_state, "our own commit: use merge_pending_commit()");
    }
    const Commit& c = *content.commit;
    std::vector<Resolved> list;
    std::set<Bytes> refs;
    for (const auto& por : c.proposals) {
        if (!por.is_reference()) {
            list.push_back(Resolved{std::get<Proposal>(por.value), content.sender, nullptr});
            continue;
        }
        const Bytes& ref = std::get<Bytes>(por.value);
        if (!refs.insert(ref).second) fail(MlsErrc::invalid_proposal, "proposal referenced twice");
        auto it = std::find_if(s.proposals.begin(), s.proposals.end(),
                               [&](const CachedProposal& p) { return p.ref == ref; });
        if (it == s.proposals.end()) fail(MlsErrc::invalid_proposal, "unknown proposal reference");
        list.push_back(Resolved{it->proposal, it->sender,
                                it->update_private ? &*it->update_private : nullptr});
    }
    auto next = s.clone(/*for_next_epoch=*/true);
    Applied applied = apply_proposals(*next, list, result.sender);
    if (applied.path_required && !c.path)
        fail(MlsErrc::invalid_commit, "commit lacks a required path");
    if (applied.removed_self) {
        // We cannot follow into the new epoch; the state stays as it was, inactive.
        s.active = false;
        s.pending.reset();
        result.removed_self = true;
        return result;
    }
    const SecretBytes zero(kNh);
    SecretBytes commit_secret;
    if (c.path) commit_secret = apply_path(*next, *c.path, result.sender, applied.added);
    start_epoch(*next, s, ac, c.path ? commit_secret.view() : zero.view(), applied.psks,
                /*verify_tag=*/true);
    retire_epoch(*next, s);
    s_ = std::move(next);
    return result;
}

Bytes Group::protect(ByteView application_data, ByteView aad) {
    State& s = *s_;
    if (!s.active) fail(MlsErrc::invalid_state, "we are no longer a member of this group");
    AuthenticatedContent ac = frame(s, ContentType::application, aad);
    ac.wire_format = WireFormat::private_message;
    ac.content.application_data = to_bytes(application_data);
    ac.sign(*s.signature_private, &s.ctx);
    return encrypt_private(s, ac);
}

Group::Application Group::unprotect(ByteView mls_message) {
    State& s = *s_;
    if (!s.active) fail(MlsErrc::invalid_state, "we are no longer a member of this group");
    const MlsMessage m = MlsMessage::parse(mls_message);
    if (m.wire_format != WireFormat::private_message) {
        fail(MlsErrc::decode, "application data must come in a PrivateMessage");
    }
    // Peek at the content type before decrypting: handshake messages go to handle().
    const PrivateMessage pm = decode_exact<PrivateMessage>(m.body);
    if (pm.content_type != ContentType::application) {
        fail(MlsErrc::invalid_state, "handshake message passed to unprotect(); use handle()");
    }
    AuthenticatedContent ac = decrypt_private(s, m.body);
    return Application{LeafIndex{ac.content.sender.index}, std::move(ac.content.application_data),
                       std::move(ac.content.authenticated_data)};
}

}  // namespace lagrum::mls
