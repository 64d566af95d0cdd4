#include "lagrum/core/legal/personnummer.h"

namespace lagrum::core::legal {

namespace {

bool all_digits(std::string_view s) {
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return !s.empty();
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

int luhn_check_digit(std::string_view nine_digits) {
    int sum = 0;
    for (std::size_t i = 0; i < nine_digits.size(); ++i) {
        int p = (nine_digits[i] - '0') * (i % 2 == 0 ? 2 : 1);
        sum += p / 10 + p % 10;
    }
    return (10 - sum % 10) % 10;
}

PersonnummerResult parse_personnummer(std::string_view text, const Date& reference) {
    // Split into the date part, the separator and the four last digits.
    std::string_view date_part;
    std::string_view tail;
    char sep = '-';
    bool long_form = false;
    switch (text.size()) {
        case 10:  // YYMMDDNNNC
            date_part = text.substr(0, 6);
            tail = text.substr(6);
            break;
        case 11:  // YYMMDD-NNNC / YYMMDD+NNNC
            if (text[6] != '-' && text[6] != '+') return PersonnummerError::syntax;
            sep = text[6];
            date_part = text.substr(0, 6);
            tail = text.substr(7);
            break;
        case 12:  // YYYYMMDDNNNC
            long_form = true;
            date_part = text.substr(0, 8);
            tail = text.substr(8);
            break;
        case 13:  // YYYYMMDD-NNNC ('+' not allowed in the 12-digit form)
            if (text[8] != '-') return PersonnummerError::syntax;
            long_form = true;
            date_part = text.substr(0, 8);
            tail = text.substr(9);
            break;
        default:
            return PersonnummerError::syntax;
    }
    if (!all_digits(date_part) || !all_digits(tail) || tail.size() != 4) {
        return PersonnummerError::syntax;
    }

    int year = 0;
    std::string_view yymmdd;
    if (long_form) {
        year = to_int(date_part.substr(0, 4));
        yymmdd = date_part.substr(2, 6);
    } else {
        const int yy = to_int(date_part.substr(0, 2));
        const int r = reference.year;
        // The year Y in [R-99, R] with Y mod 100 == yy; '+' moves it back a century.
        year = r - (((r % 100) - yy) % 100 + 100) % 100;
        if (sep == '+') year -= 100;
        yymmdd = date_part;
    }
    const int month = to_int(yymmdd.substr(2, 2));
    int day = to_int(yymmdd.substr(4, 2));
    bool samordning = false;
    if (day >= 61 && day <= 91) {
        samordning = true;
        day -= 60;
    }
    if (!is_valid_date(year, month, day)) return PersonnummerError::bad_date;

    char nine[9];
    for (int i = 0; i < 6; ++i) nine[i] = yymmdd[static_cast<std::size_t>(i)];
    for (int i = 0; i < 3; ++i) nine[6 + i] = tail[static_cast<std::size_t>(i)];
    if (luhn_check_digit(std::string_view(nine, 9)) != tail[3] - '0') {
        return PersonnummerError::luhn;
    }
    const Date birth{year, month, day};
    if (reference < birth) return PersonnummerError::future_birth;
    return Personnummer{birth, samordning};
}

std::string_view describe(PersonnummerError e) {
    switch (e) {
        case PersonnummerError::syntax:
            return "personnummer must be YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDDNNNC or "
                   "YYYYMMDD-NNNC";
        case PersonnummerError::bad_date:
            return "personnummer contains a date that does not exist";
        case PersonnummerError::luhn:
            return "personnummer check digit is wrong";
        case PersonnummerError::future_birth:
            return "personnummer gives a birth date after the date of disclosure";
    }
    return "invalid personnummer";
}

std::string mask_personnummer(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c != '-' && c != '+') c = '*';
    }
    return out;
}

}  // namespace lagrum::core::legal
