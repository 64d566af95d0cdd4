// Fuzz target: the `lagrum check --json` input parser (legal/check_input.h) and the check
// it feeds. The same parser reads a received message's recorded check (the receiver
// rebuilds the input from the Content and re-runs it), so this is outside input.
// Properties, for any input:
//   * parse_check_input returns a Draft or an InputError with a code and a one-line
//     error_json, never throws or crashes;
//   * every Draft it returns is one check() accepts (the parser establishes the check's
//     invariants: check never throws for it), and the verdict serializes to one line of
//     valid JSON whose "verdict" is allowed / blocked / incomplete;
//   * a blocked or incomplete verdict carries no marking; an allowed one names the
//     provision it was checked against.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "embedded_catalog.h"
#include "lagrum/core/error.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/check_input.h"
#include "lagrum/core/legal/verdict_json.h"

namespace legal = lagrum::core::legal;

namespace {

const legal::Catalog& catalog() {
    static const legal::Catalog c = [] {
        auto r = legal::load_catalog_from_texts(lagrum::fuzz::embedded_catalog_files());
        if (auto* e = std::get_if<legal::CatalogError>(&r)) {
            std::fprintf(stderr, "check_input_fuzz: catalog: %s\n", e->to_string().c_str());
            std::abort();
        }
        return std::get<legal::Catalog>(std::move(r));
    }();
    return c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto& cat = catalog();
    auto parsed = legal::parse_check_input(text, cat);
    if (const auto* e = std::get_if<legal::InputError>(&parsed)) {
        if (e->code.empty() || e->message.empty()) std::abort();
        const std::string line = legal::error_json(*e);
        if (line.find('\n') != std::string::npos) std::abort();
        if (nlohmann::json::parse(line, nullptr, false).is_discarded()) std::abort();
        return 0;
    }
    const auto& draft = std::get<legal::Draft>(parsed);
    legal::Verdict v;
    try {
        v = legal::check(draft, cat);
    } catch (const lagrum::core::Error& e) {
        std::fprintf(stderr, "check() rejected a parsed draft: %s\n", e.what());
        std::abort();
    }
    const std::string out = legal::verdict_to_json(v, cat);
    if (out.find('\n') != std::string::npos) std::abort();
    const auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("verdict")) std::abort();
    const auto kind = j["verdict"].get<std::string>();
    if (kind != "allowed" && kind != "blocked" && kind != "incomplete") std::abort();
    if (v.verdict != legal::VerdictKind::allowed && v.marking) std::abort();
    if (v.verdict == legal::VerdictKind::allowed && v.provision.empty()) std::abort();
    return 0;
}
