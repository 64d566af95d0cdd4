// Untrusted tree size (issue 14): a ratchet tree from a Welcome, a GroupInfo or stored
// state is bounded (GroupConfig::max_tree_leaves, 2^16 by default) before its nodes are
// allocated, and a Commit cannot grow a group past the bound.
#include <gtest/gtest.h>

#include "group_util.h"
#include "lagrum/mls/ratchet_tree.h"

namespace lagrum::mls {
namespace {

using namespace group_test;

// The ratchet_tree extension data of `entries` nodes: a leaf, blanks, and the same leaf
// again at position `entries - 1` (which must be even), so the list ends non-blank.
Bytes wide_tree(const Bytes& leaf_node_entry, std::size_t entries) {
    Writer w;
    w.vector([&](Writer& v) {
        v.raw(leaf_node_entry);
        for (std::size_t i = 1; i + 1 < entries; ++i) v.u8(0);
        v.raw(leaf_node_entry);
    });
    return w.take();
}

// optional<Node> of one real leaf: presence byte, then the Node.
Bytes one_leaf_entry() {
    auto ms = make_group(1);
    const Bytes tree = encode(ms[0]->group->tree());
    Reader r(tree);
    const ByteView body = r.opaque_view();
    return Bytes(body.begin(), body.end());
}

TEST(TreeBound, DefaultBoundRefusesWideTreeBeforeAllocating) {
    const Bytes leaf = one_leaf_entry();
    // 2^17 + 1 entries: 2^16 + 1 leaves, padded to 2^17. One byte per blank entry.
    const Bytes data = wide_tree(leaf, (std::size_t{1} << 17) + 1);
    expect_errc(
        MlsErrc::length_limit, [&] { (void)decode_exact<RatchetTree>(data); }, "default bound");
    // At the bound it decodes: 2^16 leaves.
    const Bytes at_bound = wide_tree(leaf, (std::size_t{1} << 17) - 1);
    EXPECT_EQ(decode_exact<RatchetTree>(at_bound).n_leaves(), 1u << 16);
}

TEST(TreeBound, ConfiguredBound) {
    const Bytes leaf = one_leaf_entry();
    const Bytes five = wide_tree(leaf, 9);  // leaves 0 and 4: padded to 8 leaves
    EXPECT_EQ(RatchetTree::decode_extension(five, 8).n_leaves(), 8u);
    expect_errc(
        MlsErrc::length_limit, [&] { (void)RatchetTree::decode_extension(five, 4); }, "bound 4");
    // Padding counts: 5 entries (leaves 0 and 2) is a 4-leaf tree, refused under 3.
    const Bytes three = wide_tree(leaf, 5);
    expect_errc(
        MlsErrc::length_limit, [&] { (void)RatchetTree::decode_extension(three, 3); }, "pad");
}

TEST(TreeBound, WelcomeAndGroupInfoAndCommitHonourTheConfig) {
    GroupConfig small = config();
    small.max_tree_leaves = 2;
    auto ms = make_group(3);  // a 4-leaf tree
    // A joiner bounded to 2 leaves refuses the Welcome of a 4-leaf group.
    Member dave;
    dave.name = "dave";
    auto kp = create_key_package(cred("dave"), dave.sig.private_key);
    Group::CommitOptions opts;
    opts.by_value = {Proposal{Add{kp.key_package}}};
    auto out = ms[0]->group->commit(opts);
    ms[0]->group->merge_pending_commit();
    expect_errc(
        MlsErrc::length_limit, [&] { (void)Group::join_from_message(*out.welcome, kp, small); },
        "welcome");
    EXPECT_NO_THROW((void)Group::join_from_message(*out.welcome, kp, config()));
    // The same for an external join from the GroupInfo.
    Member erin;
    expect_errc(
        MlsErrc::length_limit,
        [&] {
            (void)Group::join_external(ms[0]->group->group_info(true), cred("erin"),
                                       erin.sig.private_key, small, {});
        },
        "group info");
    // A group bounded to 2 leaves cannot commit a third member.
    Member alice;
    Group g = Group::create(bytes("small"), cred("alice"), alice.sig.private_key, small);
    Member bob;
    Member carol;
    Group::CommitOptions add_two;
    add_two.by_value = {
        Proposal{Add{create_key_package(cred("bob"), bob.sig.private_key).key_package}},
        Proposal{Add{create_key_package(cred("carol"), carol.sig.private_key).key_package}}};
    expect_errc(
        MlsErrc::length_limit, [&] { (void)g.commit(add_two); }, "commit");
    EXPECT_FALSE(g.has_pending_commit());
    EXPECT_EQ(g.tree().n_leaves(), 1u);
}

}  // namespace
}  // namespace lagrum::mls
