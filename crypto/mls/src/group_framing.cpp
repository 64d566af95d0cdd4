// Framing structures of §6 as the group state machine uses them: FramedContent,
// AuthenticatedContent (signature, FramedContentTBS), PublicMessage (membership tag),
// PrivateMessage and the MLSMessage envelope.
#include "group_internal.h"

namespace lagrum::mls::group_detail {

void FramedContent::encode_body(Writer& w) const {
    switch (content_type) {
        case ContentType::application:
            w.opaque(application_data);
            return;
        case ContentType::proposal:
            if (!proposal) fail(MlsErrc::invalid_state, "proposal content without proposal");
            proposal->encode(w);
            return;
        case ContentType::commit:
            if (!commit) fail(MlsErrc::invalid_state, "commit content without commit");
            commit->encode(w);
            return;
    }
    fail(MlsErrc::invalid_state, "bad content type");
}

void FramedContent::decode_body(Reader& r) {
    switch (content_type) {
        case ContentType::application:
            application_data = r.opaque();
            return;
        case ContentType::proposal:
            proposal = Proposal::decode(r);
            return;
        case ContentType::commit:
            commit = Commit::decode(r);
            return;
    }
    fail(MlsErrc::decode, "unknown content type");
}

namespace {
ContentType decode_content_type(Reader& r) {
    const std::uint8_t t = r.u8();
    if (t < 1 || t > 3) fail(MlsErrc::decode, "unknown content type");
    return static_cast<ContentType>(t);
}
}  // namespace

void FramedContent::encode(Writer& w) const {
    w.opaque(group_id);
    w.u64(epoch);
    sender.encode(w);
    w.opaque(authenticated_data);
    w.u8(static_cast<std::uint8_t>(content_type));
    encode_body(w);
}

FramedContent FramedContent::decode(Reader& r) {
    FramedContent c;
    c.group_id = r.opaque();
    c.epoch = r.u64();
    c.sender = Sender::decode(r);
    c.authenticated_data = r.opaque();
    c.content_type = decode_content_type(r);
    c.decode_body(r);
    return c;
}

void AuthenticatedContent::encode_auth(Writer& w) const {
    w.opaque(signature);
    if (content.content_type == ContentType::commit) w.opaque(confirmation_tag);
}

void AuthenticatedContent::decode_auth(Reader& r) {
    signature = r.opaque();
    if (content.content_type == ContentType::commit) confirmation_tag = r.opaque();
}

void AuthenticatedContent::encode(Writer& w) const {
    w.u16(static_cast<std::uint16_t>(wire_format));
    content.encode(w);
    encode_auth(w);
}

Bytes AuthenticatedContent::tbs(const GroupContext* context) const {
    Writer w;
    w.u16(static_cast<std::uint16_t>(ProtocolVersion::mls10));
    w.u16(static_cast<std::uint16_t>(wire_format));
    content.encode(w);
    const SenderType st = content.sender.type;
    if (st == SenderType::member || st == SenderType::new_member_commit) {
        if (context == nullptr) fail(MlsErrc::invalid_state, "FramedContentTBS needs a context");
        context->encode(w);
    }
    return w.take();
}

void AuthenticatedContent::sign(ByteView signature_private_key, const GroupContext* context) {
    signature = sign_with_label(signature_private_key, "FramedContentTBS", tbs(context));
}

bool AuthenticatedContent::verify(ByteView signature_public_key,
                                  const GroupContext* context) const noexcept {
    try {
        return verify_with_label(signature_public_key, "FramedContentTBS", tbs(context), signature);
    } catch (...) {
        return false;
    }
}

Bytes AuthenticatedContent::confirmed_transcript_input() const {
    Writer w;
    w.u16(static_cast<std::uint16_t>(wire_format));
    content.encode(w);
    w.opaque(signature);
    return w.take();
}

void PublicMessage::encode(Writer& w) const {
    ac.content.encode(w);
    ac.encode_auth(w);
    if (ac.content.sender.type == SenderType::member) w.opaque(membership_tag);
}

PublicMessage PublicMessage::decode(Reader& r) {
    PublicMessage m;
    m.ac.wire_format = WireFormat::public_message;
    m.ac.content = FramedContent::decode(r);
    if (m.ac.content.content_type == ContentType::application) {
        fail(MlsErrc::decode, "application data in a PublicMessage");  // §6.2
    }
    m.ac.decode_auth(r);
    if (m.ac.content.sender.type == SenderType::member) m.membership_tag = r.opaque();
    return m;
}

Bytes PublicMessage::membership_input(const GroupContext& context) const {
    Writer w;  // AuthenticatedContentTBM { FramedContentTBS; FramedContentAuthData; }
    w.raw(ac.tbs(&context));
    ac.encode_auth(w);
    return w.take();
}

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
    m.content_type = decode_content_type(r);
    m.authenticated_data = r.opaque();
    m.encrypted_sender_data = r.opaque();
    m.ciphertext = r.opaque();
    return m;
}

MlsMessage MlsMessage::parse(ByteView data) {
    Reader r(data);
    if (r.u16() != static_cast<std::uint16_t>(ProtocolVersion::mls10)) {
        fail(MlsErrc::unsupported, "MLSMessage version is not mls10");
    }
    const std::uint16_t wf = r.u16();
    if (wf < 1 || wf > 5) fail(MlsErrc::decode, "unknown wire format");
    MlsMessage m;
    m.wire_format = static_cast<WireFormat>(wf);
    m.body = to_bytes(r.raw(r.remaining()));
    return m;
}

Bytes MlsMessage::wrap(WireFormat wf, ByteView body) {
    Writer w;
    w.u16(static_cast<std::uint16_t>(ProtocolVersion::mls10));
    w.u16(static_cast<std::uint16_t>(wf));
    w.raw(body);
    return w.take();
}

}  // namespace lagrum::mls::group_detail
