// Fuzz target: the personnummer / samordningsnummer parser (legal/personnummer.h), which
// reads what a user types and what a received handover manifest or check input names.
// Input: 4 bytes pick the reference date (the date the number is used on), the rest is
// the text. Properties, for any input:
//   * parse_personnummer returns a number or an error, never crashes;
//   * a parsed number has a real calendar birth date not after the reference date, a
//     completed age >= 0, and the samordningsnummer flag exactly when the day field was
//     61-91;
//   * the 13-character form YYYYMMDD-NNNC means the same as YYYYMMDDNNNC;
//   * mask_personnummer keeps the length and separators and leaves no digit;
//   * parse_date on the same text never crashes, and a parsed date prints back to it.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "lagrum/core/legal/date.h"
#include "lagrum/core/legal/personnummer.h"

namespace legal = lagrum::core::legal;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4) return 0;
    // Years 1..9999 (the edges matter: the century arithmetic of the 10-digit forms).
    const int year = 1 + static_cast<int>((std::uint32_t{data[0]} << 8 | data[1]) % 9999);
    const int month = 1 + data[2] % 12;
    const int day = 1 + data[3] % legal::days_in_month(year, month);
    const legal::Date ref{year, month, day};
    const std::string_view text(reinterpret_cast<const char*>(data) + 4, size - 4);

    const auto parsed = legal::parse_personnummer(text, ref);
    if (const auto* p = std::get_if<legal::Personnummer>(&parsed)) {
        const auto& b = p->birth_date;
        if (!legal::is_valid_date(b.year, b.month, b.day)) std::abort();
        if (ref < b) std::abort();
        if (legal::age_on(b, ref) < 0) std::abort();
        const std::size_t day_at = text.size() >= 12 ? 6 : 4;
        const int day_field = (text[day_at] - '0') * 10 + (text[day_at + 1] - '0');
        if (p->samordningsnummer != (day_field >= 61 && day_field <= 91)) std::abort();
        if (text.size() == 13) {
            std::string plain(text.substr(0, 8));
            plain += text.substr(9);
            const auto again = legal::parse_personnummer(plain, ref);
            const auto* q = std::get_if<legal::Personnummer>(&again);
            if (q == nullptr || q->birth_date != b ||
                q->samordningsnummer != p->samordningsnummer) {
                std::abort();
            }
        }
    } else {
        if (legal::describe(std::get<legal::PersonnummerError>(parsed)).empty()) std::abort();
    }

    const std::string masked = legal::mask_personnummer(text);
    if (masked.size() != text.size()) std::abort();
    for (std::size_t i = 0; i < masked.size(); ++i) {
        const char c = masked[i];
        if (c >= '0' && c <= '9') std::abort();
        if ((text[i] == '-' || text[i] == '+') != (c == '-' || c == '+')) std::abort();
    }

    if (const auto d = legal::parse_date(text)) {
        if (legal::to_string(*d) != text) std::abort();
    }
    return 0;
}
