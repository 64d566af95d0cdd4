// PaddedContent (protocol/content.proto): the bytes inside an MLS application message.
#pragma once

#include <array>
#include <cstddef>

#include "content.pb.h"
#include "lagrum/core/error.h"
#include "lagrum/crypto/bytes.h"

namespace lagrum::core::messaging {

// The padded sizes (content.proto); the last one bounds a message.
inline constexpr std::array<std::size_t, 7> kPaddingBuckets = {256,   1024,   4096,  16384,
                                                               65536, 262144, 983040};
inline constexpr std::size_t kMaxContentBytes = 983040 - 4;

// Serializes (deterministically) and pads. bad_input if the content is too large.
crypto::Bytes pad_content(const content::v1::Content& content);
// Strict inverse: rejects sizes that are not a bucket, bad lengths, non-zero padding and
// content that does not parse (Error bad_input).
content::v1::Content unpad_content(crypto::ByteView padded);

}  // namespace lagrum::core::messaging
