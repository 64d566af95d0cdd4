// Group::State: the complete per-epoch state of one member (private to group*.cpp).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "group_internal.h"
#include "lagrum/mls/group.h"

namespace lagrum::mls {

namespace group_detail {

// A proposal received (or sent) in the current epoch, cached by ProposalRef (§12.4).
struct CachedProposal {
    Bytes ref;
    Bytes own_message_hash;  // our own proposals: hash of the sent MLSMessage
    Proposal proposal;
    Sender sender;
    std::optional<SecretBytes> update_private;  // our own Update: the new leaf's HPKE key

    CachedProposal clone() const;
};

// What is kept of an earlier epoch to read its late application messages (§15.2: a
// bounded number of past epochs, so that messages crossing a commit are not lost).
struct PastEpoch {
    GroupContext ctx;
    RatchetTree tree;  // the senders' signature keys of that epoch
    EpochSecrets secrets;
    SecretTree secret_tree;

    PastEpoch clone() const { return PastEpoch{ctx, tree, secrets.clone(), secret_tree.clone()}; }
};

// Immutable secrets are shared between an epoch's state and the next (no copy in secure
// memory per commit); they are wiped when the last state holding them goes.
using SharedSecret = std::shared_ptr<const SecretBytes>;
inline SharedSecret share(SecretBytes s) {
    return std::make_shared<const SecretBytes>(std::move(s));
}

struct NodeKey {
    NodeKey() = default;
    NodeKey(SecretBytes k, Bytes pub)
        : private_key(share(std::move(k))), public_key(std::move(pub)) {}
    NodeKey(SharedSecret k, Bytes pub) : private_key(std::move(k)), public_key(std::move(pub)) {}
    SharedSecret private_key;
    Bytes public_key;
};

}  // namespace group_detail

struct Group::State {
    GroupConfig config;
    GroupContext ctx;
    RatchetTree tree;
    LeafIndex me;
    group_detail::SharedSecret signature_private;
    // HPKE private keys we hold, by node index (our leaf and parents on our direct path).
    std::map<std::uint32_t, group_detail::NodeKey> node_keys;
    Bytes interim_transcript_hash;
    Bytes confirmation_tag;  // of the commit that started this epoch
    group_detail::EpochSecrets secrets;
    group_detail::SecretTree secret_tree;
    std::vector<group_detail::CachedProposal> proposals;
    std::map<std::uint64_t, group_detail::SharedSecret> resumption_psks;  // by epoch
    ExternalPsks external_psks;
    std::vector<group_detail::PastEpoch> past;  // oldest first
    bool active = true;
    std::unique_ptr<State> pending;  // our own commit, built but not merged

    // Everything except `pending`; for_next_epoch also skips what the next epoch
    // replaces (epoch secrets, secret tree, proposal cache).
    std::unique_ptr<State> clone(bool for_next_epoch = false) const;

    void encode(Writer& w) const;
    static std::unique_ptr<State> decode(Reader& r, GroupConfig config);
};

}  // namespace lagrum::mls
