// Group::State: the complete per-epoch state of one member (private to group*.cpp).
//
// It is made only of the public RFC components: the ratchet tree (ratchet_tree.h), the
// member's TreeKEM private keys (treekem.h), the key schedule's epoch secrets
// (key_schedule.h) and the secret tree (secret_tree.h). The state machine adds what
// belongs to a member rather than to an RFC structure: the proposal cache, kept
// resumption PSKs and past epochs, and the pending commit.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "lagrum/mls/group.h"
#include "lagrum/mls/key_schedule.h"
#include "lagrum/mls/secret_tree.h"
#include "lagrum/mls/treekem.h"

namespace lagrum::mls {

namespace group_detail {

// A proposal received (or sent) in the current epoch, cached by ProposalRef (§12.4).
struct CachedProposal {
    Bytes ref;
    Bytes own_message_hash;  // our own proposals: hash of the sent MLSMessage
    Proposal proposal;
    Sender sender;
    std::optional<SecretBytes> update_private;  // our own Update: the new leaf's HPKE key
};

// What is kept of an earlier epoch to read its late application messages (§15.2: a
// bounded number of past epochs, so that messages crossing a commit are not lost).
struct PastEpoch {
    GroupContext ctx;
    RatchetTree tree;  // the senders' signature keys of that epoch
    SecretBytes sender_data_secret;
    SecretTree secret_tree;
};

// Immutable secrets shared between an epoch's state and the next (no copy per commit);
// wiped when the last state holding them goes.
using SharedSecret = std::shared_ptr<const SecretBytes>;
inline SharedSecret share(SecretBytes s) {
    return std::make_shared<const SecretBytes>(std::move(s));
}

}  // namespace group_detail

struct Group::State {
    GroupConfig config;
    GroupContext ctx;
    RatchetTree tree;
    TreeKemPrivate priv;  // our leaf index and the HPKE private keys we hold (§7.4)
    group_detail::SharedSecret signature_private;
    Bytes interim_transcript_hash;
    Bytes confirmation_tag;  // of the commit that started this epoch
    // joiner_secret and welcome_secret are emptied once the epoch's Welcome is built.
    EpochSecrets secrets;
    SecretTree secret_tree;
    std::vector<group_detail::CachedProposal> proposals;
    std::map<std::uint64_t, group_detail::SharedSecret> resumption_psks;  // by epoch
    ExternalPsks external_psks;
    std::vector<group_detail::PastEpoch> past;  // oldest first
    bool active = true;
    std::unique_ptr<State> pending;  // our own commit, built but not merged

    LeafIndex me() const noexcept { return priv.index(); }

    // The parts the next epoch starts from: everything except what it derives anew
    // (epoch secrets, secret tree, proposal cache), the past epochs (moved on merge) and
    // the pending commit.
    std::unique_ptr<State> clone_for_next_epoch() const;

    void encode(Writer& w) const;
    static std::unique_ptr<State> decode(Reader& r, GroupConfig config);
};

}  // namespace lagrum::mls
