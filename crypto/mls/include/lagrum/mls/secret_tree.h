// The secret tree and per-sender hash ratchets, RFC 9420 §9 (§9.1 encryption keys,
// §9.2 deletion schedule).
//
// Node secrets are derived lazily from the encryption_secret at the root; a node's
// secret is deleted as soon as both children have been derived from it, and a leaf's
// secret as soon as its two ratchets are initialised. Each ratchet keeps only
//   - the ratchet secret for its next generation, and
//   - keys for skipped generations (out-of-order delivery), at most
//     `max_retained_keys` of them; the oldest are dropped first.
// A key is deleted when it is handed out (encrypt or decrypt), so a replayed generation
// is refused with generation_too_old. A generation more than `max_forward_distance`
// ahead of the ratchet is refused with generation_too_far: a hostile sender cannot make
// us derive an unbounded number of keys.
//
// All functions throw MlsError and nothing else.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

enum class RatchetType : std::uint8_t { handshake = 0, application = 1 };

struct SecretTreeConfig {
    // How far ahead of the ratchet a received generation may be.
    std::uint32_t max_forward_distance = 1024;
    // How many skipped (not yet received) keys one ratchet keeps for out-of-order delivery.
    std::uint32_t max_retained_keys = 256;
};

// A single-use key/nonce pair from a ratchet.
struct RatchetKey {
    std::uint32_t generation = 0;
    SecretBytes key;    // Nk bytes
    SecretBytes nonce;  // Nn bytes
};

// §9.1 one symmetric hash ratchet.
class HashRatchet {
  public:
    HashRatchet() = default;
    explicit HashRatchet(SecretBytes initial_secret) : secret_(std::move(initial_secret)) {}

    // The key for the next generation (for sending); advances the ratchet.
    RatchetKey next(const SecretTreeConfig& config);
    // The key for `generation` (for receiving), deleting it from the ratchet.
    RatchetKey get(std::uint32_t generation, const SecretTreeConfig& config);
    // Like get() but changes nothing (no generation advanced, no retained key dropped)
    // until erase(generation): a receiver deletes the key only once the message is
    // accepted, so a rejected message leaves the ratchet exactly as it was.
    // erase(g) must follow a successful peek(g): it advances past g, retaining the skipped
    // generations before it (at most config.max_retained_keys).
    RatchetKey peek(std::uint32_t generation, const SecretTreeConfig& config) const;
    void erase(std::uint32_t generation, const SecretTreeConfig& config);

    std::uint32_t next_generation() const noexcept { return next_generation_; }

    void encode(Writer& w) const;
    static HashRatchet decode(Reader& r);

  private:
    RatchetKey derive_current() const;
    void advance();

    std::uint32_t next_generation_ = 0;
    bool exhausted_ = false;  // generation 2^32-1 was handed out: the ratchet is spent
    SecretBytes secret_;      // ratchet_secret_[N]_[next_generation_]
    std::map<std::uint32_t, RatchetKey> skipped_;
};

class SecretTree {
  public:
    SecretTree() = default;
    // n_leaves is the leaf count of the group's ratchet tree (§9 "same structure").
    SecretTree(ByteView encryption_secret, std::uint32_t n_leaves, SecretTreeConfig config = {});

    std::uint32_t leaf_count() const noexcept { return n_leaves_; }

    // For sending from our own leaf: the current generation's key; advances.
    RatchetKey next_key(LeafIndex sender, RatchetType type);
    // For receiving: the key of `generation`; deleted from the tree once returned.
    // Throws not_member (leaf out of range), generation_too_old, generation_too_far.
    RatchetKey key_for(LeafIndex sender, RatchetType type, std::uint32_t generation);

    // Two-phase receive: peek_key() checks the window and derives the key without
    // deleting it; consume_key() deletes it once the message has been accepted.
    RatchetKey peek_key(LeafIndex sender, RatchetType type, std::uint32_t generation);
    void consume_key(LeafIndex sender, RatchetType type, std::uint32_t generation);

    void encode(Writer& w) const;
    static SecretTree decode(Reader& r);

  private:
    struct LeafRatchets {
        HashRatchet handshake;
        HashRatchet application;
    };
    LeafRatchets& ratchets(LeafIndex leaf);

    std::uint32_t n_leaves_ = 0;
    SecretTreeConfig config_;
    std::map<std::uint32_t, SecretBytes> node_secrets_;  // NodeIndex -> not yet consumed secret
    std::map<std::uint32_t, LeafRatchets> leaves_;       // LeafIndex -> initialised ratchets
};

// §6.3.2 sender data key and nonce from a sample of the content ciphertext
// (its first Nh bytes, or all of it if shorter).
SecretBytes sender_data_key(ByteView sender_data_secret, ByteView ciphertext);
SecretBytes sender_data_nonce(ByteView sender_data_secret, ByteView ciphertext);

}  // namespace lagrum::mls
