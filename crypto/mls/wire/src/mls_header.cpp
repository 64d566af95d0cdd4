// The public header of an MLSMessage (mls_wire.h), moved here from the relay so that the
// relay and the MLS implementation read the same syntax with the same code.
#include "lagrum/wire/mls_wire.h"

namespace lagrum::wire {

namespace {

HeaderError with(const char* field, const Reader& r) {
    return HeaderError{std::string(field) + ": " + errc_message(r.error())};
}

}  // namespace

HeaderResult parse_mls_header(ByteView message) {
    Reader r(message);
    auto version = r.u16();
    if (!version) return HeaderError{"truncated version"};
    if (*version != static_cast<std::uint16_t>(ProtocolVersion::mls10)) {
        return HeaderError{"unsupported MLS version"};
    }
    auto wire = r.u16();
    if (!wire) return HeaderError{"truncated wire format"};

    MlsHeader h;
    switch (*wire) {
        case 1:
        case 2:
            break;
        case 3:
        case 4:
        case 5:
            // No plaintext group id/epoch to read; the body must at least be present.
            h.wire_format = static_cast<WireFormat>(*wire);
            if (r.remaining() == 0) return HeaderError{"empty body"};
            return h;
        default:
            return HeaderError{"unknown wire format"};
    }
    h.wire_format = static_cast<WireFormat>(*wire);

    auto group_id = r.opaque(kMaxGroupIdSize);
    if (!group_id) return with("group_id", r);
    if (group_id->empty()) return HeaderError{"empty group id"};
    h.group_id.assign(group_id->begin(), group_id->end());
    auto epoch = r.u64();
    if (!epoch) return HeaderError{"truncated epoch"};
    h.epoch = *epoch;

    auto check_content_type = [&](std::optional<std::uint8_t> ct) -> bool {
        if (!ct || *ct < 1 || *ct > 3) return false;
        h.content_type = static_cast<ContentType>(*ct);
        return true;
    };

    if (h.wire_format == WireFormat::public_message) {
        // Sender (§6): sender_type u8, then a u32 index for member(1)/external(2).
        auto sender_type = r.u8();
        if (!sender_type) return HeaderError{"truncated sender"};
        if (*sender_type == static_cast<std::uint8_t>(SenderType::member) ||
            *sender_type == static_cast<std::uint8_t>(SenderType::external)) {
            if (!r.u32()) return HeaderError{"truncated sender index"};
        } else if (*sender_type != static_cast<std::uint8_t>(SenderType::new_member_proposal) &&
                   *sender_type != static_cast<std::uint8_t>(SenderType::new_member_commit)) {
            return HeaderError{"unknown sender type"};
        }
        if (!r.opaque()) return with("authenticated_data", r);
        if (!check_content_type(r.u8())) return HeaderError{"invalid content type"};
        if (r.remaining() == 0) return HeaderError{"missing content"};
        return h;
    }

    // PrivateMessage (§6.3): content_type, authenticated_data, encrypted_sender_data,
    // ciphertext — fully framed, so trailing bytes are an error.
    if (!check_content_type(r.u8())) return HeaderError{"invalid content type"};
    if (!r.opaque()) return with("authenticated_data", r);
    auto sender_data = r.opaque();
    if (!sender_data) return with("encrypted_sender_data", r);
    if (sender_data->empty()) return HeaderError{"empty encrypted_sender_data"};
    auto ciphertext = r.opaque();
    if (!ciphertext) return with("ciphertext", r);
    if (ciphertext->empty()) return HeaderError{"empty ciphertext"};
    if (!r.finish()) return HeaderError{"trailing bytes"};
    return h;
}

}  // namespace lagrum::wire
