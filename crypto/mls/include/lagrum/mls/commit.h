// Commit and UpdatePath, RFC 9420 §12.4 and §7.6. HPKECiphertext is HpkeCiphertext
// in cipher_suite.h.
#pragma once

#include <optional>
#include <vector>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/leaf_node.h"
#include "lagrum/mls/proposals.h"

namespace lagrum::mls {

// §7.6 UpdatePathNode.
struct UpdatePathNode {
    Bytes encryption_key;  // HPKEPublicKey
    std::vector<HpkeCiphertext> encrypted_path_secret;

    friend bool operator==(const UpdatePathNode&, const UpdatePathNode&) = default;
    void encode(Writer& w) const;
    static UpdatePathNode decode(Reader& r);
};

// §7.6 UpdatePath.
struct UpdatePath {
    LeafNode leaf_node;
    std::vector<UpdatePathNode> nodes;

    friend bool operator==(const UpdatePath&, const UpdatePath&) = default;
    void encode(Writer& w) const;
    static UpdatePath decode(Reader& r);
};

// §12.4 Commit.
struct Commit {
    std::vector<ProposalOrRef> proposals;
    std::optional<UpdatePath> path;

    friend bool operator==(const Commit&, const Commit&) = default;
    void encode(Writer& w) const;
    static Commit decode(Reader& r);
};

}  // namespace lagrum::mls
