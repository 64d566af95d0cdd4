// RFC 9420 §6 message framing.
#include "lagrum/mls/framing.h"

#include <string>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/random.h"

namespace lagrum::mls {

namespace {

ContentType read_content_type(Reader& r) {
    const std::uint8_t t = r.u8();
    if (t < 1 || t > 3) fail(MlsErrc::decode, "unknown content type");
    return static_cast<ContentType>(t);
}

void encode_body(Writer& w, const ContentBody& body) {
    switch (body.index()) {
        case 0:
            w.opaque(std::get<0>(body));
            break;
        case 1:
            std::get<1>(body).encode(w);
            break;
        default:
            std::get<2>(body).encode(w);
            break;
    }
}

ContentBody decode_body(Reader& r, ContentType type) {
    switch (type) {
        case ContentType::application:
            return ContentBody(std::in_place_index<0>, r.opaque());
        case ContentType::proposal:
            return ContentBody(std::in_place_index<1>, Proposal::decode(r));
        case ContentType::commit:
            return ContentBody(std::in_place_index<2>, Commit::decode(r));
    }
    fail(MlsErrc::decode, "unknown content type");
}

void check_suite(const GroupContext& context) {
    if (static_cast<std::uint16_t>(context.cipher_suite) != kSuite3) {
        fail(MlsErrc::unsupported, "group cipher suite is not 0x0003");
    }
}

void check_group_and_epoch(ByteView group_id, std::uint64_t epoch, const GroupContext& context) {
    check_suite(context);
    if (!std::equal(group_id.begin(), group_id.end(), context.group_id.begin(),
                    context.group_id.end())) {
        fail(MlsErrc::wrong_group, "message for another group");
    }
    if (epoch != context.epoch) {
        fail(MlsErrc::wrong_epoch, "message epoch " + std::to_string(epoch) +
                                       " is not the current epoch " +
                                       std::to_string(context.epoch));
    }
}

// §6.1 sender-type rules for the content a sender may send.
void check_sender_and_content(const FramedContent& content) {
    const ContentType type = content.content_type();
    switch (content.sender.type) {
        case SenderType::member:
            return;
        case SenderType::external:
            if (type != ContentType::proposal) {
                fail(MlsErrc::invalid_proposal, "external sender may only send proposals");
            }
            return;
        case SenderType::new_member_commit:
            if (type != ContentType::commit) {
                fail(MlsErrc::invalid_commit, "new_member_commit sender must send a Commit");
            }
            return;
        case SenderType::new_member_proposal:
            if (type != ContentType::proposal ||
                std::get<1>(content.body).type() != proposal_type::add) {
                fail(MlsErrc::invalid_proposal, "new_member_proposal sender may only send Add");
            }
            return;
    }
    fail(MlsErrc::decode, "unknown sender type");
}

// PrivateContentAAD (§6.3.1).
Bytes private_content_aad(const PrivateMessage& m) {
    Writer w;
    w.opaque(m.group_id);
    w.u64(m.epoch);
    w.u8(static_cast<std::uint8_t>(m.content_type));
    w.opaque(m.authenticated_data);
    return w.take();
}

// SenderDataAAD (§6.3.2).
Bytes sender_data_aad(const PrivateMessage& m) {
    Writer w;
    w.opaque(m.group_id);
    w.u64(m.epoch);
    w.u8(static_cast<std::uint8_t>(m.content_type));
    return w.take();
}

Bytes guarded_nonce(const SecretBytes& nonce, const std::array<std::uint8_t, 4>& guard) {
    Bytes n = nonce.expose();
    for (std::size_t i = 0; i < guard.size(); ++i) n[i] ^= guard[i];
    return n;
}

RatchetType ratchet_for(ContentType type) {
    return type == ContentType::application ? RatchetType::application : RatchetType::handshake;
}

// Wipes a plaintext buffer when it goes out of scope.
struct WipeOnExit {
    Bytes& b;
    ~WipeOnExit() { crypto::wipe(b); }
};

}  // namespace

// ---- FramedContent / AuthData / AuthenticatedContent ---------------------------------

ContentType FramedContent::content_type() const noexcept {
    return static_cast<ContentType>(body.index() + 1);
}

void FramedContent::encode(Writer& w) const {
    w.opaque(group_id);
    w.u64(epoch);
    sender.encode(w);
    w.opaque(authenticated_data);
    w.u8(static_cast<std::uint8_t>(content_type()));
    encode_body(w, body);
}

FramedContent FramedContent::decode(Reader& r) {
    FramedContent c;
    c.group_id = r.opaque();
    c.epoch = r.u64();
    c.sender = Sender::decode(r);
    c.authenticated_data = r.opaque();
    c.body = decode_body(r, read_content_type(r));
    return c;
}

void FramedContentAuthData::encode(Writer& w) const {
    w.opaque(signature);
    if (confirmation_tag) w.opaque(*confirmation_tag);
}

FramedContentAuthData FramedContentAuthData::decode(Reader& r, ContentType type) {
    FramedContentAuthData a;
    a.signature = r.opaque();
    if (type == ContentType::commit) a.confirmation_tag = r.opaque();
    return a;
}

void AuthenticatedContent::encode(Writer& w) const {
    w.u16(static_cast<std::uint16_t>(wire_format));
    content.encode(w);
    auth.encode(w);
}

AuthenticatedContent AuthenticatedContent::decode(Reader& r) {
    AuthenticatedContent a;
    const std::uint16_t wf = r.u16();
    if (wf != static_cast<std::uint16_t>(WireFormat::public_message) &&
        wf != static_cast<std::uint16_t>(WireFormat::private_message)) {
        fail(MlsErrc::decode, "AuthenticatedContent wire format is not a framed message");
    }
    a.wire_format = static_cast<WireFormat>(wf);
    a.content = FramedContent::decode(r);
    a.auth = FramedContentAuthData::decode(r, a.content.content_type());
    return a;
}

// ---- §6.1 signatures ---------------------------------------------------------------------

namespace {
void write_tbs(Writer& w, WireFormat wire_format, const FramedContent& content,
               const GroupContext& context) {
    w.u16(static_cast<std::uint16_t>(ProtocolVersion::mls10));
    w.u16(static_cast<std::uint16_t>(wire_format));
    content.encode(w);
    if (content.sender.type == SenderType::member ||
        content.sender.type == SenderType::new_member_commit) {
        context.encode(w);
    }
}
}  // namespace

Bytes framed_content_tbs(WireFormat wire_format, const FramedContent& content,
                         const GroupContext& context) {
    Writer w;
    write_tbs(w, wire_format, content, context);
    return w.take();
}

AuthenticatedContent sign_content(WireFormat wire_format, FramedContent content,
                                  const GroupContext& context, ByteView signature_private_key) {
    AuthenticatedContent a;
    a.wire_format = wire_format;
    a.auth.signature = sign_with_label(signature_private_key, "FramedContentTBS",
                                       framed_content_tbs(wire_format, content, context));
    a.content = std::move(content);
    return a;
}

bool verify_content_signature(const AuthenticatedContent& content, const GroupContext& context,
                              ByteView signature_public_key) noexcept {
    try {
        return verify_with_label(signature_public_key, "FramedContentTBS",
                                 framed_content_tbs(content.wire_format, content.content, context),
                                 content.auth.signature);
    } catch (...) {
        return false;
    }
}

namespace {
void verify_auth(const AuthenticatedContent& ac, const GroupContext& context,
                 const SignatureKeyLookup& signature_key) {
    if ((ac.content.content_type() == ContentType::commit) !=
        ac.auth.confirmation_tag.has_value()) {
        fail(MlsErrc::invalid_commit, "confirmation_tag present iff the content is a Commit");
    }
    const Bytes key = signature_key(ac.content);
    if (!verify_content_signature(ac, context, key)) {
        fail(MlsErrc::bad_signature, "FramedContentTBS signature does not verify");
    }
}
}  // namespace

// ---- §6.2 PublicMessage ------------------------------------------------------------------

void PublicMessage::encode(Writer& w) const {
    content.encode(w);
    auth.encode(w);
    if (content.sender.type == SenderType::member) {
        if (!membership_tag) fail(MlsErrc::invalid_state, "member PublicMessage without tag");
        w.opaque(*membership_tag);
    }
}

PublicMessage PublicMessage::decode(Reader& r) {
    PublicMessage m;
    m.content = FramedContent::decode(r);
    m.auth = FramedContentAuthData::decode(r, m.content.content_type());
    if (m.content.sender.type == SenderType::member) m.membership_tag = r.opaque();
    return m;
}

Bytes compute_membership_tag(ByteView membership_key, const FramedContent& content,
                             const FramedContentAuthData& auth, const GroupContext& context) {
    // AuthenticatedContentTBM { FramedContentTBS content_tbs; FramedContentAuthData auth; }
    Writer w;
    write_tbs(w, WireFormat::public_message, content, context);
    auth.encode(w);
    return mac(membership_key, w.bytes());
}

PublicMessage make_public_message(AuthenticatedContent content, const GroupContext& context,
                                  ByteView membership_key) {
    if (content.wire_format != WireFormat::public_message) {
        fail(MlsErrc::invalid_state, "content was not signed for a PublicMessage");
    }
    if (content.content.content_type() == ContentType::application) {
        fail(MlsErrc::invalid_state, "application messages must be sent as PrivateMessage");
    }
    if ((content.content.content_type() == ContentType::commit) !=
        content.auth.confirmation_tag.has_value()) {
        fail(MlsErrc::invalid_state, "confirmation_tag present iff the content is a Commit");
    }
    PublicMessage m;
    if (content.content.sender.type == SenderType::member) {
        m.membership_tag =
            compute_membership_tag(membership_key, content.content, content.auth, context);
    }
    m.content = std::move(content.content);
    m.auth = std::move(content.auth);
    return m;
}

AuthenticatedContent open_public_message(const PublicMessage& message, const GroupContext& context,
                                         ByteView membership_key,
                                         const SignatureKeyLookup& signature_key) {
    check_group_and_epoch(message.content.group_id, message.content.epoch, context);
    if (message.content.content_type() == ContentType::application) {
        fail(MlsErrc::invalid_proposal, "application data in a PublicMessage");
    }
    check_sender_and_content(message.content);
    if (message.content.sender.type == SenderType::member) {
        if (!message.membership_tag || !verify_mac(
                                           membership_key,
                                           [&] {
                                               Writer w;
                                               write_tbs(w, WireFormat::public_message,
                                                         message.content, context);
                                               message.auth.encode(w);
                                               return w.take();
                                           }(),
                                           *message.membership_tag)) {
            fail(MlsErrc::bad_membership_tag, "membership_tag does not verify");
        }
    } else if (message.membership_tag) {
        fail(MlsErrc::decode, "membership_tag on a non-member PublicMessage");
    }
    AuthenticatedContent ac{WireFormat::public_message, message.content, message.auth};
    verify_auth(ac, context, signature_key);
    return ac;
}

// ---- §6.3 PrivateMessage -------------------------------------------------------------

void PrivateMessage::encode(Writer& w) const {
    w.opaque(group_id);
    w.u64(epoch);
    w.u8(static_cast<std::uint8_t>(content_type));
    w.opaque(authenticated_data);
    w.opaque(encrypted_sender_data);
    w.opaque(ciphertext);
}

PrivateMessage PrivateMessage::decode(Reader& r) {
    PrivateMessage m;
    m.group_id = r.opaque();
    m.epoch = r.u64();
    m.content_type = read_content_type(r);
    m.authenticated_data = r.opaque();
    m.encrypted_sender_data = r.opaque();
    m.ciphertext = r.opaque();
    return m;
}

void SenderData::encode(Writer& w) const {
    w.u32(leaf_index);
    w.u32(generation);
    w.raw(reuse_guard);
}

SenderData SenderData::decode(Reader& r) {
    SenderData s;
    s.leaf_index = r.u32();
    s.generation = r.u32();
    const ByteView g = r.raw(4);
    std::copy(g.begin(), g.end(), s.reuse_guard.begin());
    return s;
}

PrivateMessage encrypt_private_message(const AuthenticatedContent& content, SecretTree& secret_tree,
                                       ByteView sender_data_secret, std::size_t padding) {
    const FramedContent& fc = content.content;
    if (content.wire_format != WireFormat::private_message) {
        fail(MlsErrc::invalid_state, "content was not signed for a PrivateMessage");
    }
    if (fc.sender.type != SenderType::member) {
        fail(MlsErrc::invalid_state, "only members send PrivateMessages");
    }
    if ((fc.content_type() == ContentType::commit) != content.auth.confirmation_tag.has_value()) {
        fail(MlsErrc::invalid_state, "confirmation_tag present iff the content is a Commit");
    }
    if (padding > kMaxPadding) fail(MlsErrc::length_limit, "padding too large");

    PrivateMessage m;
    m.group_id = fc.group_id;
    m.epoch = fc.epoch;
    m.content_type = fc.content_type();
    m.authenticated_data = fc.authenticated_data;

    // PrivateMessageContent { content; auth; padding }, in secure memory: the content is
    // what the message protects, and a growing plain buffer would leave copies behind.
    Writer pt = Writer::secret();
    encode_body(pt, fc.body);
    content.auth.encode(pt);
    if (padding > 0) pt.raw(Bytes(padding, 0));
    const SecretBytes plaintext = pt.take_secret();

    const LeafIndex sender{fc.sender.index};
    const RatchetKey key = secret_tree.next_key(sender, ratchet_for(m.content_type));
    SenderData sd;
    sd.leaf_index = sender.value;
    sd.generation = key.generation;
    crypto::fill_random(sd.reuse_guard);

    auto ct = crypto::ChaCha20Poly1305::seal(key.key, guarded_nonce(key.nonce, sd.reuse_guard),
                                             private_content_aad(m), plaintext.view());
    if (!ct.ok()) fail(MlsErrc::crypto, "content encryption failed: " + ct.error().message);
    m.ciphertext = std::move(ct).value();

    const SecretBytes sd_key = sender_data_key(sender_data_secret, m.ciphertext);
    const SecretBytes sd_nonce = sender_data_nonce(sender_data_secret, m.ciphertext);
    auto esd = crypto::ChaCha20Poly1305::seal(sd_key, sd_nonce, sender_data_aad(m), encode(sd));
    if (!esd.ok()) fail(MlsErrc::crypto, "sender data encryption failed: " + esd.error().message);
    m.encrypted_sender_data = std::move(esd).value();
    return m;
}

AuthenticatedContent decrypt_private_message(const PrivateMessage& message,
                                             const GroupContext& context, SecretTree& secret_tree,
                                             ByteView sender_data_secret,
                                             const SignatureKeyLookup& signature_key,
                                             const SenderCheck& check_sender,
                                             std::optional<ReceivedKey>* deferred) {
    check_group_and_epoch(message.group_id, message.epoch, context);

    // §6.3.2 sender data.
    const SecretBytes sd_key = sender_data_key(sender_data_secret, message.ciphertext);
    const SecretBytes sd_nonce = sender_data_nonce(sender_data_secret, message.ciphertext);
    auto sd_plain = crypto::ChaCha20Poly1305::open(sd_key, sd_nonce, sender_data_aad(message),
                                                   message.encrypted_sender_data);
    if (!sd_plain.ok()) fail(MlsErrc::decryption_failed, "sender data does not decrypt");
    const SenderData sd = decode_exact<SenderData>(*sd_plain);
    const LeafIndex sender{sd.leaf_index};
    if (sd.leaf_index >= secret_tree.leaf_count()) {
        fail(MlsErrc::not_member, "sender leaf outside the tree");
    }
    if (check_sender) check_sender(sender);

    // §6.3.1 content.
    const RatchetType rt = ratchet_for(message.content_type);
    const RatchetKey key = secret_tree.peek_key(sender, rt, sd.generation);
    auto pt = crypto::ChaCha20Poly1305::open(key.key, guarded_nonce(key.nonce, sd.reuse_guard),
                                             private_content_aad(message), message.ciphertext);
    if (!pt.ok()) fail(MlsErrc::decryption_failed, "content does not decrypt");
    Bytes plaintext = std::move(pt).value();
    WipeOnExit wipe_pt{plaintext};

    AuthenticatedContent ac;
    ac.wire_format = WireFormat::private_message;
    {
        Reader r(plaintext);
        ac.content.body = decode_body(r, message.content_type);
        ac.auth = FramedContentAuthData::decode(r, message.content_type);
        // The rest is padding and must be all zeros.
        const ByteView pad = r.raw(r.remaining());
        std::uint8_t acc = 0;
        for (std::uint8_t b : pad) acc |= b;
        if (acc != 0) fail(MlsErrc::decode, "non-zero padding in PrivateMessageContent");
    }
    ac.content.group_id = message.group_id;
    ac.content.epoch = message.epoch;
    ac.content.sender = Sender{SenderType::member, sd.leaf_index};
    ac.content.authenticated_data = message.authenticated_data;

    verify_auth(ac, context, signature_key);
    const ReceivedKey used{sender, rt, sd.generation};
    if (deferred != nullptr) {
        *deferred = used;
    } else {
        used.consume(secret_tree);
    }
    return ac;
}

// ---- §6 MLSMessage ------------------------------------------------------------------

WireFormat MlsMessage::wire_format() const noexcept {
    return static_cast<WireFormat>(body.index() + 1);
}

void MlsMessage::encode(Writer& w) const {
    w.u16(static_cast<std::uint16_t>(ProtocolVersion::mls10));
    w.u16(static_cast<std::uint16_t>(wire_format()));
    std::visit([&](const auto& b) { b.encode(w); }, body);
}

MlsMessage MlsMessage::decode(Reader& r) {
    if (r.u16() != static_cast<std::uint16_t>(ProtocolVersion::mls10)) {
        fail(MlsErrc::unsupported, "unsupported protocol version");
    }
    MlsMessage m;
    switch (r.u16()) {
        case 1:
            m.body.emplace<0>(PublicMessage::decode(r));
            break;
        case 2:
            m.body.emplace<1>(PrivateMessage::decode(r));
            break;
        case 3:
            m.body.emplace<2>(Welcome::decode(r));
            break;
        case 4:
            m.body.emplace<3>(GroupInfo::decode(r));
            break;
        case 5:
            m.body.emplace<4>(KeyPackage::decode(r));
            break;
        default:
            fail(MlsErrc::unsupported, "unknown wire format");
    }
    return m;
}

}  // namespace lagrum::mls
