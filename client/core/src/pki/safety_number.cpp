// Safety numbers and their QR code (safety_number.h).
#include "lagrum/core/pki/safety_number.h"

#include <qrencode.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string_view>

#include "lagrum/core/error.h"
#include "lagrum/crypto/hash.h"

namespace lagrum::core::pki {

namespace {

using crypto::Bytes;

constexpr std::string_view kLabel = "lagrum.safety-number.v1";
// Like Signal's numeric fingerprint: iterating makes a search for a second key set with
// the same number thousands of times more expensive, at a few milliseconds per display.
constexpr int kIterations = 5200;
constexpr std::size_t kGroups = 12;
constexpr std::size_t kGroupBytes = 5;
constexpr int kQuietZone = 4;
constexpr std::size_t kMaxQrText = 2048;

void put_u32(Bytes& out, std::size_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint32_t>(v) >> shift));
    }
}

// address and keys length-prefixed, keys sorted and de-duplicated: the encoding is
// unambiguous and independent of the order a client learned the devices in.
Bytes encode_party(const SafetyParty& p) {
    std::vector<Bytes> keys = p.device_keys;
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    Bytes out;
    put_u32(out, p.address.size());
    out.insert(out.end(), p.address.begin(), p.address.end());
    put_u32(out, keys.size());
    for (const auto& k : keys) {
        put_u32(out, k.size());
        out.insert(out.end(), k.begin(), k.end());
    }
    return out;
}

// One iterated chain; `chain` separates the two 32-byte halves we need for 60 bytes.
Bytes iterate(std::uint8_t chain, const Bytes& input) {
    Bytes h{chain};
    for (int i = 0; i < kIterations; ++i) {
        crypto::Sha256 s;
        s.update(h);
        s.update(input);
        h = s.finish();
    }
    return h;
}

}  // namespace

std::string SafetyNumber::digits() const {
    std::string out;
    for (const auto& g : groups) {
        if (!out.empty()) out.push_back(' ');
        out += g;
    }
    return out;
}

SafetyNumber safety_number(const SafetyParty& a, const SafetyParty& b) {
    Bytes ea = encode_party(a), eb = encode_party(b);
    if (eb < ea) std::swap(ea, eb);
    Bytes input(kLabel.begin(), kLabel.end());
    input.push_back(0);
    input.insert(input.end(), ea.begin(), ea.end());
    input.insert(input.end(), eb.begin(), eb.end());

    Bytes fingerprint = iterate(1, input);
    const Bytes second = iterate(2, input);
    fingerprint.insert(fingerprint.end(), second.begin(), second.end());

    SafetyNumber n;
    for (std::size_t g = 0; g < kGroups; ++g) {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < kGroupBytes; ++i) v = v << 8 | fingerprint[g * kGroupBytes + i];
        char buf[8];
        std::snprintf(buf, sizeof buf, "%05u", static_cast<unsigned>(v % 100000));
        n.groups.emplace_back(buf);
    }
    return n;
}

std::string qr_terminal(const std::string& text) {
    if (text.empty() || text.size() > kMaxQrText || text.find('\0') != std::string::npos) {
        throw Error(Errc::bad_input, "text for the QR code is empty or too long");
    }
    std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
    if (!code) throw Error(Errc::internal, "the QR code could not be encoded");
    const int width = code->width;
    const int size = width + 2 * kQuietZone;
    // Light modules are drawn as blocks and dark ones as blanks: on the usual dark
    // terminal background that yields dark-on-light, which scanners expect.
    std::string out;
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const int mx = x - kQuietZone, my = y - kQuietZone;
            const bool dark = mx >= 0 && my >= 0 && mx < width && my < width &&
                              (code->data[my * width + mx] & 1) != 0;
            out += dark ? "  " : "\u2588\u2588";
        }
        out.push_back('\n');
    }
    return out;
}

}  // namespace lagrum::core::pki
