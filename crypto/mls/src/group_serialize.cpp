// Serialisation of Group::State (group.h: serialize / restore). The encoding uses the
// MLS codec for every field, with a format tag so a future layout can be recognised.
// Secrets are written in the clear, into secure memory (Writer::secret(): no unwiped copy
// as the buffer grows): the client store encrypts the whole blob.
#include "group_state.h"

namespace lagrum::mls {

using namespace group_detail;

namespace {
// "LMS2": the state is built from the public RFC components (LMS1 was the private copy).
constexpr std::uint32_t kStateFormat = 0x4c4d5332;

void write_secret(Writer& w, const SecretBytes& s) {
    w.opaque(s.view());
}
SecretBytes decode_secret(Reader& r) {
    return SecretBytes::copy_of(r.opaque_view());
}
}  // namespace

void Group::State::encode(Writer& w) const {
    ctx.encode(w);
    tree.encode(w);
    priv.encode(w);
    write_secret(w, *signature_private);
    w.opaque(interim_transcript_hash);
    w.opaque(confirmation_tag);
    secrets.encode(w);
    secret_tree.encode(w);
    w.vector([&](Writer& v) {
        for (const auto& p : proposals) {
            v.opaque(p.ref);
            v.opaque(p.own_message_hash);
            p.proposal.encode(v);
            p.sender.encode(v);
            v.optional(p.update_private,
                       [](Writer& ww, const SecretBytes& s) { write_secret(ww, s); });
        }
    });
    w.vector([&](Writer& v) {
        for (const auto& [e, s] : resumption_psks) {
            v.u64(e);
            write_secret(v, *s);
        }
    });
    w.vector([&](Writer& v) {
        for (const auto& [id, s] : external_psks) {
            v.opaque(id);
            write_secret(v, s);
        }
    });
    w.vector([&](Writer& v) {
        for (const auto& p : past) {
            p.ctx.encode(v);
            p.tree.encode(v);
            write_secret(v, p.sender_data_secret);
            p.secret_tree.encode(v);
        }
    });
    w.u8(active ? 1 : 0);
    w.optional(pending ? std::optional<bool>(true) : std::nullopt,
               [&](Writer& ww, bool) { pending->encode(ww); });
}

std::unique_ptr<Group::State> Group::State::decode(Reader& r, GroupConfig config) {
    auto s = std::make_unique<State>();
    s->config = config;
    s->ctx = GroupContext::decode(r);
    if (static_cast<std::uint16_t>(s->ctx.cipher_suite) != kSuite3) {
        fail(MlsErrc::unsupported, "stored group of another cipher suite");
    }
    s->tree = RatchetTree::decode(r, config.max_tree_leaves);
    s->priv = TreeKemPrivate::decode(r);
    if (s->tree.leaf(s->me()) == nullptr) fail(MlsErrc::decode, "stored own leaf is blank");
    s->priv.check_consistent(s->tree);
    s->signature_private = share(decode_secret(r));
    s->interim_transcript_hash = r.opaque();
    s->confirmation_tag = r.opaque();
    s->secrets = EpochSecrets::decode(r);
    s->secret_tree = SecretTree::decode(r);
    r.vector([&](Reader& v) {
        CachedProposal p;
        p.ref = v.opaque();
        p.own_message_hash = v.opaque();
        p.proposal = Proposal::decode(v);
        p.sender = Sender::decode(v);
        p.update_private = v.optional<SecretBytes>([](Reader& rr) { return decode_secret(rr); });
        s->proposals.push_back(std::move(p));
    });
    r.vector([&](Reader& v) {
        const std::uint64_t e = v.u64();
        s->resumption_psks.emplace(e, share(decode_secret(v)));
    });
    r.vector([&](Reader& v) {
        Bytes id = v.opaque();
        s->external_psks.emplace(std::move(id), decode_secret(v));
    });
    r.vector([&](Reader& v) {
        PastEpoch p;
        p.ctx = GroupContext::decode(v);
        p.tree = RatchetTree::decode(v, config.max_tree_leaves);
        p.sender_data_secret = decode_secret(v);
        p.secret_tree = SecretTree::decode(v);
        s->past.push_back(std::move(p));
    });
    const std::uint8_t active = r.u8();
    if (active > 1) fail(MlsErrc::decode, "bad active flag");
    s->active = active == 1;
    const std::uint8_t has_pending = r.u8();
    if (has_pending > 1) fail(MlsErrc::decode, "bad pending flag");
    if (has_pending == 1) s->pending = decode(r, config);
    return s;
}

SecretBytes Group::serialize() const {
    Writer w = Writer::secret();
    w.u32(kStateFormat);
    s_->encode(w);
    return w.take_secret();
}

Group Group::restore(ByteView bytes, GroupConfig config) {
    Reader r(bytes);
    if (r.u32() != kStateFormat) fail(MlsErrc::decode, "not a serialised Lagrum MLS group");
    auto s = State::decode(r, std::move(config));
    r.finish();
    return Group(std::move(s));
}

}  // namespace lagrum::mls
