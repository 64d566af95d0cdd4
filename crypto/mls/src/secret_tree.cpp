// RFC 9420 §9 secret tree and hash ratchets, §6.3.2 sender-data keys.
#include "lagrum/mls/secret_tree.h"

#include <string>

#include "lagrum/mls/tree_math.h"

namespace lagrum::mls {

namespace {

constexpr std::uint16_t kNh16 = static_cast<std::uint16_t>(kNh);
constexpr std::uint16_t kNk16 = static_cast<std::uint16_t>(kNk);
constexpr std::uint16_t kNn16 = static_cast<std::uint16_t>(kNn);

// Bound on leaf counts accepted from serialised state.
constexpr std::uint32_t kMaxLeaves = 1u << 24;

Bytes u8_context(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

}  // namespace

// ---- HashRatchet ----------------------------------------------------------------------

RatchetKey HashRatchet::derive_current() const {
    RatchetKey k;
    k.generation = next_generation_;
    k.key = derive_tree_secret(secret_, "key", next_generation_, kNk16);
    k.nonce = derive_tree_secret(secret_, "nonce", next_generation_, kNn16);
    return k;
}

void HashRatchet::advance() {
    if (next_generation_ == UINT32_MAX) {
        exhausted_ = true;
        secret_ = SecretBytes();
        return;
    }
    secret_ = derive_tree_secret(secret_, "secret", next_generation_, kNh16);
    ++next_generation_;
}

RatchetKey HashRatchet::next(const SecretTreeConfig& /*config*/) {
    if (exhausted_ || secret_.empty()) fail(MlsErrc::generation_too_far, "ratchet exhausted");
    RatchetKey k = derive_current();
    advance();
    return k;
}

RatchetKey HashRatchet::peek(std::uint32_t generation, const SecretTreeConfig& config) const {
    if (exhausted_ || generation < next_generation_) {
        // Either a skipped key we still hold (out of order) or already used / dropped.
        auto it = skipped_.find(generation);
        if (it == skipped_.end()) {
            fail(MlsErrc::generation_too_old,
                 "generation " + std::to_string(generation) + " already used or deleted");
        }
        return RatchetKey{generation, it->second.key.clone(), it->second.nonce.clone()};
    }
    if (generation - next_generation_ > config.max_forward_distance) {
        fail(MlsErrc::generation_too_far, "generation " + std::to_string(generation) +
                                              " too far ahead of " +
                                              std::to_string(next_generation_));
    }
    // In-order delivery, the common case: derive the key without advancing.
    if (generation == next_generation_) return derive_current();
    // Ahead: walk a scratch copy of the ratchet secret. Nothing of ours moves (no
    // generation advanced, no retained key evicted) until erase() accepts the message, so
    // a message rejected after this (bad AEAD, signature, later checks) costs nothing.
    SecretBytes secret = secret_.clone();
    for (std::uint32_t g = next_generation_; g < generation; ++g) {
        secret = derive_tree_secret(secret, "secret", g, kNh16);
    }
    RatchetKey k;
    k.generation = generation;
    k.key = derive_tree_secret(secret, "key", generation, kNk16);
    k.nonce = derive_tree_secret(secret, "nonce", generation, kNn16);
    return k;
}

void HashRatchet::erase(std::uint32_t generation, const SecretTreeConfig& config) {
    if (exhausted_ || generation < next_generation_) {
        skipped_.erase(generation);
        return;
    }
    // Accepted at or ahead of the ratchet: keep the skipped generations before it for
    // out-of-order delivery (at most max_retained_keys, oldest dropped), then step past it.
    while (!exhausted_ && next_generation_ < generation) {
        RatchetKey k = derive_current();
        advance();
        skipped_.insert_or_assign(k.generation, std::move(k));
        while (skipped_.size() > config.max_retained_keys) skipped_.erase(skipped_.begin());
    }
    if (!exhausted_ && next_generation_ == generation) advance();
}

RatchetKey HashRatchet::get(std::uint32_t generation, const SecretTreeConfig& config) {
    RatchetKey k = peek(generation, config);
    erase(generation, config);
    return k;
}

void HashRatchet::encode(Writer& w) const {
    w.u32(next_generation_);
    w.u8(exhausted_ ? 1 : 0);
    w.opaque(secret_.view());
    w.vector([&](Writer& inner) {
        for (const auto& [gen, k] : skipped_) {
            inner.u32(gen);
            inner.opaque(k.key.view());
            inner.opaque(k.nonce.view());
        }
    });
}

HashRatchet HashRatchet::decode(Reader& r) {
    HashRatchet h;
    h.next_generation_ = r.u32();
    const std::uint8_t ex = r.u8();
    if (ex > 1) fail(MlsErrc::decode, "bad ratchet state flag");
    h.exhausted_ = ex == 1;
    h.secret_ = SecretBytes::copy_of(r.opaque_view());
    if (!h.exhausted_ && h.secret_.size() != kNh) fail(MlsErrc::decode, "bad ratchet secret");
    r.vector([&](Reader& inner) {
        RatchetKey k;
        k.generation = inner.u32();
        k.key = SecretBytes::copy_of(inner.opaque_view());
        k.nonce = SecretBytes::copy_of(inner.opaque_view());
        if (k.key.size() != kNk || k.nonce.size() != kNn) {
            fail(MlsErrc::decode, "bad retained ratchet key");
        }
        if (k.generation >= h.next_generation_ && !h.exhausted_) {
            fail(MlsErrc::decode, "retained key not behind the ratchet");
        }
        const auto gen = k.generation;
        if (!h.skipped_.emplace(gen, std::move(k)).second) {
            fail(MlsErrc::decode, "duplicate retained generation");
        }
    });
    return h;
}

// ---- SecretTree -----------------------------------------------------------------------

SecretTree::SecretTree(ByteView encryption_secret, std::uint32_t n_leaves, SecretTreeConfig config)
    : n_leaves_(n_leaves), config_(config) {
    if (n_leaves == 0 || n_leaves > kMaxLeaves) {
        fail(MlsErrc::invalid_state, "secret tree leaf count out of range");
    }
    if (encryption_secret.size() != kNh) fail(MlsErrc::invalid_state, "bad encryption secret");
    node_secrets_.emplace(tree_math::root(n_leaves).value, SecretBytes::copy_of(encryption_secret));
}

SecretTree::LeafRatchets& SecretTree::ratchets(LeafIndex leaf) {
    if (leaf.value >= n_leaves_) fail(MlsErrc::not_member, "sender leaf outside the tree");
    if (auto it = leaves_.find(leaf.value); it != leaves_.end()) return it->second;

    // Find the lowest ancestor (or the leaf itself) whose secret we still hold.
    const NodeIndex leaf_node = tree_math::leaf_to_node(leaf);
    std::vector<NodeIndex> path{leaf_node};
    for (NodeIndex n : tree_math::direct_path(leaf_node, n_leaves_)) path.push_back(n);
    std::size_t i = 0;
    while (i < path.size() && node_secrets_.find(path[i].value) == node_secrets_.end()) ++i;
    if (i == path.size()) fail(MlsErrc::invalid_state, "secret tree node secret missing");

    // Derive down to the leaf, consuming (deleting) each parent secret on the way.
    for (std::size_t j = i; j > 0; --j) {
        const NodeIndex parent = path[j];
        auto node = node_secrets_.extract(parent.value);
        const SecretBytes& s = node.mapped();
        const NodeIndex l = tree_math::left(parent);
        const NodeIndex r = tree_math::right(parent);
        node_secrets_.insert_or_assign(l.value,
                                       expand_with_label(s, "tree", u8_context("left"), kNh16));
        node_secrets_.insert_or_assign(r.value,
                                       expand_with_label(s, "tree", u8_context("right"), kNh16));
    }
    auto leaf_secret = node_secrets_.extract(leaf_node.value);
    LeafRatchets lr{HashRatchet(expand_with_label(leaf_secret.mapped(), "handshake", {}, kNh16)),
                    HashRatchet(expand_with_label(leaf_secret.mapped(), "application", {}, kNh16))};
    return leaves_.emplace(leaf.value, std::move(lr)).first->second;
}

RatchetKey SecretTree::next_key(LeafIndex sender, RatchetType type) {
    auto& lr = ratchets(sender);
    return (type == RatchetType::handshake ? lr.handshake : lr.application).next(config_);
}

RatchetKey SecretTree::key_for(LeafIndex sender, RatchetType type, std::uint32_t generation) {
    auto& lr = ratchets(sender);
    return (type == RatchetType::handshake ? lr.handshake : lr.application)
        .get(generation, config_);
}

RatchetKey SecretTree::peek_key(LeafIndex sender, RatchetType type, std::uint32_t generation) {
    auto& lr = ratchets(sender);
    return (type == RatchetType::handshake ? lr.handshake : lr.application)
        .peek(generation, config_);
}

void SecretTree::consume_key(LeafIndex sender, RatchetType type, std::uint32_t generation) {
    auto& lr = ratchets(sender);
    (type == RatchetType::handshake ? lr.handshake : lr.application).erase(generation, config_);
}

void SecretTree::encode(Writer& w) const {
    w.u32(n_leaves_);
    w.u32(config_.max_forward_distance);
    w.u32(config_.max_retained_keys);
    w.vector([&](Writer& inner) {
        for (const auto& [node, s] : node_secrets_) {
            inner.u32(node);
            inner.opaque(s.view());
        }
    });
    w.vector([&](Writer& inner) {
        for (const auto& [leaf, lr] : leaves_) {
            inner.u32(leaf);
            lr.handshake.encode(inner);
            lr.application.encode(inner);
        }
    });
}

SecretTree SecretTree::decode(Reader& r) {
    SecretTree t;
    t.n_leaves_ = r.u32();
    if (t.n_leaves_ == 0 || t.n_leaves_ > kMaxLeaves) fail(MlsErrc::decode, "bad leaf count");
    t.config_.max_forward_distance = r.u32();
    t.config_.max_retained_keys = r.u32();
    const std::uint32_t width = tree_math::node_width(t.n_leaves_);
    r.vector([&](Reader& inner) {
        const std::uint32_t node = inner.u32();
        if (node >= width) fail(MlsErrc::decode, "secret tree node out of range");
        auto s = SecretBytes::copy_of(inner.opaque_view());
        if (s.size() != kNh) fail(MlsErrc::decode, "bad node secret");
        if (!t.node_secrets_.emplace(node, std::move(s)).second) {
            fail(MlsErrc::decode, "duplicate node secret");
        }
    });
    r.vector([&](Reader& inner) {
        const std::uint32_t leaf = inner.u32();
        if (leaf >= t.n_leaves_) fail(MlsErrc::decode, "secret tree leaf out of range");
        LeafRatchets lr{HashRatchet::decode(inner), HashRatchet::decode(inner)};
        if (!t.leaves_.emplace(leaf, std::move(lr)).second) {
            fail(MlsErrc::decode, "duplicate leaf ratchets");
        }
    });
    return t;
}

// ---- §6.3.2 sender data keys ----------------------------------------------------------

namespace {
ByteView ciphertext_sample(ByteView ciphertext) {
    return ciphertext.first(std::min(ciphertext.size(), kNh));
}
}  // namespace

SecretBytes sender_data_key(ByteView sender_data_secret, ByteView ciphertext) {
    return expand_with_label(sender_data_secret, "key", ciphertext_sample(ciphertext), kNk16);
}

SecretBytes sender_data_nonce(ByteView sender_data_secret, ByteView ciphertext) {
    return expand_with_label(sender_data_secret, "nonce", ciphertext_sample(ciphertext), kNn16);
}

}  // namespace lagrum::mls
