// treekem.json: UpdatePath processing and creation (RFC 9420 §§7.4-7.6, 7.9.2).
#include <gtest/gtest.h>

#include <map>

#include "lagrum/mls/error.h"
#include "lagrum/mls/tree_math.h"
#include "lagrum/mls/treekem.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

TEST(MlsVectors, TreeKem) {
    const auto cases = load_mls_vectors("treekem.json");
    VectorCounter counter("treekem.json");
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const auto& c = cases[k];
        if (!counter.wants(c.at("cipher_suite").get<std::uint16_t>())) continue;
        SCOPED_TRACE("case " + std::to_string(k));
        const RatchetTree tree = decode_exact<RatchetTree>(bytes_of(c.at("ratchet_tree")));

        GroupContext base;
        base.group_id = bytes_of(c.at("group_id"));
        base.epoch = c.at("epoch").get<std::uint64_t>();
        base.confirmed_transcript_hash = bytes_of(c.at("confirmed_transcript_hash"));

        std::map<std::uint32_t, TreeKemPrivate> privs;
        std::map<std::uint32_t, Bytes> sig_privs;
        for (const auto& lp : c.at("leaves_private")) {
            const auto idx = lp.at("index").get<std::uint32_t>();
            TreeKemPrivate p(LeafIndex{idx}, SecretBytes::take(bytes_of(lp.at("encryption_priv"))));
            for (const auto& ps : lp.at("path_secrets")) {
                p.set_path_secret(NodeIndex{ps.at("node").get<std::uint32_t>()},
                                  bytes_of(ps.at("path_secret")));
            }
            EXPECT_NO_THROW(p.check_consistent(tree)) << "leaf " << idx;
            privs.emplace(idx, std::move(p));
            sig_privs.emplace(idx, bytes_of(lp.at("signature_priv")));
        }

        for (const auto& up : c.at("update_paths")) {
            const LeafIndex sender{up.at("sender").get<std::uint32_t>()};
            SCOPED_TRACE("sender " + std::to_string(sender.value));
            const UpdatePath path = decode_exact<UpdatePath>(bytes_of(up.at("update_path")));

            // Merge (includes the parent-hash check of the committer's leaf).
            RatchetTree merged = tree;
            ASSERT_NO_THROW(merge_update_path(merged, sender, path, {}));
            EXPECT_EQ(hex(merged.tree_hash()), up.at("tree_hash_after").get<std::string>());
            EXPECT_NO_THROW(merged.verify_parent_hashes());
            GroupContext gc = base;
            gc.tree_hash = merged.tree_hash();
            const Bytes context = encode(gc);

            const auto& expected_secrets = up.at("path_secrets");
            for (auto& [idx, priv] : privs) {
                if (idx == sender.value || tree.leaf(LeafIndex{idx}) == nullptr) continue;
                TreeKemPrivate p = priv.clone();
                const DecryptedPath d = decrypt_update_path(merged, p, sender, path, {}, context);
                EXPECT_EQ(hex(d.path_secret.view()), expected_secrets.at(idx).get<std::string>());
                EXPECT_EQ(hex(d.commit_secret.view()), up.at("commit_secret").get<std::string>());
                EXPECT_NO_THROW(p.check_consistent(merged));
            }

            // Create a fresh UpdatePath from the sender and have everyone process it.
            RatchetTree created = tree;
            TreeKemPrivate sender_priv = privs.at(sender.value).clone();
            UpdatePathInput input;
            input.leaf_template = *tree.leaf(sender);
            input.signature_private_key = sig_privs.at(sender.value);
            input.provisional_context = base;
            const UpdatePathResult result = create_update_path(created, sender_priv, input);
            EXPECT_NO_THROW(created.verify_parent_hashes());
            EXPECT_NO_THROW(sender_priv.check_consistent(created));
            EXPECT_TRUE(result.path.leaf_node.verify_signature(base.group_id, sender));
            const Bytes new_context = encode(result.group_context);
            for (auto& [idx, priv] : privs) {
                if (idx == sender.value || tree.leaf(LeafIndex{idx}) == nullptr) continue;
                RatchetTree theirs = tree;
                merge_update_path(theirs, sender, result.path, {});
                EXPECT_TRUE(theirs == created);
                TreeKemPrivate p = priv.clone();
                const DecryptedPath d =
                    decrypt_update_path(theirs, p, sender, result.path, {}, new_context);
                EXPECT_EQ(hex(d.commit_secret.view()), hex(result.commit_secret.view()));
            }
        }
        counter.ran();
    }
    counter.check();
}
