#include "lagrum/core/legal/date.h"

#include <cstdio>

namespace lagrum::core::legal {

namespace {

bool digits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const auto y = text.substr(0, 4);
    const auto m = text.substr(5, 2);
    const auto d = text.substr(8, 2);
    if (!digits(y) || !digits(m) || !digits(d)) return std::nullopt;
    Date out{to_int(y), to_int(m), to_int(d)};
    if (!is_valid_date(out.year, out.month, out.day)) return std::nullopt;
    return out;
}

std::string to_string(const Date& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

int age_on(const Date& birth, const Date& on) {
    int years = on.year - birth.year;
    int bm = birth.month;
    int bd = birth.day;
    if (bm == 2 && bd == 29 && !is_leap_year(on.year)) bd = 28;
    if (on.month < bm || (on.month == bm && on.day < bd)) --years;
    return years < 0 ? 0 : years;
}

}  // namespace lagrum::core::legal
