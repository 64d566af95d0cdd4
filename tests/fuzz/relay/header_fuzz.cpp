// Fuzz target: the relay's MLS header reader (lagrum_mls_wire's parse_mls_header, what
// lagrum-relay runs on every SendMessage/SendCommit/SendWelcome before routing), checked
// against the full MLS decoder as the reference. Properties, for any input:
//   * parse_mls_header returns a header or an error text, never crashes;
//   * whatever lagrum::mls decodes exactly as a PublicMessage or PrivateMessage, the
//     header reader accepts with the same wire format, group id, epoch and content type
//     (the relay must not route a valid message differently from how members read it;
//     the reader is stricter only where no real message can be: group ids over
//     kMaxGroupIdSize, an empty group id, an empty ciphertext or sender data);
//   * a Welcome, GroupInfo or KeyPackage MLS decodes is accepted with its wire format.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <variant>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/error.h"
#include "lagrum/mls/framing.h"
#include "lagrum/relay/mls_header.h"

using namespace lagrum;

namespace {

// The reader's error: a message string, or a HeaderError carrying one (error model of
// issue 14); either way it must say something.
template <class E>
std::string text_of(const E& e) {
    if constexpr (requires { e.message; }) {
        return e.message;
    } else {
        return std::string(e);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const crypto::ByteView in(data, size);
    const auto header = relay::parse_mls_header(in);
    const auto* h = header.index() == 0 ? &std::get<0>(header) : nullptr;
    if (h == nullptr && text_of(std::get<1>(header)).empty()) std::abort();

    mls::MlsMessage message;
    try {
        message = mls::decode_exact<mls::MlsMessage>(in);
    } catch (const mls::MlsError&) {
        return 0;
    }
    if (h == nullptr) {
        // The relay's reader is bounded where MLS is not: group ids over kMaxGroupIdSize.
        const auto* pub = std::get_if<mls::PublicMessage>(&message.body);
        const auto* priv = std::get_if<mls::PrivateMessage>(&message.body);
        const std::size_t gid = pub    ? pub->content.group_id.size()
                                : priv ? priv->group_id.size()
                                       : 0;
        if (gid > wire::kMaxGroupIdSize) return 0;
        // ... and refuses what can never be a real message: an empty group id, or a
        // PrivateMessage with nothing to decrypt (an AEAD output is never empty).
        if ((pub || priv) && gid == 0) return 0;
        if (priv && (priv->ciphertext.empty() || priv->encrypted_sender_data.empty())) return 0;
        std::fprintf(stderr, "MLS decodes it, the relay rejects it: %s\n",
                     text_of(std::get<1>(header)).c_str());
        std::abort();
    }
    if (const auto* pub = std::get_if<mls::PublicMessage>(&message.body)) {
        if (h->wire_format != wire::WireFormat::public_message) std::abort();
        if (h->group_id != pub->content.group_id || h->epoch != pub->content.epoch) std::abort();
        if (h->content_type != pub->content.content_type()) std::abort();
    } else if (const auto* priv = std::get_if<mls::PrivateMessage>(&message.body)) {
        if (h->wire_format != wire::WireFormat::private_message) std::abort();
        if (h->group_id != priv->group_id || h->epoch != priv->epoch) std::abort();
        if (h->content_type != priv->content_type) std::abort();
    } else if (h->wire_format == wire::WireFormat::public_message ||
               h->wire_format == wire::WireFormat::private_message) {
        std::abort();
    }
    return 0;
}
