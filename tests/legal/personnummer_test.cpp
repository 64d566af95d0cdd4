// Personnummer / samordningsnummer parsing and age on a date (check-format.md §3).
#include "lagrum/core/legal/personnummer.h"

#include <gtest/gtest.h>

#include "lagrum/core/legal/date.h"

namespace legal = lagrum::core::legal;
using legal::Date;
using legal::Personnummer;
using legal::PersonnummerError;

namespace {

const Date kRef{2026, 3, 2};

Personnummer ok(std::string_view pn, Date ref = kRef) {
    auto r = legal::parse_personnummer(pn, ref);
    if (auto* e = std::get_if<PersonnummerError>(&r)) {
        ADD_FAILURE() << "rejected (" << legal::describe(*e)
                      << "): " << legal::mask_personnummer(pn);
        return {};
    }
    return std::get<Personnummer>(r);
}

PersonnummerError bad(std::string_view pn, Date ref = kRef) {
    auto r = legal::parse_personnummer(pn, ref);
    if (std::holds_alternative<Personnummer>(r)) {
        ADD_FAILURE() << "accepted: " << pn;
        return PersonnummerError::syntax;
    }
    return std::get<PersonnummerError>(r);
}

}  // namespace

TEST(Personnummer, TwelveDigitFormsFromTheSpec) {
    EXPECT_EQ(ok("200801012386").birth_date, (Date{2008, 1, 1}));
    EXPECT_EQ(ok("20080101-2386").birth_date, (Date{2008, 1, 1}));
    EXPECT_FALSE(ok("200801012386").samordningsnummer);
    EXPECT_EQ(bad("200801012384"), PersonnummerError::luhn);
}

TEST(Personnummer, TenDigitFormsResolveTheCentury) {
    EXPECT_EQ(ok("0801012386").birth_date, (Date{2008, 1, 1}));
    EXPECT_EQ(ok("080101-2386").birth_date, (Date{2008, 1, 1}));
    EXPECT_EQ(ok("811218-9876").birth_date, (Date{1981, 12, 18}));
    EXPECT_EQ(ok("8112189876").birth_date, (Date{1981, 12, 18}));
    // '-': within [R-99, R]. 26 in 2026 is this year; 27 is 1927.
    EXPECT_EQ(ok("260302-1235").birth_date, (Date{2026, 3, 2}));
    EXPECT_EQ(ok("250101-1239").birth_date, (Date{2025, 1, 1}));
    EXPECT_EQ(ok("121212-1212").birth_date, (Date{2012, 12, 12}));
    EXPECT_EQ(ok("121212-1212", Date{2012, 12, 12}).birth_date, (Date{2012, 12, 12}));
    // The year is never moved back a century to avoid a future date: that is an error.
    EXPECT_EQ(bad("121212-1212", Date{2012, 12, 11}), PersonnummerError::future_birth);
    EXPECT_EQ(ok("121212-1212", Date{2111, 12, 12}).birth_date.year, 2012);
    EXPECT_EQ(ok("121212-1212", Date{2112, 12, 12}).birth_date.year, 2112);
}

TEST(Personnummer, PlusMeansHundredOrOlder) {
    EXPECT_EQ(ok("121212+1212").birth_date, (Date{1912, 12, 12}));
    EXPECT_EQ(ok("811218+9876").birth_date, (Date{1881, 12, 18}));
    // '+' from the calendar year the person turns 100: in.
    EXPECT_EQ(ok("260302+1235").birth_date, (Date{1926, 3, 2}));
    EXPECT_EQ(ok("260303+1234").birth_date, (Date{1926, 3, 3}));
    // '+' is not allowed in the 12-digit form.
    EXPECT_EQ(bad("20080101+2386"), PersonnummerError::syntax);
}

TEST(Personnummer, Samordningsnummer) {
    const auto s = ok("061261-1236");  // day 61 => 1
    EXPECT_TRUE(s.samordningsnummer);
    EXPECT_EQ(s.birth_date, (Date{2006, 12, 1}));
    const auto l = ok("0801612383");
    EXPECT_TRUE(l.samordningsnummer);
    EXPECT_EQ(l.birth_date, (Date{2008, 1, 1}));
    EXPECT_TRUE(ok("200801612383").samordningsnummer);
    // Day 60 and 92 do not exist in either form; Luhn runs over the +60 day as written.
    EXPECT_EQ(bad("080160-1239"), PersonnummerError::bad_date);
    EXPECT_EQ(bad("080192-1239"), PersonnummerError::bad_date);
    EXPECT_EQ(bad("080161-2386"), PersonnummerError::luhn);
    // 31 + 60 = 91 exists in January, 30 February (+60 = 90) does not.
    EXPECT_EQ(bad("080290-1230"), PersonnummerError::bad_date);
}

TEST(Personnummer, CalendarChecks) {
    EXPECT_EQ(bad("080100-1230"), PersonnummerError::bad_date);  // day 00
    EXPECT_EQ(bad("081301-1230"), PersonnummerError::bad_date);  // month 13
    EXPECT_EQ(bad("080001-1230"), PersonnummerError::bad_date);  // month 00
    EXPECT_EQ(bad("080230-1230"), PersonnummerError::bad_date);  // 30 February
    EXPECT_EQ(bad("080431-1230"), PersonnummerError::bad_date);  // 31 April
}

TEST(Personnummer, LeapDays) {
    EXPECT_EQ(ok("040229-1231").birth_date, (Date{2004, 2, 29}));
    EXPECT_EQ(ok("000229-1235").birth_date, (Date{2000, 2, 29}));  // 2000 is a leap year
    EXPECT_EQ(bad("050229-1230"), PersonnummerError::bad_date);    // 2005 is not
    // 1900 is not a leap year: 000229 with '+' in 2026 resolves to 1900.
    EXPECT_EQ(bad("000229+1235"), PersonnummerError::bad_date);
}

TEST(Personnummer, SyntaxErrors) {
    for (const char* s :
         {"", "0801012386 ", " 0801012386", "080101 2386", "080101/2386", "08010-12386",
          "2008010123860", "08010123", "0801o12386", "200801-012386", "080101--2386", "080101-238",
          "+0801012386", "20080101-238", "0801012386\n"}) {
        EXPECT_EQ(bad(s), PersonnummerError::syntax) << '"' << s << '"';
    }
}

TEST(Personnummer, LuhnCheckDigit) {
    EXPECT_EQ(legal::luhn_check_digit("811218987"), 6);
    EXPECT_EQ(legal::luhn_check_digit("080101238"), 6);
    EXPECT_EQ(legal::luhn_check_digit("121212121"), 2);
    for (char c = '0'; c <= '9'; ++c) {
        std::string pn = "811218-987";
        pn += c;
        if (c == '6') {
            ok(pn);
        } else {
            EXPECT_EQ(bad(pn), PersonnummerError::luhn);
        }
    }
}

TEST(Personnummer, FutureBirthDate) {
    EXPECT_EQ(bad("260303-1234"), PersonnummerError::future_birth);  // tomorrow, '-' => 2026
    EXPECT_EQ(bad("202603031234"), PersonnummerError::future_birth);
    ok("202603021235");  // born on the date itself
}

TEST(Personnummer, MaskNeverShowsDigits) {
    EXPECT_EQ(legal::mask_personnummer("811218-9876"), "******-****");
    EXPECT_EQ(legal::mask_personnummer("121212+1212"), "******+****");
    for (auto e : {PersonnummerError::syntax, PersonnummerError::bad_date, PersonnummerError::luhn,
                   PersonnummerError::future_birth}) {
        const auto text = std::string(legal::describe(e));
        EXPECT_EQ(text.find_first_of("0123456789"), std::string::npos) << text;
    }
}

TEST(Age, BirthdayItselfCounts) {
    EXPECT_EQ(legal::age_on(Date{2005, 3, 2}, Date{2026, 3, 2}), 21);
    EXPECT_EQ(legal::age_on(Date{2005, 3, 2}, Date{2026, 3, 1}), 20);
    EXPECT_EQ(legal::age_on(Date{2008, 3, 2}, Date{2026, 3, 2}), 18);
    EXPECT_EQ(legal::age_on(Date{2008, 3, 3}, Date{2026, 3, 2}), 17);
    EXPECT_EQ(legal::age_on(Date{2008, 12, 31}, Date{2026, 1, 1}), 17);
    EXPECT_EQ(legal::age_on(Date{2026, 3, 2}, Date{2026, 3, 2}), 0);
}

TEST(Age, LeapDayBirthsHaveTheirBirthdayOn28FebruaryInCommonYears) {
    const Date born{2008, 2, 29};
    EXPECT_EQ(legal::age_on(born, Date{2026, 2, 27}), 17);
    EXPECT_EQ(legal::age_on(born, Date{2026, 2, 28}), 18);
    EXPECT_EQ(legal::age_on(born, Date{2026, 3, 1}), 18);
    // In a leap year the birthday is 29 February.
    EXPECT_EQ(legal::age_on(born, Date{2028, 2, 28}), 19);
    EXPECT_EQ(legal::age_on(born, Date{2028, 2, 29}), 20);
    const Date born2004{2004, 2, 29};
    EXPECT_EQ(legal::age_on(born2004, Date{2025, 2, 27}), 20);
    EXPECT_EQ(legal::age_on(born2004, Date{2025, 2, 28}), 21);
}

TEST(Dates, StrictFormat) {
    EXPECT_TRUE(legal::parse_date("2024-02-29"));
    EXPECT_FALSE(legal::parse_date("2026-02-29"));
    EXPECT_FALSE(legal::parse_date("2026-02-30"));
    EXPECT_FALSE(legal::parse_date("1900-02-29"));
    EXPECT_TRUE(legal::parse_date("2000-02-29"));
    for (const char* s :
         {"2026-3-02", "2026-03-2", "20260302", "2026/03/02", "2026-03-02 ", "0000-01-01",
          "2026-13-01", "2026-00-10", "2026-01-00", "+026-03-02", ""}) {
        EXPECT_FALSE(legal::parse_date(s)) << s;
    }
    EXPECT_EQ(legal::to_string(Date{2026, 3, 2}), "2026-03-02");
}
