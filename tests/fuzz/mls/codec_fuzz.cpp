// Fuzz target: the TLS presentation codec and GroupContext/extension decoding.
// Property: any input either decodes and re-encodes to the same bytes, or throws MlsError.
#include <cstdint>
#include <cstdlib>

#include "lagrum/mls/types.h"

using namespace lagrum::mls;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView in(data, size);
    try {
        const auto gc = decode_exact<GroupContext>(in);
        if (encode(gc) != Bytes(in.begin(), in.end())) std::abort();  // canonical encoding
    } catch (const MlsError&) {
    }
    try {
        Reader r(in);
        const std::uint64_t v = r.varint();
        Writer w;
        w.varint(v);
        // Minimal encodings only: the re-encoding must equal the consumed prefix.
        if (w.bytes() !=
            Bytes(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(r.position()))) {
            std::abort();
        }
    } catch (const MlsError&) {
    }
    return 0;
}
