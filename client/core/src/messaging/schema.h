#pragma once

#include "lagrum/core/store/database.h"

namespace lagrum::core::messaging {

const store::Migrations& profile_migrations();

}  // namespace lagrum::core::messaging
