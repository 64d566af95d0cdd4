// The pseudonym of a young person's personnummer under a key: the device's case
// pseudonym (disclosure log, consents, handover) and a meeting's agenda pseudonym are
// both this function, under different keys.
#pragma once

#include <cstddef>
#include <string>

#include "lagrum/core/legal/date.h"
#include "lagrum/crypto/bytes.h"

namespace lagrum::core::messaging {

inline constexpr std::size_t kPseudonymSize = 16;

// HMAC-SHA-256(key, "birth date/last four digits"), cut to kPseudonymSize bytes. Every
// written form of one number (10 or 12 digits, '-' or '+', a samordningsnummer's day)
// gives the same pseudonym. `today` resolves a 10-digit form's century. Throws
// Errc::bad_input, without the number, when it is not valid.
crypto::Bytes keyed_pseudonym(crypto::ByteView key, const std::string& personnummer,
                              const legal::Date& today);

}  // namespace lagrum::core::messaging
