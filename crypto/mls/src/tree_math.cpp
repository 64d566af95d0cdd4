// RFC 9420 Appendix C array-based tree math.
#include "lagrum/mls/tree_math.h"

#include <string>

namespace lagrum::mls::tree_math {

namespace {

// Leaf counts are uint32 in MLS; node indices must stay below 2^32.
constexpr std::uint32_t kMaxLeaves = 0x80000000u;

void check_node(NodeIndex x, std::uint32_t n_leaves) {
    if (n_leaves == 0 || n_leaves > kMaxLeaves || x.value >= node_width(n_leaves)) {
        fail(MlsErrc::invalid_tree, "node index " + std::to_string(x.value) + " outside tree of " +
                                        std::to_string(n_leaves) + " leaves");
    }
}

// One step of Appendix C's parent(): valid for any non-root node of an infinite tree.
NodeIndex parent_step(NodeIndex x) noexcept {
    const std::uint32_t k = level(x);
    const std::uint64_t v = x.value;
    const std::uint64_t b = (v >> (k + 1)) & 1u;
    return NodeIndex{static_cast<std::uint32_t>((v | (std::uint64_t{1} << k)) ^ (b << (k + 1)))};
}

}  // namespace

std::uint32_t log2(std::uint32_t x) noexcept {
    if (x == 0) return 0;
    std::uint32_t k = 0;
    while ((x >> k) > 1) ++k;
    return k;
}

std::uint32_t level(NodeIndex x) noexcept {
    std::uint32_t k = 0;
    while (k < 32 && ((x.value >> k) & 1u) == 1u) ++k;
    return k;
}

std::uint32_t node_width(std::uint32_t n_leaves) {
    if (n_leaves == 0) return 0;
    if (n_leaves > kMaxLeaves) fail(MlsErrc::invalid_tree, "too many leaves");
    return 2 * (n_leaves - 1) + 1;
}

NodeIndex root(std::uint32_t n_leaves) {
    if (n_leaves == 0) fail(MlsErrc::invalid_tree, "empty tree has no root");
    const std::uint32_t w = node_width(n_leaves);
    return NodeIndex{(std::uint32_t{1} << log2(w)) - 1};
}

bool is_leaf(NodeIndex x) noexcept {
    return (x.value & 1u) == 0;
}

NodeIndex leaf_to_node(LeafIndex leaf) {
    if (leaf.value >= kMaxLeaves) fail(MlsErrc::invalid_tree, "leaf index too large");
    return NodeIndex{2 * leaf.value};
}

LeafIndex node_to_leaf(NodeIndex node) {
    if (!is_leaf(node)) fail(MlsErrc::invalid_tree, "node is not a leaf");
    return LeafIndex{node.value / 2};
}

NodeIndex left(NodeIndex x) {
    const std::uint32_t k = level(x);
    if (k == 0) fail(MlsErrc::invalid_tree, "leaf node has no children");
    return NodeIndex{x.value ^ (std::uint32_t{1} << (k - 1))};
}

NodeIndex right(NodeIndex x) {
    const std::uint32_t k = level(x);
    if (k == 0) fail(MlsErrc::invalid_tree, "leaf node has no children");
    if (k >= 32) fail(MlsErrc::invalid_tree, "node index out of range");
    return NodeIndex{static_cast<std::uint32_t>(x.value ^ (std::uint64_t{3} << (k - 1)))};
}

NodeIndex parent(NodeIndex x, std::uint32_t n_leaves) {
    check_node(x, n_leaves);
    const NodeIndex r = root(n_leaves);
    if (x == r) fail(MlsErrc::invalid_tree, "root node has no parent");
    const std::uint32_t w = node_width(n_leaves);
    NodeIndex p = parent_step(x);
    // Only for non-power-of-two leaf counts can the first step leave the array.
    while (p.value >= w) p = parent_step(p);
    return p;
}

NodeIndex sibling(NodeIndex x, std::uint32_t n_leaves) {
    const NodeIndex p = parent(x, n_leaves);
    if (x < p) {
        NodeIndex s = right(p);
        // Non-full trees: descend leftwards until inside the array.
        while (s.value >= node_width(n_leaves)) s = left(s);
        return s;
    }
    return left(p);
}

std::vector<NodeIndex> direct_path(NodeIndex x, std::uint32_t n_leaves) {
    check_node(x, n_leaves);
    const NodeIndex r = root(n_leaves);
    std::vector<NodeIndex> d;
    while (x != r) {
        x = parent(x, n_leaves);
        d.push_back(x);
    }
    return d;
}

std::vector<NodeIndex> copath(NodeIndex x, std::uint32_t n_leaves) {
    check_node(x, n_leaves);
    std::vector<NodeIndex> out;
    const NodeIndex r = root(n_leaves);
    while (x != r) {
        out.push_back(sibling(x, n_leaves));
        x = parent(x, n_leaves);
    }
    return out;
}

bool is_in_subtree(NodeIndex ancestor, NodeIndex x) noexcept {
    // The subtree of a node at level k spans indices [a - (2^k - 1), a + (2^k - 1)].
    const std::uint32_t k = level(ancestor);
    if (k >= 32) return true;
    const std::uint64_t span = (std::uint64_t{1} << k) - 1;
    const std::uint64_t a = ancestor.value;
    const std::uint64_t v = x.value;
    return v + span >= a && v <= a + span;
}

NodeIndex common_ancestor(NodeIndex x, NodeIndex y, std::uint32_t n_leaves) {
    check_node(x, n_leaves);
    check_node(y, n_leaves);
    NodeIndex a = x;
    const NodeIndex r = root(n_leaves);
    while (!is_in_subtree(a, y)) {
        if (a == r) fail(MlsErrc::invalid_tree, "no common ancestor");
        a = parent(a, n_leaves);
    }
    return a;
}

}  // namespace lagrum::mls::tree_math
