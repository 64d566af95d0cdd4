#include "lagrum/mls/ratchet_tree.h"

#include <algorithm>
#include <set>
#include <string>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/tree_math.h"

namespace lagrum::mls {

namespace tm = tree_math;

namespace {

constexpr std::uint8_t kNodeTypeLeaf = 1;
constexpr std::uint8_t kNodeTypeParent = 2;

bool contains_leaf(const std::vector<LeafIndex>& v, LeafIndex x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

// Smallest power of two >= x (x >= 1).
std::uint32_t pow2_ceil(std::uint64_t x) {
    std::uint64_t p = 1;
    while (p < x) p <<= 1;
    if (p > (std::uint64_t{1} << 31)) fail(MlsErrc::length_limit, "ratchet tree too large");
    return static_cast<std::uint32_t>(p);
}

}  // namespace

// ---- ParentNode / Node --------------------------------------------------------------

void ParentNode::encode(Writer& w) const {
    w.opaque(encryption_key);
    w.opaque(parent_hash);
    w.vector([&](Writer& inner) {
        for (auto l : unmerged_leaves) inner.u32(l.value);
    });
}

ParentNode ParentNode::decode(Reader& r) {
    ParentNode p;
    p.encryption_key = r.opaque();
    p.parent_hash = r.opaque();
    r.vector([&](Reader& inner) {
        const LeafIndex l{inner.u32()};
        // §7.1: sorted in increasing order (which also excludes duplicates).
        if (!p.unmerged_leaves.empty() && !(p.unmerged_leaves.back() < l)) {
            fail(MlsErrc::decode, "unmerged_leaves not strictly increasing");
        }
        p.unmerged_leaves.push_back(l);
    });
    return p;
}

const Bytes& Node::encryption_key() const noexcept {
    return is_leaf() ? std::get<LeafNode>(value).encryption_key
                     : std::get<ParentNode>(value).encryption_key;
}

void Node::encode(Writer& w) const {
    if (is_leaf()) {
        w.u8(kNodeTypeLeaf);
        leaf().encode(w);
    } else {
        w.u8(kNodeTypeParent);
        parent().encode(w);
    }
}

Node Node::decode(Reader& r) {
    const std::uint8_t t = r.u8();
    if (t == kNodeTypeLeaf) return Node{LeafNode::decode(r)};
    if (t == kNodeTypeParent) return Node{ParentNode::decode(r)};
    fail(MlsErrc::decode, "invalid NodeType");
}

// ---- construction and codec -----------------------------------------------------------

RatchetTree::RatchetTree(LeafNode first) : n_leaves_(1) {
    nodes_.emplace_back(Node{std::move(first)});
}

void RatchetTree::encode(Writer& w) const {
    std::size_t last = nodes_.size();
    while (last > 0 && !nodes_[last - 1].has_value()) --last;
    w.vector([&](Writer& inner) {
        for (std::size_t i = 0; i < last; ++i) {
            inner.optional(nodes_[i], [](Writer& ww, const Node& n) { n.encode(ww); });
        }
    });
}

RatchetTree RatchetTree::decode(Reader& r, std::uint32_t max_leaves) {
    if (max_leaves == 0 || max_leaves > (1u << 30)) {
        fail(MlsErrc::invalid_state, "tree leaf bound out of range");
    }
    const std::size_t max_width = 2 * std::size_t{max_leaves} - 1;
    RatchetTree t;
    r.vector([&](Reader& inner) {
        // Each entry costs at least one byte in the input but a whole node here: bound the
        // count before the next one is allocated.
        if (t.nodes_.size() >= max_width) {
            fail(MlsErrc::length_limit,
                 "ratchet tree has more than " + std::to_string(max_leaves) + " leaves");
        }
        t.nodes_.push_back(inner.optional<Node>([](Reader& rr) { return Node::decode(rr); }));
    });
    if (t.nodes_.empty()) fail(MlsErrc::invalid_tree, "empty ratchet tree");
    if (!t.nodes_.back().has_value()) {
        fail(MlsErrc::invalid_tree, "ratchet tree ends in a blank node");
    }
    for (std::size_t i = 0; i < t.nodes_.size(); ++i) {
        if (t.nodes_[i] && t.nodes_[i]->is_leaf() != (i % 2 == 0)) {
            fail(MlsErrc::invalid_tree, "node type does not match its position");
        }
    }
    // Width 2n-1 with n a power of two: n >= (size + 1) / 2.
    t.n_leaves_ = pow2_ceil((t.nodes_.size() + 2) / 2);
    if (t.n_leaves_ > max_leaves) {
        fail(MlsErrc::length_limit,
             "ratchet tree has more than " + std::to_string(max_leaves) + " leaves");
    }
    t.nodes_.resize(2 * std::size_t{t.n_leaves_} - 1);
    for (std::uint32_t i = 0; i < t.width(); ++i) {
        const auto& n = t.nodes_[i];
        if (!n || n->is_leaf()) continue;
        for (auto l : n->parent().unmerged_leaves) {
            if (l.value >= t.n_leaves_) fail(MlsErrc::invalid_tree, "unmerged leaf out of range");
        }
    }
    return t;
}

RatchetTree RatchetTree::decode_extension(ByteView data, std::uint32_t max_leaves) {
    Reader r(data);
    RatchetTree t = decode(r, max_leaves);
    r.finish();
    return t;
}

// ---- access ---------------------------------------------------------------------------

NodeIndex RatchetTree::root() const {
    if (n_leaves_ == 0) fail(MlsErrc::invalid_tree, "empty tree has no root");
    return tm::root(n_leaves_);
}

const std::optional<Node>& RatchetTree::node(NodeIndex i) const {
    if (i.value >= nodes_.size()) fail(MlsErrc::invalid_tree, "node index out of range");
    return nodes_[i.value];
}

const LeafNode* RatchetTree::leaf(LeafIndex i) const noexcept {
    if (i.value >= n_leaves_) return nullptr;
    const auto& n = nodes_[2 * std::size_t{i.value}];
    return n ? &n->leaf() : nullptr;
}

const ParentNode* RatchetTree::parent_node(NodeIndex i) const noexcept {
    if (i.value >= nodes_.size() || i.value % 2 == 0) return nullptr;
    const auto& n = nodes_[i.value];
    return n ? &n->parent() : nullptr;
}

std::vector<LeafIndex> RatchetTree::members() const {
    std::vector<LeafIndex> out;
    for (std::uint32_t i = 0; i < n_leaves_; ++i) {
        if (nodes_[2 * std::size_t{i}]) out.push_back(LeafIndex{i});
    }
    return out;
}

void RatchetTree::set_node(NodeIndex i, std::optional<Node> n) {
    if (i.value >= nodes_.size()) fail(MlsErrc::invalid_tree, "node index out of range");
    if (n && n->is_leaf() != (i.value % 2 == 0)) {
        fail(MlsErrc::invalid_tree, "node type does not match its position");
    }
    nodes_[i.value] = std::move(n);
}

void RatchetTree::set_leaf(LeafIndex i, LeafNode leaf_node) {
    set_node(tm::leaf_to_node(i), Node{std::move(leaf_node)});
}

void RatchetTree::blank_path(LeafIndex i) {
    for (auto p : tm::direct_path(tm::leaf_to_node(i), n_leaves_)) nodes_[p.value].reset();
}

// ---- resolution / filtered direct path -----------------------------------------------

std::vector<NodeIndex> RatchetTree::resolution(NodeIndex i) const {
    const auto& n = node(i);
    if (n) {
        std::vector<NodeIndex> out{i};
        if (!n->is_leaf()) {
            for (auto l : n->parent().unmerged_leaves) {
                // A blank or out-of-range unmerged leaf would put a blank node into the
                // resolution (and later be dereferenced); such a tree is invalid.
                if (leaf(l) == nullptr) fail(MlsErrc::invalid_tree, "unmerged leaf is blank");
                out.push_back(tm::leaf_to_node(l));
            }
        }
        return out;
    }
    if (tm::is_leaf(i)) return {};
    auto out = resolution(tm::left(i));
    auto right = resolution(tm::right(i));
    out.insert(out.end(), right.begin(), right.end());
    return out;
}

std::vector<RatchetTree::PathStep> RatchetTree::filtered_direct_path(LeafIndex leaf) const {
    if (leaf.value >= n_leaves_) fail(MlsErrc::invalid_tree, "leaf index out of range");
    const NodeIndex x = tm::leaf_to_node(leaf);
    std::vector<PathStep> out;
    for (auto p : tm::direct_path(x, n_leaves_)) {
        const NodeIndex l = tm::left(p);
        const NodeIndex copath = tm::is_in_subtree(l, x) ? tm::right(p) : l;
        if (!resolution(copath).empty()) out.push_back(PathStep{p, copath});
    }
    return out;
}

// ---- tree hash (§7.8) ----------------------------------------------------------------

Bytes RatchetTree::hash_node(NodeIndex i, const std::vector<LeafIndex>* excluded,
                             std::vector<Bytes>* all) const {
    Writer w;
    const auto& n = nodes_[i.value];
    if (tm::is_leaf(i)) {
        // LeafNodeHashInput: leaf_index, optional<LeafNode>.
        const LeafIndex li = tm::node_to_leaf(i);
        const bool present = n.has_value() && !(excluded && contains_leaf(*excluded, li));
        w.u8(kNodeTypeLeaf);
        w.u32(li.value);
        w.u8(present ? 1 : 0);
        if (present) n->leaf().encode(w);
    } else {
        // ParentNodeHashInput: optional<ParentNode>, left_hash, right_hash.
        Bytes left = hash_node(tm::left(i), excluded, all);
        Bytes right = hash_node(tm::right(i), excluded, all);
        w.u8(kNodeTypeParent);
        w.u8(n ? 1 : 0);
        if (n) {
            if (excluded == nullptr) {
                n->parent().encode(w);
            } else {
                ParentNode copy = n->parent();
                std::erase_if(copy.unmerged_leaves,
                              [&](LeafIndex l) { return contains_leaf(*excluded, l); });
                copy.encode(w);
            }
        }
        w.opaque(left);
        w.opaque(right);
    }
    Bytes h = hash(w.bytes());
    if (all != nullptr) (*all)[i.value] = h;
    return h;
}

Bytes RatchetTree::tree_hash(NodeIndex i) const {
    node(i);  // range check
    return hash_node(i, nullptr, nullptr);
}

Bytes RatchetTree::tree_hash() const {
    return tree_hash(root());
}

std::vector<Bytes> RatchetTree::tree_hashes() const {
    std::vector<Bytes> all(nodes_.size());
    if (!nodes_.empty()) hash_node(root(), nullptr, &all);
    return all;
}

// ---- parent hash (§7.9) --------------------------------------------------------------

Bytes RatchetTree::parent_hash(NodeIndex p, NodeIndex sibling) const {
    const ParentNode* pn = parent_node(p);
    if (pn == nullptr) fail(MlsErrc::invalid_path, "parent hash of a blank node");
    const Bytes original_sibling = hash_node(sibling, &pn->unmerged_leaves, nullptr);
    Writer w;  // ParentHashInput
    w.opaque(pn->encryption_key);
    w.opaque(pn->parent_hash);
    w.opaque(original_sibling);
    return hash(w.bytes());
}

Bytes RatchetTree::apply_parent_hashes(LeafIndex leaf) {
    const auto steps = filtered_direct_path(leaf);
    Bytes next;  // the root's parent_hash is empty
    for (auto it = steps.rbegin(); it != steps.rend(); ++it) {
        auto& n = nodes_[it->node.value];
        if (!n) fail(MlsErrc::invalid_path, "blank node on the filtered direct path");
        std::get<ParentNode>(n->value).parent_hash = next;
        next = parent_hash(it->node, it->copath_child);
    }
    return next;
}

void RatchetTree::verify_parent_hashes() const {
    for (std::uint32_t i = 1; i < width(); i += 2) {
        const NodeIndex p{i};
        const ParentNode* pn = parent_node(p);
        if (pn == nullptr) continue;
        int valid_children = 0;
        for (const bool left_side : {true, false}) {
            const NodeIndex c = left_side ? tm::left(p) : tm::right(p);
            const NodeIndex s = left_side ? tm::right(p) : tm::left(p);
            const Bytes ph = parent_hash(p, s);
            const auto res = resolution(c);
            // P's unmerged leaves under C, as node indices (ascending like `res`).
            std::set<std::uint32_t> unmerged_under_c;
            for (auto l : pn->unmerged_leaves) {
                const NodeIndex ln = tm::leaf_to_node(l);
                if (tm::is_in_subtree(c, ln)) unmerged_under_c.insert(ln.value);
            }
            for (auto d : res) {
                const Node& dn = *nodes_[d.value];
                const Bytes* d_ph = nullptr;
                if (dn.is_leaf()) {
                    if (dn.leaf().source == LeafNodeSource::commit) d_ph = &dn.leaf().parent_hash;
                } else {
                    d_ph = &dn.parent().parent_hash;
                }
                if (d_ph == nullptr || *d_ph != ph) continue;
                std::set<std::uint32_t> rest;
                for (auto x : res) {
                    if (x != d) rest.insert(x.value);
                }
                if (rest == unmerged_under_c) ++valid_children;
            }
        }
        if (valid_children != 1) {
            fail(MlsErrc::invalid_path,
                 "parent node " + std::to_string(i) + " is not parent-hash valid");
        }
    }
}

// ---- integrity checks (§7.3, §12.4.3.1) ---------------------------------------------

void RatchetTree::verify_structure() const {
    std::set<Bytes> encryption_keys;
    std::set<Bytes> signature_keys;
    for (std::uint32_t i = 0; i < width(); ++i) {
        const auto& n = nodes_[i];
        if (!n) continue;
        if (!encryption_keys.insert(n->encryption_key()).second) {
            fail(MlsErrc::invalid_tree, "duplicate encryption key in tree");
        }
        if (n->is_leaf()) {
            if (!signature_keys.insert(n->leaf().signature_key).second) {
                fail(MlsErrc::invalid_tree, "duplicate signature key in tree");
            }
            continue;
        }
        const NodeIndex p{i};
        for (auto l : n->parent().unmerged_leaves) {
            const NodeIndex ln = tm::leaf_to_node(l);
            if (leaf(l) == nullptr || ln == p || !tm::is_in_subtree(p, ln)) {
                fail(MlsErrc::invalid_tree, "unmerged leaf is blank or not a descendant");
            }
            for (auto q : tm::direct_path(ln, n_leaves_)) {
                if (q == p) break;
                const ParentNode* qn = parent_node(q);
                if (qn != nullptr && !contains_leaf(qn->unmerged_leaves, l)) {
                    fail(MlsErrc::invalid_tree, "intermediate node misses an unmerged leaf");
                }
            }
        }
    }
}

void RatchetTree::verify_leaf_signatures(ByteView group_id) const {
    for (auto m : members()) {
        const LeafNode* ln = leaf(m);
        if (ln != nullptr && !ln->verify_signature(group_id, m)) {
            fail(MlsErrc::bad_signature,
                 "leaf " + std::to_string(m.value) + " signature does not verify");
        }
    }
}

void RatchetTree::validate(const TreeCheck& check) const {
    if (n_leaves_ == 0) fail(MlsErrc::invalid_tree, "empty tree");
    verify_structure();
    verify_parent_hashes();
    for (auto m : members()) {
        const LeafNode* lp = leaf(m);
        if (lp == nullptr) continue;  // members() lists non-blank leaves only
        const LeafNode& ln = *lp;
        LeafNodeCheck lc;
        lc.expected_source = ln.source;  // a tree may hold leaves of every source
        lc.group_id = check.group_id;
        lc.leaf_index = m;
        lc.group_extensions = check.group_extensions;
        lc.policy = check.policy;
        validate_leaf_node(ln, lc);
        check_new_leaf(ln, m);
    }
}

void RatchetTree::check_new_leaf(const LeafNode& ln, std::optional<LeafIndex> index) const {
    if (index) {
        const LeafNode* current = leaf(*index);
        // §7.3: an Update (and a commit's path leaf) must bring a new encryption key. Not
        // applicable when `ln` is the current occupant itself (tree validation).
        if (current != nullptr && current != &ln && current->encryption_key == ln.encryption_key) {
            fail(MlsErrc::invalid_leaf_node, "leaf update keeps the old encryption key");
        }
    }
    for (std::uint32_t i = 0; i < width(); ++i) {
        const auto& n = nodes_[i];
        if (!n) continue;
        if (n->is_leaf() && index && tm::leaf_to_node(*index).value == i) continue;
        if (n->encryption_key() == ln.encryption_key) {
            fail(MlsErrc::invalid_leaf_node, "encryption key already used in the tree");
        }
        if (!n->is_leaf()) continue;
        const LeafNode& other = n->leaf();
        if (other.signature_key == ln.signature_key) {
            fail(MlsErrc::invalid_leaf_node, "signature key already used by another member");
        }
        if (!other.capabilities.supports_credential(ln.credential.type) ||
            !ln.capabilities.supports_credential(other.credential.type)) {
            fail(MlsErrc::invalid_leaf_node, "credential type not supported by every member");
        }
    }
}

// ---- Add / Update / Remove (§12.1.1-3), extension and truncation (§7.7) -----------------

void RatchetTree::extend() {
    const std::uint32_t n = n_leaves_ == 0 ? 1 : 2 * n_leaves_;
    if (n > (1u << 30)) fail(MlsErrc::length_limit, "ratchet tree too large");
    n_leaves_ = n;
    nodes_.resize(2 * std::size_t{n} - 1);
}

void RatchetTree::truncate() {
    while (n_leaves_ > 1) {
        const std::uint32_t half = n_leaves_ / 2;
        bool right_blank = true;
        for (std::uint32_t l = half; l < n_leaves_ && right_blank; ++l) {
            right_blank = !nodes_[2 * std::size_t{l}].has_value();
        }
        if (!right_blank) break;
        n_leaves_ = half;
        nodes_.resize(2 * std::size_t{half} - 1);
    }
}

LeafIndex RatchetTree::add_leaf(LeafNode leaf_node) {
    std::uint32_t target = n_leaves_;
    for (std::uint32_t l = 0; l < n_leaves_; ++l) {
        if (!nodes_[2 * std::size_t{l}]) {
            target = l;
            break;
        }
    }
    if (target == n_leaves_) extend();
    const LeafIndex li{target};
    const NodeIndex ln = tm::leaf_to_node(li);
    for (auto p : tm::direct_path(ln, n_leaves_)) {
        auto& n = nodes_[p.value];
        if (!n) continue;
        auto& unmerged = std::get<ParentNode>(n->value).unmerged_leaves;
        unmerged.insert(std::upper_bound(unmerged.begin(), unmerged.end(), li), li);
    }
    nodes_[ln.value] = Node{std::move(leaf_node)};
    return li;
}

void RatchetTree::update_leaf(LeafIndex sender, LeafNode leaf_node) {
    if (leaf(sender) == nullptr) fail(MlsErrc::not_member, "update from a blank leaf");
    set_leaf(sender, std::move(leaf_node));
    blank_path(sender);
}

void RatchetTree::remove_leaf(LeafIndex removed) {
    if (leaf(removed) == nullptr) fail(MlsErrc::invalid_proposal, "remove of a blank leaf");
    nodes_[tm::leaf_to_node(removed).value].reset();
    blank_path(removed);
    truncate();
}

}  // namespace lagrum::mls
