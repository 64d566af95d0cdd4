// End-to-end use of MLS-2's pieces with MLS-1's key schedule: proposal list (§12.2-12.3),
// UpdatePath (§7.5-7.6), GroupInfo + Welcome creation and join (§12.4.3), a member's
// empty Commit and a Remove with truncation. All members must agree on trees, commit
// secrets and epoch authenticators.
#include <gtest/gtest.h>

#include "lagrum/crypto/random.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/extensions.h"
#include "lagrum/mls/key_schedule.h"
#include "lagrum/mls/proposal_list.h"
#include "lagrum/mls/transcript.h"
#include "lagrum/mls/treekem.h"
#include "lagrum/mls/welcome_join.h"
#include "vector_util.h"

using namespace lagrum::mls;
using namespace lagrum::mls::testing;

namespace {

constexpr std::uint64_t kNow = 1'700'000'000;
const CredentialPolicy kPolicy = [](const Credential& c, ByteView) {
    return c.type == credential_type::basic && !c.identity.empty();
};

struct Client {
    SignatureKeyPair sig = generate_signature_key_pair();
    HpkeKeyPair enc = generate_hpke_key_pair();
    HpkeKeyPair init = generate_hpke_key_pair();
    KeyPackage kp;
    // Group view.
    RatchetTree tree;
    TreeKemPrivate priv;
    GroupContext context;
    std::optional<EpochSecrets> epoch;

    explicit Client(const std::string& name) {
        LeafNode& ln = kp.leaf_node;
        ln.encryption_key = enc.public_key;
        ln.signature_key = sig.public_key;
        ln.credential = Credential::basic(Bytes(name.begin(), name.end()));
        ln.capabilities = Capabilities::lagrum_default();
        ln.lifetime = {kNow - 10, kNow + 3600};
        ln.sign(sig.private_key, {}, {});
        kp.init_key = init.public_key;
        kp.sign(sig.private_key);
    }
    ByteView sig_priv() const { return sig.private_key.view(); }
    LeafIndex index() const { return priv.index(); }
};

ProposalListCheck list_check(const Client& committer) {
    ProposalListCheck pc;
    pc.committer = Sender{SenderType::member, committer.index().value};
    pc.group_id = committer.context.group_id;
    pc.policy = &kPolicy;
    pc.now = kNow;
    return pc;
}

struct CommitOut {
    UpdatePath path;
    std::vector<CommittedProposal> proposals;
    std::vector<LeafIndex> new_members;
    std::vector<std::pair<LeafIndex, SecretBytes>> joiner_path_secrets;
};

// The committer's side: apply proposals, create the path, advance its own epoch.
CommitOut commit(Client& c, std::vector<Proposal> proposals) {
    CommitOut out;
    for (auto& p : proposals)
        out.proposals.push_back(
            CommittedProposal{p, Sender{SenderType::member, c.index().value}, {}});
    ExtensionList ext = c.context.extensions;
    const auto eff = apply_proposal_list(c.tree, ext, out.proposals, list_check(c));
    for (const auto& [leaf, kp] : eff.added) out.new_members.push_back(leaf);
    UpdatePathInput in;
    in.leaf_template = *c.tree.leaf(c.index());
    in.signature_private_key = c.sig_priv();
    in.provisional_context = c.context;
    in.provisional_context.epoch += 1;
    in.provisional_context.extensions = ext;
    in.new_members = out.new_members;
    UpdatePathResult r = create_update_path(c.tree, c.priv, in);
    for (auto joiner : out.new_members) {
        const SecretBytes* s = r.path_secret_for(c.tree, c.index(), joiner);
        EXPECT_NE(s, nullptr);
        out.joiner_path_secrets.emplace_back(joiner, s->clone());
    }
    out.path = r.path;
    GroupContext next = r.group_context;
    next.confirmed_transcript_hash = hash(encode(r.path));  // stands in for the real transcript
    c.epoch = key_schedule_epoch(c.epoch->init_secret, r.commit_secret, {}, next);
    c.context = next;
    return out;
}

// A member's side of the same Commit.
void process(Client& m, LeafIndex committer, const CommitOut& co) {
    ExtensionList ext = m.context.extensions;
    ProposalListCheck pc = list_check(m);
    pc.committer = Sender{SenderType::member, committer.value};
    RatchetTree tree = m.tree;
    apply_proposal_list(tree, ext, co.proposals, pc);
    LeafNodeCheck lc;
    lc.expected_source = LeafNodeSource::commit;
    lc.group_id = m.context.group_id;
    lc.leaf_index = committer;
    lc.group_extensions = &ext;
    lc.policy = &kPolicy;
    validate_leaf_node(co.path.leaf_node, lc);
    tree.check_new_leaf(co.path.leaf_node, committer);
    merge_update_path(tree, committer, co.path, co.new_members);
    GroupContext provisional = m.context;
    provisional.epoch += 1;
    provisional.extensions = ext;
    provisional.tree_hash = tree.tree_hash();
    const DecryptedPath d =
        decrypt_update_path(tree, m.priv, committer, co.path, co.new_members, encode(provisional));
    provisional.confirmed_transcript_hash = hash(encode(co.path));
    m.epoch = key_schedule_epoch(m.epoch->init_secret, d.commit_secret, {}, provisional);
    m.context = provisional;
    m.tree = std::move(tree);
    EXPECT_NO_THROW(m.priv.check_consistent(m.tree));
}

void welcome_joiners(Client& committer, const CommitOut& co, std::vector<Client*> joiners) {
    GroupInfo gi;
    gi.group_context = committer.context;
    gi.extensions.push_back(Extension{extension_type::ratchet_tree, encode(committer.tree)});
    gi.confirmation_tag = compute_confirmation_tag(committer.epoch->confirmation_key,
                                                   committer.context.confirmed_transcript_hash);
    gi.signer = committer.index();
    gi.sign(committer.sig.private_key);
    std::vector<WelcomeRecipient> rs;
    for (std::size_t i = 0; i < joiners.size(); ++i) {
        rs.push_back(WelcomeRecipient{&joiners[i]->kp, &co.joiner_path_secrets.at(i).second});
    }
    const Welcome w = create_welcome(gi, committer.epoch->joiner_secret, {}, {}, rs);
    const Welcome wire = decode_exact<Welcome>(encode(w));
    for (Client* j : joiners) {
        WelcomeJoinInput in;
        in.welcome = &wire;
        in.key_package = &j->kp;
        in.init_private_key = j->init.private_key.view();
        in.encryption_private_key = j->enc.private_key.view();
        in.policy = &kPolicy;
        JoinedGroup g = join_from_welcome(in);
        j->tree = std::move(g.tree);
        j->priv = std::move(g.private_tree);
        j->context = g.group_info.group_context;
        j->epoch = std::move(g.epoch_secrets);
    }
}

void expect_agreement(const std::vector<Client*>& cs) {
    for (const Client* c : cs) {
        EXPECT_TRUE(c->tree == cs[0]->tree);
        EXPECT_EQ(c->context, cs[0]->context);
        EXPECT_EQ(c->epoch->epoch_authenticator, cs[0]->epoch->epoch_authenticator);
    }
}

}  // namespace

TEST(MlsCommitFlow, AddJoinUpdateRemove) {
    Client alice("alice"), bob("bob"), carol("carol"), dave("dave");
    alice.tree = RatchetTree(alice.kp.leaf_node);
    alice.priv = TreeKemPrivate(LeafIndex{0}, alice.enc.private_key.clone());
    alice.context.group_id = {'g', '1'};
    alice.context.tree_hash = alice.tree.tree_hash();
    alice.epoch = key_schedule_epoch(lagrum::crypto::random_secret(kNh), {}, {}, alice.context);

    // Epoch 1: alice adds bob and carol (with a path), both join by Welcome.
    const CommitOut c1 = commit(alice, {Proposal{Add{bob.kp}}, Proposal{Add{carol.kp}}});
    EXPECT_EQ(c1.new_members, (std::vector<LeafIndex>{LeafIndex{1}, LeafIndex{2}}));
    welcome_joiners(alice, c1, {&bob, &carol});
    expect_agreement({&alice, &bob, &carol});
    EXPECT_EQ(alice.context.epoch, 1u);

    // Epoch 2: bob commits an empty Commit (path required).
    const CommitOut c2 = commit(bob, {});
    process(alice, LeafIndex{1}, c2);
    process(carol, LeafIndex{1}, c2);
    expect_agreement({&alice, &bob, &carol});

    // Epoch 3: carol adds dave; alice and bob process, dave joins.
    const CommitOut c3 = commit(carol, {Proposal{Add{dave.kp}}});
    process(alice, LeafIndex{2}, c3);
    process(bob, LeafIndex{2}, c3);
    welcome_joiners(carol, c3, {&dave});
    expect_agreement({&alice, &bob, &carol, &dave});
    EXPECT_EQ(alice.tree.n_leaves(), 4u);

    // Epoch 4: alice removes dave (leaf 3) and carol (leaf 2): the tree truncates to 2
    // leaves; bob follows; the removed members cannot.
    const CommitOut c4 =
        commit(alice, {Proposal{Remove{LeafIndex{3}}}, Proposal{Remove{LeafIndex{2}}}});
    process(bob, LeafIndex{0}, c4);
    expect_agreement({&alice, &bob});
    EXPECT_EQ(alice.tree.n_leaves(), 2u);
    EXPECT_THROW(process(carol, LeafIndex{0}, c4), MlsError);

    // A replayed old Commit no longer applies (alice's path keys are now in the tree).
    EXPECT_THROW(process(bob, LeafIndex{0}, c4), MlsError);

    // Epoch 5: erin joins by external Commit (§12.4.3.2) from the public tree: leftmost
    // blank leaf, ExternalInit, path to everyone.
    Client erin("erin");
    erin.tree = alice.tree;
    erin.context = alice.context;
    const std::vector<CommittedProposal> ext_props{CommittedProposal{
        Proposal{ExternalInit{Bytes(32, 9)}}, Sender{SenderType::new_member_commit, 0}, {}}};
    ProposalListCheck pc;
    pc.committer = Sender{SenderType::new_member_commit, 0};
    pc.group_id = erin.context.group_id;
    pc.policy = &kPolicy;
    ExtensionList ext;
    EXPECT_TRUE(apply_proposal_list(erin.tree, ext, ext_props, pc).path_required);
    LeafNode erin_leaf = erin.kp.leaf_node;
    erin.tree.check_new_leaf(erin_leaf, std::nullopt);
    const LeafIndex erin_idx = erin.tree.add_leaf(erin_leaf);
    EXPECT_EQ(erin_idx, LeafIndex{2});
    erin.priv = TreeKemPrivate(erin_idx, erin.enc.private_key.clone());
    UpdatePathInput in;
    in.leaf_template = erin_leaf;
    in.signature_private_key = erin.sig_priv();
    in.provisional_context = erin.context;
    in.provisional_context.epoch += 1;
    const UpdatePathResult r = create_update_path(erin.tree, erin.priv, in);
    for (Client* m : {&alice, &bob}) {
        RatchetTree t = m->tree;
        ExtensionList e2;
        apply_proposal_list(t, e2, ext_props, pc);
        LeafNodeCheck lc;
        lc.expected_source = LeafNodeSource::commit;
        lc.group_id = m->context.group_id;
        lc.leaf_index = erin_idx;
        lc.policy = &kPolicy;
        validate_leaf_node(r.path.leaf_node, lc);
        t.check_new_leaf(r.path.leaf_node, std::nullopt);
        const LeafIndex placed = t.add_leaf(r.path.leaf_node);
        ASSERT_EQ(placed, erin_idx);
        merge_update_path(t, placed, r.path, {});
        EXPECT_TRUE(t == erin.tree);
        GroupContext provisional = m->context;
        provisional.epoch += 1;
        provisional.tree_hash = t.tree_hash();
        EXPECT_EQ(provisional, r.group_context);
        const auto d = decrypt_update_path(t, m->priv, placed, r.path, {}, encode(provisional));
        EXPECT_EQ(d.commit_secret, r.commit_secret);
    }
}
