#include "lagrum/mls/codec.h"

namespace lagrum::mls {

const char* mls_errc_name(MlsErrc code) noexcept {
    switch (code) {
        case MlsErrc::decode:
            return "decode";
        case MlsErrc::length_limit:
            return "length_limit";
        case MlsErrc::unsupported:
            return "unsupported";
        case MlsErrc::bad_signature:
            return "bad_signature";
        case MlsErrc::bad_membership_tag:
            return "bad_membership_tag";
        case MlsErrc::wrong_group:
            return "wrong_group";
        case MlsErrc::wrong_epoch:
            return "wrong_epoch";
        case MlsErrc::generation_too_old:
            return "generation_too_old";
        case MlsErrc::generation_too_far:
            return "generation_too_far";
        case MlsErrc::decryption_failed:
            return "decryption_failed";
        case MlsErrc::not_member:
            return "not_member";
        case MlsErrc::invalid_proposal:
            return "invalid_proposal";
        case MlsErrc::invalid_commit:
            return "invalid_commit";
        case MlsErrc::invalid_path:
            return "invalid_path";
        case MlsErrc::invalid_key_package:
            return "invalid_key_package";
        case MlsErrc::invalid_leaf_node:
            return "invalid_leaf_node";
        case MlsErrc::invalid_tree:
            return "invalid_tree";
        case MlsErrc::credential_rejected:
            return "credential_rejected";
        case MlsErrc::invalid_state:
            return "invalid_state";
        case MlsErrc::crypto:
            return "crypto";
    }
    return "unknown";
}

void Writer::u16(std::uint16_t v) {
    u8(static_cast<std::uint8_t>(v >> 8));
    u8(static_cast<std::uint8_t>(v));
}
void Writer::u32(std::uint32_t v) {
    u16(static_cast<std::uint16_t>(v >> 16));
    u16(static_cast<std::uint16_t>(v));
}
void Writer::u64(std::uint64_t v) {
    u32(static_cast<std::uint32_t>(v >> 32));
    u32(static_cast<std::uint32_t>(v));
}

void Writer::varint(std::uint64_t v) {
    if (v <= 0x3f) {
        u8(static_cast<std::uint8_t>(v));
    } else if (v <= 0x3fff) {
        u16(static_cast<std::uint16_t>(0x4000 | v));
    } else if (v <= kMaxVarint) {
        u32(static_cast<std::uint32_t>(0x80000000u | v));
    } else {
        fail(MlsErrc::length_limit, "vector longer than 2^30-1 bytes");
    }
}

void Writer::opaque(ByteView b) {
    varint(b.size());
    raw(b);
}

std::uint8_t Reader::u8() {
    if (remaining() < 1) fail(MlsErrc::decode, "truncated input");
    return data_[pos_++];
}
std::uint16_t Reader::u16() {
    const std::uint16_t hi = u8();
    return static_cast<std::uint16_t>(hi << 8 | u8());
}
std::uint32_t Reader::u32() {
    const std::uint32_t hi = u16();
    return hi << 16 | u16();
}
std::uint64_t Reader::u64() {
    const std::uint64_t hi = u32();
    return hi << 32 | u32();
}

ByteView Reader::raw(std::size_t n) {
    if (n > remaining()) fail(MlsErrc::decode, "truncated input");
    ByteView v = data_.subspan(pos_, n);
    pos_ += n;
    return v;
}

std::uint64_t Reader::varint() {
    const std::uint8_t first = u8();
    const unsigned prefix = first >> 6;
    if (prefix == 3) fail(MlsErrc::decode, "invalid variable-length integer prefix");
    const std::size_t length = std::size_t{1} << prefix;
    std::uint64_t v = first & 0x3f;
    for (std::size_t i = 1; i < length; ++i) v = (v << 8) | u8();
    // §2.1.2: the value must not fit in half the length used.
    if (prefix >= 1 && v < (std::uint64_t{1} << (8 * (length / 2) - 2))) {
        fail(MlsErrc::decode, "variable-length integer not minimally encoded");
    }
    return v;
}

ByteView Reader::opaque_view() {
    const std::uint64_t n = varint();
    if (n > remaining()) fail(MlsErrc::decode, "vector length exceeds remaining input");
    return raw(static_cast<std::size_t>(n));
}

void Reader::finish() const {
    if (!empty()) fail(MlsErrc::decode, "trailing bytes after message");
}

}  // namespace lagrum::mls
