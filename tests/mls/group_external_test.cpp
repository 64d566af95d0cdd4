// External Commits (RFC 9420 §12.4.3.2, external init §8.3): joining from a GroupInfo
// without a Welcome, with the tree in the GroupInfo or out of band, with a PSK, and the
// "resync" flavour that replaces the joiner's earlier appearance; then every way the
// joiner or a member must refuse one. Also proposals from non-members (§12.1.8), framed by
// hand and built with external_proposal() / new_member_add_proposal().
#include <gtest/gtest.h>

#include "group_util.h"
#include "lagrum/mls/extensions.h"
#include "lagrum/mls/framing.h"

namespace lagrum::mls {
namespace {

using namespace group_test;

// All groups agree on the epoch, the epoch authenticator and an export, and every
// member reads every other's application message.
void expect_converged(const std::vector<Group*>& gs) {
    ASSERT_FALSE(gs.empty());
    for (Group* g : gs) {
        EXPECT_EQ(g->epoch(), gs[0]->epoch());
        EXPECT_EQ(g->epoch_authenticator(), gs[0]->epoch_authenticator());
        EXPECT_EQ(g->export_secret("ext", bytes("c"), 32),
                  gs[0]->export_secret("ext", bytes("c"), 32));
        EXPECT_EQ(g->tree(), gs[0]->tree());
    }
    for (Group* from : gs) {
        const Bytes msg = from->protect(bytes("hej"));
        for (Group* to : gs) {
            if (to != from) {
                EXPECT_EQ(to->unprotect(msg).data, bytes("hej"));
            }
        }
    }
}

std::vector<Group*> groups_of(std::vector<std::unique_ptr<Member>>& ms) {
    std::vector<Group*> out;
    for (auto& m : ms) out.push_back(&*m->group);
    return out;
}

GroupInfo decode_group_info(const Bytes& message) {
    MlsMessage m = decode_exact<MlsMessage>(message);
    return std::get<GroupInfo>(m.body);
}

Bytes encode_group_info(const GroupInfo& gi) {
    return encode(MlsMessage{gi});
}

TEST(ExternalJoin, JoinerGetsLeftmostFreeLeafAndAllConverge) {
    auto ms = make_group(4);
    // Free leaf 1, so that the joiner must take it rather than extend the tree.
    Group::CommitOptions opts;
    opts.by_value = {Proposal{Remove{LeafIndex{1}}}};
    auto removal = ms[0]->group->commit(opts);
    ms[0]->group->merge_pending_commit();
    ms[2]->group->handle(removal.commit);
    ms[3]->group->handle(removal.commit);
    ms.erase(ms.begin() + 1);

    Member erin;
    erin.name = "erin";
    auto joined = Group::join_external(ms[1]->group->group_info(true), cred("erin"),
                                       erin.sig.private_key, config(), {});
    EXPECT_EQ(joined.group.own_leaf(), LeafIndex{1});
    for (auto& m : ms) {
        const auto r = m->group->handle(joined.commit);
        EXPECT_EQ(r.kind, Group::Received::commit);
        EXPECT_TRUE(r.external_sender);
        EXPECT_EQ(r.sender, LeafIndex{1});
    }
    auto gs = groups_of(ms);
    gs.push_back(&joined.group);
    expect_converged(gs);

    // The joiner is a full member: it commits, and the state survives a restore.
    Group restored = Group::restore(joined.group.serialize(), config());
    auto c = restored.commit();
    restored.merge_pending_commit();
    for (auto& m : ms) m->group->handle(c.commit);
    gs.back() = &restored;
    expect_converged(gs);
}

TEST(ExternalJoin, TreeOutOfBandAndEncryptedHandshakeGroups) {
    auto ms = make_group(3, config(/*encrypt_handshake=*/true));
    const RatchetTree tree = ms[2]->group->tree();
    Member erin;
    Group::ExternalJoinOptions opts;
    expect_errc(
        MlsErrc::invalid_tree,
        [&] {
            Group::join_external(ms[2]->group->group_info(false), cred("erin"),
                                 erin.sig.private_key, config(true), opts);
        },
        "GroupInfo without tree and no tree supplied");
    opts.external_tree = &tree;
    auto joined = Group::join_external(ms[2]->group->group_info(false), cred("erin"),
                                       erin.sig.private_key, config(true), opts);
    for (auto& m : ms) m->group->handle(joined.commit);
    auto gs = groups_of(ms);
    gs.push_back(&joined.group);
    expect_converged(gs);
}

TEST(ExternalJoin, InjectsAnExternalPsk) {
    auto ms = make_group(3);
    const Bytes psk_id = bytes("psk-ext");
    for (std::size_t i = 0; i < 2; ++i) {
        ms[i]->group->add_external_psk(psk_id, SecretBytes::copy_of(bytes("0123456789abcdef")));
    }
    Member erin;
    Group::ExternalJoinOptions opts;
    opts.inject_psks = {psk_id};
    opts.psks.emplace(psk_id, SecretBytes::copy_of(bytes("0123456789abcdef")));
    auto joined = Group::join_external(ms[0]->group->group_info(true), cred("erin"),
                                       erin.sig.private_key, config(), opts);
    ms[0]->group->handle(joined.commit);
    ms[1]->group->handle(joined.commit);
    // Member 2 lacks the PSK: it cannot follow, and its state is unchanged.
    const auto before = ms[2]->group->epoch_authenticator();
    expect_errc(
        MlsErrc::invalid_proposal, [&] { ms[2]->group->handle(joined.commit); }, "PSK missing");
    EXPECT_EQ(ms[2]->group->epoch_authenticator(), before);
    expect_converged({&*ms[0]->group, &*ms[1]->group, &joined.group});

    // A PSK the joiner does not hold cannot be injected.
    Group::ExternalJoinOptions missing;
    missing.inject_psks = {bytes("unknown")};
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] {
            Group::join_external(ms[0]->group->group_info(true), cred("frank"),
                                 erin.sig.private_key, config(), missing);
        },
        "unknown PSK");
}

TEST(ExternalJoin, ResyncReplacesThePriorAppearance) {
    auto ms = make_group(3);
    // Member 2 lost its state; it comes back with a new signature key, same credential.
    Member again;
    Group::ExternalJoinOptions opts;
    opts.remove_prior = true;
    auto joined = Group::join_external(ms[0]->group->group_info(true), cred(ms[2]->name),
                                       again.sig.private_key, config(), opts);
    ms[0]->group->handle(joined.commit);
    ms[1]->group->handle(joined.commit);
    const auto r = ms[2]->group->handle(joined.commit);  // the old state sees itself removed
    EXPECT_TRUE(r.removed_self);
    EXPECT_EQ(joined.group.own_leaf(), LeafIndex{2});  // the freed leaf is the leftmost
    EXPECT_EQ(joined.group.tree().members().size(), 3u);
    expect_converged({&*ms[0]->group, &*ms[1]->group, &joined.group});

    // Without an earlier appearance there is nothing to resync.
    Member stranger;
    expect_errc(
        MlsErrc::invalid_state,
        [&] {
            Group::join_external(ms[0]->group->group_info(true), cred("stranger"),
                                 stranger.sig.private_key, config(), opts);
        },
        "no prior appearance");
}

TEST(ExternalJoinNegative, JoinerChecksTheGroupInfo) {
    auto ms = make_group(2);
    Member erin;
    const Bytes gi_message = ms[0]->group->group_info(true);

    // Bad signature.
    GroupInfo gi = decode_group_info(gi_message);
    gi.signature.back() ^= 1;
    expect_errc(
        MlsErrc::bad_signature,
        [&] {
            Group::join_external(encode_group_info(gi), cred("erin"), erin.sig.private_key,
                                 config(), {});
        },
        "GroupInfo signature");

    // Validly signed, but without external_pub.
    gi = decode_group_info(gi_message);
    std::erase_if(gi.extensions,
                  [](const Extension& e) { return e.type == extension_type::external_pub; });
    gi.sign(ms[0]->sig.private_key);
    expect_errc(
        MlsErrc::invalid_state,
        [&] {
            Group::join_external(encode_group_info(gi), cred("erin"), erin.sig.private_key,
                                 config(), {});
        },
        "no external_pub");

    // Validly signed, but the tree does not match the GroupContext's tree hash.
    gi = decode_group_info(gi_message);
    gi.group_context.tree_hash.back() ^= 1;
    gi.sign(ms[0]->sig.private_key);
    expect_errc(
        MlsErrc::invalid_tree,
        [&] {
            Group::join_external(encode_group_info(gi), cred("erin"), erin.sig.private_key,
                                 config(), {});
        },
        "tree hash");

    // Truncated and trailing bytes.
    Bytes cut(gi_message.begin(), gi_message.end() - 1);
    EXPECT_THROW(Group::join_external(cut, cred("erin"), erin.sig.private_key, config(), {}),
                 MlsError);
    Bytes longer = gi_message;
    longer.push_back(0);
    expect_errc(
        MlsErrc::decode,
        [&] { Group::join_external(longer, cred("erin"), erin.sig.private_key, config(), {}); },
        "trailing byte");

    // The joiner's own policy applies to itself, and it cannot join twice.
    expect_errc(
        MlsErrc::credential_rejected,
        [&] {
            Group::join_external(gi_message, cred("mallory"), erin.sig.private_key, config(), {});
        },
        "own credential");
    EXPECT_THROW(
        Group::join_external(gi_message, cred(ms[1]->name), ms[1]->sig.private_key, config(), {}),
        MlsError);
}

TEST(ExternalJoinNegative, MembersRefuseBadExternalCommits) {
    auto ms = make_group(3);
    Member mallory;
    GroupConfig permissive = config();
    permissive.credential_policy = [](const Credential&, ByteView) { return true; };

    // The members' credential policy vets the joiner.
    auto rejected = Group::join_external(ms[0]->group->group_info(true), cred("mallory"),
                                         mallory.sig.private_key, permissive, {});
    expect_errc(
        MlsErrc::credential_rejected, [&] { ms[1]->group->handle(rejected.commit); }, "policy");

    // A group that does not accept external Commits.
    Member erin;
    GroupConfig closed;  // the default configuration refuses external Commits
    closed.credential_policy = config().credential_policy;
    Group closed_group = Group::restore(ms[2]->group->serialize(), closed);
    auto joined = Group::join_external(ms[0]->group->group_info(true), cred("erin"),
                                       erin.sig.private_key, config(), {});
    expect_errc(
        MlsErrc::unsupported, [&] { closed_group.handle(joined.commit); }, "closed group");

    // Tampered signature: the joiner signs with its path leaf's key.
    Bytes tampered = joined.commit;
    MlsMessage m = decode_exact<MlsMessage>(tampered);
    auto& pub = std::get<PublicMessage>(m.body);
    pub.auth.signature.back() ^= 1;
    expect_errc(
        MlsErrc::bad_signature, [&] { ms[1]->group->handle(encode(m)); }, "signature");

    // Wrong confirmation tag.
    m = decode_exact<MlsMessage>(joined.commit);
    std::get<PublicMessage>(m.body).auth.confirmation_tag->back() ^= 1;
    expect_errc(
        MlsErrc::invalid_commit, [&] { ms[1]->group->handle(encode(m)); }, "confirmation tag");

    // Accepted once; the same commit again is for an old epoch.
    ms[1]->group->handle(joined.commit);
    expect_errc(
        MlsErrc::wrong_epoch, [&] { ms[1]->group->handle(joined.commit); }, "replay");

    // A GroupInfo of an epoch that has moved on gives a commit for the wrong epoch.
    Member frank;
    auto stale = Group::join_external(ms[2]->group->group_info(true), cred("frank"),
                                      frank.sig.private_key, config(), {});
    expect_errc(
        MlsErrc::wrong_epoch, [&] { ms[1]->group->handle(stale.commit); }, "stale GroupInfo");
}

// §12.1.8: proposals from outside the group. An external sender listed in the group's
// external_senders extension (here a delivery service "ds") proposes a Remove; a
// prospective member proposes its own Add (new_member_proposal). Members cache both and
// a member commits them by reference.
Bytes non_member_proposal(const Group& g, Sender sender, Proposal p, ByteView key) {
    FramedContent c;
    c.group_id = g.group_id();
    c.epoch = g.epoch();
    c.sender = sender;
    c.body = std::move(p);
    AuthenticatedContent ac =
        sign_content(WireFormat::public_message, std::move(c), g.context(), key);
    return encode(MlsMessage{make_public_message(std::move(ac), g.context(), {})});
}

TEST(ExternalProposals, ExternalSenderAndNewMemberProposalsAreCommitted) {
    const SignatureKeyPair ds = generate_signature_key_pair();
    GroupConfig cfg = config();
    std::vector<std::unique_ptr<Member>> ms;
    for (int i = 0; i < 3; ++i) {
        ms.push_back(std::make_unique<Member>());
        ms.back()->name = "member" + std::to_string(i);
    }
    ExtensionList ext = {make_extension(
        ExternalSenders{{ExternalSender{signature_public_key(ds.private_key), cred("ds")}}})};
    ms[0]->group =
        Group::create(bytes("group-ext"), cred(ms[0]->name), ms[0]->sig.private_key, cfg, ext);
    Group::CommitOptions add;
    std::vector<KeyPackageBundle> kps;
    for (int i = 1; i < 3; ++i) {
        kps.push_back(create_key_package(cred(ms[i]->name), ms[i]->sig.private_key));
        add.by_value.push_back(Proposal{Add{kps.back().key_package}});
    }
    auto out = ms[0]->group->commit(add);
    ms[0]->group->merge_pending_commit();
    for (int i = 1; i < 3; ++i)
        ms[i]->group = Group::join_from_message(*out.welcome, kps[i - 1], cfg);

    const Bytes remove = non_member_proposal(*ms[0]->group, Sender{SenderType::external, 0},
                                             Proposal{Remove{LeafIndex{2}}}, ds.private_key);
    Member erin;
    const KeyPackageBundle erin_kp = create_key_package(cred("erin"), erin.sig.private_key);
    const Bytes self_add =
        non_member_proposal(*ms[0]->group, Sender{SenderType::new_member_proposal, 0},
                            Proposal{Add{erin_kp.key_package}}, erin.sig.private_key);
    for (auto& m : ms) {
        const auto r = m->group->handle(remove);
        EXPECT_TRUE(r.external_sender);
        EXPECT_EQ(r.kind, Group::Received::proposal);
        EXPECT_TRUE(m->group->handle(self_add).external_sender);
    }
    // Signed by someone not in external_senders, or with a sender index beyond it.
    const SignatureKeyPair rogue = generate_signature_key_pair();
    expect_errc(
        MlsErrc::bad_signature,
        [&] {
            ms[1]->group->handle(non_member_proposal(*ms[0]->group, Sender{SenderType::external, 0},
                                                     Proposal{Remove{LeafIndex{1}}},
                                                     rogue.private_key));
        },
        "external sender with the wrong key");
    expect_errc(
        MlsErrc::not_member,
        [&] {
            ms[1]->group->handle(non_member_proposal(*ms[0]->group, Sender{SenderType::external, 1},
                                                     Proposal{Remove{LeafIndex{1}}},
                                                     ds.private_key));
        },
        "unknown external sender index");
    // A new member may only propose Add (checked before its signature).
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] {
            ms[1]->group->handle(
                non_member_proposal(*ms[0]->group, Sender{SenderType::new_member_proposal, 0},
                                    Proposal{Remove{LeafIndex{1}}}, erin.sig.private_key));
        },
        "new_member_proposal Remove");

    auto c = ms[1]->group->commit();
    ms[1]->group->merge_pending_commit();
    ms[0]->group->handle(c.commit);
    EXPECT_TRUE(ms[2]->group->handle(c.commit).removed_self);
    ASSERT_TRUE(c.welcome.has_value());
    Group joined = Group::join_from_message(*c.welcome, erin_kp, cfg);
    expect_converged({&*ms[0]->group, &*ms[1]->group, &joined});
}

// The same two kinds of non-member proposal, now built with the library's API from the
// group's GroupInfo: an external sender's Remove, external PSK and (next epoch)
// GroupContextExtensions, and a prospective member's own Add made from a GroupInfo whose
// tree travels out of band. Members commit them by reference and converge.
struct ExternalSenderGroup {
    SignatureKeyPair ds = generate_signature_key_pair();
    GroupConfig cfg = config();
    std::vector<std::unique_ptr<Member>> ms;
    ExternalSenders senders;

    explicit ExternalSenderGroup(int n) {
        for (int i = 0; i < n; ++i) {
            ms.push_back(std::make_unique<Member>());
            ms.back()->name = "member" + std::to_string(i);
        }
        senders.senders = {ExternalSender{signature_public_key(ds.private_key), cred("ds")}};
        ms[0]->group = Group::create(bytes("group-ext-api"), cred(ms[0]->name),
                                     ms[0]->sig.private_key, cfg, {make_extension(senders)});
        Group::CommitOptions add;
        std::vector<KeyPackageBundle> kps;
        for (int i = 1; i < n; ++i) {
            kps.push_back(create_key_package(cred(ms[i]->name), ms[i]->sig.private_key));
            add.by_value.push_back(Proposal{Add{kps.back().key_package}});
        }
        auto out = ms[0]->group->commit(add);
        ms[0]->group->merge_pending_commit();
        for (int i = 1; i < n; ++i)
            ms[i]->group = Group::join_from_message(*out.welcome, kps[i - 1], cfg);
    }
};

TEST(ExternalProposals, BuiltFromGroupInfoCommittedByReferenceAndConverge) {
    ExternalSenderGroup eg(3);
    auto& ms = eg.ms;
    const Bytes info = ms[0]->group->group_info(true);
    const Bytes info_without_tree = ms[1]->group->group_info(false);
    const RatchetTree tree = ms[1]->group->tree();

    const Bytes remove = external_proposal(info, 0, Proposal{Remove{LeafIndex{2}}},
                                           eg.ds.private_key, eg.cfg.credential_policy);
    PreSharedKeyId psk;
    psk.type = PskType::external;
    psk.psk_id = bytes("psk-from-ds");
    psk.psk_nonce = Bytes(kNh, 0x42);
    for (auto& m : ms)
        m->group->add_external_psk(psk.psk_id, SecretBytes::copy_of(bytes("the psk value")));
    const Bytes psk_proposal =
        external_proposal(info_without_tree, 0, Proposal{PreSharedKey{psk}}, eg.ds.private_key,
                          eg.cfg.credential_policy, &tree);
    Member erin;
    const KeyPackageBundle erin_kp = create_key_package(cred("erin"), erin.sig.private_key);
    const Bytes self_add =
        new_member_add_proposal(info_without_tree, erin_kp, eg.cfg.credential_policy, &tree);

    // Always PublicMessages from the right kind of sender.
    for (const Bytes* msg : {&remove, &psk_proposal, &self_add}) {
        const MlsMessage m = decode_exact<MlsMessage>(*msg);
        const auto* pub = std::get_if<PublicMessage>(&m.body);
        ASSERT_NE(pub, nullptr);
        EXPECT_FALSE(pub->membership_tag.has_value());
        EXPECT_EQ(pub->content.group_id, ms[0]->group->group_id());
        EXPECT_EQ(pub->content.epoch, ms[0]->group->epoch());
        EXPECT_EQ(pub->content.sender.type,
                  msg == &self_add ? SenderType::new_member_proposal : SenderType::external);
    }
    for (auto& m : ms) {
        for (const Bytes* msg : {&remove, &psk_proposal, &self_add}) {
            const auto r = m->group->handle(*msg);
            EXPECT_EQ(r.kind, Group::Received::proposal);
            EXPECT_TRUE(r.external_sender);
            EXPECT_EQ(r.sender, LeafIndex{0});
        }
    }
    auto c = ms[1]->group->commit();
    ms[1]->group->merge_pending_commit();
    ms[0]->group->handle(c.commit);
    EXPECT_TRUE(ms[2]->group->handle(c.commit).removed_self);
    ASSERT_TRUE(c.welcome.has_value());
    ExternalPsks joiner_psks;
    joiner_psks.emplace(psk.psk_id, SecretBytes::copy_of(bytes("the psk value")));
    Group joined = Group::join_from_message(*c.welcome, erin_kp, eg.cfg, nullptr, joiner_psks);
    expect_converged({&*ms[0]->group, &*ms[1]->group, &joined});
    EXPECT_EQ(joined.tree().leaf(LeafIndex{2})->credential, cred("erin"));

    // Next epoch: the external sender changes the group's extensions (keeping itself),
    // from a GroupInfo the newcomer publishes.
    ExtensionList ext = {make_extension(eg.senders),
                         make_extension(ApplicationId{bytes("lagrum-test")})};
    const Bytes gce =
        external_proposal(joined.group_info(true), 0, Proposal{GroupContextExtensions{ext}},
                          eg.ds.private_key, eg.cfg.credential_policy);
    ms[0]->group->handle(gce);
    ms[1]->group->handle(gce);
    joined.handle(gce);
    auto c2 = ms[0]->group->commit();
    ms[0]->group->merge_pending_commit();
    ms[1]->group->handle(c2.commit);
    joined.handle(c2.commit);
    expect_converged({&*ms[0]->group, &*ms[1]->group, &joined});
    EXPECT_EQ(joined.context().extensions, ext);

    // A proposal framed for an epoch that has passed is refused by the members.
    expect_errc(
        MlsErrc::wrong_epoch,
        [&] {
            ms[1]->group->handle(external_proposal(info, 0, Proposal{Remove{LeafIndex{1}}},
                                                   eg.ds.private_key, eg.cfg.credential_policy));
        },
        "proposal of a past epoch");
}

TEST(ExternalProposals, RefusedBeforeSigning) {
    ExternalSenderGroup eg(3);
    auto& ms = eg.ms;
    const Bytes info = ms[0]->group->group_info(true);
    const auto& policy = eg.cfg.credential_policy;
    const ByteView ds = eg.ds.private_key;
    const Proposal remove{Remove{LeafIndex{1}}};

    // Only the proposal types an external sender may send (§12.1.8.1).
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] {
            external_proposal(info, 0, Proposal{Update{*ms[1]->group->tree().leaf(LeafIndex{1})}},
                              ds, policy);
        },
        "Update");
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] { external_proposal(info, 0, Proposal{ExternalInit{Bytes(32, 1)}}, ds, policy); },
        "ExternalInit");
    expect_errc(
        MlsErrc::unsupported,
        [&] {
            external_proposal(
                info, 0,
                Proposal{ReInit{bytes("new-group"),
                                ProtocolVersion::mls10,
                                CipherSuite::mls_128_dhkemx25519_chacha20poly1305_sha256_ed25519,
                                {}}},
                ds, policy);
        },
        "ReInit");
    // The signer must be the external_senders entry it claims to be.
    const SignatureKeyPair rogue = generate_signature_key_pair();
    expect_errc(
        MlsErrc::not_member, [&] { external_proposal(info, 0, remove, rogue.private_key, policy); },
        "key not in external_senders");
    expect_errc(
        MlsErrc::not_member, [&] { external_proposal(info, 1, remove, ds, policy); },
        "index beyond external_senders");
    auto plain = make_group(2);
    expect_errc(
        MlsErrc::not_member,
        [&] { external_proposal(plain[0]->group->group_info(true), 0, remove, ds, policy); },
        "group without external_senders");
    // The proposal itself.
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] { external_proposal(info, 0, Proposal{Remove{LeafIndex{7}}}, ds, policy); },
        "Remove of a leaf outside the tree");
    PreSharedKeyId short_nonce;
    short_nonce.psk_id = bytes("p");
    short_nonce.psk_nonce = Bytes(3, 0);
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] { external_proposal(info, 0, Proposal{PreSharedKey{short_nonce}}, ds, policy); },
        "PSK nonce of the wrong length");
    expect_errc(
        MlsErrc::invalid_proposal,
        [&] {
            external_proposal(info, 0,
                              Proposal{GroupContextExtensions{{Extension{0xff00, bytes("x")}}}}, ds,
                              policy);
        },
        "extension the members do not support");
    Member mallory;
    const KeyPackageBundle mallory_kp =
        create_key_package(cred("mallory"), mallory.sig.private_key);
    expect_errc(
        MlsErrc::credential_rejected,
        [&] { external_proposal(info, 0, Proposal{Add{mallory_kp.key_package}}, ds, policy); },
        "Add of a credential the policy refuses");
    expect_errc(
        MlsErrc::credential_rejected, [&] { new_member_add_proposal(info, mallory_kp, policy); },
        "self-Add refused by policy");

    // The GroupInfo: forged, of another tree, or without a tree.
    GroupInfo forged = decode_group_info(info);
    forged.group_context.epoch += 1;
    expect_errc(
        MlsErrc::bad_signature,
        [&] { external_proposal(encode_group_info(forged), 0, remove, ds, policy); },
        "forged GroupInfo");
    Member erin;
    const KeyPackageBundle erin_kp = create_key_package(cred("erin"), erin.sig.private_key);
    expect_errc(
        MlsErrc::bad_signature,
        [&] { new_member_add_proposal(encode_group_info(forged), erin_kp, policy); },
        "forged GroupInfo (new member)");
    const Bytes without_tree = ms[0]->group->group_info(false);
    expect_errc(
        MlsErrc::invalid_tree, [&] { new_member_add_proposal(without_tree, erin_kp, policy); },
        "no tree");
    const RatchetTree other = plain[0]->group->tree();
    expect_errc(
        MlsErrc::invalid_tree,
        [&] { external_proposal(without_tree, 0, remove, ds, policy, &other); },
        "another group's tree");
    expect_errc(
        MlsErrc::decode,
        [&] {
            new_member_add_proposal(Bytes{0, 1, 0, 4, 9}, erin_kp, policy);
        },
        "truncated GroupInfo");
    // A KeyPackage bundle whose private key is not the leaf's, or a client already in.
    KeyPackageBundle mixed = create_key_package(cred("erin"), erin.sig.private_key);
    mixed.signature_private = SecretBytes::copy_of(rogue.private_key);
    expect_errc(
        MlsErrc::invalid_key_package, [&] { new_member_add_proposal(info, mixed, policy); },
        "bundle key is not the KeyPackage's");
    const KeyPackageBundle again = create_key_package(cred(ms[1]->name), ms[1]->sig.private_key);
    EXPECT_THROW(new_member_add_proposal(info, again, policy), MlsError) << "already a member";

    // Nothing above changed the group: a valid proposal still goes through.
    EXPECT_TRUE(
        ms[1]->group->handle(external_proposal(info, 0, remove, ds, policy)).external_sender);
}

}  // namespace
}  // namespace lagrum::mls
