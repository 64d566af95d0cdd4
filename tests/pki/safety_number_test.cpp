// Safety numbers and their QR code (pki/safety_number.h).
#include "lagrum/core/pki/safety_number.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "lagrum/crypto/random.h"

namespace lagrum::core::pki {
namespace {

SafetyParty party(const std::string& address, std::size_t keys) {
    SafetyParty p{address, {}};
    for (std::size_t i = 0; i < keys; ++i) p.device_keys.push_back(crypto::random_bytes(32));
    return p;
}

TEST(SafetyNumber, TwelveGroupsOfFiveDigits) {
    const auto n = safety_number(party("a/anna", 1), party("b/erik", 2));
    ASSERT_EQ(n.groups.size(), 12u);
    for (const auto& g : n.groups) EXPECT_TRUE(std::regex_match(g, std::regex("[0-9]{5}"))) << g;
    EXPECT_TRUE(std::regex_match(n.digits(), std::regex("([0-9]{5} ){11}[0-9]{5}"))) << n.digits();
}

TEST(SafetyNumber, SymmetricAndIndependentOfKeyOrder) {
    const auto a = party("se.malmo.soc/anna", 2);
    const auto b = party("se.polisen.syd/erik", 3);
    EXPECT_EQ(safety_number(a, b).digits(), safety_number(b, a).digits());
    auto b_reordered = b;
    std::reverse(b_reordered.device_keys.begin(), b_reordered.device_keys.end());
    EXPECT_EQ(safety_number(a, b).digits(), safety_number(a, b_reordered).digits());
}

TEST(SafetyNumber, ChangesWhenAnyKeyOrAddressChanges) {
    const auto a = party("se.malmo.soc/anna", 2);
    const auto b = party("se.polisen.syd/erik", 2);
    const auto base = safety_number(a, b).digits();
    for (std::size_t i = 0; i < 2; ++i) {
        auto a2 = a;
        a2.device_keys[i][0] ^= 1;
        EXPECT_NE(safety_number(a2, b).digits(), base);
        auto b2 = b;
        b2.device_keys[i][31] ^= 0x80;
        EXPECT_NE(safety_number(a, b2).digits(), base);
    }
    auto added = b;
    added.device_keys.push_back(crypto::random_bytes(32));
    EXPECT_NE(safety_number(a, added).digits(), base);
    auto dropped = b;
    dropped.device_keys.pop_back();
    EXPECT_NE(safety_number(a, dropped).digits(), base);
    auto renamed = b;
    renamed.address = "se.polisen.syd/erika";
    EXPECT_NE(safety_number(a, renamed).digits(), base);
    // Moving a key from one party to the other is a different pairing too.
    auto a3 = a, b3 = b;
    a3.device_keys.push_back(b3.device_keys.back());
    b3.device_keys.pop_back();
    EXPECT_NE(safety_number(a3, b3).digits(), base);
}

TEST(SafetyNumber, Deterministic) {
    const auto a = party("x/1", 1);
    const auto b = party("y/2", 1);
    EXPECT_EQ(safety_number(a, b).digits(), safety_number(a, b).digits());
}

TEST(QrTerminal, RendersASquareWithQuietZone) {
    const std::string qr = qr_terminal("12345 67890 12345");
    ASSERT_FALSE(qr.empty());
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t nl = qr.find('\n'); nl != std::string::npos; nl = qr.find('\n', start)) {
        lines.push_back(qr.substr(start, nl - start));
        start = nl + 1;
    }
    // Version 1 is 21 modules; with 4 modules of quiet zone on each side 29 lines.
    ASSERT_GE(lines.size(), 29u);
    const std::string full_row = [&] {
        std::string s;
        for (std::size_t i = 0; i < lines.size(); ++i) s += "\u2588\u2588";
        return s;
    }();
    EXPECT_EQ(lines.front(), full_row);  // quiet zone
    EXPECT_EQ(lines.back(), full_row);
    EXPECT_NE(lines[4], full_row);  // the first row of the symbol has dark modules
}

TEST(QrTerminal, RejectsEmptyText) {
    EXPECT_THROW((void)qr_terminal(""), std::exception);
}

}  // namespace
}  // namespace lagrum::core::pki
