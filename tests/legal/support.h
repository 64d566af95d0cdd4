// Helpers for the legal tests: the catalog from the source tree, check inputs as JSON,
// and running the lagrum binary as a separate process.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/check_input.h"

namespace lagrum::legal_test {

namespace legal = lagrum::core::legal;
using nlohmann::json;

// The catalog in client/provisions, loaded once (fails the test with the load error).
const legal::Catalog& catalog();

// A minimal valid input: social services → one police recipient "anna", subject born
// 2009-05-14, date 2026-03-02, the given provision and facts.
json input(const std::string& provision, json facts = json::object());

// Parses and checks `in`; a parse error fails the calling test.
legal::Verdict run(const json& in);

// The error code for an input expected to be rejected ("" if it was accepted).
std::string error_code(const json& in);
std::string error_code_text(const std::string& text);

bool has_reason(const std::vector<legal::Reason>& rs, legal::ReasonCode c,
                const std::string& fact = "");
bool has_warning(const legal::Verdict& v, legal::WarningCode c);
std::string verdict_of(const legal::Verdict& v);
std::string recipient_verdict(const legal::Verdict& v, const std::string& id);

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the lagrum binary with `args`, feeding `stdin_text` on standard input.
ProcessResult run_cli(const std::vector<std::string>& args, const std::string& stdin_text = "");

}  // namespace lagrum::legal_test
