// Negative tests for MLS-2's classes: KeyPackage / LeafNode validation (RFC 9420 §7.3,
// §10.1), invalid UpdatePaths and parent hashes (§7.9.2), senders that are not members,
// unknown / duplicate / disallowed proposals (§12.2), and codec abuse (truncation,
// trailing bytes, oversized length prefixes; §2.1).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/extensions.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/proposal_list.h"
#include "lagrum/mls/ratchet_tree.h"
#include "lagrum/mls/tree_math.h"
#include "lagrum/mls/treekem.h"
#include "lagrum/mls/welcome.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

constexpr std::uint64_t kNow = 1'000'000;

struct TestMember {
    SignatureKeyPair sig;
    HpkeKeyPair enc;
    HpkeKeyPair init;
    KeyPackage kp;
};

TestMember make_member(const std::string& name) {
    TestMember m{
        generate_signature_key_pair(), generate_hpke_key_pair(), generate_hpke_key_pair(), {}};
    LeafNode& ln = m.kp.leaf_node;
    ln.encryption_key = m.enc.public_key;
    ln.signature_key = m.sig.public_key;
    ln.credential = Credential::basic(Bytes(name.begin(), name.end()));
    ln.capabilities = Capabilities::lagrum_default();
    ln.source = LeafNodeSource::key_package;
    ln.lifetime = {kNow - 100, kNow + 100};
    ln.sign(m.sig.private_key, {}, {});
    m.kp.init_key = m.init.public_key;
    m.kp.sign(m.sig.private_key);
    return m;
}

const CredentialPolicy kAcceptBasic = [](const Credential& c, ByteView) {
    return c.type == credential_type::basic;
};

KeyPackageCheck kp_check() {
    KeyPackageCheck c;
    c.now = kNow;
    c.policy = &kAcceptBasic;
    return c;
}

const Bytes kGroupId{'g', 'r', 'o', 'u', 'p'};

// A group of n members as a tree (everyone added by Add), plus private states.
struct TestGroup {
    std::vector<TestMember> members;
    RatchetTree tree;
    std::vector<TreeKemPrivate> privs;
};

TestGroup make_group(std::size_t n) {
    TestGroup g;
    for (std::size_t i = 0; i < n; ++i) g.members.push_back(make_member("m" + std::to_string(i)));
    g.tree = RatchetTree(g.members[0].kp.leaf_node);
    for (std::size_t i = 1; i < n; ++i) g.tree.add_leaf(g.members[i].kp.leaf_node);
    for (std::size_t i = 0; i < n; ++i) {
        g.privs.emplace_back(LeafIndex{static_cast<std::uint32_t>(i)},
                             g.members[i].enc.private_key.clone());
    }
    return g;
}

UpdatePathResult commit_path(TestGroup& g, std::uint32_t committer) {
    UpdatePathInput in;
    in.leaf_template = *g.tree.leaf(LeafIndex{committer});
    in.signature_private_key = g.members[committer].sig.private_key.view();
    in.provisional_context.group_id = kGroupId;
    in.provisional_context.epoch = 1;
    return create_update_path(g.tree, g.privs[committer], in);
}

}  // namespace

// ---- KeyPackage / LeafNode (§10.1, §7.3) --------------------------------------------------

TEST(MlsKeyPackage, ValidPasses) {
    const auto m = make_member("alice");
    EXPECT_NO_THROW(validate_key_package(m.kp, kp_check()));
    const auto round = decode_exact<KeyPackage>(encode(m.kp));
    EXPECT_EQ(round, m.kp);
}

TEST(MlsKeyPackage, UnsupportedSuiteAndVersion) {
    auto m = make_member("alice");
    m.kp.cipher_suite = static_cast<CipherSuite>(1);
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::unsupported);
    m = make_member("alice");
    m.kp.version = static_cast<ProtocolVersion>(2);
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::unsupported);
}

TEST(MlsKeyPackage, ExpiredOrNotYetValidLifetime) {
    const auto m = make_member("alice");
    auto c = kp_check();
    c.now = kNow + 101;
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, c); }), MlsErrc::invalid_leaf_node);
    c.now = kNow - 101;
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, c); }), MlsErrc::invalid_leaf_node);
    c.now = kNow;
    c.max_lifetime = 50;
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, c); }), MlsErrc::invalid_leaf_node);
}

TEST(MlsKeyPackage, BadSignatures) {
    auto m = make_member("alice");
    m.kp.signature[3] ^= 1;
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::bad_signature);
    // Leaf changed after its own signature, KeyPackage re-signed: the leaf check fails.
    m = make_member("alice");
    m.kp.leaf_node.lifetime.not_after += 1;
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::bad_signature);
}

TEST(MlsKeyPackage, InitKeyMustDifferFromEncryptionKey) {
    auto m = make_member("alice");
    m.kp.init_key = m.kp.leaf_node.encryption_key;
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }),
              MlsErrc::invalid_key_package);
}

TEST(MlsKeyPackage, CredentialPolicyDecides) {
    const auto m = make_member("alice");
    auto c = kp_check();
    const CredentialPolicy reject_all = [](const Credential&, ByteView) { return false; };
    c.policy = &reject_all;
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, c); }), MlsErrc::credential_rejected);
    c.policy = nullptr;  // no policy: never assume validity
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, c); }), MlsErrc::credential_rejected);
    // The policy sees the credential and the signature key it must bind.
    Bytes seen_key;
    const CredentialPolicy record = [&](const Credential&, ByteView key) {
        seen_key.assign(key.begin(), key.end());
        return true;
    };
    c.policy = &record;
    validate_key_package(m.kp, c);
    EXPECT_EQ(seen_key, m.kp.leaf_node.signature_key);
}

TEST(MlsKeyPackage, LeafRules) {
    // Wrong leaf_node_source.
    auto m = make_member("alice");
    m.kp.leaf_node.source = LeafNodeSource::update;
    m.kp.leaf_node.sign(m.sig.private_key, {}, {});
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::invalid_leaf_node);
    // Non-default extension not listed in capabilities.
    m = make_member("alice");
    m.kp.leaf_node.extensions.push_back(Extension{0x0f0f, {1, 2}});
    m.kp.leaf_node.sign(m.sig.private_key, {}, {});
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::invalid_leaf_node);
    // Required capability the leaf lacks.
    m = make_member("alice");
    ExtensionList group_ext{make_extension(RequiredCapabilities{{0x0f0f}, {}, {}})};
    auto c = kp_check();
    c.group_extensions = &group_ext;
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, c); }), MlsErrc::invalid_leaf_node);
    // Credential type not in capabilities.
    m = make_member("alice");
    m.kp.leaf_node.capabilities.credentials = {credential_type::x509};
    m.kp.leaf_node.sign(m.sig.private_key, {}, {});
    m.kp.sign(m.sig.private_key);
    EXPECT_EQ(code_of([&] { validate_key_package(m.kp, kp_check()); }), MlsErrc::invalid_leaf_node);
}

// ---- UpdatePath / parent hashes (§7.5, §7.9.2) ----------------------------------------------

TEST(MlsTreeKem, RoundTripInFreshGroup) {
    auto g = make_group(5);
    const RatchetTree before = g.tree;
    const auto r = commit_path(g, 2);
    EXPECT_NO_THROW(g.tree.verify_parent_hashes());
    for (std::uint32_t j = 0; j < 5; ++j) {
        if (j == 2) continue;
        RatchetTree t = before;
        merge_update_path(t, LeafIndex{2}, r.path, {});
        EXPECT_TRUE(t == g.tree);
        auto p = g.privs[j].clone();
        const auto d = decrypt_update_path(t, p, LeafIndex{2}, r.path, {}, encode(r.group_context));
        EXPECT_EQ(d.commit_secret, r.commit_secret);
        EXPECT_NO_THROW(p.check_consistent(t));
        // Persisted private state restores exactly.
        const auto restored = decode_exact<TreeKemPrivate>(encode(p));
        EXPECT_NO_THROW(restored.check_consistent(t));
        EXPECT_EQ(restored.size(), p.size());
    }
}

TEST(MlsTreeKem, ParentHashMismatchIsInvalidPath) {
    auto g = make_group(4);
    const RatchetTree before = g.tree;
    auto r = commit_path(g, 0);
    {
        auto path = r.path;
        path.leaf_node.parent_hash[0] ^= 1;
        path.leaf_node.sign(g.members[0].sig.private_key, kGroupId, LeafIndex{0});
        RatchetTree t = before;
        EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{0}, path, {}); }),
                  MlsErrc::invalid_path);
    }
    {
        // A substituted node key changes the parent-hash chain.
        auto path = r.path;
        path.nodes.back().encryption_key = generate_hpke_key_pair().public_key;
        RatchetTree t = before;
        EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{0}, path, {}); }),
                  MlsErrc::invalid_path);
    }
    {
        auto path = r.path;
        path.nodes.pop_back();
        RatchetTree t = before;
        EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{0}, path, {}); }),
                  MlsErrc::invalid_path);
    }
    {
        auto path = r.path;
        path.nodes[0].encrypted_path_secret.push_back(path.nodes[0].encrypted_path_secret[0]);
        RatchetTree t = before;
        EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{0}, path, {}); }),
                  MlsErrc::invalid_path);
    }
    {
        // Reusing a key that is already in the tree.
        auto path = r.path;
        path.nodes[0].encryption_key = before.leaf(LeafIndex{1})->encryption_key;
        RatchetTree t = before;
        EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{0}, path, {}); }),
                  MlsErrc::invalid_path);
    }
    {
        // The committer keeping its old leaf key: rejected by the §7.3 leaf check the
        // caller runs before merging.
        LeafNode leaf = r.path.leaf_node;
        leaf.encryption_key = before.leaf(LeafIndex{0})->encryption_key;
        leaf.sign(g.members[0].sig.private_key, kGroupId, LeafIndex{0});
        EXPECT_EQ(code_of([&] { before.check_new_leaf(leaf, LeafIndex{0}); }),
                  MlsErrc::invalid_leaf_node);
        EXPECT_NO_THROW(before.check_new_leaf(r.path.leaf_node, LeafIndex{0}));
    }
    {
        // Tampered ciphertext: the merge is fine, decryption fails.
        auto path = r.path;
        path.nodes[0].encrypted_path_secret[0].ciphertext[0] ^= 1;
        RatchetTree t = before;
        merge_update_path(t, LeafIndex{0}, path, {});
        auto p = g.privs[1].clone();
        EXPECT_EQ(code_of([&] {
                      decrypt_update_path(t, p, LeafIndex{0}, path, {}, encode(r.group_context));
                  }),
                  MlsErrc::decryption_failed);
        // Wrong GroupContext (e.g. another epoch) fails as well.
        auto gc = r.group_context;
        gc.epoch += 1;
        auto p2 = g.privs[1].clone();
        RatchetTree t2 = before;
        merge_update_path(t2, LeafIndex{0}, r.path, {});
        EXPECT_EQ(
            code_of([&] { decrypt_update_path(t2, p2, LeafIndex{0}, r.path, {}, encode(gc)); }),
            MlsErrc::decryption_failed);
    }
}

TEST(MlsTree, TamperedTreeFailsValidation) {
    auto g = make_group(6);
    commit_path(g, 1);
    commit_path(g, 4);
    TreeCheck tc;
    tc.group_id = kGroupId;
    tc.policy = &kAcceptBasic;
    EXPECT_NO_THROW(g.tree.validate(tc));
    const auto encoded = encode(g.tree);
    const RatchetTree decoded = decode_exact<RatchetTree>(encoded);
    EXPECT_EQ(decoded.width(), g.tree.width());
    for (std::uint32_t i = 0; i < std::min(decoded.width(), g.tree.width()); ++i) {
        EXPECT_TRUE(decoded.node(NodeIndex{i}) == g.tree.node(NodeIndex{i})) << "node " << i;
    }
    EXPECT_TRUE(decoded == g.tree);

    // Change a parent node's parent_hash: the chain no longer verifies.
    const NodeIndex root = g.tree.root();
    for (std::uint32_t i = 1; i < g.tree.width(); i += 2) {
        const ParentNode* pn = g.tree.parent_node(NodeIndex{i});
        if (pn == nullptr || NodeIndex{i} == root) continue;
        RatchetTree t = g.tree;
        ParentNode changed = *pn;
        changed.parent_hash.push_back(0);
        t.set_node(NodeIndex{i}, Node{changed});
        EXPECT_EQ(code_of([&] { t.verify_parent_hashes(); }), MlsErrc::invalid_path) << i;
    }
    // Replace a parent key (as an attacker who wants to read the subtree would).
    {
        RatchetTree t = g.tree;
        ParentNode changed = *t.parent_node(root);
        changed.encryption_key = generate_hpke_key_pair().public_key;
        t.set_node(root, Node{changed});
        EXPECT_EQ(code_of([&] { t.verify_parent_hashes(); }), MlsErrc::invalid_path);
    }
    // Unmerged leaf that is not below the parent.
    {
        RatchetTree t = g.tree;
        ParentNode changed = *t.parent_node(NodeIndex{1});
        changed.unmerged_leaves.push_back(LeafIndex{5});
        t.set_node(NodeIndex{1}, Node{changed});
        EXPECT_EQ(code_of([&] { t.verify_structure(); }), MlsErrc::invalid_tree);
    }
    // Unmerged leaf that is blank (leaf 6 of 8): every tree walk fails cleanly.
    {
        RatchetTree t = g.tree;
        ParentNode changed = *t.parent_node(root);
        changed.unmerged_leaves.push_back(LeafIndex{6});
        t.set_node(root, Node{changed});
        EXPECT_THROW(t.verify_parent_hashes(), MlsError);
        EXPECT_EQ(code_of([&] { t.resolution(root); }), MlsErrc::invalid_tree);
        EXPECT_EQ(code_of([&] { t.verify_structure(); }), MlsErrc::invalid_tree);
    }
    // Duplicate encryption key.
    {
        RatchetTree t = g.tree;
        LeafNode dup = *t.leaf(LeafIndex{3});
        dup.encryption_key = t.leaf(LeafIndex{0})->encryption_key;
        t.set_leaf(LeafIndex{3}, dup);
        EXPECT_EQ(code_of([&] { t.verify_structure(); }), MlsErrc::invalid_tree);
    }
    // A leaf signature broken.
    {
        RatchetTree t = g.tree;
        LeafNode bad = *t.leaf(LeafIndex{2});
        bad.signature[0] ^= 1;
        t.set_leaf(LeafIndex{2}, bad);
        EXPECT_EQ(code_of([&] { t.verify_leaf_signatures(kGroupId); }), MlsErrc::bad_signature);
        // (validate() fails too, already at the parent hashes: the leaf is in a sibling
        // subtree hash.)
        EXPECT_THROW(t.validate(tc), MlsError);
    }
    // A tree encoding ending in a blank node, or a parent at a leaf position.
    {
        Writer w;
        w.vector([&](Writer& inner) {
            inner.u8(1);
            Node{*g.tree.leaf(LeafIndex{0})}.encode(inner);
            inner.u8(0);
        });
        EXPECT_EQ(code_of([&] { decode_exact<RatchetTree>(w.bytes()); }), MlsErrc::invalid_tree);
        Writer w2;
        w2.vector([&](Writer& inner) {
            inner.u8(1);
            Node{*g.tree.parent_node(root)}.encode(inner);
        });
        EXPECT_EQ(code_of([&] { decode_exact<RatchetTree>(w2.bytes()); }), MlsErrc::invalid_tree);
    }
}

// ---- Sender not a member -------------------------------------------------------------------

TEST(MlsTree, SenderNotAMember) {
    auto g = make_group(4);
    g.tree.remove_leaf(LeafIndex{2});
    const RatchetTree before = g.tree;
    EXPECT_EQ(code_of([&] { g.tree.update_leaf(LeafIndex{2}, *before.leaf(LeafIndex{1})); }),
              MlsErrc::not_member);
    EXPECT_EQ(code_of([&] { g.tree.remove_leaf(LeafIndex{2}); }), MlsErrc::invalid_proposal);
    EXPECT_EQ(code_of([&] { g.tree.remove_leaf(LeafIndex{77}); }), MlsErrc::invalid_proposal);
    auto r = commit_path(g, 0);
    RatchetTree t = before;
    EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{2}, r.path, {}); }),
              MlsErrc::not_member);
    EXPECT_EQ(code_of([&] { merge_update_path(t, LeafIndex{9}, r.path, {}); }),
              MlsErrc::not_member);
    // A committer at a blank leaf.
    RatchetTree t2 = before;
    ExtensionList ext;
    ProposalListCheck pc;
    pc.committer = Sender{SenderType::member, 2};
    pc.group_id = kGroupId;
    pc.policy = &kAcceptBasic;
    EXPECT_EQ(code_of([&] { apply_proposal_list(t2, ext, {}, pc); }), MlsErrc::not_member);
    // An Update "from" a blank leaf.
    pc.committer = Sender{SenderType::member, 0};
    LeafNode upd = *before.leaf(LeafIndex{1});
    std::vector<CommittedProposal> list{
        CommittedProposal{Proposal{Update{upd}}, Sender{SenderType::member, 2}, {}}};
    EXPECT_EQ(code_of([&] { apply_proposal_list(t2, ext, list, pc); }), MlsErrc::not_member);
}

// ---- Proposal lists (§12.2) ------------------------------------------------------------------

namespace {
CommittedProposal by_value(Proposal p, std::uint32_t sender = 0) {
    return CommittedProposal{std::move(p), Sender{SenderType::member, sender}, {}};
}
PreSharedKeyId external_psk(std::uint8_t id) {
    PreSharedKeyId p;
    p.psk_id = {id};
    p.psk_nonce = Bytes(kNh, id);
    return p;
}
}  // namespace

TEST(MlsProposals, ValidListApplies) {
    auto g = make_group(4);
    const auto newcomer = make_member("new");
    ExtensionList ext;
    ProposalListCheck pc;
    pc.committer = Sender{SenderType::member, 0};
    pc.group_id = kGroupId;
    pc.policy = &kAcceptBasic;
    pc.now = kNow;
    std::vector<CommittedProposal> list{by_value(Proposal{Remove{LeafIndex{3}}}),
                                        by_value(Proposal{Add{newcomer.kp}}),
                                        by_value(Proposal{PreSharedKey{external_psk(1)}})};
    const auto eff = apply_proposal_list(g.tree, ext, list, pc);
    ASSERT_EQ(eff.added.size(), 1u);
    EXPECT_EQ(eff.added[0].first, LeafIndex{3});  // the freed leaf is reused
    EXPECT_EQ(eff.removed, std::vector<LeafIndex>{LeafIndex{3}});
    EXPECT_EQ(eff.psks.size(), 1u);
    EXPECT_TRUE(eff.path_required);
    // Add + PSK alone need no path.
    auto g2 = make_group(2);
    std::vector<CommittedProposal> adds{by_value(Proposal{Add{make_member("x").kp}})};
    EXPECT_FALSE(apply_proposal_list(g2.tree, ext, adds, pc).path_required);
}

TEST(MlsProposals, InvalidLists) {
    auto g = make_group(4);
    const auto newcomer = make_member("new");
    ProposalListCheck pc;
    pc.committer = Sender{SenderType::member, 0};
    pc.group_id = kGroupId;
    pc.policy = &kAcceptBasic;
    pc.now = kNow;
    auto run = [&](std::vector<CommittedProposal> list) {
        RatchetTree t = g.tree;
        ExtensionList ext;
        return code_of([&] { apply_proposal_list(t, ext, list, pc); });
    };
    const LeafNode some_leaf = *g.tree.leaf(LeafIndex{1});
    // Duplicate Remove of one leaf; the committer removing itself; Update by committer.
    EXPECT_EQ(
        run({by_value(Proposal{Remove{LeafIndex{1}}}), by_value(Proposal{Remove{LeafIndex{1}}})}),
        MlsErrc::invalid_proposal);
    EXPECT_EQ(run({by_value(Proposal{Remove{LeafIndex{0}}})}), MlsErrc::invalid_proposal);
    EXPECT_EQ(run({by_value(Proposal{Update{some_leaf}}, 0)}), MlsErrc::invalid_proposal);
    // Duplicate PSK; bad nonce length.
    EXPECT_EQ(run({by_value(Proposal{PreSharedKey{external_psk(1)}}),
                   by_value(Proposal{PreSharedKey{external_psk(1)}})}),
              MlsErrc::invalid_proposal);
    auto short_nonce = external_psk(2);
    short_nonce.psk_nonce.pop_back();
    EXPECT_EQ(run({by_value(Proposal{PreSharedKey{short_nonce}})}), MlsErrc::invalid_proposal);
    // Two GroupContextExtensions; ReInit with others; ExternalInit in a regular Commit.
    EXPECT_EQ(run({by_value(Proposal{GroupContextExtensions{}}),
                   by_value(Proposal{GroupContextExtensions{}})}),
              MlsErrc::invalid_proposal);
    EXPECT_EQ(run({by_value(Proposal{ReInit{}}), by_value(Proposal{Remove{LeafIndex{1}}})}),
              MlsErrc::invalid_proposal);
    EXPECT_EQ(run({by_value(Proposal{ExternalInit{{1, 2, 3}}})}), MlsErrc::invalid_proposal);
    // Adding a client that is already a member / the same client twice.
    EXPECT_EQ(run({by_value(Proposal{Add{g.members[2].kp}})}), MlsErrc::invalid_leaf_node);
    EXPECT_EQ(run({by_value(Proposal{Add{newcomer.kp}}), by_value(Proposal{Add{newcomer.kp}})}),
              MlsErrc::invalid_leaf_node);
    // ... but re-adding a member removed in the same Commit is fine.
    {
        RatchetTree t = g.tree;
        ExtensionList ext;
        const auto eff = apply_proposal_list(
            t, ext,
            {by_value(Proposal{Remove{LeafIndex{2}}}), by_value(Proposal{Add{g.members[2].kp}})},
            pc);
        EXPECT_EQ(eff.added.at(0).first, LeafIndex{2});
    }
    // An Add with an expired KeyPackage.
    pc.now = kNow + 1000;
    EXPECT_EQ(run({by_value(Proposal{Add{newcomer.kp}})}), MlsErrc::invalid_leaf_node);
    pc.now = kNow;
    // Required capability nobody supports.
    EXPECT_EQ(run({by_value(Proposal{GroupContextExtensions{
                  {make_extension(RequiredCapabilities{{0x0f0f}, {}, {}})}}})}),
              MlsErrc::invalid_proposal);
    // External sender may not Update; new_member_proposal may only Add.
    EXPECT_EQ(
        run({CommittedProposal{Proposal{Update{some_leaf}}, Sender{SenderType::external, 0}, {}}}),
        MlsErrc::invalid_proposal);
    EXPECT_EQ(run({CommittedProposal{
                  Proposal{Remove{LeafIndex{1}}}, Sender{SenderType::new_member_proposal, 0}, {}}}),
              MlsErrc::invalid_proposal);
    // External Commit composition.
    pc.committer = Sender{SenderType::new_member_commit, 0};
    EXPECT_EQ(run({}), MlsErrc::invalid_proposal);  // no ExternalInit
    EXPECT_EQ(run({CommittedProposal{Proposal{ExternalInit{{1}}}, pc.committer, {}},
                   CommittedProposal{Proposal{Add{newcomer.kp}}, pc.committer, {}}}),
              MlsErrc::invalid_proposal);
}

TEST(MlsProposals, UnknownAndDuplicateReferences) {
    const Proposal remove1{Remove{LeafIndex{1}}};
    const CommittedProposal cached{remove1, Sender{SenderType::member, 2}, {}};
    const Bytes known_ref = make_proposal_ref(encode(remove1));
    const ProposalLookup lookup = [&](ByteView ref) -> const CommittedProposal* {
        return Bytes(ref.begin(), ref.end()) == known_ref ? &cached : nullptr;
    };
    Commit ok;
    ok.proposals.push_back(ProposalOrRef{known_ref});
    const auto resolved = resolve_proposals(ok, Sender{SenderType::member, 0}, lookup);
    ASSERT_EQ(resolved.size(), 1u);
    EXPECT_EQ(resolved[0].sender.index, 2u);

    Commit unknown;
    unknown.proposals.push_back(ProposalOrRef{Bytes(32, 7)});
    EXPECT_EQ(code_of([&] {
                  resolve_proposals(unknown, Sender{SenderType::member, 0}, lookup);
              }),
              MlsErrc::invalid_proposal);
    Commit dup = ok;
    dup.proposals.push_back(ProposalOrRef{known_ref});
    EXPECT_EQ(code_of([&] {
                  resolve_proposals(dup, Sender{SenderType::member, 0}, lookup);
              }),
              MlsErrc::invalid_proposal);
    EXPECT_EQ(code_of([&] {
                  resolve_proposals(ok, Sender{SenderType::new_member_commit, 0}, lookup);
              }),
              MlsErrc::invalid_proposal);
    // Unknown proposal type on the wire.
    const Bytes unknown_type{0x0a, 0x0a, 0x00};
    EXPECT_EQ(code_of([&] { decode_exact<Proposal>(unknown_type); }), MlsErrc::unsupported);
}

// ---- Codec abuse (§2.1) -----------------------------------------------------------------------

TEST(MlsCodec, TruncatedTrailingAndOversized) {
    const auto cases = load_mls_vectors("messages.json");
    const Bytes commit = bytes_of(cases.at(0).at("commit"));
    const Bytes kp_msg = bytes_of(cases.at(0).at("mls_key_package"));
    const Bytes tree = bytes_of(cases.at(0).at("ratchet_tree"));
    // Every strict prefix fails to decode (never crashes, never succeeds).
    for (std::size_t n = 0; n < commit.size(); ++n) {
        EXPECT_THROW(decode_exact<Commit>(ByteView(commit.data(), n)), MlsError) << n;
    }
    for (std::size_t n = 0; n < tree.size(); ++n) {
        EXPECT_THROW(decode_exact<RatchetTree>(ByteView(tree.data(), n)), MlsError) << n;
    }
    const KeyPackage kp = decode_exact<KeyPackage>(ByteView(kp_msg).subspan(4));
    const Bytes kp_bytes = encode(kp);
    for (std::size_t n = 0; n < kp_bytes.size(); ++n) {
        EXPECT_THROW(decode_exact<KeyPackage>(ByteView(kp_bytes.data(), n)), MlsError) << n;
    }
    // Trailing bytes.
    Bytes t2 = tree;
    t2.push_back(0);
    EXPECT_EQ(code_of([&] { decode_exact<RatchetTree>(t2); }), MlsErrc::decode);
    Bytes c2 = commit;
    c2.push_back(0);
    EXPECT_EQ(code_of([&] { decode_exact<Commit>(c2); }), MlsErrc::decode);
    Bytes k2 = kp_bytes;
    k2.push_back(0);
    EXPECT_EQ(code_of([&] { decode_exact<KeyPackage>(k2); }), MlsErrc::decode);
    // Oversized length prefixes: 2^30-1 claimed, 3 bytes present. Rejected before any
    // allocation (the Reader checks the remaining input first).
    const Bytes huge{0xbf, 0xff, 0xff, 0xff, 1, 2, 3};
    EXPECT_EQ(code_of([&] { decode_exact<RatchetTree>(huge); }), MlsErrc::decode);
    EXPECT_EQ(code_of([&] { decode_exact<Commit>(huge); }), MlsErrc::decode);
    Bytes huge_kp{0x00, 0x01, 0x00, 0x03};  // version, suite, then init_key<V> too long
    huge_kp.insert(huge_kp.end(), huge.begin(), huge.end());
    EXPECT_EQ(code_of([&] { decode_exact<KeyPackage>(huge_kp); }), MlsErrc::decode);
    // Invalid varint prefix 0b11 and a non-minimal varint.
    EXPECT_EQ(code_of([&] { decode_exact<ExternalInit>(Bytes{0xc0, 0, 0, 0}); }), MlsErrc::decode);
    EXPECT_EQ(code_of([&] {
                  decode_exact<ExternalInit>(Bytes{0x40, 0x01, 0xaa});
              }),
              MlsErrc::decode);
    // Duplicate extension types in one list.
    const Bytes dup_ext{0x08, 0x00, 0x01, 0x01, 0xaa, 0x00, 0x01, 0x01, 0xbb};
    EXPECT_EQ(code_of([&] { decode_exact<GroupContextExtensions>(dup_ext); }), MlsErrc::decode);
    // Unsorted unmerged_leaves; optional presence byte 2; unknown credential type.
    EXPECT_EQ(code_of([&] {
                  decode_exact<ParentNode>(Bytes{0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 1});
              }),
              MlsErrc::decode);
    EXPECT_EQ(code_of([&] { decode_exact<Commit>(Bytes{0x00, 0x02}); }), MlsErrc::decode);
    EXPECT_EQ(code_of([&] {
                  decode_exact<Credential>(Bytes{0x00, 0x09, 0x00});
              }),
              MlsErrc::unsupported);
}
