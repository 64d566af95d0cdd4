// Commit-side proposal handling, RFC 9420 §12.2 ("Proposal List Validation") and §12.3
// ("Applying a Proposal List"), with the per-proposal validity rules of §12.1.1-12.1.8
// and the path-required rule of §12.4 / §17.4.
//
// Group state (group.h) resolves the Commit's ProposalOrRefs with resolve_proposals, then
// calls apply_proposal_list on a COPY of its tree and extensions: the function validates
// while it applies and throws on the first violation, leaving the copy unspecified.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "lagrum/mls/commit.h"
#include "lagrum/mls/credential.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/ratchet_tree.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

// A proposal as covered by a Commit, with its origin.
struct CommittedProposal {
    Proposal proposal;
    Sender sender;  // the proposer (the committer for proposals carried by value)
    Bytes ref;      // its ProposalRef when committed by reference, else empty
};

// Returns the cached proposal for a ProposalRef, or nullptr if unknown.
using ProposalLookup = std::function<const CommittedProposal*(ByteView ref)>;

// Resolves Commit.proposals in order. Throws MlsError(invalid_proposal) for an unknown
// reference, a reference listed twice, or (external commit, committer.type ==
// new_member_commit) any reference at all (§12.4.3.2: proposals by value only).
std::vector<CommittedProposal> resolve_proposals(const Commit& commit, Sender committer,
                                                 const ProposalLookup& lookup);

struct ProposalListCheck {
    Sender committer;  // member (regular Commit) or new_member_commit (external Commit)
    Bytes group_id;    // signature context of Update leaves
    ProtocolVersion version = ProtocolVersion::mls10;
    const CredentialPolicy* policy = nullptr;  // required (KeyPackages, Update leaves)
    std::optional<std::uint64_t> now;          // KeyPackage lifetime check if set
    std::uint64_t max_lifetime = 0;
    // Whether the PSK is available to this client. Empty: not checked here (the key
    // schedule lookup fails later instead).
    std::function<bool(const PreSharedKeyId&)> psk_available;
};

struct ProposalListEffect {
    std::vector<std::pair<LeafIndex, KeyPackage>> added;  // Adds in list order
    std::vector<LeafIndex> removed;
    std::vector<LeafIndex> updated;
    std::vector<PreSharedKeyId> psks;  // in list order (psk_secret order, §8.4)
    std::optional<ReInit> reinit;
    std::optional<Bytes> external_init_kem_output;
    bool extensions_changed = false;
    bool path_required = false;  // §12.4: empty list, Update, Remove, ExternalInit, GCE
};

// §12.2 validation + §12.3 application: GroupContextExtensions first (the new extensions
// then govern the Adds), Updates, Removes, Adds in order; PSKs, ExternalInit and ReInit
// are returned. Throws MlsError(invalid_proposal) for list-level violations (committer
// updates/removes itself, two Update/Remove for one leaf, duplicate PSK id, two GCEs,
// ReInit with others, ExternalInit in a regular Commit, wrong composition of an external
// Commit, a proposal type its sender may not send, a Remove of a blank leaf, a bad PSK
// nonce/usage, an unsupported required capability), not_member for an Update from a blank
// leaf, and the KeyPackage / LeafNode codes of validate_key_package / validate_leaf_node /
// RatchetTree::check_new_leaf (duplicate keys, i.e. a client added twice or already in).
ProposalListEffect apply_proposal_list(RatchetTree& tree, ExtensionList& group_extensions,
                                       const std::vector<CommittedProposal>& proposals,
                                       const ProposalListCheck& check);

}  // namespace lagrum::mls
