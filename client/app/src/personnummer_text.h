// The user's message for a personnummer the core's parser refused (legal::PersonnummerError),
// shared by the compose wizard and the handover wizard so both say the same thing in the UI
// language. The message never contains the number itself.
#pragma once

#include <QCoreApplication>
#include <QString>

#include "lagrum/core/legal/personnummer.h"

namespace lagrum::app {

class PersonnummerText {
    Q_DECLARE_TR_FUNCTIONS(PersonnummerText)

  public:
    static QString error(core::legal::PersonnummerError e);
};

}  // namespace lagrum::app
