// Array-based tree math of RFC 9420 §4.1 / §7.1, as given in Appendix C
// ("Array-Based Trees").
//
// Nodes are numbered left to right in in-order: leaf i is node 2i, parents are odd. In
// RFC 9420 the tree always has a power-of-two number of leaves (§7.7 extends by doubling,
// §7.8 truncates back to a power of two), and these functions give Appendix C's answers
// for such trees. For other leaf counts, parent() climbs until it lands inside the
// node_width(n) array (the left-balanced rule of the drafts), which agrees with Appendix
// C on every full tree.
//
// Functions that have no answer (children of a leaf, parent/sibling of the root, a node
// outside the tree) throw MlsError(invalid_tree): callers index with attacker-chosen
// values, so out-of-range must be an error, not undefined behaviour.
#pragma once

#include <cstdint>
#include <vector>

#include "lagrum/mls/types.h"

namespace lagrum::mls::tree_math {

// Largest k with 2^k <= x; log2(0) = 0.
std::uint32_t log2(std::uint32_t x) noexcept;
// Leaves are level 0; a parent is one above its children.
std::uint32_t level(NodeIndex x) noexcept;
// Number of array slots for n leaves: 2(n-1)+1, 0 for n = 0.
std::uint32_t node_width(std::uint32_t n_leaves);
// Root of a tree with n leaves (n >= 1).
NodeIndex root(std::uint32_t n_leaves);

bool is_leaf(NodeIndex x) noexcept;
NodeIndex leaf_to_node(LeafIndex leaf);
LeafIndex node_to_leaf(NodeIndex node);  // throws if node is a parent node

NodeIndex left(NodeIndex x);
NodeIndex right(NodeIndex x);
NodeIndex parent(NodeIndex x, std::uint32_t n_leaves);
NodeIndex sibling(NodeIndex x, std::uint32_t n_leaves);

// Ordered from the node's parent up to and including the root; empty for the root.
std::vector<NodeIndex> direct_path(NodeIndex x, std::uint32_t n_leaves);
// Siblings of the node and of each direct-path node except the root, leaf to root.
std::vector<NodeIndex> copath(NodeIndex x, std::uint32_t n_leaves);
// The lowest node that is x, y, or in both direct paths.
NodeIndex common_ancestor(NodeIndex x, NodeIndex y, std::uint32_t n_leaves);
// True if `ancestor` is x or on x's direct path.
bool is_in_subtree(NodeIndex ancestor, NodeIndex x) noexcept;

}  // namespace lagrum::mls::tree_math
