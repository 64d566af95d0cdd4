// Joining a group from a Welcome, RFC 9420 §12.4.3.1, every check a new member can make:
// suite/version, GroupSecrets decryption, PSK availability (and at most one
// reinit/branch resumption PSK), GroupInfo decryption and signature (signer must be a
// non-blank leaf), full ratchet-tree integrity (RatchetTree::validate: parent hashes,
// unmerged leaves, key uniqueness, every leaf per §7.3 incl. the credential policy), tree
// hash vs GroupContext, own leaf present, path_secret implant at the common ancestor with
// public-key checks, confirmation tag, interim transcript hash.
//
// The group state machine (group.h) builds its state from the result.
#pragma once

#include <functional>
#include <optional>

#include "lagrum/mls/key_package.h"
#include "lagrum/mls/key_schedule.h"
#include "lagrum/mls/ratchet_tree.h"
#include "lagrum/mls/treekem.h"
#include "lagrum/mls/welcome.h"

namespace lagrum::mls {

struct WelcomeJoinInput {
    const Welcome* welcome = nullptr;
    const KeyPackage* key_package = nullptr;  // ours, the one the Welcome is addressed to
    // Views into the caller's secure memory (KeyPackageBundle's SecretBytes), alive for
    // the call: the private keys are never copied into plain memory.
    ByteView init_private_key;                   // for key_package.init_key
    ByteView encryption_private_key;             // for key_package.leaf_node.encryption_key
    const RatchetTree* external_tree = nullptr;  // if the GroupInfo has no ratchet_tree
    // The PSK value for an id (a copy in secure memory), or nullopt if this client does
    // not have it.
    std::function<std::optional<SecretBytes>(const PreSharedKeyId&)> psk_lookup;
    const CredentialPolicy* policy = nullptr;               // required
    std::uint32_t max_tree_leaves = kDefaultMaxTreeLeaves;  // ratchet_tree extension bound
};

struct JoinedGroup {
    GroupInfo group_info;  // group_info.group_context is the new member's GroupContext
    RatchetTree tree;
    LeafIndex my_leaf;
    TreeKemPrivate private_tree;
    EpochSecrets epoch_secrets;
    Bytes interim_transcript_hash;
    std::vector<PreSharedKeyId> psks;
};

// Committer side of §12.4.3.1: one EncryptedGroupSecrets per new member (with the path
// secret of its common ancestor with the committer, if the Commit had a path), the
// GroupInfo (already signed) encrypted under the welcome_secret of (joiner_secret,
// psk_secret). Throws MlsError.
struct WelcomeRecipient {
    const KeyPackage* key_package = nullptr;
    const SecretBytes* path_secret = nullptr;  // nullptr: no path in the Commit
};
Welcome create_welcome(const GroupInfo& signed_group_info, ByteView joiner_secret,
                       ByteView psk_secret, const std::vector<PreSharedKeyId>& psks,
                       const std::vector<WelcomeRecipient>& recipients);

// Throws MlsError: unsupported (suite/version), invalid_state (Welcome not for this
// KeyPackage, missing PSK), decryption_failed, decode, bad_signature (GroupInfo),
// not_member (signer leaf blank), invalid_tree (no tree available, or a bad one) / invalid_path /
// invalid_leaf_node / credential_rejected (tree integrity), invalid_commit (confirmation
// tag mismatch, reinit/branch PSK rules).
JoinedGroup join_from_welcome(const WelcomeJoinInput& input);

}  // namespace lagrum::mls
