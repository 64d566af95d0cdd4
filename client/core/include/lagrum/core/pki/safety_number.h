// Safety numbers (`lagrum verify ORG/MEMBER`): a fingerprint of both parties' device
// keys that two people compare out of band (read aloud or scan as a QR code). The same
// for both sides: the two (address, device keys) pairs are sorted before hashing.
//
//   fingerprint = SHA-256 iterated 5200 times over
//                 "lagrum.safety-number.v1" || 0x00 || sorted parties
//   digits      = 12 groups of 5 decimal digits (each group: 5 bytes as a big-endian
//                 integer mod 100000)
#pragma once

#include <string>
#include <vector>

#include "lagrum/crypto/bytes.h"

namespace lagrum::core::pki {

struct SafetyParty {
    std::string address;                    // ORG/MEMBER
    std::vector<crypto::Bytes> device_keys;  // 32 bytes each, any order
};

struct SafetyNumber {
    std::vector<std::string> groups;  // 12 groups of 5 digits
    std::string digits() const;       // groups joined by single spaces
};

SafetyNumber safety_number(const SafetyParty& a, const SafetyParty& b);

// The QR code of `text` as terminal art (libqrencode, two characters per module, quiet
// zone included), for `lagrum verify`.
std::string qr_terminal(const std::string& text);

}  // namespace lagrum::core::pki
