#include "lagrum/mls/proposal_list.h"

#include <algorithm>
#include <set>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/extensions.h"

namespace lagrum::mls {

namespace {

[[noreturn]] void invalid(const std::string& why) {
    fail(MlsErrc::invalid_proposal, why);
}

// §12.1.8 / §17.4 "Ext" column: what each sender type may propose.
void check_sender_may_propose(const Sender& s, std::uint16_t type) {
    switch (s.type) {
        case SenderType::member:
            if (type == proposal_type::external_init) invalid("member sent ExternalInit");
            return;
        case SenderType::external:
            if (type == proposal_type::update || type == proposal_type::external_init) {
                invalid("proposal type not allowed from an external sender");
            }
            return;
        case SenderType::new_member_proposal:
            if (type != proposal_type::add) invalid("new_member_proposal may only Add");
            return;
        case SenderType::new_member_commit:
            // Proposals carried by value in an external Commit; composition checked below.
            return;
    }
}

}  // namespace

std::vector<CommittedProposal> resolve_proposals(const Commit& commit, Sender committer,
                                                 const ProposalLookup& lookup) {
    std::vector<CommittedProposal> out;
    std::set<Bytes> seen_refs;
    for (const auto& por : commit.proposals) {
        if (const auto* p = std::get_if<Proposal>(&por.value)) {
            out.push_back(CommittedProposal{*p, committer, {}});
            continue;
        }
        if (committer.type == SenderType::new_member_commit) {
            invalid("external Commit refers to a proposal by reference");
        }
        const Bytes& ref = std::get<Bytes>(por.value);
        if (!seen_refs.insert(ref).second) invalid("proposal reference listed twice");
        const CommittedProposal* found = lookup ? lookup(ref) : nullptr;
        if (found == nullptr) invalid("unknown proposal reference");
        CommittedProposal cp{found->proposal, found->sender, ref};
        out.push_back(std::move(cp));
    }
    return out;
}

ProposalListEffect apply_proposal_list(RatchetTree& tree, ExtensionList& group_extensions,
                                       const std::vector<CommittedProposal>& proposals,
                                       const ProposalListCheck& check) {
    const bool external_commit = check.committer.type == SenderType::new_member_commit;
    if (!external_commit && check.committer.type != SenderType::member) {
        invalid("a Commit must come from a member or be an external Commit");
    }
    if (!external_commit && tree.leaf(LeafIndex{check.committer.index}) == nullptr) {
        fail(MlsErrc::not_member, "committer leaf is blank");
    }

    // ---- list-level rules (§12.2) ------------------------------------------------------
    std::size_t n_gce = 0, n_reinit = 0, n_external_init = 0, n_remove = 0, n_other = 0;
    std::set<std::uint32_t> touched_leaves;  // Update senders and Remove targets
    std::vector<Bytes> psk_ids;
    ProposalListEffect effect;
    effect.path_required = proposals.empty();
    for (const auto& cp : proposals) {
        const std::uint16_t type = cp.proposal.type();
        check_sender_may_propose(cp.sender, type);
        switch (type) {
            case proposal_type::update: {
                if (cp.sender.type != SenderType::member) invalid("Update not from a member");
                if (!external_commit && cp.sender.index == check.committer.index) {
                    invalid("Commit covers an Update by the committer");
                }
                if (!touched_leaves.insert(cp.sender.index).second) {
                    invalid("two Update/Remove proposals for one leaf");
                }
                effect.path_required = true;
                ++n_other;
                break;
            }
            case proposal_type::remove: {
                const auto removed = std::get<Remove>(cp.proposal.body).removed;
                if (!external_commit && removed.value == check.committer.index) {
                    invalid("Commit removes the committer");
                }
                if (!touched_leaves.insert(removed.value).second) {
                    invalid("two Update/Remove proposals for one leaf");
                }
                effect.path_required = true;
                ++n_remove;
                break;
            }
            case proposal_type::psk: {
                const auto& id = std::get<PreSharedKey>(cp.proposal.body).psk;
                if (id.psk_nonce.size() != kNh) invalid("psk_nonce is not Nh bytes");
                if (id.type == PskType::resumption && id.usage != ResumptionPskUsage::application) {
                    // reinit/branch PSKs belong to the Welcome of a new group, not a Commit.
                    invalid("resumption PSK with usage reinit/branch in a Commit");
                }
                Bytes encoded = encode(id);
                if (std::find(psk_ids.begin(), psk_ids.end(), encoded) != psk_ids.end()) {
                    invalid("two PreSharedKey proposals for one PSK");
                }
                psk_ids.push_back(std::move(encoded));
                if (check.psk_available && !check.psk_available(id)) invalid("PSK not available");
                effect.psks.push_back(id);
                break;
            }
            case proposal_type::reinit: {
                const auto& ri = std::get<ReInit>(cp.proposal.body);
                if (static_cast<std::uint16_t>(ri.version) <
                    static_cast<std::uint16_t>(check.version)) {
                    invalid("ReInit to an older protocol version");
                }
                ++n_reinit;
                effect.reinit = ri;
                break;
            }
            case proposal_type::external_init:
                ++n_external_init;
                effect.external_init_kem_output =
                    std::get<ExternalInit>(cp.proposal.body).kem_output;
                effect.path_required = true;
                break;
            case proposal_type::group_context_extensions:
                ++n_gce;
                effect.path_required = true;
                ++n_other;
                break;
            case proposal_type::add:
                ++n_other;
                break;
            default:
                invalid("unsupported proposal type");
        }
    }
    if (n_gce > 1) invalid("more than one GroupContextExtensions proposal");
    if (n_reinit > 0 && proposals.size() != 1) invalid("ReInit together with other proposals");
    if (external_commit) {
        if (n_external_init != 1) invalid("external Commit needs exactly one ExternalInit");
        if (n_remove > 1) invalid("external Commit with more than one Remove");
        if (n_other > 0 || n_reinit > 0) invalid("external Commit carries a forbidden proposal");
    } else if (n_external_init > 0) {
        invalid("ExternalInit in a regular Commit");
    }

    // ---- application in §12.3 order, validating each proposal against the state it sees --
    for (const auto& cp : proposals) {
        if (const auto* gce = std::get_if<GroupContextExtensions>(&cp.proposal.body)) {
            group_extensions = gce->extensions;
            effect.extensions_changed = true;
        }
    }
    for (const auto& cp : proposals) {
        const auto* upd = std::get_if<Update>(&cp.proposal.body);
        if (upd == nullptr) continue;
        const LeafIndex sender{cp.sender.index};
        if (tree.leaf(sender) == nullptr) fail(MlsErrc::not_member, "Update from a blank leaf");
        LeafNodeCheck lc;
        lc.expected_source = LeafNodeSource::update;
        lc.group_id = check.group_id;
        lc.leaf_index = sender;
        lc.group_extensions = &group_extensions;
        lc.policy = check.policy;
        validate_leaf_node(upd->leaf_node, lc);
        tree.check_new_leaf(upd->leaf_node, sender);
        tree.update_leaf(sender, upd->leaf_node);
        effect.updated.push_back(sender);
    }
    for (const auto& cp : proposals) {
        const auto* rem = std::get_if<Remove>(&cp.proposal.body);
        if (rem == nullptr) continue;
        tree.remove_leaf(rem->removed);  // invalid_proposal if blank / out of range
        effect.removed.push_back(rem->removed);
    }
    for (const auto& cp : proposals) {
        const auto* add = std::get_if<Add>(&cp.proposal.body);
        if (add == nullptr) continue;
        KeyPackageCheck kc;
        kc.now = check.now;
        kc.max_lifetime = check.max_lifetime;
        kc.group_extensions = &group_extensions;
        kc.policy = check.policy;
        validate_key_package(add->key_package, kc);
        // Key uniqueness against the tree as it now stands: rejects a client that is
        // already a member (unless removed above) and the same client added twice.
        tree.check_new_leaf(add->key_package.leaf_node, std::nullopt);
        const LeafIndex at = tree.add_leaf(add->key_package.leaf_node);
        effect.added.emplace_back(at, add->key_package);
    }

    // GroupContextExtensions: every remaining member must support the new extensions and
    // the required capabilities (§12.1.7).
    if (effect.extensions_changed) {
        for (auto m : tree.members()) {
            const LeafNode* ln = tree.leaf(m);
            if (ln == nullptr) continue;
            if (!satisfies_required_capabilities(ln->capabilities, group_extensions)) {
                invalid("a member does not support the new required capabilities");
            }
            for (const auto& e : group_extensions) {
                if (!ln->capabilities.supports_extension(e.type)) {
                    invalid("a member does not support a new group extension");
                }
            }
        }
    }
    return effect;
}

}  // namespace lagrum::mls
