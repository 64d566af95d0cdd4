// Fuzz target: MLSMessage decoding (RFC 9420 §6) and the receive paths of framing.h.
// Properties, for any input:
//   * it either decodes as an MLSMessage or throws MlsError (never crashes or hangs);
//   * a decoded message re-encodes to exactly the input (the encoding is canonical:
//     minimal varints, no trailing bytes) and decodes again to an equal value;
//   * a PublicMessage / PrivateMessage is then run through open_public_message /
//     decrypt_private_message with fixed keys and a GroupContext matching its group_id
//     and epoch, so the checks past the group/epoch gate are exercised too: they may only
//     throw MlsError.
#include <cstdint>
#include <cstdlib>

#include "lagrum/mls/framing.h"

using namespace lagrum::mls;

namespace {

const Bytes kSecret(32, 0x5a);
const Bytes kSignaturePublic(32, 0x01);  // not a valid point: verification just fails

GroupContext context_for(ByteView group_id, std::uint64_t epoch) {
    GroupContext gc;
    gc.group_id.assign(group_id.begin(), group_id.end());
    gc.epoch = epoch;
    return gc;
}

Bytes lookup(const FramedContent&) {
    return kSignaturePublic;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView in(data, size);
    MlsMessage message;
    try {
        message = decode_exact<MlsMessage>(in);
    } catch (const MlsError&) {
        return 0;
    }
    const Bytes again = encode(message);
    if (again != Bytes(in.begin(), in.end())) std::abort();  // canonical encoding
    if (!(decode_exact<MlsMessage>(again) == message)) std::abort();

    try {
        if (const auto* pub = std::get_if<PublicMessage>(&message.body)) {
            const auto gc = context_for(pub->content.group_id, pub->content.epoch);
            (void)open_public_message(*pub, gc, kSecret, lookup);
        } else if (const auto* priv = std::get_if<PrivateMessage>(&message.body)) {
            const auto gc = context_for(priv->group_id, priv->epoch);
            SecretTree tree(kSecret, 8);
            (void)decrypt_private_message(*priv, gc, tree, kSecret, lookup);
        }
    } catch (const MlsError&) {
    }
    return 0;
}
