// Message framing, RFC 9420 §6: FramedContent, FramedContentAuthData,
// AuthenticatedContent (§6), FramedContentTBS and signatures (§6.1), PublicMessage with
// membership_tag (§6.2), PrivateMessage with content encryption, reuse_guard and padding
// (§6.3.1) and sender-data encryption (§6.3.2), and the MLSMessage wrapper (§6).
//
// Protection is split the way the RFC splits it:
//   sign_content()              FramedContent -> AuthenticatedContent (signature; the
//                               caller adds the confirmation_tag of a Commit, which
//                               depends on the signature via the transcript hash, §8.2)
//   make_public_message()       AuthenticatedContent -> PublicMessage (membership_tag)
//   encrypt_private_message()   AuthenticatedContent -> PrivateMessage
// and back:
//   open_public_message()       PublicMessage  -> AuthenticatedContent (all checks)
//   decrypt_private_message()   PrivateMessage -> AuthenticatedContent (all checks)
// The AuthenticatedContent keeps its wire_format so the caller can compute the
// ProposalRef (§5.2) and the confirmed transcript hash (§8.2) from it.
//
// Checks done on receipt (each a typed MlsError):
//   wrong_group           group_id differs from the GroupContext's
//   wrong_epoch           epoch differs from the GroupContext's
//   unsupported           the GroupContext's suite is not 0x0003
//   invalid_proposal      sender type / content type combination forbidden by §6.1, or an
//                         application message in a PublicMessage (§6)
//   bad_membership_tag    PublicMessage from a member with a missing or wrong tag (§6.2)
//   decryption_failed     sender data or content does not open (tampered ciphertext/AAD)
//   not_member            sender leaf outside the tree (also whatever the key lookup
//                         callback throws for a blank leaf)
//   generation_too_old / generation_too_far   from the secret tree (§9)
//   decode                malformed content, non-zero padding, trailing bytes
//   bad_signature         FramedContentTBS signature does not verify (§6.1)
//   invalid_commit        a Commit without confirmation_tag (cannot occur after decode)
// A secret-tree key is consumed only once the whole message has been accepted.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <variant>

#include "lagrum/mls/cipher_suite.h"
#include "lagrum/mls/codec.h"
#include "lagrum/mls/commit.h"
#include "lagrum/mls/key_package.h"
#include "lagrum/mls/proposals.h"
#include "lagrum/mls/secret_tree.h"
#include "lagrum/mls/types.h"
#include "lagrum/mls/welcome.h"

namespace lagrum::mls {

// Application data, a Proposal or a Commit (§6 FramedContent select).
using ContentBody = std::variant<Bytes, Proposal, Commit>;

// §6 FramedContent.
struct FramedContent {
    Bytes group_id;
    std::uint64_t epoch = 0;
    Sender sender;
    Bytes authenticated_data;
    ContentBody body;

    ContentType content_type() const noexcept;
    friend bool operator==(const FramedContent&, const FramedContent&) = default;
    void encode(Writer& w) const;
    static FramedContent decode(Reader& r);
};

// §6.1 FramedContentAuthData. confirmation_tag is present iff the content is a Commit.
struct FramedContentAuthData {
    Bytes signature;
    std::optional<Bytes> confirmation_tag;

    friend bool operator==(const FramedContentAuthData&, const FramedContentAuthData&) = default;
    void encode(Writer& w) const;  // writes the tag iff present
    static FramedContentAuthData decode(Reader& r, ContentType type);
};

// §6 AuthenticatedContent.
struct AuthenticatedContent {
    WireFormat wire_format = WireFormat::private_message;
    FramedContent content;
    FramedContentAuthData auth;

    friend bool operator==(const AuthenticatedContent&, const AuthenticatedContent&) = default;
    void encode(Writer& w) const;
    static AuthenticatedContent decode(Reader& r);
};

// §6.1 FramedContentTBS; `context` is required for member and new_member_commit
// senders and ignored otherwise.
Bytes framed_content_tbs(WireFormat wire_format, const FramedContent& content,
                         const GroupContext& context);

// SignWithLabel(signature_private_key, "FramedContentTBS", FramedContentTBS). For a
// Commit the confirmation_tag is left unset; set auth.confirmation_tag afterwards.
AuthenticatedContent sign_content(WireFormat wire_format, FramedContent content,
                                  const GroupContext& context, ByteView signature_private_key);
bool verify_content_signature(const AuthenticatedContent& content, const GroupContext& context,
                              ByteView signature_public_key) noexcept;

// The signature public key of the sender of `content` (§6.1): the member's leaf, the
// external_senders entry, or the LeafNode in the Commit path / Add. Throws
// MlsError(not_member) (or another code) if there is no such key, e.g. a blank leaf.
using SignatureKeyLookup = std::function<Bytes(const FramedContent& content)>;

// §6.2 PublicMessage. membership_tag is present iff the sender is a member.
struct PublicMessage {
    FramedContent content;
    FramedContentAuthData auth;
    std::optional<Bytes> membership_tag;

    friend bool operator==(const PublicMessage&, const PublicMessage&) = default;
    void encode(Writer& w) const;
    static PublicMessage decode(Reader& r);
};

// membership_tag = MAC(membership_key, AuthenticatedContentTBM).
Bytes compute_membership_tag(ByteView membership_key, const FramedContent& content,
                             const FramedContentAuthData& auth, const GroupContext& context);

// Wraps signed content as a PublicMessage; computes the membership_tag for a member
// sender. Throws invalid_state for application content (§6: MUST use PrivateMessage) or
// if wire_format is not public_message.
PublicMessage make_public_message(AuthenticatedContent content, const GroupContext& context,
                                  ByteView membership_key);

// Verifies and unwraps a PublicMessage (membership_key is used for member senders only).
AuthenticatedContent open_public_message(const PublicMessage& message, const GroupContext& context,
                                         ByteView membership_key,
                                         const SignatureKeyLookup& signature_key);

// §6.3 PrivateMessage.
struct PrivateMessage {
    Bytes group_id;
    std::uint64_t epoch = 0;
    ContentType content_type = ContentType::application;
    Bytes authenticated_data;
    Bytes encrypted_sender_data;
    Bytes ciphertext;

    friend bool operator==(const PrivateMessage&, const PrivateMessage&) = default;
    void encode(Writer& w) const;
    static PrivateMessage decode(Reader& r);
};

// §6.3.2 SenderData.
struct SenderData {
    std::uint32_t leaf_index = 0;
    std::uint32_t generation = 0;
    std::array<std::uint8_t, 4> reuse_guard{};

    void encode(Writer& w) const;
    static SenderData decode(Reader& r);
};

// Padding bound (bytes of zeros appended to PrivateMessageContent).
inline constexpr std::size_t kMaxPadding = 1u << 16;

// Encrypts signed content (wire_format private_message, sender a member) with the next
// key of the sender's handshake (proposal, commit) or application ratchet. The
// reuse_guard is fresh randomness (§6.3.1). Throws invalid_state on misuse.
PrivateMessage encrypt_private_message(const AuthenticatedContent& content, SecretTree& secret_tree,
                                       ByteView sender_data_secret, std::size_t padding = 0);

// Called with the sender's leaf as soon as the sender data is decrypted, before any
// ratchet key is derived; throws to refuse the sender (a blank leaf, our own leaf) so
// that a refused message leaves the secret tree untouched.
using SenderCheck = std::function<void(LeafIndex sender)>;

// The ratchet key a decrypted PrivateMessage used; deleting it (SecretTree::consume_key)
// is what makes a second delivery of the message fail.
struct ReceivedKey {
    LeafIndex sender;
    RatchetType type = RatchetType::application;
    std::uint32_t generation = 0;
    void consume(SecretTree& tree) const { tree.consume_key(sender, type, generation); }
};

// Decrypts, checks and verifies a PrivateMessage. The secret tree is only changed once
// everything has verified: the key is deleted on success, or, if `deferred` is given,
// left in place and described there for the caller to consume once its own checks on the
// content have passed too (so a message refused later still leaves the tree untouched).
AuthenticatedContent decrypt_private_message(const PrivateMessage& message,
                                             const GroupContext& context, SecretTree& secret_tree,
                                             ByteView sender_data_secret,
                                             const SignatureKeyLookup& signature_key,
                                             const SenderCheck& check_sender = {},
                                             std::optional<ReceivedKey>* deferred = nullptr);

// §6 MLSMessage. Welcome, GroupInfo and KeyPackage are MLS-2's types (welcome.h,
// key_package.h). Decoding rejects version != mls10 and unknown wire formats
// (unsupported) and trailing bytes (decode, via decode_exact).
struct MlsMessage {
    std::variant<PublicMessage, PrivateMessage, Welcome, GroupInfo, KeyPackage> body;

    WireFormat wire_format() const noexcept;
    friend bool operator==(const MlsMessage&, const MlsMessage&) = default;
    void encode(Writer& w) const;
    static MlsMessage decode(Reader& r);
};

}  // namespace lagrum::mls
