// Group state machine (group.h): negative tests for each group-level failure class, a
// serialise/restore round trip, and a randomised convergence test.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "group_util.h"

namespace lagrum::mls {
namespace {

using namespace group_test;

// ---- Negative tests -----------------------------------------------------------------

TEST(GroupNegative, WrongEpoch) {
    auto ms = make_group(3);
    const Bytes proposal = ms[1]->group->propose_update();
    auto out = ms[0]->group->commit();  // empty commit, path
    ms[0]->group->merge_pending_commit();
    ms[2]->group->handle(out.commit);
    expect_errc(
        MlsErrc::wrong_epoch, [&] { ms[2]->group->handle(proposal); }, "old-epoch proposal");
    expect_errc(
        MlsErrc::wrong_epoch, [&] { ms[2]->group->handle(out.commit); }, "commit twice");
}

TEST(GroupNegative, WrongGroupId) {
    auto a = make_group(2);
    Member m;
    m.name = "solo";
    Group other = Group::create(bytes("group-2"), cred("solo"), m.sig.private_key, config());
    const Bytes p = other.propose_update();
    expect_errc(
        MlsErrc::wrong_group, [&] { a[1]->group->handle(p); }, "foreign group");
    const Bytes app = other.protect(bytes("hi"));
    expect_errc(
        MlsErrc::wrong_group, [&] { a[1]->group->unprotect(app); }, "foreign group app");
}

TEST(GroupNegative, SenderNotMember) {
    auto ms = make_group(3);
    Bytes p = ms[1]->group->propose_update();
    // PublicMessage: version(2) wire_format(2) group_id<V> epoch(8) sender_type(1) leaf(4)
    const std::size_t leaf_at = 4 + 1 + ms[1]->group->group_id().size() + 8 + 1;
    ASSERT_LT(leaf_at + 4, p.size());
    p[leaf_at + 3] = 3;  // leaf 3: beyond the 4-leaf tree's last member (blank)
    expect_errc(
        MlsErrc::not_member, [&] { ms[0]->group->handle(p); }, "blank sender leaf");
    p[leaf_at] = 0x7f;  // far outside the tree
    expect_errc(
        MlsErrc::not_member, [&] { ms[0]->group->handle(p); }, "out of range sender");
}

TEST(GroupNegative, BadMembershipTag) {
    auto ms = make_group(2);
    Bytes p = ms[1]->group->propose_update();
    p.back() ^= 1;
    expect_errc(
        MlsErrc::bad_membership_tag, [&] { ms[0]->group->handle(p); }, "tag");
}

TEST(GroupNegative, UnknownAndDuplicateProposal) {
    auto ms = make_group(3);
    const Bytes p = ms[1]->group->propose_update();
    ms[0]->group->handle(p);
    expect_errc(
        MlsErrc::invalid_proposal, [&] { ms[0]->group->handle(p); }, "duplicate");
    // Member 2 never saw the proposal: the commit references an unknown proposal.
    auto out = ms[0]->group->commit();
    expect_errc(
        MlsErrc::invalid_proposal, [&] { ms[2]->group->handle(out.commit); }, "unknown ref");
    // Duplicate proposals in one commit are refused by the committer (§12.2).
    ms[0]->group->discard_pending_commit();
    Group::CommitOptions opts;
    opts.include_cached_proposals = false;
    opts.by_value = {Proposal{Remove{LeafIndex{2}}}, Proposal{Remove{LeafIndex{2}}}};
    expect_errc(
        MlsErrc::invalid_proposal, [&] { ms[0]->group->commit(opts); }, "two removes");
    opts.by_value = {Proposal{Remove{LeafIndex{0}}}};
    expect_errc(
        MlsErrc::invalid_proposal, [&] { ms[0]->group->commit(opts); }, "remove self");
}

TEST(GroupNegative, InvalidPathParentHashMismatch) {
    auto ms = make_group(4);
    Group::CommitOptions opts;
    opts.force_path = true;
    opts.tamper_commit_for_testing = [](Commit& c) {
        // A different (valid) key on the path breaks the leaf's parent hash chain.
        c.path->nodes.back().encryption_key = generate_hpke_key_pair().public_key;
    };
    auto out = ms[0]->group->commit(opts);
    expect_errc(
        MlsErrc::invalid_path, [&] { ms[1]->group->handle(out.commit); }, "parent hash");
    ms[0]->group->discard_pending_commit();
    opts.tamper_commit_for_testing = [](Commit& c) { c.path->nodes.pop_back(); };
    out = ms[0]->group->commit(opts);
    expect_errc(
        MlsErrc::invalid_path, [&] { ms[1]->group->handle(out.commit); }, "short path");
    ms[0]->group->discard_pending_commit();
    opts.tamper_commit_for_testing = [](Commit& c) { c.path.reset(); };
    out = ms[0]->group->commit(opts);  // empty commit without a path
    expect_errc(
        MlsErrc::invalid_commit, [&] { ms[1]->group->handle(out.commit); }, "no path");
    // The receiver is unchanged after every failure and still follows a good commit.
    ms[0]->group->discard_pending_commit();
    out = ms[0]->group->commit();
    ms[0]->group->merge_pending_commit();
    for (int i = 1; i < 4; ++i) ms[i]->group->handle(out.commit);
    EXPECT_EQ(ms[1]->group->epoch_authenticator(), ms[0]->group->epoch_authenticator());
}

TEST(GroupNegative, BadConfirmationTag) {
    for (bool encrypted : {false, true}) {
        auto ms = make_group(3, config(encrypted));
        Group::CommitOptions opts;
        opts.corrupt_confirmation_tag_for_testing = true;
        auto out = ms[0]->group->commit(opts);
        expect_errc(
            MlsErrc::invalid_commit, [&] { ms[1]->group->handle(out.commit); }, "tag");
        EXPECT_EQ(ms[1]->group->epoch(), 1u);
    }
}

TEST(GroupNegative, ReplayedAndTooOldGeneration) {
    GroupConfig cfg = config();
    cfg.out_of_order_window = 4;
    cfg.max_forward_ratchet = 16;
    auto ms = make_group(2, cfg);
    std::vector<Bytes> msgs;
    for (int i = 0; i < 20; ++i)
        msgs.push_back(ms[0]->group->protect(bytes("m" + std::to_string(i))));
    EXPECT_EQ(ms[1]->group->unprotect(msgs[0]).data, bytes("m0"));
    expect_errc(
        MlsErrc::generation_too_old, [&] { ms[1]->group->unprotect(msgs[0]); }, "replay");
    expect_errc(
        MlsErrc::generation_too_far, [&] { ms[1]->group->unprotect(msgs[19]); }, "too far");
    EXPECT_EQ(ms[1]->group->unprotect(msgs[10]).data, bytes("m10"));
    EXPECT_EQ(ms[1]->group->unprotect(msgs[8]).data, bytes("m8"));  // within the window
    expect_errc(
        MlsErrc::generation_too_old, [&] { ms[1]->group->unprotect(msgs[2]); }, "window");
    Bytes tampered = msgs[9];
    tampered[tampered.size() - 20] ^= 1;
    expect_errc(
        MlsErrc::decryption_failed, [&] { ms[1]->group->unprotect(tampered); }, "tamper");
    EXPECT_EQ(ms[1]->group->unprotect(msgs[9]).data, bytes("m9"));  // key not burnt
}

TEST(GroupNegative, CredentialPolicyIsApplied) {
    auto ms = make_group(2);
    Member mallory;
    auto kp = create_key_package(cred("mallory"), mallory.sig.private_key);
    expect_errc(
        MlsErrc::credential_rejected, [&] { ms[0]->group->propose_add(kp.key_package); },
        "propose_add");
    // A committer with a permissive policy adds mallory; our member refuses the commit.
    Member lax;
    GroupConfig permissive = config();
    permissive.credential_policy = [](const Credential&, ByteView) { return true; };
    Group g = Group::create(bytes("g"), cred("lax"), lax.sig.private_key, permissive);
    Member bob;
    bob.name = "bob";
    auto bob_kp = create_key_package(cred("bob"), bob.sig.private_key);
    Group::CommitOptions opts;
    opts.by_value = {Proposal{Add{bob_kp.key_package}}};
    auto out = g.commit(opts);
    g.merge_pending_commit();
    Group b = Group::join_from_message(*out.welcome, bob_kp, config());
    opts.by_value = {Proposal{Add{kp.key_package}}};
    out = g.commit(opts);
    expect_errc(
        MlsErrc::credential_rejected, [&] { b.handle(out.commit); }, "commit adds mallory");
    // An empty policy rejects everything.
    GroupConfig none;
    expect_errc(
        MlsErrc::credential_rejected, [&] { Group::join_from_message(*out.welcome, kp, none); },
        "empty policy join");
}

TEST(GroupNegative, WelcomeNotForUs) {
    auto ms = make_group(1);
    Member b, c;
    auto kb = create_key_package(cred("b"), b.sig.private_key);
    auto kc = create_key_package(cred("c"), c.sig.private_key);
    Group::CommitOptions opts;
    opts.by_value = {Proposal{Add{kb.key_package}}};
    auto out = ms[0]->group->commit(opts);
    expect_errc(
        MlsErrc::invalid_state, [&] { Group::join_from_message(*out.welcome, kc, config()); },
        "welcome for another key package");
    // Without the ratchet_tree extension and without an external tree the join fails.
    ms[0]->group->discard_pending_commit();
    opts.ratchet_tree_in_welcome = false;
    out = ms[0]->group->commit(opts);
    expect_errc(
        MlsErrc::invalid_tree, [&] { Group::join_from_message(*out.welcome, kb, config()); },
        "no tree");
    ms[0]->group->merge_pending_commit();
    const RatchetTree tree = ms[0]->group->tree();
    Group joined = Group::join_from_message(*out.welcome, kb, config(), &tree);
    EXPECT_EQ(joined.epoch_authenticator(), ms[0]->group->epoch_authenticator());
}

TEST(GroupNegative, WelcomeWithWrongExternalTree) {
    auto ms = make_group(2);
    const RatchetTree stale = ms[0]->group->tree();  // the tree before the commit
    Member c;
    auto kc = create_key_package(cred("c"), c.sig.private_key);
    Group::CommitOptions opts;
    opts.by_value = {Proposal{Add{kc.key_package}}};
    opts.ratchet_tree_in_welcome = false;
    auto out = ms[0]->group->commit(opts);
    expect_errc(
        MlsErrc::invalid_tree,
        [&] { Group::join_from_message(*out.welcome, kc, config(), &stale); },
        "tree hash mismatch");
}

TEST(GroupNegative, RemovedMemberIsInactive) {
    auto ms = make_group(3);
    Group::CommitOptions opts;
    opts.by_value = {Proposal{Remove{ms[2]->group->own_leaf()}}};
    auto out = ms[0]->group->commit(opts);
    ms[0]->group->merge_pending_commit();
    ms[1]->group->handle(out.commit);
    const auto r = ms[2]->group->handle(out.commit);
    EXPECT_TRUE(r.removed_self);
    EXPECT_FALSE(ms[2]->group->active());
    expect_errc(
        MlsErrc::invalid_state, [&] { ms[2]->group->protect(bytes("x")); }, "removed");
    // The remaining members cannot be read by the removed one.
    const Bytes ct = ms[0]->group->protect(bytes("secret"));
    EXPECT_EQ(ms[1]->group->unprotect(ct).data, bytes("secret"));
    expect_errc(
        MlsErrc::invalid_state, [&] { ms[2]->group->unprotect(ct); }, "removed reads");
}

// ---- PSKs, extensions, exporter ------------------------------------------------------

TEST(Group, PskAndGroupContextExtensions) {
    auto ms = make_group(3);
    for (auto& m : ms)
        m->group->add_external_psk(bytes("psk-1"), SecretBytes::copy_of(bytes("0123456789abcdef")));
    deliver(ms, 1, ms[1]->group->propose_external_psk(bytes("psk-1")));
    deliver(ms, 2, ms[2]->group->propose_resumption_psk(ms[2]->group->epoch()));
    deliver(ms, 1,
            ms[1]->group->propose_group_context_extensions(
                {Extension{extension_type::application_id, bytes("\x03"
                                                                 "app")}}));
    auto out = ms[0]->group->commit();
    ms[0]->group->merge_pending_commit();
    deliver(ms, 0, out.commit);
    for (auto& m : ms) {
        EXPECT_EQ(m->group->epoch_authenticator(), ms[0]->group->epoch_authenticator());
        EXPECT_EQ(m->group->export_secret("label", bytes("ctx"), 42),
                  ms[0]->group->export_secret("label", bytes("ctx"), 42));
        EXPECT_EQ(m->group->context().extensions.size(), 1u);
    }
}

// ---- Serialisation -------------------------------------------------------------------

TEST(Group, SerializeRestoreRoundTrip) {
    auto ms = make_group(3);
    deliver(ms, 2, ms[2]->group->propose_update());  // a cached proposal is part of the state
    const Bytes app = ms[0]->group->protect(bytes("before"));
    const SecretBytes blob = ms[1]->group->serialize();
    Group restored = Group::restore(blob, config());
    EXPECT_TRUE(restored.serialize() == blob);
    EXPECT_EQ(restored.epoch_authenticator(), ms[1]->group->epoch_authenticator());
    EXPECT_EQ(restored.unprotect(app).data, bytes("before"));
    auto out = ms[0]->group->commit();
    ms[0]->group->merge_pending_commit();
    restored.handle(out.commit);
    ms[2]->group->handle(out.commit);
    EXPECT_EQ(restored.epoch_authenticator(), ms[0]->group->epoch_authenticator());
    EXPECT_EQ(ms[0]->group->unprotect(restored.protect(bytes("after"))).data, bytes("after"));
    // A pending commit survives too.
    auto out2 = restored.commit();
    Group again = Group::restore(restored.serialize(), config());
    ASSERT_TRUE(again.has_pending_commit());
    again.merge_pending_commit();
    ms[0]->group->handle(out2.commit);
    EXPECT_EQ(again.epoch_authenticator(), ms[0]->group->epoch_authenticator());
    // Malformed blobs are typed errors.
    Bytes bad = blob.expose();  // a test blob, deliberately in plain memory
    bad.push_back(0);
    expect_errc(
        MlsErrc::decode, [&] { Group::restore(bad, config()); }, "trailing byte");
    expect_errc(
        MlsErrc::decode,
        [&] { Group::restore(ByteView(blob).subspan(0, blob.size() / 2), config()); }, "truncated");
}

// ---- Randomised convergence ----------------------------------------------------------

class Convergence {
  public:
    explicit Convergence(std::uint32_t seed) : rng_(seed) {
        for (int i = 0; i < 3; ++i) members_.push_back(new_member());
        members_[0]->group = Group::create(bytes("convergence"), cred(members_[0]->name),
                                           members_[0]->sig.private_key, config(coin()));
        std::vector<KeyPackageBundle> kps;
        Group::CommitOptions opts;
        for (int i = 1; i < 3; ++i) {
            kps.push_back(
                create_key_package(cred(members_[i]->name), members_[i]->sig.private_key));
            opts.by_value.push_back(Proposal{Add{kps.back().key_package}});
        }
        auto out = members_[0]->group->commit(opts);
        members_[0]->group->merge_pending_commit();
        for (int i = 1; i < 3; ++i) {
            members_[i]->group = Group::join_from_message(*out.welcome, kps[i - 1], config(coin()));
        }
        check();
    }

    void step() {
        const int r = static_cast<int>(rng_() % 100);
        const std::size_t n = members_.size();
        if (r < 14 && n < 30) {
            add(pick(), coin());
        } else if (r < 24 && n > 3) {
            remove(pick());
        } else if (r < 36) {
            update_then_commit();
        } else if (r < 44) {
            empty_commit(pick());
        } else if (r < 50) {
            mixed_commit();
        } else if (r < 55 && n < 30) {
            external_join(/*resync=*/false);
        } else if (r < 58) {
            external_join(/*resync=*/true);
        } else {
            application_burst();
        }
        ++ops_;
    }

    int ops() const { return ops_; }
    int commits() const { return commits_; }
    int external_joins() const { return external_joins_; }
    int resyncs() const { return resyncs_; }
    std::size_t max_size() const { return max_size_; }

  private:
    std::unique_ptr<Member> new_member() {
        auto m = std::make_unique<Member>();
        m->name = "m" + std::to_string(next_id_++);
        return m;
    }
    bool coin() { return (rng_() & 1) != 0; }
    std::size_t pick() { return rng_() % members_.size(); }
    std::size_t pick_other(std::size_t not_this) {
        std::size_t i = pick();
        while (i == not_this) i = pick();
        return i;
    }

    // Commits at `committer`, delivers to everyone else, adds joiners, checks agreement.
    void finish_commit(
        std::size_t committer, Group::CommitOutput out,
        std::vector<std::pair<std::unique_ptr<Member>, KeyPackageBundle>> joiners = {}) {
        members_[committer]->group->merge_pending_commit();
        std::vector<std::unique_ptr<Member>> keep;
        for (std::size_t i = 0; i < members_.size(); ++i) {
            if (i != committer) {
                const auto res = members_[i]->group->handle(out.commit);
                if (res.removed_self) continue;
            }
            keep.push_back(std::move(members_[i]));
        }
        members_ = std::move(keep);
        for (auto& [m, kp] : joiners) {
            m->group = Group::join_from_message(*out.welcome, kp, config(coin()));
            members_.push_back(std::move(m));
        }
        ++commits_;
        max_size_ = std::max(max_size_, members_.size());
        check();
    }

    void add(std::size_t committer, bool path) {
        auto m = new_member();
        auto kp = create_key_package(cred(m->name), m->sig.private_key);
        Group::CommitOptions opts;
        opts.by_value = {Proposal{Add{kp.key_package}}};
        opts.force_path = path;
        auto out = members_[committer]->group->commit(opts);
        std::vector<std::pair<std::unique_ptr<Member>, KeyPackageBundle>> j;
        j.emplace_back(std::move(m), std::move(kp));
        finish_commit(committer, std::move(out), std::move(j));
    }

    void remove(std::size_t committer) {
        const std::size_t victim = pick_other(committer);
        Group::CommitOptions opts;
        opts.by_value = {Proposal{Remove{members_[victim]->group->own_leaf()}}};
        finish_commit(committer, members_[committer]->group->commit(opts));
    }

    void broadcast(std::size_t from, const Bytes& msg) {
        for (std::size_t i = 0; i < members_.size(); ++i) {
            if (i != from) members_[i]->group->handle(msg);
        }
    }

    void update_then_commit() {
        const std::size_t proposer = pick();
        broadcast(proposer, members_[proposer]->group->propose_update());
        const std::size_t committer = pick_other(proposer);
        finish_commit(committer, members_[committer]->group->commit());
    }

    void empty_commit(std::size_t committer) {
        finish_commit(committer, members_[committer]->group->commit());
    }

    // Proposals from several members (update, remove, add) committed together by reference.
    void mixed_commit() {
        const std::size_t committer = pick();
        std::vector<std::pair<std::unique_ptr<Member>, KeyPackageBundle>> joiners;
        std::vector<LeafIndex> removed;
        const int k = 1 + static_cast<int>(rng_() % 3);
        std::vector<std::size_t> updated;
        for (int i = 0; i < k; ++i) {
            const std::size_t p = pick();
            const int kind = static_cast<int>(rng_() % 3);
            if (kind == 0 && p != committer &&
                std::find(updated.begin(), updated.end(), p) == updated.end() &&
                std::find(removed.begin(), removed.end(), members_[p]->group->own_leaf()) ==
                    removed.end()) {
                updated.push_back(p);
                broadcast(p, members_[p]->group->propose_update());
            } else if (kind == 1 && members_.size() - removed.size() > 3) {
                const std::size_t v = pick_other(committer);
                const LeafIndex leaf = members_[v]->group->own_leaf();
                if (std::find(removed.begin(), removed.end(), leaf) != removed.end()) continue;
                if (std::find(updated.begin(), updated.end(), v) != updated.end()) continue;
                removed.push_back(leaf);
                broadcast(p, members_[p]->group->propose_remove(leaf));
            } else if (members_.size() + joiners.size() < 30) {
                auto m = new_member();
                auto kp = create_key_package(cred(m->name), m->sig.private_key);
                broadcast(p, members_[p]->group->propose_add(kp.key_package));
                joiners.emplace_back(std::move(m), std::move(kp));
            }
        }
        Group::CommitOptions opts;
        opts.force_path = coin();
        finish_commit(committer, members_[committer]->group->commit(opts), std::move(joiners));
    }

    // §12.4.3.2: a newcomer joins by external Commit from a member's GroupInfo (tree in
    // it or out of band), or a member that "lost its state" comes back with a new
    // signature key and removes its earlier appearance (resync).
    void external_join(bool resync) {
        const std::size_t publisher = pick();
        std::unique_ptr<Member> m = new_member();
        if (resync) m->name = members_[pick()]->name;
        const bool with_tree = coin();
        const RatchetTree tree = members_[publisher]->group->tree();
        Group::ExternalJoinOptions opts;
        opts.remove_prior = resync;
        if (!with_tree) opts.external_tree = &tree;
        auto out = Group::join_external(members_[publisher]->group->group_info(with_tree),
                                        cred(m->name), m->sig.private_key, config(coin()), opts);
        std::vector<std::unique_ptr<Member>> keep;
        for (auto& member : members_) {
            if (member->group->handle(out.commit).removed_self) continue;
            keep.push_back(std::move(member));
        }
        members_ = std::move(keep);
        m->group = std::move(out.group);
        members_.push_back(std::move(m));
        ++commits_;
        ++(resync ? resyncs_ : external_joins_);
        max_size_ = std::max(max_size_, members_.size());
        check();
    }

    // A burst of application messages from one sender, delivered to each receiver in a
    // different random order (all within the out-of-order window).
    void application_burst() {
        const std::size_t from = pick();
        const int k = 1 + static_cast<int>(rng_() % 6);
        std::vector<std::pair<Bytes, Bytes>> msgs;
        for (int i = 0; i < k; ++i) {
            Bytes text = bytes("op" + std::to_string(ops_) + "/" + std::to_string(i));
            msgs.emplace_back(members_[from]->group->protect(text, bytes("aad")), text);
        }
        for (std::size_t i = 0; i < members_.size(); ++i) {
            if (i == from) continue;
            auto order = msgs;
            std::shuffle(order.begin(), order.end(), rng_);
            for (const auto& [ct, text] : order) {
                const auto app = members_[i]->group->unprotect(ct);
                ASSERT_EQ(app.data, text);
                ASSERT_EQ(app.sender, members_[from]->group->own_leaf());
            }
        }
    }

    // After every commit: one epoch authenticator, one exporter value, everyone reads a
    // message from a random member.
    void check() {
        const Bytes auth = members_[0]->group->epoch_authenticator();
        const Bytes exp = members_[0]->group->export_secret("conv", bytes("x"), 16);
        for (auto& m : members_) {
            ASSERT_EQ(m->group->epoch_authenticator(), auth) << "after commit " << commits_;
            ASSERT_EQ(m->group->export_secret("conv", bytes("x"), 16), exp);
            ASSERT_EQ(m->group->epoch(), members_[0]->group->epoch());
        }
        const std::size_t from = pick();
        const Bytes text = bytes("check" + std::to_string(commits_));
        const Bytes ct = members_[from]->group->protect(text);
        for (std::size_t i = 0; i < members_.size(); ++i) {
            if (i != from) {
                ASSERT_EQ(members_[i]->group->unprotect(ct).data, text);
            }
        }
    }

    std::mt19937 rng_;
    std::vector<std::unique_ptr<Member>> members_;
    int next_id_ = 0;
    int ops_ = 0;
    int commits_ = 0;
    int external_joins_ = 0;
    int resyncs_ = 0;
    std::size_t max_size_ = 3;
};

TEST(GroupConvergence, RandomOperations) {
    // LAGRUM_MLS_CONVERGENCE_OPS raises (never lowers) the number of operations.
    int kOps = 1000;
    if (const char* env = std::getenv("LAGRUM_MLS_CONVERGENCE_OPS"))
        kOps = std::max(kOps, std::atoi(env));
    if (const char* env = std::getenv("LAGRUM_MLS_CONVERGENCE_DEBUG_OPS")) kOps = std::atoi(env);
    Convergence c(20261125);
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kOps; ++i) {
        ASSERT_NO_FATAL_FAILURE(c.step()) << "operation " << i;
    }
    const auto secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[convergence] " << c.ops() << " operations, " << c.commits() << " commits ("
              << c.external_joins() << " external joins, " << c.resyncs()
              << " resyncs), largest group " << c.max_size() << " members, " << secs << " s"
              << std::endl;
    EXPECT_GE(c.ops(), kOps);
}

}  // namespace
}  // namespace lagrum::mls
