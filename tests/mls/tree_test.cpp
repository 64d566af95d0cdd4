// Ratchet tree vectors: tree-validation.json (resolutions, per-node tree hashes, parent
// hashes, leaf signatures; RFC 9420 §§4.1.2, 7.8, 7.9.2) and tree-operations.json
// (Add/Update/Remove applied to a tree, §12.1.1-3).
#include <gtest/gtest.h>

#include "lagrum/mls/error.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/ratchet_tree.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {
Bytes as_bytes_of(std::string_view s) {
    return Bytes(s.begin(), s.end());
}
}  // namespace

TEST(MlsVectors, TreeValidation) {
    const auto cases = load_mls_vectors("tree-validation.json");
    VectorCounter counter("tree-validation.json");
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& c = cases[k];
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        SCOPED_TRACE("case " + std::to_string(k));
        const RatchetTree tree = decode_exact<RatchetTree>(bytes_of(c.at("tree")));
        const auto& resolutions = c.at("resolutions");
        const auto& hashes = c.at("tree_hashes");
        ASSERT_EQ(resolutions.size(), tree.width());
        ASSERT_EQ(hashes.size(), tree.width());
        const auto all = tree.tree_hashes();
        for (std::uint32_t i = 0; i < tree.width(); ++i) {
            std::vector<std::uint32_t> res;
            for (auto n : tree.resolution(NodeIndex{i})) res.push_back(n.value);
            EXPECT_EQ(res, resolutions[i].get<std::vector<std::uint32_t>>()) << "node " << i;
            EXPECT_EQ(hex(all[i]), hashes[i].get<std::string>()) << "node " << i;
            EXPECT_EQ(hex(tree.tree_hash(NodeIndex{i})), hashes[i].get<std::string>());
        }
        EXPECT_NO_THROW(tree.verify_parent_hashes());
        EXPECT_NO_THROW(tree.verify_structure());
        EXPECT_NO_THROW(tree.verify_leaf_signatures(bytes_of(c.at("group_id"))));
        // With a foreign group id, update/commit leaves (signed with the group id as
        // context) must fail.
        bool has_group_bound_leaf = false;
        for (auto m : tree.members()) {
            has_group_bound_leaf |= tree.leaf(m)->source != LeafNodeSource::key_package;
        }
        if (has_group_bound_leaf) {
            EXPECT_THROW(tree.verify_leaf_signatures(as_bytes_of("another group")), MlsError);
        }
        counter.ran();
    }
    counter.check();
}

// tree-operations.json carries only suite-1 cases. Suite 1 (X25519, AES-GCM, SHA-256,
// Ed25519) and suite 3 share the hash and every encoding the test touches (no AEAD is
// used), so the cases are run as suite-independent.
TEST(MlsVectors, TreeOperations) {
    const auto cases = load_mls_vectors("tree-operations.json");
    VectorCounter counter("tree-operations.json", true);
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& c = cases[k];
        SCOPED_TRACE("case " + std::to_string(k));
        RatchetTree tree = decode_exact<RatchetTree>(bytes_of(c.at("tree_before")));
        EXPECT_EQ(hex(tree.tree_hash()), c.at("tree_hash_before").get<std::string>());
        const Proposal p = decode_exact<Proposal>(bytes_of(c.at("proposal")));
        const LeafIndex sender{c.at("proposal_sender").get<std::uint32_t>()};
        if (const auto* add = std::get_if<Add>(&p.body)) {
            tree.add_leaf(add->key_package.leaf_node);
        } else if (const auto* upd = std::get_if<Update>(&p.body)) {
            tree.update_leaf(sender, upd->leaf_node);
        } else if (const auto* rem = std::get_if<Remove>(&p.body)) {
            tree.remove_leaf(rem->removed);
        } else {
            FAIL() << "unexpected proposal type " << p.type();
        }
        EXPECT_EQ(hex(encode(tree)), c.at("tree_after").get<std::string>());
        EXPECT_EQ(hex(tree.tree_hash()), c.at("tree_hash_after").get<std::string>());
        counter.ran();
    }
    counter.check();
}
