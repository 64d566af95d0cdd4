// group.h promises that every operation leaves the state untouched on failure. These
// tests hold it to that (issue 14): a message refused after decryption must not burn its
// ratchet key, a ratchet must not move for a message that is then refused, and a Commit
// that removes us must pass every check we can make before we stop following the group.
#include <gtest/gtest.h>

#include "group_util.h"
#include "lagrum/mls/secret_tree.h"

namespace lagrum::mls {
namespace {

using namespace group_test;

// An application message handed to handle() is refused after it was decrypted; the same
// message must still open with unprotect() (its key was not consumed by the refusal).
TEST(StateContract, RefusedMessageThenGenuineStillDecrypts) {
    auto ms = make_group(2);
    const Bytes ct = ms[0]->group->protect(bytes("hej"));
    expect_errc(
        MlsErrc::invalid_state, [&] { ms[1]->group->handle(ct); }, "application in handle");
    EXPECT_EQ(ms[1]->group->unprotect(ct).data, bytes("hej"));
    // And it is consumed now: a replay is refused.
    expect_errc(
        MlsErrc::generation_too_old, [&] { ms[1]->group->unprotect(ct); }, "replay");
}

// A ratchet asked for a key far ahead (as for a message whose AEAD then fails) must not
// advance or drop the keys it retains for out-of-order delivery.
TEST(StateContract, RatchetPeekChangesNothing) {
    const Bytes secret(kNh, 0x42);
    SecretTreeConfig cfg;
    cfg.max_retained_keys = 2;
    SecretTree reference(secret, 2, cfg);
    const RatchetKey k0 = reference.key_for(LeafIndex{0}, RatchetType::application, 0);
    const RatchetKey k10 = reference.key_for(LeafIndex{0}, RatchetType::application, 10);

    SecretTree tree(secret, 2, cfg);
    const RatchetKey peeked = tree.peek_key(LeafIndex{0}, RatchetType::application, 10);
    EXPECT_EQ(peeked.key, k10.key);
    EXPECT_EQ(peeked.nonce, k10.nonce);
    // Not consumed: generation 0 (in order) is still there, and so is 10.
    EXPECT_EQ(tree.key_for(LeafIndex{0}, RatchetType::application, 0).key, k0.key);
    EXPECT_EQ(tree.key_for(LeafIndex{0}, RatchetType::application, 10).key, k10.key);
    // Accepting 10 retained at most two skipped keys (8, 9); older ones are gone.
    EXPECT_NO_THROW(tree.key_for(LeafIndex{0}, RatchetType::application, 9));
    EXPECT_NO_THROW(tree.key_for(LeafIndex{0}, RatchetType::application, 8));
    expect_errc(
        MlsErrc::generation_too_old,
        [&] { tree.key_for(LeafIndex{0}, RatchetType::application, 7); }, "dropped");
}

// A Commit with a bad confirmation tag changes nothing at a member who stays: same epoch,
// same members, still active, and the genuine Commit that follows is accepted.
TEST(StateContract, BadConfirmationTagLeavesMembershipAndEpoch) {
    for (bool encrypted : {false, true}) {
        auto ms = make_group(3, config(encrypted));
        const auto members_before = ms[1]->group->tree().members();
        const Bytes gc_before = encode(ms[1]->group->context());
        Group::CommitOptions bad;
        bad.by_value = {Proposal{Remove{ms[2]->group->own_leaf()}}};
        bad.corrupt_confirmation_tag_for_testing = true;
        const auto out = ms[0]->group->commit(bad);
        ms[0]->group->discard_pending_commit();
        expect_errc(
            MlsErrc::invalid_commit, [&] { ms[1]->group->handle(out.commit); }, "bad tag");
        EXPECT_EQ(ms[1]->group->epoch(), 1u);
        EXPECT_EQ(ms[1]->group->tree().members(), members_before);
        EXPECT_EQ(encode(ms[1]->group->context()), gc_before);
        EXPECT_TRUE(ms[1]->group->active());

        Group::CommitOptions good;
        good.by_value = {Proposal{Remove{ms[2]->group->own_leaf()}}};
        const auto genuine = ms[0]->group->commit(good);
        ms[0]->group->merge_pending_commit();
        ms[1]->group->handle(genuine.commit);
        EXPECT_EQ(ms[1]->group->epoch(), 2u);
        EXPECT_EQ(ms[1]->group->tree().members().size(), 2u);
        const Bytes ct = ms[0]->group->protect(bytes("after"));
        EXPECT_EQ(ms[1]->group->unprotect(ct).data, bytes("after"));
    }
}

// The member a Commit removes cannot verify the confirmation tag (the path is encrypted
// past its blank leaf), but everything else it must check before going inactive: here a
// validly signed Commit whose committer leaf carries a broken signature.
TEST(StateContract, RemovalWithInvalidPathLeavesRemovedMemberActive) {
    for (bool encrypted : {false, true}) {
        auto ms = make_group(3, config(encrypted));
        Group::CommitOptions bad;
        bad.by_value = {Proposal{Remove{ms[2]->group->own_leaf()}}};
        bad.tamper_commit_for_testing = [](Commit& c) {
            ASSERT_TRUE(c.path.has_value());
            c.path->leaf_node.signature[0] ^= 1;
        };
        const auto out = ms[0]->group->commit(bad);
        ms[0]->group->discard_pending_commit();
        EXPECT_THROW(ms[2]->group->handle(out.commit), MlsError);
        EXPECT_TRUE(ms[2]->group->active());
        EXPECT_EQ(ms[2]->group->epoch(), 1u);
        EXPECT_THROW(ms[1]->group->handle(out.commit), MlsError);

        // The genuine removal then works for both.
        Group::CommitOptions good;
        good.by_value = {Proposal{Remove{ms[2]->group->own_leaf()}}};
        const auto genuine = ms[0]->group->commit(good);
        ms[0]->group->merge_pending_commit();
        ms[1]->group->handle(genuine.commit);
        EXPECT_TRUE(ms[2]->group->handle(genuine.commit).removed_self);
        EXPECT_FALSE(ms[2]->group->active());
    }
}

}  // namespace
}  // namespace lagrum::mls
