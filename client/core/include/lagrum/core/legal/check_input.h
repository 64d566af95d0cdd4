// The `lagrum-check/1` input object (check-format.md §2–§5) → Draft, or the first input
// error with its code, JSON path and an English message. Error messages never contain the
// personnummer or birth date.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"

namespace lagrum::core::legal {

struct InputError {
    std::string code;  // one of check-format.md §2.9
    std::string path;  // "$.recipients[1].authority"; empty = null
    std::string message;
};

// Largest input accepted (bytes) and deepest JSON nesting; both far above any real draft.
inline constexpr std::size_t kMaxInputBytes = 1u << 20;
inline constexpr int kMaxJsonDepth = 32;

// The project-wide lagrum::Result ([[nodiscard]]); a std::variant<Draft, InputError>
// underneath, so std::get_if callers compile unchanged.
using CheckInputResult = lagrum::Result<Draft, InputError>;

CheckInputResult parse_check_input(std::string_view json_text, const Catalog& catalog);

// The one stderr line for an input error: {"error":…,"path":…|null,"message":…}.
std::string error_json(const InputError& e);

}  // namespace lagrum::core::legal
