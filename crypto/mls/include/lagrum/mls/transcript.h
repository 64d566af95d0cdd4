// Transcript hashes and the confirmation tag, RFC 9420 §8.2 (and §6.1 confirmation_tag).
//
//   confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] ||
//                                        ConfirmedTranscriptHashInput_[n])
//   interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] ||
//                                        InterimTranscriptHashInput_[n])
//   confirmation_tag              = MAC(confirmation_key, confirmed_transcript_hash)
//
// Both hashes start as the empty string at epoch 0. Functions throw MlsError
// (invalid_commit) if the content is not a Commit or lacks its confirmation tag.
#pragma once

#include "lagrum/mls/framing.h"

namespace lagrum::mls {

// ConfirmedTranscriptHashInput { WireFormat wire_format; FramedContent content;
// opaque signature<V>; } of a Commit.
Bytes confirmed_transcript_hash_input(const AuthenticatedContent& commit);

Bytes compute_confirmed_transcript_hash(ByteView interim_transcript_hash_before,
                                        const AuthenticatedContent& commit);
// InterimTranscriptHashInput { MAC confirmation_tag; }.
Bytes compute_interim_transcript_hash(ByteView confirmed_transcript_hash,
                                      ByteView confirmation_tag);

Bytes compute_confirmation_tag(ByteView confirmation_key, ByteView confirmed_transcript_hash);
bool verify_confirmation_tag(ByteView confirmation_key, ByteView confirmed_transcript_hash,
                             ByteView confirmation_tag) noexcept;

}  // namespace lagrum::mls
