// Calendar dates for the legal engine (proleptic Gregorian, no time zone: the check takes
// the day of disclosure from its input, never from a clock).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lagrum::core::legal {

struct Date {
    int year = 0;  // 1..9999
    int month = 0;
    int day = 0;

    friend constexpr auto operator<=>(const Date&, const Date&) = default;
    friend constexpr bool operator==(const Date&, const Date&) = default;
};

constexpr bool is_leap_year(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

constexpr int days_in_month(int y, int m) {
    constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    return (m == 2 && is_leap_year(y)) ? 29 : kDays[m - 1];
}

constexpr bool is_valid_date(int y, int m, int d) {
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

// Exactly "YYYY-MM-DD", zero-padded, a real calendar day; anything else is nullopt.
std::optional<Date> parse_date(std::string_view text);

std::string to_string(const Date& d);

// Completed years on `on` for someone born on `birth` (birth <= on). The birthday itself
// counts as completed. Born 29 February: birthday on 28 February in non-leap years
// (provisions.md §1, product policy).
int age_on(const Date& birth, const Date& on);

}  // namespace lagrum::core::legal
