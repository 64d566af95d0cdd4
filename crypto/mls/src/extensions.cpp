#include "lagrum/mls/extensions.h"

namespace lagrum::mls {

void encode_u16_list(Writer& w, const std::vector<std::uint16_t>& v) {
    w.vector([&](Writer& inner) {
        for (auto x : v) inner.u16(x);
    });
}

std::vector<std::uint16_t> decode_u16_list(Reader& r) {
    std::vector<std::uint16_t> v;
    // A body of odd length fails inside u16() (truncated input).
    r.vector([&](Reader& inner) { v.push_back(inner.u16()); });
    return v;
}

bool is_default_extension(std::uint16_t type) noexcept {
    return type >= extension_type::application_id && type <= extension_type::external_senders;
}

bool is_default_proposal(std::uint16_t type) noexcept {
    return type >= proposal_type::add && type <= proposal_type::group_context_extensions;
}

void ApplicationId::encode(Writer& w) const {
    w.opaque(application_id);
}
ApplicationId ApplicationId::decode(Reader& r) {
    return ApplicationId{r.opaque()};
}

void RequiredCapabilities::encode(Writer& w) const {
    encode_u16_list(w, extension_types);
    encode_u16_list(w, proposal_types);
    encode_u16_list(w, credential_types);
}

RequiredCapabilities RequiredCapabilities::decode(Reader& r) {
    RequiredCapabilities rc;
    rc.extension_types = decode_u16_list(r);
    rc.proposal_types = decode_u16_list(r);
    rc.credential_types = decode_u16_list(r);
    return rc;
}

void ExternalPub::encode(Writer& w) const {
    w.opaque(external_pub);
}
ExternalPub ExternalPub::decode(Reader& r) {
    return ExternalPub{r.opaque()};
}

void ExternalSender::encode(Writer& w) const {
    w.opaque(signature_key);
    credential.encode(w);
}

ExternalSender ExternalSender::decode(Reader& r) {
    ExternalSender s;
    s.signature_key = r.opaque();
    s.credential = Credential::decode(r);
    return s;
}

void ExternalSenders::encode(Writer& w) const {
    w.vector([&](Writer& inner) {
        for (const auto& s : senders) s.encode(inner);
    });
}

ExternalSenders ExternalSenders::decode(Reader& r) {
    ExternalSenders es;
    r.vector([&](Reader& inner) { es.senders.push_back(ExternalSender::decode(inner)); });
    return es;
}

}  // namespace lagrum::mls
