// RFC 9420 §8.2 transcript hashes.
#include "lagrum/mls/transcript.h"

namespace lagrum::mls {

Bytes confirmed_transcript_hash_input(const AuthenticatedContent& commit) {
    if (commit.content.content_type() != ContentType::commit) {
        fail(MlsErrc::invalid_commit, "transcript hash over non-Commit content");
    }
    Writer w;
    w.u16(static_cast<std::uint16_t>(commit.wire_format));
    commit.content.encode(w);
    w.opaque(commit.auth.signature);
    return w.take();
}

Bytes compute_confirmed_transcript_hash(ByteView interim_transcript_hash_before,
                                        const AuthenticatedContent& commit) {
    return hash(crypto::concat(interim_transcript_hash_before, confirmed_transcript_hash_input(commit)));
}

Bytes compute_interim_transcript_hash(ByteView confirmed_transcript_hash,
                                      ByteView confirmation_tag) {
    Writer w;
    w.raw(confirmed_transcript_hash);
    w.opaque(confirmation_tag);
    return hash(w.bytes());
}

Bytes compute_confirmation_tag(ByteView confirmation_key, ByteView confirmed_transcript_hash) {
    return mac(confirmation_key, confirmed_transcript_hash);
}

bool verify_confirmation_tag(ByteView confirmation_key, ByteView confirmed_transcript_hash,
                             ByteView confirmation_tag) noexcept {
    return verify_mac(confirmation_key, confirmed_transcript_hash, confirmation_tag);
}

}  // namespace lagrum::mls
