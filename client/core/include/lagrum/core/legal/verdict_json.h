// The `lagrum-verdict/1` output object (check-format.md §8): keys in the specified order,
// compact, byte-identical for the same verdict. Every reason and warning carries sv and en.
#pragma once

#include <string>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"

namespace lagrum::core::legal {

// Swedish and English text of a reason (with its fact, if any) or a warning.
Text reason_text(const Reason& r);
Text warning_text(const Warning& w, const Catalog& catalog);

// One line of JSON, without the trailing newline.
std::string verdict_to_json(const Verdict& v, const Catalog& catalog);

}  // namespace lagrum::core::legal
