#include "lagrum/core/messaging/content_codec.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace lagrum::core::messaging {

crypto::Bytes pad_content(const content::v1::Content& content) {
    std::string body;
    {
        google::protobuf::io::StringOutputStream raw(&body);
        google::protobuf::io::CodedOutputStream out(&raw);
        out.SetSerializationDeterministic(true);
        if (!content.SerializeToCodedStream(&out)) {
            throw Error(Errc::internal, "message content does not serialize");
        }
    }
    if (body.size() > kMaxContentBytes) {
        throw Error(Errc::bad_input, "the message is too large (at most 960 KiB)");
    }
    std::size_t total = kPaddingBuckets.back();  // fits: body.size() <= kMaxContentBytes
    for (auto b : kPaddingBuckets) {
        if (body.size() + 4 <= b) {
            total = b;
            break;
        }
    }
    crypto::Bytes out(total, 0);
    const auto n = static_cast<std::uint32_t>(body.size());
    out[0] = static_cast<std::uint8_t>(n >> 24);
    out[1] = static_cast<std::uint8_t>(n >> 16);
    out[2] = static_cast<std::uint8_t>(n >> 8);
    out[3] = static_cast<std::uint8_t>(n);
    std::copy(body.begin(), body.end(), out.begin() + 4);
    return out;
}

content::v1::Content unpad_content(crypto::ByteView padded) {
    bool bucket = false;
    for (auto b : kPaddingBuckets) bucket = bucket || padded.size() == b;
    if (!bucket) throw Error(Errc::bad_input, "content size is not a padding bucket");
    const std::size_t n = static_cast<std::size_t>(padded[0]) << 24 |
                          static_cast<std::size_t>(padded[1]) << 16 |
                          static_cast<std::size_t>(padded[2]) << 8 | padded[3];
    if (n > padded.size() - 4) throw Error(Errc::bad_input, "content length out of range");
    for (std::size_t i = 4 + n; i < padded.size(); ++i) {
        if (padded[i] != 0) throw Error(Errc::bad_input, "non-zero content padding");
    }
    content::v1::Content c;
    if (!c.ParseFromArray(padded.data() + 4, static_cast<int>(n))) {
        throw Error(Errc::bad_input, "content does not parse");
    }
    return c;
}

}  // namespace lagrum::core::messaging
