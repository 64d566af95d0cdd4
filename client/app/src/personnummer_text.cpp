#include "personnummer_text.h"

namespace lagrum::app {

QString PersonnummerText::error(core::legal::PersonnummerError e) {
    using core::legal::PersonnummerError;
    switch (e) {
        case PersonnummerError::syntax:
            return tr("Write 12 digits (YYYYMMDD-NNNN) or 10 digits (YYMMDD-NNNN).");
        case PersonnummerError::bad_date:
            return tr("That date does not exist.");
        case PersonnummerError::luhn:
            return tr("The check digit does not match: check the number.");
        case PersonnummerError::future_birth:
            return tr("The birth date is in the future.");
    }
    return tr("Write 12 digits (YYYYMMDD-NNNN) or 10 digits (YYMMDD-NNNN).");
}

}  // namespace lagrum::app
