// Key schedule (§8), PSK secret (§8.4), exporter (§8.5), transcript hashes (§8.2) and
// the secret tree (§9) used by the group state machine.
#include <algorithm>

#include "group_internal.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/mls/tree_math.h"

namespace lagrum::mls::group_detail {

namespace tm = tree_math;

void encode_secret(Writer& w, const SecretBytes& s) {
    w.opaque(s.view());
}
SecretBytes decode_secret(Reader& r) {
    return SecretBytes::copy_of(r.opaque_view());
}

// ---- Key schedule ------------------------------------------------------------------

void expand_label_into(ByteView secret, std::string_view label, ByteView context,
                       std::span<std::uint8_t> out) {
    Writer info;  // KDFLabel { uint16 length; opaque label<V>; opaque context<V>; }
    info.u16(static_cast<std::uint16_t>(out.size()));
    Bytes full{'M', 'L', 'S', ' ', '1', '.', '0', ' '};
    full.insert(full.end(), label.begin(), label.end());
    info.opaque(full);
    info.opaque(context);
    if (!crypto::hkdf_expand_into(secret, {info.bytes()}, out)) {
        fail(MlsErrc::crypto, "HKDF-Expand failed");
    }
}

EpochSecrets EpochSecrets::clone() const {
    EpochSecrets e;
    e.block_ = block_.clone();
    return e;
}

void EpochSecrets::encode(Writer& w) const {
    encode_secret(w, block_);
}

EpochSecrets EpochSecrets::decode(Reader& r) {
    EpochSecrets e;
    e.block_ = decode_secret(r);
    if (e.block_.size() != kCount * kNh) fail(MlsErrc::decode, "epoch secrets of wrong length");
    return e;
}

EpochSecrets derive_epoch_secrets(ByteView epoch_secret) {
    static constexpr std::string_view kLabels[EpochSecrets::kCount] = {
        "sender data", "encryption", "exporter",       "external", "confirm",
        "membership",  "resumption", "authentication", "init"};
    EpochSecrets e;
    e.block_ = SecretBytes(EpochSecrets::kCount * kNh);
    for (std::size_t i = 0; i < EpochSecrets::kCount; ++i) {
        expand_label_into(epoch_secret, kLabels[i], {}, {e.block_.data() + i * kNh, kNh});
    }
    return e;
}

SecretBytes derive_joiner_secret(ByteView init_secret, ByteView commit_secret,
                                 ByteView group_context) {
    const SecretBytes prk = kdf_extract(init_secret, commit_secret);
    return expand_with_label(prk, "joiner", group_context, kNh);
}

JoinerDerived derive_from_joiner(ByteView joiner_secret, ByteView psk_secret,
                                 ByteView group_context) {
    const SecretBytes member = kdf_extract(joiner_secret, psk_secret);
    return JoinerDerived{derive_secret(member, "welcome"),
                         expand_with_label(member, "epoch", group_context, kNh)};
}

SecretBytes compute_psk_secret(const std::vector<std::pair<PreSharedKeyId, SecretBytes>>& psks) {
    SecretBytes acc(kNh);  // psk_secret_[0] = 0
    const auto count = static_cast<std::uint16_t>(psks.size());
    for (std::size_t i = 0; i < psks.size(); ++i) {
        const SecretBytes extracted = kdf_extract({}, psks[i].second);
        Writer label;  // PSKLabel { PreSharedKeyID id; uint16 index; uint16 count; }
        psks[i].first.encode(label);
        label.u16(static_cast<std::uint16_t>(i));
        label.u16(count);
        const SecretBytes input = expand_with_label(extracted, "derived psk", label.bytes(), kNh);
        acc = kdf_extract(input, acc);
    }
    return acc;
}

Bytes mls_exporter(ByteView exporter_secret, std::string_view label, ByteView context,
                   std::uint16_t length) {
    const SecretBytes derived = derive_secret(exporter_secret, label);
    return expand_with_label(derived, "exported", hash(context), length).expose();
}

Bytes next_confirmed_transcript_hash(ByteView interim, ByteView confirmed_input) {
    Bytes in(interim.begin(), interim.end());
    in.insert(in.end(), confirmed_input.begin(), confirmed_input.end());
    return hash(in);
}

Bytes next_interim_transcript_hash(ByteView confirmed, ByteView confirmation_tag) {
    Writer w;
    w.raw(confirmed);
    w.opaque(confirmation_tag);  // InterimTranscriptHashInput { MAC confirmation_tag; }
    return hash(w.bytes());
}

// ---- Secret tree ---------------------------------------------------------------------

SecretTree::SecretTree(ByteView encryption_secret, std::uint32_t n_leaves) : n_leaves_(n_leaves) {
    if (n_leaves == 0) fail(MlsErrc::invalid_state, "secret tree without leaves");
    nodes_.emplace(tm::root(n_leaves).value, SecretBytes::copy_of(encryption_secret));
}

SecretTree::LeafRatchets& SecretTree::leaf_state(LeafIndex leaf) {
    if (leaf.value >= n_leaves_) fail(MlsErrc::not_member, "sender leaf outside the tree");
    auto it = leaves_.find(leaf.value);
    if (it != leaves_.end()) return it->second;
    // Walk up from the leaf to the nearest node whose secret is still held, then derive
    // down, keeping the siblings and deleting every consumed node secret (§9 deletion).
    const NodeIndex target = tm::leaf_to_node(leaf);
    std::vector<NodeIndex> path{target};
    while (nodes_.find(path.back().value) == nodes_.end()) {
        if (path.back() == tm::root(n_leaves_)) {
            fail(MlsErrc::generation_too_old, "secret tree leaf already consumed");
        }
        path.push_back(tm::parent(path.back(), n_leaves_));
    }
    for (std::size_t i = path.size() - 1; i > 0; --i) {
        const NodeIndex p = path[i];
        auto node = nodes_.find(p.value);
        const SecretBytes secret = std::move(node->second);
        nodes_.erase(node);
        const NodeIndex l = tm::left(p);
        const NodeIndex r = tm::right(p);
        SecretBytes ls(kNh), rs(kNh);
        expand_label_into(secret, "tree", Bytes{'l', 'e', 'f', 't'}, {ls.data(), kNh});
        expand_label_into(secret, "tree", Bytes{'r', 'i', 'g', 'h', 't'}, {rs.data(), kNh});
        nodes_.emplace(l.value, std::move(ls));
        nodes_.emplace(r.value, std::move(rs));
    }
    auto node = nodes_.find(target.value);
    const SecretBytes leaf_secret = std::move(node->second);
    nodes_.erase(node);
    LeafRatchets lr;
    lr.handshake.started = true;
    lr.handshake.secret = expand_with_label(leaf_secret, "handshake", {}, kNh);
    lr.application.started = true;
    lr.application.secret = expand_with_label(leaf_secret, "application", {}, kNh);
    return leaves_.emplace(leaf.value, std::move(lr)).first->second;
}

SecretTree::Ratchet& SecretTree::ratchet(LeafIndex leaf, bool handshake) {
    LeafRatchets& lr = leaf_state(leaf);
    return handshake ? lr.handshake : lr.application;
}

namespace {
void tree_secret_into(ByteView secret, std::string_view label, std::uint32_t generation,
                      std::span<std::uint8_t> out) {
    const std::uint8_t g[4] = {
        static_cast<std::uint8_t>(generation >> 24), static_cast<std::uint8_t>(generation >> 16),
        static_cast<std::uint8_t>(generation >> 8), static_cast<std::uint8_t>(generation)};
    expand_label_into(secret, label, g, out);
}

// Advances a ratchet by one generation in place (no allocation).
void advance(SecretBytes& secret, std::uint32_t generation) {
    StackSecret<kNh> next;
    tree_secret_into(secret, "secret", generation, next.span());
    std::copy(next.view().begin(), next.view().end(), secret.data());
}

void key_nonce_into(ByteView secret, std::uint32_t generation, KeyNonce& out) {
    tree_secret_into(secret, "key", generation, out.key.span());
    tree_secret_into(secret, "nonce", generation, out.nonce.span());
    out.generation = generation;
}
}  // namespace

void SecretTree::next(LeafIndex leaf, bool handshake, KeyNonce& out) {
    Ratchet& r = ratchet(leaf, handshake);
    if (r.next_generation == UINT32_MAX) fail(MlsErrc::invalid_state, "ratchet exhausted");
    key_nonce_into(r.secret, r.next_generation, out);
    advance(r.secret, r.next_generation);
    ++r.next_generation;
}

void SecretTree::peek(LeafIndex leaf, bool handshake, std::uint32_t generation,
                      const RatchetLimits& limits, KeyNonce& out) {
    Ratchet& r = ratchet(leaf, handshake);
    auto take_skipped = [&](const SecretBytes& kn) {
        std::copy_n(kn.data(), kNk, out.key.data());
        std::copy_n(kn.data() + kNk, kNn, out.nonce.data());
        out.generation = generation;
    };
    if (generation < r.next_generation) {
        auto it = r.skipped.find(generation);
        if (it == r.skipped.end()) {
            fail(MlsErrc::generation_too_old, "generation already used or outside the window");
        }
        take_skipped(it->second);
        return;
    }
    if (generation - r.next_generation >= limits.max_forward) {
        fail(MlsErrc::generation_too_far, "generation beyond the forward-ratchet window");
    }
    // Advance past `generation`, keeping the skipped keys for out-of-order delivery (at
    // most the window's worth, oldest dropped first).
    while (r.next_generation < generation) {
        if (generation - r.next_generation <= limits.out_of_order_window) {
            KeyNonce kn;
            key_nonce_into(r.secret, r.next_generation, kn);
            SecretBytes packed(kNk + kNn);
            std::copy(kn.key.view().begin(), kn.key.view().end(), packed.data());
            std::copy(kn.nonce.view().begin(), kn.nonce.view().end(), packed.data() + kNk);
            r.skipped.emplace(r.next_generation, std::move(packed));
        }
        advance(r.secret, r.next_generation);
        ++r.next_generation;
    }
    // The requested generation itself: kept as "skipped" until consume() so that a
    // message that fails to decrypt does not burn the key.
    KeyNonce kn;
    key_nonce_into(r.secret, r.next_generation, kn);
    SecretBytes packed(kNk + kNn);
    std::copy(kn.key.view().begin(), kn.key.view().end(), packed.data());
    std::copy(kn.nonce.view().begin(), kn.nonce.view().end(), packed.data() + kNk);
    advance(r.secret, r.next_generation);
    ++r.next_generation;
    while (r.skipped.size() > limits.out_of_order_window) r.skipped.erase(r.skipped.begin());
    auto it = r.skipped.emplace(generation, std::move(packed)).first;
    take_skipped(it->second);
}

void SecretTree::consume(LeafIndex leaf, bool handshake, std::uint32_t generation) {
    ratchet(leaf, handshake).skipped.erase(generation);
}

SecretTree SecretTree::clone() const {
    SecretTree t;
    t.n_leaves_ = n_leaves_;
    for (const auto& [k, v] : nodes_) t.nodes_.emplace(k, v.clone());
    for (const auto& [k, v] : leaves_) {
        LeafRatchets lr;
        for (int h = 0; h < 2; ++h) {
            const Ratchet& src = h ? v.handshake : v.application;
            Ratchet& dst = h ? lr.handshake : lr.application;
            dst.started = src.started;
            dst.next_generation = src.next_generation;
            dst.secret = src.secret.clone();
            for (const auto& [g, kn] : src.skipped) dst.skipped.emplace(g, kn.clone());
        }
        t.leaves_.emplace(k, std::move(lr));
    }
    return t;
}

void SecretTree::encode(Writer& w) const {
    w.u32(n_leaves_);
    w.vector([&](Writer& v) {
        for (const auto& [k, s] : nodes_) {
            v.u32(k);
            encode_secret(v, s);
        }
    });
    w.vector([&](Writer& v) {
        for (const auto& [k, lr] : leaves_) {
            v.u32(k);
            for (const Ratchet* r : {&lr.handshake, &lr.application}) {
                v.u32(r->next_generation);
                encode_secret(v, r->secret);
                v.vector([&](Writer& s) {
                    for (const auto& [g, kn] : r->skipped) {
                        s.u32(g);
                        encode_secret(s, kn);
                    }
                });
            }
        }
    });
}

SecretTree SecretTree::decode(Reader& r) {
    SecretTree t;
    t.n_leaves_ = r.u32();
    if (t.n_leaves_ == 0 || t.n_leaves_ > (1u << 30)) fail(MlsErrc::decode, "bad secret tree size");
    const std::uint32_t width = tm::node_width(t.n_leaves_);
    r.vector([&](Reader& v) {
        const std::uint32_t k = v.u32();
        if (k >= width) fail(MlsErrc::decode, "secret tree node out of range");
        t.nodes_.emplace(k, decode_secret(v));
    });
    r.vector([&](Reader& v) {
        const std::uint32_t k = v.u32();
        if (k >= t.n_leaves_) fail(MlsErrc::decode, "secret tree leaf out of range");
        LeafRatchets lr;
        for (Ratchet* rt : {&lr.handshake, &lr.application}) {
            rt->started = true;
            rt->next_generation = v.u32();
            rt->secret = decode_secret(v);
            v.vector([&](Reader& s) {
                const std::uint32_t g = s.u32();
                SecretBytes kn = decode_secret(s);
                if (kn.size() != kNk + kNn) fail(MlsErrc::decode, "bad stored ratchet key");
                rt->skipped.emplace(g, std::move(kn));
            });
        }
        t.leaves_.emplace(k, std::move(lr));
    });
    return t;
}

}  // namespace lagrum::mls::group_detail
