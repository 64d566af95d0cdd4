#include "lagrum/relay/mls_header.h"

#include <optional>

namespace lagrum::relay {
namespace {

// Bounds-checked big-endian reader over untrusted bytes.
class Reader {
  public:
    explicit Reader(crypto::ByteView data) : data_(data) {}

    std::optional<std::uint64_t> uint(std::size_t n) {
        if (remaining() < n) return std::nullopt;
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data_[pos_ + i];
        pos_ += n;
        return v;
    }

    // RFC 9420 §2.1.2 variable-length integer: 2-bit prefix selects 1, 2 or 4 bytes;
    // prefix 0b11 is invalid and the encoding must be minimal.
    std::optional<std::uint64_t> varint(std::string& error) {
        if (remaining() < 1) {
            error = "truncated varint";
            return std::nullopt;
        }
        const std::uint8_t prefix = data_[pos_] >> 6;
        if (prefix == 3) {
            error = "invalid varint prefix";
            return std::nullopt;
        }
        const std::size_t len = std::size_t{1} << prefix;
        auto raw = uint(len);
        if (!raw) {
            error = "truncated varint";
            return std::nullopt;
        }
        const std::uint64_t value = *raw & ((std::uint64_t{1} << (8 * len - 2)) - 1);
        if (len > 1 && value < (std::uint64_t{1} << (8 * (len / 2) - 2))) {
            error = "non-minimal varint";
            return std::nullopt;
        }
        return value;
    }

    // opaque<V>: varint length then bytes; `max` bounds the length before any copy.
    std::optional<crypto::ByteView> vector(std::size_t max, std::string& error) {
        auto len = varint(error);
        if (!len) return std::nullopt;
        if (*len > max) {
            error = "vector too long";
            return std::nullopt;
        }
        if (*len > remaining()) {
            error = "truncated vector";
            return std::nullopt;
        }
        auto out = data_.subspan(pos_, static_cast<std::size_t>(*len));
        pos_ += static_cast<std::size_t>(*len);
        return out;
    }

    std::size_t remaining() const { return data_.size() - pos_; }

  private:
    crypto::ByteView data_;
    std::size_t pos_ = 0;
};

constexpr std::size_t kNoLimit = static_cast<std::size_t>(-1);

}  // namespace

std::variant<MlsHeader, std::string> parse_mls_header(crypto::ByteView message) {
    Reader r(message);
    std::string error;
    auto version = r.uint(2);
    if (!version) return std::string("truncated version");
    if (*version != 1) return std::string("unsupported MLS version");
    auto wire = r.uint(2);
    if (!wire) return std::string("truncated wire format");

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
            if (r.remaining() == 0) return std::string("empty body");
            return h;
        default:
            return std::string("unknown wire format");
    }
    h.wire_format = static_cast<WireFormat>(*wire);

    auto group_id = r.vector(kMaxGroupIdSize, error);
    if (!group_id) return "group_id: " + error;
    if (group_id->empty()) return std::string("empty group id");
    h.group_id.assign(group_id->begin(), group_id->end());
    auto epoch = r.uint(8);
    if (!epoch) return std::string("truncated epoch");
    h.epoch = *epoch;

    auto check_content_type = [&](std::optional<std::uint64_t> ct) -> bool {
        if (!ct || *ct < 1 || *ct > 3) return false;
        h.content_type = static_cast<ContentType>(*ct);
        return true;
    };

    if (h.wire_format == WireFormat::public_message) {
        // Sender (§6): sender_type u8, then a u32 index for member(1)/external(2).
        auto sender_type = r.uint(1);
        if (!sender_type) return std::string("truncated sender");
        if (*sender_type == 1 || *sender_type == 2) {
            if (!r.uint(4)) return std::string("truncated sender index");
        } else if (*sender_type != 3 && *sender_type != 4) {
            return std::string("unknown sender type");
        }
        if (!r.vector(kNoLimit, error)) return "authenticated_data: " + error;
        if (!check_content_type(r.uint(1))) return std::string("invalid content type");
        if (r.remaining() == 0) return std::string("missing content");
        return h;
    }

    // PrivateMessage (§6.3): content_type, authenticated_data, encrypted_sender_data,
    // ciphertext — fully framed, so trailing bytes are an error.
    if (!check_content_type(r.uint(1))) return std::string("invalid content type");
    if (!r.vector(kNoLimit, error)) return "authenticated_data: " + error;
    auto sender_data = r.vector(kNoLimit, error);
    if (!sender_data) return "encrypted_sender_data: " + error;
    if (sender_data->empty()) return std::string("empty encrypted_sender_data");
    auto ciphertext = r.vector(kNoLimit, error);
    if (!ciphertext) return "ciphertext: " + error;
    if (ciphertext->empty()) return std::string("empty ciphertext");
    if (r.remaining() != 0) return std::string("trailing bytes");
    return h;
}

}  // namespace lagrum::relay
