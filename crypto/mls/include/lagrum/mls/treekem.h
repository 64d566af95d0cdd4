// TreeKEM, RFC 9420 §7.4-§7.6 (and the path parts of §12.4.2 / §12.4.3.1):
//   * a member's private view of the tree (leaf key plus the path keys it knows),
//   * creating an UpdatePath: fresh leaf key, path secrets along the filtered direct
//     path, parent hashes, signed commit leaf, path secrets encrypted with
//     EncryptWithLabel(pk, "UpdatePathNode", provisional GroupContext, path_secret) to
//     each copath resolution (new members of the same Commit excluded),
//   * merging a received UpdatePath into the tree (with the §7.9.2 parent-hash check of
//     the committer's leaf) and decrypting it,
//   * implanting the Welcome path_secret at a joiner.
// All functions throw MlsError.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/commit.h"
#include "lagrum/mls/ratchet_tree.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// §7.4: path_secret[n] = DeriveSecret(path_secret[n-1], "path").
SecretBytes next_path_secret(ByteView path_secret);
// §7.4: node_priv, node_pub = DeriveKeyPair(DeriveSecret(path_secret, "node")).
HpkeKeyPair node_key_pair(ByteView path_secret);

// The HPKE private keys one member holds: its leaf key and the keys of parent nodes it
// learnt from path secrets. Keyed by node index.
class TreeKemPrivate {
  public:
    TreeKemPrivate() = default;
    TreeKemPrivate(LeafIndex index, SecretBytes leaf_private_key);

    LeafIndex index() const noexcept { return index_; }
    void set_node_key(NodeIndex node, SecretBytes private_key);
    // Sets the key of `node` derived from `path_secret` (§7.4).
    void set_path_secret(NodeIndex node, ByteView path_secret);
    const SecretBytes* key(NodeIndex node) const noexcept;
    void forget(NodeIndex node) { keys_.erase(node.value); }
    // Drops keys of nodes that are now blank or outside the tree (after Update/Remove
    // blanking and truncation). create/decrypt_update_path call it themselves.
    void prune(const RatchetTree& tree);
    std::size_t size() const noexcept { return keys_.size(); }

    // Every held key belongs to a non-blank node whose public key matches. invalid_tree.
    void check_consistent(const RatchetTree& tree) const;

    // §12.4.3.1: sets the key at `ancestor` from `path_secret`, then derives upward along
    // the non-blank nodes of its direct path; each derived public key must match the
    // tree's (invalid_path otherwise).
    void implant(const RatchetTree& tree, NodeIndex ancestor, ByteView path_secret);

    TreeKemPrivate clone() const;
    // State persistence: { uint32 leaf_index; { uint32 node; opaque key<V> } keys<V>; }.
    void encode(Writer& w) const;
    static TreeKemPrivate decode(Reader& r);

  private:
    LeafIndex index_{};
    std::map<std::uint32_t, SecretBytes> keys_;
};

// What the committer needs besides the tree. Secrets are views: the caller keeps them in
// secure memory (SecretBytes) and must keep them alive across create_update_path; no copy
// of them is made here that an exception could leave unwiped.
struct UpdatePathInput {
    LeafNode leaf_template;              // credential, capabilities, extensions, signature_key
    ByteView signature_private_key;      // a view into the caller's SecretBytes
    GroupContext provisional_context;    // tree_hash is filled in by create_update_path
    std::vector<LeafIndex> new_members;  // Adds of this Commit: excluded from resolutions
    // Tests only: fixed leaf HPKE key and first path secret (else random).
    std::optional<ByteView> leaf_secret_for_testing;
    std::optional<ByteView> path_secret_for_testing;
};

struct UpdatePathResult {
    UpdatePath path;
    SecretBytes commit_secret;
    GroupContext group_context;  // provisional context with the new tree hash
    // (node, path_secret) for each node of the committer's filtered direct path, leaf up.
    std::vector<std::pair<NodeIndex, SecretBytes>> path_secrets;

    // The path secret a new member at `joiner` receives in its Welcome (§12.4.3.1):
    // the one at the lowest common ancestor of joiner and committer.
    const SecretBytes* path_secret_for(const RatchetTree& tree, LeafIndex committer,
                                       LeafIndex joiner) const;
};

// §7.5 committer side. Rewrites `tree` (direct path blanked, new keys, parent hashes,
// new signed commit leaf) and `priv` (old path keys dropped, new ones set).
UpdatePathResult create_update_path(RatchetTree& tree, TreeKemPrivate& priv,
                                    const UpdatePathInput& input);

// §7.5 recipient side, first half: checks the path's shape (one UpdatePathNode per
// filtered-direct-path node, one ciphertext per resolution node minus `new_members`),
// that the leaf is a commit leaf, merges the keys, recomputes parent hashes and checks
// the leaf's parent_hash (invalid_path). The leaf's signature, credential and §7.3 rules
// are the caller's (validate_leaf_node + RatchetTree::check_new_leaf, before merging).
// External Commit (§12.4.3.2): the caller first runs check_new_leaf(leaf, nullopt) and
// places the joiner with `sender = tree.add_leaf(path.leaf_node)`, then merges.
void merge_update_path(RatchetTree& tree, LeafIndex sender, const UpdatePath& path,
                       const std::vector<LeafIndex>& new_members);

struct DecryptedPath {
    SecretBytes commit_secret;
    SecretBytes path_secret;  // the one decrypted (at `node`)
    NodeIndex node;
};

// §7.5 recipient side, second half, on the merged tree: decrypts with the provisional
// GroupContext (encoded), derives upward, checks every derived public key, stores the
// new keys in `priv` (dropping its keys on the sender's direct path). Throws
// decryption_failed / invalid_path; invalid_state if `priv` holds no usable key.
DecryptedPath decrypt_update_path(const RatchetTree& merged_tree, TreeKemPrivate& priv,
                                  LeafIndex sender, const UpdatePath& path,
                                  const std::vector<LeafIndex>& new_members,
                                  ByteView group_context);

}  // namespace lagrum::mls
