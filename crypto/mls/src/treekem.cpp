#include "lagrum/mls/treekem.h"

#include <algorithm>
#include <set>

#include "lagrum/crypto/random.h"
#include "lagrum/mls/tree_math.h"

// GCC 12 with -fsanitize=address reports false -Wmaybe-uninitialized warnings for
// std::variant<LeafNode, ParentNode> moved into optional<Node> in this file.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace lagrum::mls {

namespace tm = tree_math;

namespace {

// A parent node with only a fresh key (parent hash set later, no unmerged leaves).
// Built field by field: GCC 12 with -fsanitize=address reports a false
// -Wmaybe-uninitialized for Node{ParentNode{key, {}, {}}} moved into an optional<Node>.
std::optional<Node> fresh_parent(const Bytes& key) {
    std::optional<Node> n(std::in_place, Node{ParentNode{}});
    std::get<ParentNode>(n->value).encryption_key = key;
    return n;
}

bool is_new_member(const std::vector<LeafIndex>& new_members, NodeIndex n) {
    if (!tm::is_leaf(n)) return false;
    return std::find(new_members.begin(), new_members.end(), tm::node_to_leaf(n)) !=
           new_members.end();
}

// Resolution of a copath node minus the leaves added by the same Commit (§7.6).
std::vector<NodeIndex> encryption_targets(const RatchetTree& tree, NodeIndex copath,
                                          const std::vector<LeafIndex>& new_members) {
    auto res = tree.resolution(copath);
    std::erase_if(res, [&](NodeIndex n) { return is_new_member(new_members, n); });
    return res;
}

}  // namespace

SecretBytes next_path_secret(ByteView path_secret) {
    return derive_secret(path_secret, "path");
}

HpkeKeyPair node_key_pair(ByteView path_secret) {
    const SecretBytes node_secret = derive_secret(path_secret, "node");
    return derive_hpke_key_pair(node_secret);
}

// ---- TreeKemPrivate ------------------------------------------------------------------

TreeKemPrivate::TreeKemPrivate(LeafIndex index, SecretBytes leaf_private_key) : index_(index) {
    keys_.emplace(tm::leaf_to_node(index).value, std::move(leaf_private_key));
}

void TreeKemPrivate::set_node_key(NodeIndex node, SecretBytes private_key) {
    keys_.insert_or_assign(node.value, std::move(private_key));
}

void TreeKemPrivate::set_path_secret(NodeIndex node, ByteView path_secret) {
    set_node_key(node, node_key_pair(path_secret).private_key);
}

const SecretBytes* TreeKemPrivate::key(NodeIndex node) const noexcept {
    auto it = keys_.find(node.value);
    return it == keys_.end() ? nullptr : &it->second;
}

void TreeKemPrivate::prune(const RatchetTree& tree) {
    std::erase_if(keys_, [&](const auto& entry) {
        return entry.first >= tree.width() || tree.is_blank(NodeIndex{entry.first});
    });
}

void TreeKemPrivate::check_consistent(const RatchetTree& tree) const {
    for (const auto& [index, priv] : keys_) {
        if (index >= tree.width()) fail(MlsErrc::invalid_tree, "private key outside the tree");
        const auto& n = tree.node(NodeIndex{index});
        if (!n) fail(MlsErrc::invalid_tree, "private key for a blank node");
        if (hpke_public_key(priv) != n->encryption_key()) {
            fail(MlsErrc::invalid_tree, "private key does not match the tree's public key");
        }
    }
}

void TreeKemPrivate::implant(const RatchetTree& tree, NodeIndex ancestor, ByteView path_secret) {
    SecretBytes secret = SecretBytes::copy_of(path_secret);
    std::vector<NodeIndex> chain{ancestor};
    for (auto p : tm::direct_path(ancestor, tree.n_leaves())) {
        if (!tree.is_blank(p)) chain.push_back(p);
    }
    for (std::size_t k = 0; k < chain.size(); ++k) {
        if (k > 0) secret = next_path_secret(secret);
        HpkeKeyPair kp = node_key_pair(secret);
        const auto& n = tree.node(chain[k]);
        if (!n || n->encryption_key() != kp.public_key) {
            fail(MlsErrc::invalid_path, "path secret does not match the tree's public key");
        }
        set_node_key(chain[k], std::move(kp.private_key));
    }
}

TreeKemPrivate TreeKemPrivate::clone() const {
    TreeKemPrivate c;
    c.index_ = index_;
    for (const auto& [n, k] : keys_) c.keys_.emplace(n, k.clone());
    return c;
}

void TreeKemPrivate::encode(Writer& w) const {
    w.u32(index_.value);
    w.vector([&](Writer& inner) {
        for (const auto& [n, k] : keys_) {
            inner.u32(n);
            inner.opaque(k.view());
        }
    });
}

TreeKemPrivate TreeKemPrivate::decode(Reader& r) {
    TreeKemPrivate p;
    p.index_ = LeafIndex{r.u32()};
    r.vector([&](Reader& inner) {
        const std::uint32_t n = inner.u32();
        SecretBytes k = SecretBytes::copy_of(inner.opaque_view());
        if (!p.keys_.emplace(n, std::move(k)).second) {
            fail(MlsErrc::decode, "duplicate node in private tree state");
        }
    });
    return p;
}

// ---- committer --------------------------------------------------------------------------

const SecretBytes* UpdatePathResult::path_secret_for(const RatchetTree& tree, LeafIndex committer,
                                                     LeafIndex joiner) const {
    const NodeIndex ca =
        tm::common_ancestor(tm::leaf_to_node(committer), tm::leaf_to_node(joiner), tree.n_leaves());
    for (const auto& [n, s] : path_secrets) {
        if (n == ca) return &s;
    }
    return nullptr;
}

UpdatePathResult create_update_path(RatchetTree& tree, TreeKemPrivate& priv,
                                    const UpdatePathInput& input) {
    const LeafIndex sender = priv.index();
    if (tree.leaf(sender) == nullptr) fail(MlsErrc::not_member, "committer leaf is blank");
    const NodeIndex sender_node = tm::leaf_to_node(sender);

    tree.blank_path(sender);
    for (auto p : tm::direct_path(sender_node, tree.n_leaves())) priv.forget(p);
    const auto steps = tree.filtered_direct_path(sender);

    UpdatePathResult result;
    // Path secrets and node keys (§7.4).
    SecretBytes secret = input.path_secret_for_testing
                             ? SecretBytes::copy_of(*input.path_secret_for_testing)
                             : crypto::random_secret(kNh);
    for (std::size_t k = 0; k < steps.size(); ++k) {
        if (k > 0) secret = next_path_secret(secret);
        HpkeKeyPair kp = node_key_pair(secret);
        tree.set_node(steps[k].node, fresh_parent(kp.public_key));
        priv.set_node_key(steps[k].node, std::move(kp.private_key));
        result.path_secrets.emplace_back(steps[k].node, secret.clone());
    }
    result.commit_secret = next_path_secret(secret);

    // New leaf: fresh key, parent hash, signature (§7.5 step 4).
    HpkeKeyPair leaf_kp = input.leaf_secret_for_testing
                              ? derive_hpke_key_pair(*input.leaf_secret_for_testing)
                              : generate_hpke_key_pair();
    LeafNode leaf = input.leaf_template;
    leaf.source = LeafNodeSource::commit;
    leaf.lifetime = {};  // not part of a commit leaf's encoding; keep == meaningful
    leaf.encryption_key = leaf_kp.public_key;
    leaf.parent_hash = tree.apply_parent_hashes(sender);
    leaf.sign(input.signature_private_key, input.provisional_context.group_id, sender);
    tree.set_leaf(sender, leaf);
    priv.set_node_key(sender_node, std::move(leaf_kp.private_key));
    priv.prune(tree);

    // Provisional GroupContext over the new tree, then encrypt (§7.6).
    result.group_context = input.provisional_context;
    result.group_context.tree_hash = tree.tree_hash();
    const Bytes context = encode(result.group_context);

    result.path.leaf_node = std::move(leaf);
    for (std::size_t k = 0; k < steps.size(); ++k) {
        UpdatePathNode upn;
        upn.encryption_key = tree.node(steps[k].node)->encryption_key();
        for (auto target : encryption_targets(tree, steps[k].copath_child, input.new_members)) {
            upn.encrypted_path_secret.push_back(
                encrypt_with_label(tree.node(target)->encryption_key(), "UpdatePathNode", context,
                                   result.path_secrets[k].second));
        }
        result.path.nodes.push_back(std::move(upn));
    }
    return result;
}

// ---- recipient ----------------------------------------------------------------------------

void merge_update_path(RatchetTree& tree, LeafIndex sender, const UpdatePath& path,
                       const std::vector<LeafIndex>& new_members) {
    if (tree.leaf(sender) == nullptr) fail(MlsErrc::not_member, "UpdatePath from a blank leaf");
    if (path.leaf_node.source != LeafNodeSource::commit) {
        fail(MlsErrc::invalid_path, "UpdatePath leaf_node_source is not commit");
    }
    if (path.leaf_node.encryption_key.size() != kHpkePublicKeySize) {
        fail(MlsErrc::invalid_path, "UpdatePath leaf key has the wrong length");
    }
    // §12.4.2: no public key of the UpdatePath may already appear in the tree (nor twice
    // in the path itself).
    // The sender's own current leaf is left out: for an external Commit it is the new
    // leaf itself (just added at the leftmost blank); for a regular Commit, reuse of the
    // old leaf key is rejected by RatchetTree::check_new_leaf(leaf, sender).
    std::set<Bytes> keys;
    const NodeIndex sender_node = tm::leaf_to_node(sender);
    for (std::uint32_t i = 0; i < tree.width(); ++i) {
        const auto& n = tree.node(NodeIndex{i});
        if (n && NodeIndex{i} != sender_node) keys.insert(n->encryption_key());
    }
    if (!keys.insert(path.leaf_node.encryption_key).second) {
        fail(MlsErrc::invalid_path, "UpdatePath leaf key already in the tree");
    }
    for (const auto& upn : path.nodes) {
        if (!keys.insert(upn.encryption_key).second) {
            fail(MlsErrc::invalid_path, "UpdatePath node key already in the tree");
        }
    }
    tree.blank_path(sender);
    const auto steps = tree.filtered_direct_path(sender);
    if (path.nodes.size() != steps.size()) {
        fail(MlsErrc::invalid_path, "UpdatePath length differs from the filtered direct path");
    }
    for (std::size_t k = 0; k < steps.size(); ++k) {
        const auto& upn = path.nodes[k];
        if (upn.encryption_key.size() != kHpkePublicKeySize) {
            fail(MlsErrc::invalid_path, "UpdatePathNode key has the wrong length");
        }
        if (upn.encrypted_path_secret.size() !=
            encryption_targets(tree, steps[k].copath_child, new_members).size()) {
            fail(MlsErrc::invalid_path, "ciphertext count differs from the copath resolution");
        }
        tree.set_node(steps[k].node, fresh_parent(upn.encryption_key));
    }
    const Bytes expected = tree.apply_parent_hashes(sender);
    if (expected != path.leaf_node.parent_hash) {
        fail(MlsErrc::invalid_path, "UpdatePath leaf parent_hash mismatch");
    }
    tree.set_leaf(sender, path.leaf_node);
}

DecryptedPath decrypt_update_path(const RatchetTree& merged_tree, TreeKemPrivate& priv,
                                  LeafIndex sender, const UpdatePath& path,
                                  const std::vector<LeafIndex>& new_members,
                                  ByteView group_context) {
    const NodeIndex me = tm::leaf_to_node(priv.index());
    if (priv.index() == sender) fail(MlsErrc::invalid_state, "cannot decrypt own UpdatePath");
    const auto steps = merged_tree.filtered_direct_path(sender);
    if (path.nodes.size() != steps.size()) {
        fail(MlsErrc::invalid_path, "UpdatePath length differs from the filtered direct path");
    }
    std::size_t k = 0;
    while (k < steps.size() && !tm::is_in_subtree(steps[k].copath_child, me)) ++k;
    if (k == steps.size()) fail(MlsErrc::invalid_state, "recipient not below the sender's path");

    const auto targets = encryption_targets(merged_tree, steps[k].copath_child, new_members);
    if (targets.size() != path.nodes[k].encrypted_path_secret.size()) {
        fail(MlsErrc::invalid_path, "ciphertext count differs from the copath resolution");
    }
    std::size_t j = 0;
    while (j < targets.size() && priv.key(targets[j]) == nullptr) ++j;
    if (j == targets.size()) fail(MlsErrc::invalid_state, "no private key for the resolution");

    const auto& ct = path.nodes[k].encrypted_path_secret[j];
    SecretBytes secret = decrypt_with_label(*priv.key(targets[j]), "UpdatePathNode", group_context,
                                            ct.kem_output, ct.ciphertext);
    DecryptedPath out;
    out.path_secret = secret.clone();
    out.node = steps[k].node;

    // Derive upward, check every public key before touching `priv` (§7.5 step 6).
    std::vector<std::pair<NodeIndex, SecretBytes>> new_keys;
    for (std::size_t m = k; m < steps.size(); ++m) {
        if (m > k) secret = next_path_secret(secret);
        HpkeKeyPair kp = node_key_pair(secret);
        if (kp.public_key != path.nodes[m].encryption_key) {
            fail(MlsErrc::invalid_path, "derived public key differs from the UpdatePath");
        }
        new_keys.emplace_back(steps[m].node, std::move(kp.private_key));
    }
    out.commit_secret = next_path_secret(secret);
    for (auto p : tm::direct_path(tm::leaf_to_node(sender), merged_tree.n_leaves())) priv.forget(p);
    for (auto& [n, key] : new_keys) priv.set_node_key(n, std::move(key));
    priv.prune(merged_tree);
    return out;
}

}  // namespace lagrum::mls
