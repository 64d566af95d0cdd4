// Bodies of the extension types RFC 9420 defines (§13 / §17.3 registry):
//   application_id (§5.3.3), required_capabilities (§11.1), external_pub (§12.4.3.2),
//   external_senders (§12.1.8.1). The ratchet_tree extension (§12.4.3.3) carries
//   `optional<Node> ratchet_tree<V>` and is encoded by RatchetTree in ratchet_tree.h.
//
// An Extension holds its body as opaque bytes (types.h); these helpers parse a body
// strictly (trailing bytes rejected) and build an Extension from a body.
#pragma once

#include <cstdint>
#include <vector>

#include "lagrum/mls/codec.h"
#include "lagrum/mls/credential.h"
#include "lagrum/mls/types.h"

namespace lagrum::mls {

struct ApplicationId {
    static constexpr std::uint16_t kType = extension_type::application_id;
    Bytes application_id;
    friend bool operator==(const ApplicationId&, const ApplicationId&) = default;
    void encode(Writer& w) const;
    static ApplicationId decode(Reader& r);
};

struct RequiredCapabilities {
    static constexpr std::uint16_t kType = extension_type::required_capabilities;
    std::vector<std::uint16_t> extension_types;
    std::vector<std::uint16_t> proposal_types;
    std::vector<std::uint16_t> credential_types;
    friend bool operator==(const RequiredCapabilities&, const RequiredCapabilities&) = default;
    void encode(Writer& w) const;
    static RequiredCapabilities decode(Reader& r);
};

struct ExternalPub {
    static constexpr std::uint16_t kType = extension_type::external_pub;
    Bytes external_pub;  // HPKEPublicKey
    friend bool operator==(const ExternalPub&, const ExternalPub&) = default;
    void encode(Writer& w) const;
    static ExternalPub decode(Reader& r);
};

// §12.1.8.1 ExternalSender; the extension body is ExternalSender external_senders<V>.
struct ExternalSender {
    Bytes signature_key;
    Credential credential;
    friend bool operator==(const ExternalSender&, const ExternalSender&) = default;
    void encode(Writer& w) const;
    static ExternalSender decode(Reader& r);
};

struct ExternalSenders {
    static constexpr std::uint16_t kType = extension_type::external_senders;
    std::vector<ExternalSender> senders;
    friend bool operator==(const ExternalSenders&, const ExternalSenders&) = default;
    void encode(Writer& w) const;
    static ExternalSenders decode(Reader& r);
};

// Wraps a typed body into an Extension.
template <class T>
Extension make_extension(const T& body) {
    return Extension{T::kType, encode(body)};
}

// Parses the extension of type T::kType from `list`, or nullopt if absent. Throws
// MlsError(decode) if the body is malformed.
template <class T>
std::optional<T> get_extension(const ExtensionList& list) {
    const Extension* e = find_extension(list, T::kType);
    if (e == nullptr) return std::nullopt;
    return decode_exact<T>(e->data);
}

// §13 "default" extension types (may appear without being listed in capabilities).
bool is_default_extension(std::uint16_t type) noexcept;
// §7.2 "default" proposal types.
bool is_default_proposal(std::uint16_t type) noexcept;

void encode_u16_list(Writer& w, const std::vector<std::uint16_t>& v);
std::vector<std::uint16_t> decode_u16_list(Reader& r);

}  // namespace lagrum::mls
