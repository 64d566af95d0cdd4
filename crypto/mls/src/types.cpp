#include "lagrum/mls/types.h"

#include <algorithm>

namespace lagrum::mls {

void Extension::encode(Writer& w) const {
    w.u16(type);
    w.opaque(data);
}

Extension Extension::decode(Reader& r) {
    Extension e;
    e.type = r.u16();
    e.data = r.opaque();
    return e;
}

void encode_extensions(Writer& w, const ExtensionList& list) {
    w.vector([&](Writer& inner) {
        for (const auto& e : list) e.encode(inner);
    });
}

ExtensionList decode_extensions(Reader& r) {
    ExtensionList list;
    r.vector([&](Reader& inner) {
        Extension e = Extension::decode(inner);
        if (find_extension(list, e.type) != nullptr) {
            fail(MlsErrc::decode, "duplicate extension type in list");
        }
        list.push_back(std::move(e));
    });
    return list;
}

const Extension* find_extension(const ExtensionList& list, std::uint16_t type) {
    auto it =
        std::find_if(list.begin(), list.end(), [&](const Extension& e) { return e.type == type; });
    return it == list.end() ? nullptr : &*it;
}

void Sender::encode(Writer& w) const {
    w.u8(static_cast<std::uint8_t>(type));
    if (type == SenderType::member || type == SenderType::external) w.u32(index);
}

Sender Sender::decode(Reader& r) {
    Sender s;
    const std::uint8_t t = r.u8();
    switch (t) {
        case 1:
        case 2:
            s.type = static_cast<SenderType>(t);
            s.index = r.u32();
            break;
        case 3:
        case 4:
            s.type = static_cast<SenderType>(t);
            break;
        default:
            fail(MlsErrc::decode, "unknown sender type");
    }
    return s;
}

void GroupContext::encode(Writer& w) const {
    w.u16(static_cast<std::uint16_t>(version));
    w.u16(static_cast<std::uint16_t>(cipher_suite));
    w.opaque(group_id);
    w.u64(epoch);
    w.opaque(tree_hash);
    w.opaque(confirmed_transcript_hash);
    encode_extensions(w, extensions);
}

GroupContext GroupContext::decode(Reader& r) {
    GroupContext gc;
    if (r.u16() != static_cast<std::uint16_t>(ProtocolVersion::mls10)) {
        fail(MlsErrc::unsupported, "unsupported protocol version");
    }
    // Syntactic only: any suite value decodes (messages of other suites must round-trip);
    // the suite is checked where a GroupContext is used (GroupInfo, framing).
    gc.cipher_suite = static_cast<CipherSuite>(r.u16());
    gc.group_id = r.opaque();
    gc.epoch = r.u64();
    gc.tree_hash = r.opaque();
    gc.confirmed_transcript_hash = r.opaque();
    gc.extensions = decode_extensions(r);
    return gc;
}

}  // namespace lagrum::mls
