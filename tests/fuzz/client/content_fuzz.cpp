// Fuzz target: the PaddedContent parser (core::messaging::unpad_content), what a
// receiver runs on every decrypted application message.
// Properties: any input either parses or throws core::Error(bad_input); a parsed
// content re-pads (pad_content never throws for it) into a bucket no larger than the
// input, unpad(pad(c)) == c, and pad(unpad(x)) == x when x was canonical (the body is
// the deterministic serialization and the bucket is the smallest that fits).
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "lagrum/core/error.h"
#include "lagrum/core/messaging/content_codec.h"

namespace {

using lagrum::core::Errc;
using lagrum::core::Error;
using lagrum::crypto::ByteView;
namespace msg = lagrum::core::messaging;

std::string deterministic(const lagrum::content::v1::Content& c) {
    std::string out;
    google::protobuf::io::StringOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    if (!c.SerializeToCodedStream(&coded)) std::abort();
    coded.Trim();
    return out;
}

std::size_t smallest_bucket(std::size_t body) {
    for (auto b : msg::kPaddingBuckets) {
        if (body + 4 <= b) return b;
    }
    return 0;
}

// Invalid UTF-8 in a string field is a parse failure, and protobuf says so on stderr
// for every such input: keep the fuzzer's output readable.
void quiet(google::protobuf::LogLevel, const char*, int, const std::string&) {}
const bool kQuiet = (google::protobuf::SetLogHandler(&quiet), true);

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)kQuiet;
    const ByteView in(data, size);
    lagrum::content::v1::Content c;
    try {
        c = msg::unpad_content(in);
    } catch (const Error& e) {
        if (e.code() != Errc::bad_input) std::abort();
        return 0;
    }
    // Accepted: the framing held.
    bool bucket = false;
    for (auto b : msg::kPaddingBuckets) bucket = bucket || size == b;
    if (!bucket) std::abort();
    const std::size_t n = std::size_t{data[0]} << 24 | std::size_t{data[1]} << 16 |
                          std::size_t{data[2]} << 8 | data[3];
    if (n > size - 4) std::abort();
    for (std::size_t i = 4 + n; i < size; ++i) {
        if (data[i] != 0) std::abort();
    }

    lagrum::crypto::Bytes again;
    try {
        again = msg::pad_content(c);
    } catch (const Error&) {
        std::abort();  // whatever a receiver accepted, a sender can send
    }
    if (again.size() > size) std::abort();
    const auto c2 = msg::unpad_content(again);
    if (deterministic(c2) != deterministic(c)) std::abort();
    if (msg::pad_content(c2) != again) std::abort();

    const std::string body(reinterpret_cast<const char*>(data) + 4, n);
    const bool canonical = deterministic(c) == body && smallest_bucket(n) == size;
    if (canonical && again != lagrum::crypto::Bytes(data, data + size)) std::abort();
    return 0;
}
