#include "lagrum/mls/proposals.h"

namespace lagrum::mls {

void PreSharedKeyId::encode(Writer& w) const {
    w.u8(static_cast<std::uint8_t>(type));
    if (type == PskType::external) {
        w.opaque(psk_id);
    } else {
        w.u8(static_cast<std::uint8_t>(usage));
        w.opaque(psk_group_id);
        w.u64(psk_epoch);
    }
    w.opaque(psk_nonce);
}

PreSharedKeyId PreSharedKeyId::decode(Reader& r) {
    PreSharedKeyId id;
    const std::uint8_t t = r.u8();
    if (t == 1) {
        id.type = PskType::external;
        id.psk_id = r.opaque();
    } else if (t == 2) {
        id.type = PskType::resumption;
        const std::uint8_t u = r.u8();
        if (u < 1 || u > 3) fail(MlsErrc::decode, "invalid ResumptionPSKUsage");
        id.usage = static_cast<ResumptionPskUsage>(u);
        id.psk_group_id = r.opaque();
        id.psk_epoch = r.u64();
    } else {
        fail(MlsErrc::decode, "invalid PSKType");
    }
    id.psk_nonce = r.opaque();
    return id;
}

void ReInit::encode(Writer& w) const {
    w.opaque(group_id);
    w.u16(static_cast<std::uint16_t>(version));
    w.u16(static_cast<std::uint16_t>(cipher_suite));
    encode_extensions(w, extensions);
}

ReInit ReInit::decode(Reader& r) {
    ReInit ri;
    ri.group_id = r.opaque();
    ri.version = static_cast<ProtocolVersion>(r.u16());
    ri.cipher_suite = static_cast<CipherSuite>(r.u16());
    ri.extensions = decode_extensions(r);
    return ri;
}

std::uint16_t Proposal::type() const noexcept {
    // The variant alternatives are declared in proposal_type order (add = 1 ...).
    return static_cast<std::uint16_t>(body.index() + 1);
}

void Proposal::encode(Writer& w) const {
    w.u16(type());
    std::visit([&](const auto& p) { p.encode(w); }, body);
}

Proposal Proposal::decode(Reader& r) {
    Proposal p;
    switch (r.u16()) {
        case proposal_type::add:
            p.body = Add::decode(r);
            break;
        case proposal_type::update:
            p.body = Update::decode(r);
            break;
        case proposal_type::remove:
            p.body = Remove::decode(r);
            break;
        case proposal_type::psk:
            p.body = PreSharedKey::decode(r);
            break;
        case proposal_type::reinit:
            p.body = ReInit::decode(r);
            break;
        case proposal_type::external_init:
            p.body = ExternalInit::decode(r);
            break;
        case proposal_type::group_context_extensions:
            p.body = GroupContextExtensions::decode(r);
            break;
        default:
            fail(MlsErrc::unsupported, "unknown proposal type");
    }
    return p;
}

void ProposalOrRef::encode(Writer& w) const {
    if (const auto* p = std::get_if<Proposal>(&value)) {
        w.u8(1);
        p->encode(w);
    } else {
        w.u8(2);
        w.opaque(std::get<Bytes>(value));
    }
}

ProposalOrRef ProposalOrRef::decode(Reader& r) {
    ProposalOrRef por;
    const std::uint8_t t = r.u8();
    if (t == 1) {
        por.value = Proposal::decode(r);
    } else if (t == 2) {
        por.value = r.opaque();
    } else {
        fail(MlsErrc::decode, "invalid ProposalOrRefType");
    }
    return por;
}

}  // namespace lagrum::mls
