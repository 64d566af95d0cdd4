// Fuzz target: the provision catalog loader (legal/catalog.h): textproto parsing of
// client/provisions/*.textpb, merging and validation. The catalog ships with the client,
// but an administrator may drop in a changed file: the loader must reject, not crash.
// Input: the first byte picks what the rest is: '0'..'3' replace that shipped file
// (00-vocabulary, 10-osl-10, 11-osl-26, 20-duties, in name order); anything else: the
// whole input is added as a fifth file. Properties: load_catalog_from_texts returns a Catalog
// or a CatalogError naming a file, never throws or crashes; a loaded catalog is usable
// (every provision is found again by its id and checks a minimal draft without throwing).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "embedded_catalog.h"
#include "lagrum/core/error.h"
#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/check_input.h"

namespace legal = lagrum::core::legal;

namespace {

using Files = std::vector<std::pair<std::string, std::string>>;

// The shipped files as compiled into this binary (embedded_catalog.h).
const Files& shipped() {
    static const Files files = [] {
        const Files& out = lagrum::fuzz::embedded_catalog_files();
        if (out.size() != 4) {
            std::fprintf(stderr, "catalog_fuzz: expected 4 shipped catalog files\n");
            std::abort();
        }
        return out;
    }();
    return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    Files files = shipped();
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (data[0] >= '0' && static_cast<std::size_t>(data[0] - '0') < files.size()) {
        files[data[0] - '0'].second = text.substr(1);
    } else {
        files.emplace_back("50-fuzz.textpb", text);
    }
    std::variant<legal::Catalog, legal::CatalogError> loaded;
    try {
        loaded = legal::load_catalog_from_texts(files);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "load_catalog_from_texts threw: %s\n", e.what());
        std::abort();
    }
    if (const auto* e = std::get_if<legal::CatalogError>(&loaded)) {
        if (e->message.empty()) std::abort();
        return 0;
    }
    const auto& cat = std::get<legal::Catalog>(loaded);
    // A catalog that loads is one the check can use: a parsed draft under each of its
    // provisions (at most eight, to stay fast) is checked without throwing.
    std::size_t n = 0;
    for (const auto& p : cat.provisions) {
        if (cat.find_provision(p.id) == nullptr) std::abort();
        if (n++ >= 8) continue;
        const std::string input =
            R"({"format":"lagrum-check/1","date":"2026-03-02","sender":{"authority":"social_services"},)"
            R"("recipients":[{"id":"a","authority":"police"},{"id":"b","authority":"school"}],)"
            R"("subject":{"presumed_age":15},"provision":")" +
            p.id + R"(","facts":{}})";
        auto parsed = legal::parse_check_input(input, cat);
        if (const auto* draft = std::get_if<legal::Draft>(&parsed)) {
            try {
                (void)legal::check(*draft, cat);
            } catch (const lagrum::core::Error& e) {
                std::fprintf(stderr, "check() on a loaded catalog threw: %s\n", e.what());
                std::abort();
            }
        }
    }
    return 0;
}
