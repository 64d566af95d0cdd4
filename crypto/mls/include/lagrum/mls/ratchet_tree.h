// The ratchet tree, RFC 9420 §7: node contents (§7.1, ParentNode), resolution and
// filtered direct path (§4.1.2), extension/truncation (§7.7), tree hash (§7.8), parent
// hash (§7.9) and the tree-integrity checks a joiner runs (§7.9.2, §12.4.3.1); the tree
// side of Add/Update/Remove (§12.1.1-3); the ratchet_tree extension codec (§12.4.3.3).
//
// Representation: an array of optional<Node> of width 2n-1 with n a power of two
// (Appendix C), leaves at even indices. Public methods throw MlsError.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/credential.h"
#include "lagrum/mls/leaf_node.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// §7.1 ParentNode.
struct ParentNode {
    Bytes encryption_key;
    Bytes parent_hash;
    std::vector<LeafIndex> unmerged_leaves;  // sorted increasing (checked on decode)

    friend bool operator==(const ParentNode&, const ParentNode&) = default;
    void encode(Writer& w) const;
    static ParentNode decode(Reader& r);
};

// §12.4.3.3 Node.
struct Node {
    std::variant<LeafNode, ParentNode> value;

    bool is_leaf() const noexcept { return value.index() == 0; }
    const LeafNode& leaf() const { return std::get<LeafNode>(value); }
    const ParentNode& parent() const { return std::get<ParentNode>(value); }
    const Bytes& encryption_key() const noexcept;

    friend bool operator==(const Node&, const Node&) = default;
    void encode(Writer& w) const;
    static Node decode(Reader& r);
};

// What the §12.4.3.1 / §7.3 tree checks need from the caller.
// How many leaves a tree from outside (Welcome, GroupInfo, stored state) may have unless
// the caller sets its own bound (GroupConfig::max_tree_leaves). Every blank entry of the
// ratchet_tree extension is a single byte but becomes a full node, and the tree hash walks
// the padded width: without a bound a small message could demand gigabytes and minutes.
inline constexpr std::uint32_t kDefaultMaxTreeLeaves = 1u << 16;

struct TreeCheck {
    Bytes group_id;                                   // leaf signature context
    const ExtensionList* group_extensions = nullptr;  // required_capabilities
    const CredentialPolicy* policy = nullptr;         // required for validate()
};

class RatchetTree {
  public:
    RatchetTree() = default;
    // A one-member tree.
    explicit RatchetTree(LeafNode first);

    // §12.4.3.3: `optional<Node> ratchet_tree<V>`, trailing blanks omitted. decode checks
    // that the list is non-empty, ends in a non-blank node, has leaves at even and parents
    // at odd positions, sorted unmerged leaves, then extends with blanks to 2^(d+1)-1.
    // Trees wider than `max_leaves` (after padding to a power of two) are refused with
    // length_limit, counted while reading: no node is allocated beyond the bound.
    void encode(Writer& w) const;
    static RatchetTree decode(Reader& r) { return decode(r, kDefaultMaxTreeLeaves); }
    static RatchetTree decode(Reader& r, std::uint32_t max_leaves);
    // The ratchet_tree extension's data (§12.4.3.3), whole (trailing bytes rejected).
    static RatchetTree decode_extension(ByteView data, std::uint32_t max_leaves);

    std::uint32_t n_leaves() const noexcept { return n_leaves_; }
    std::uint32_t width() const noexcept { return static_cast<std::uint32_t>(nodes_.size()); }
    NodeIndex root() const;

    const std::optional<Node>& node(NodeIndex i) const;  // throws invalid_tree if out of range
    bool is_blank(NodeIndex i) const { return !node(i).has_value(); }
    // nullptr if blank or out of range (never throws).
    const LeafNode* leaf(LeafIndex i) const noexcept;
    const ParentNode* parent_node(NodeIndex i) const noexcept;
    // Non-blank leaf indices.
    std::vector<LeafIndex> members() const;

    // Direct writes (TreeKEM merge, tests).
    void set_node(NodeIndex i, std::optional<Node> n);
    void set_leaf(LeafIndex i, LeafNode leaf_node);
    void blank_path(LeafIndex i);  // blanks the leaf's direct path (not the leaf)

    // §4.1.2 resolution; §4.1.2 filtered direct path (direct path minus nodes whose
    // copath child has an empty resolution), with the matching copath children.
    std::vector<NodeIndex> resolution(NodeIndex i) const;
    struct PathStep {
        NodeIndex node;          // on the filtered direct path
        NodeIndex copath_child;  // its child not on the leaf's side
    };
    std::vector<PathStep> filtered_direct_path(LeafIndex leaf) const;

    // §7.8 tree hash of the root / of every node (index = node index).
    Bytes tree_hash() const;
    std::vector<Bytes> tree_hashes() const;
    Bytes tree_hash(NodeIndex i) const;

    // §7.9 parent hash of the (non-blank) parent `p` with copath child `sibling`, using
    // the original sibling tree hash (p's unmerged leaves blanked and removed).
    Bytes parent_hash(NodeIndex p, NodeIndex sibling) const;
    // Sets parent_hash on every node of the leaf's filtered direct path, root down, as a
    // committer does after merging an UpdatePath (§7.9), and returns the value the
    // leaf's own parent_hash must carry.
    Bytes apply_parent_hashes(LeafIndex leaf);
    // §7.9.2 "top down": every non-blank parent node has exactly one descendant for
    // which it is parent-hash valid. Throws invalid_path otherwise.
    void verify_parent_hashes() const;
    // §12.4.3.1 unmerged-leaves rules and the key uniqueness rules (§7.3 last bullet,
    // §12.4.3.1 "encryption key ... does not appear in any other node"). invalid_tree.
    void verify_structure() const;
    // Leaf signatures only (group_id as context for update/commit leaves). bad_signature.
    void verify_leaf_signatures(ByteView group_id) const;
    // Everything a joiner checks except the tree hash vs GroupContext (§12.4.3.1):
    // structure, parent hashes, every leaf per §7.3 (credential policy, signature,
    // capabilities, credential types in use supported by all).
    void validate(const TreeCheck& check) const;

    // §7.3 tree-dependent checks for a leaf about to enter at `index` (replacing the
    // current occupant if any): signature and encryption keys unique among the other
    // members, its capabilities list every credential type in use, and every member
    // supports its credential type. Throws invalid_leaf_node.
    void check_new_leaf(const LeafNode& leaf, std::optional<LeafIndex> index) const;

    // §12.1.1 Add: leftmost blank leaf (extending if none), unmerged_leaves updated.
    LeafIndex add_leaf(LeafNode leaf_node);
    // §12.1.2 Update: replace the sender's leaf, blank its direct path.
    void update_leaf(LeafIndex sender, LeafNode leaf_node);
    // §12.1.3 Remove: blank leaf and direct path, then truncate. Throws invalid_proposal
    // if the leaf is blank or out of range.
    void remove_leaf(LeafIndex removed);

    friend bool operator==(const RatchetTree&, const RatchetTree&) = default;

  private:
    void extend();    // doubles the leaf count (§7.7)
    void truncate();  // §12.1.3
    Bytes hash_node(NodeIndex i, const std::vector<LeafIndex>* excluded,
                    std::vector<Bytes>* all) const;

    std::vector<std::optional<Node>> nodes_;
    std::uint32_t n_leaves_ = 0;
};

}  // namespace lagrum::mls
