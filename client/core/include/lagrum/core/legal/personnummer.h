// Swedish personnummer and samordningsnummer (check-format.md §3).
//
// The number itself is personal data: it is never logged, never put into an error message
// and never echoed in a verdict. Only the resolved birth date and the kind survive parsing.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "lagrum/core/legal/date.h"
#include "lagrum/result.h"

namespace lagrum::core::legal {

enum class PersonnummerError {
    syntax,        // wrong length, characters or separator
    bad_date,      // month/day do not exist (after the samordningsnummer adjustment)
    luhn,          // check digit mismatch
    future_birth,  // resolved birth date after the reference date
};

struct Personnummer {
    Date birth_date;
    bool samordningsnummer = false;  // day field was 61–91 (birth day + 60)
};

// Parses `text` with `reference` as the date the number is used on (it resolves the century
// of 10-digit forms: '-' or no separator ⇒ within the last 99 years, '+' ⇒ 100–199 years).
// The project-wide lagrum::Result ([[nodiscard]]); a std::variant underneath, so
// std::get_if callers compile unchanged.
using PersonnummerResult = lagrum::Result<Personnummer, PersonnummerError>;
PersonnummerResult parse_personnummer(std::string_view text, const Date& reference);

// English description of an error (never contains the number).
std::string_view describe(PersonnummerError e);

// A masked form safe for logs: digits replaced by '*', separators kept ("********-****").
std::string mask_personnummer(std::string_view text);

// Luhn check digit over nine digits (weights 2,1,2,...). Exposed for tests.
int luhn_check_digit(std::string_view nine_digits);

}  // namespace lagrum::core::legal
