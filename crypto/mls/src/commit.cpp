#include "lagrum/mls/commit.h"

namespace lagrum::mls {

void UpdatePathNode::encode(Writer& w) const {
    w.opaque(encryption_key);
    w.vector([&](Writer& inner) {
        for (const auto& c : encrypted_path_secret) c.encode(inner);
    });
}

UpdatePathNode UpdatePathNode::decode(Reader& r) {
    UpdatePathNode n;
    n.encryption_key = r.opaque();
    r.vector(
        [&](Reader& inner) { n.encrypted_path_secret.push_back(HpkeCiphertext::decode(inner)); });
    return n;
}

void UpdatePath::encode(Writer& w) const {
    leaf_node.encode(w);
    w.vector([&](Writer& inner) {
        for (const auto& n : nodes) n.encode(inner);
    });
}

UpdatePath UpdatePath::decode(Reader& r) {
    UpdatePath p;
    p.leaf_node = LeafNode::decode(r);
    r.vector([&](Reader& inner) { p.nodes.push_back(UpdatePathNode::decode(inner)); });
    return p;
}

void Commit::encode(Writer& w) const {
    w.vector([&](Writer& inner) {
        for (const auto& p : proposals) p.encode(inner);
    });
    w.optional(path, [](Writer& ww, const UpdatePath& p) { p.encode(ww); });
}

Commit Commit::decode(Reader& r) {
    Commit c;
    r.vector([&](Reader& inner) { c.proposals.push_back(ProposalOrRef::decode(inner)); });
    c.path = r.optional<UpdatePath>([](Reader& rr) { return UpdatePath::decode(rr); });
    return c;
}

}  // namespace lagrum::mls
