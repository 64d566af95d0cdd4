// Internal building blocks of the group state machine (group.h): key schedule (§8),
// PSK secret (§8.4), secret tree (§9), framing (§6) and transcript hashes (§8.2).
//
// They live in a private namespace so that they never clash with the public headers the
// other MLS components provide; the group code only needs these narrow pieces and keeps
// its own state serialisable.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/commit.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls::group_detail {

// ---- Key schedule (§8) -------------------------------------------------------------

// A short-lived secret on the stack, wiped when it goes out of scope. Every SecretBytes
// is a guarded sodium_malloc (several syscalls); the per-message and per-commit
// intermediates stay here instead, and only secrets that outlive a call are SecretBytes.
template <std::size_t N>
class StackSecret {
  public:
    StackSecret() noexcept = default;
    ~StackSecret() { crypto::wipe(bytes_.data(), N); }
    StackSecret(const StackSecret&) = delete;
    StackSecret& operator=(const StackSecret&) = delete;
    std::span<std::uint8_t> span() noexcept { return {bytes_.data(), N}; }
    ByteView view() const noexcept { return {bytes_.data(), N}; }
    std::uint8_t* data() noexcept { return bytes_.data(); }

  private:
    std::array<std::uint8_t, N> bytes_{};
};

// ExpandWithLabel (§8) into a caller's buffer (out.size() is the Length).
void expand_label_into(ByteView secret, std::string_view label, ByteView context,
                       std::span<std::uint8_t> out);

// Secrets of one epoch that a member keeps after deriving it (§8), in one secure block.
class EpochSecrets {
  public:
    ByteView sender_data() const noexcept { return at(0); }
    ByteView encryption() const noexcept { return at(1); }
    ByteView exporter() const noexcept { return at(2); }
    ByteView external() const noexcept { return at(3); }
    ByteView confirmation_key() const noexcept { return at(4); }
    ByteView membership_key() const noexcept { return at(5); }
    ByteView resumption_psk() const noexcept { return at(6); }
    ByteView epoch_authenticator() const noexcept { return at(7); }
    ByteView init_secret() const noexcept { return at(8); }  // of the next epoch

    static constexpr std::size_t kCount = 9;
    EpochSecrets clone() const;
    void encode(Writer& w) const;
    static EpochSecrets decode(Reader& r);
    friend EpochSecrets derive_epoch_secrets(ByteView epoch_secret);

  private:
    ByteView at(std::size_t i) const noexcept { return block_.view().subspan(i * kNh, kNh); }
    SecretBytes block_;
};

EpochSecrets derive_epoch_secrets(ByteView epoch_secret);

// joiner_secret = ExpandWithLabel(Extract(init_secret, commit_secret), "joiner", ctx, Nh)
SecretBytes derive_joiner_secret(ByteView init_secret, ByteView commit_secret,
                                 ByteView group_context);

struct JoinerDerived {
    SecretBytes welcome_secret;
    SecretBytes epoch_secret;
};
JoinerDerived derive_from_joiner(ByteView joiner_secret, ByteView psk_secret,
                                 ByteView group_context);

// §8.4: psk_secret chained over every (id, psk) pair; Nh zero bytes for none.
SecretBytes compute_psk_secret(const std::vector<std::pair<PreSharedKeyId, SecretBytes>>& psks);

// §8.5 MLS-Exporter.
Bytes mls_exporter(ByteView exporter_secret, std::string_view label, ByteView context,
                   std::uint16_t length);

// ---- Secret tree (§9) ----------------------------------------------------------------

struct KeyNonce {
    StackSecret<kNk> key;
    StackSecret<kNn> nonce;
    std::uint32_t generation = 0;
};

struct RatchetLimits {
    std::uint32_t out_of_order_window = 128;  // skipped keys kept per ratchet
    std::uint32_t max_forward = 1024;         // how far ahead a generation may jump
};

class SecretTree {
  public:
    SecretTree() = default;
    SecretTree(ByteView encryption_secret, std::uint32_t n_leaves);

    // Sender side: the next unused key of the leaf's ratchet (then deleted).
    void next(LeafIndex leaf, bool handshake, KeyNonce& out);
    // Receiver side: the key for `generation` without consuming it; throws
    // generation_too_old (consumed / outside the window) or generation_too_far.
    void peek(LeafIndex leaf, bool handshake, std::uint32_t generation, const RatchetLimits& limits,
              KeyNonce& out);
    // Deletes the key after a successful decryption (replay protection).
    void consume(LeafIndex leaf, bool handshake, std::uint32_t generation);

    std::uint32_t n_leaves() const noexcept { return n_leaves_; }
    SecretTree clone() const;
    void encode(Writer& w) const;
    static SecretTree decode(Reader& r);

  private:
    struct Ratchet {
        bool started = false;
        std::uint32_t next_generation = 0;
        SecretBytes secret;                            // ratchet secret for next_generation
        std::map<std::uint32_t, SecretBytes> skipped;  // key || nonce
    };
    struct LeafRatchets {
        Ratchet handshake;
        Ratchet application;
    };
    LeafRatchets& leaf_state(LeafIndex leaf);
    Ratchet& ratchet(LeafIndex leaf, bool handshake);

    std::uint32_t n_leaves_ = 0;
    std::map<std::uint32_t, SecretBytes> nodes_;  // tree node secrets not yet consumed
    std::map<std::uint32_t, LeafRatchets> leaves_;
};

// ---- Framing (§6) --------------------------------------------------------------------

struct FramedContent {
    Bytes group_id;
    std::uint64_t epoch = 0;
    Sender sender;
    Bytes authenticated_data;
    ContentType content_type = ContentType::application;
    Bytes application_data;            // application
    std::optional<Proposal> proposal;  // proposal
    std::optional<Commit> commit;      // commit

    void encode(Writer& w) const;
    static FramedContent decode(Reader& r);
    void encode_body(Writer& w) const;  // the content_type-dependent part
    void decode_body(Reader& r);        // sets the part for content_type
};

struct AuthenticatedContent {
    WireFormat wire_format = WireFormat::public_message;
    FramedContent content;
    Bytes signature;
    Bytes confirmation_tag;  // commit only

    void encode(Writer& w) const;
    void encode_auth(Writer& w) const;  // FramedContentAuthData
    void decode_auth(Reader& r);
    // FramedContentTBS; `context` is required for member / new_member_commit senders.
    Bytes tbs(const GroupContext* context) const;
    void sign(ByteView signature_private_key, const GroupContext* context);
    bool verify(ByteView signature_public_key, const GroupContext* context) const noexcept;
    // ConfirmedTranscriptHashInput
    Bytes confirmed_transcript_input() const;
};

// PublicMessage (§6.2).
struct PublicMessage {
    AuthenticatedContent ac;  // wire_format public_message
    Bytes membership_tag;     // member senders only

    void encode(Writer& w) const;
    static PublicMessage decode(Reader& r);
    Bytes membership_input(const GroupContext& context) const;  // AuthenticatedContentTBM
};

// PrivateMessage (§6.3).
struct PrivateMessage {
    Bytes group_id;
    std::uint64_t epoch = 0;
    ContentType content_type = ContentType::application;
    Bytes authenticated_data;
    Bytes encrypted_sender_data;
    Bytes ciphertext;

    void encode(Writer& w) const;
    static PrivateMessage decode(Reader& r);
};

// MLSMessage (§6) as a tagged union of what the group consumes.
struct MlsMessage {
    WireFormat wire_format = WireFormat::public_message;
    Bytes body;  // the encoded PublicMessage / PrivateMessage / Welcome / GroupInfo / KeyPackage

    static MlsMessage parse(ByteView data);  // checks version, keeps the body raw
    static Bytes wrap(WireFormat wf, ByteView body);
};

// ---- Transcript hashes (§8.2) --------------------------------------------------------

Bytes next_confirmed_transcript_hash(ByteView interim, ByteView confirmed_input);
Bytes next_interim_transcript_hash(ByteView confirmed, ByteView confirmation_tag);

// ---- Small helpers -------------------------------------------------------------------

inline Bytes to_bytes(ByteView v) {
    return Bytes(v.begin(), v.end());
}
void encode_secret(Writer& w, const SecretBytes& s);
SecretBytes decode_secret(Reader& r);

}  // namespace lagrum::mls::group_detail
