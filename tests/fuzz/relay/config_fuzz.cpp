// Fuzz target: the relay's configuration parser (relay/src/config.cpp: TOML through
// toml++, the [[trust]] tables and text-format trust files). Properties, for any input:
// parse_config returns a RelayConfig or an error message starting "config", never throws
// or crashes; an accepted config keeps the bounds the relay relies on (each pinned root
// with an id and a 32-byte key, positive rates).
// Trust files resolve against a folder this target fills once with one valid and one
// broken anchor, so the file paths are exercised too. Inputs naming device or proc
// files are skipped: reading /dev/zero is not a parser bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

#include "lagrum/relay/config.h"

namespace {

const std::string& base_dir() {
    // Never destroyed: the exit handler below still reads it.
    static const std::string& dir = *[] {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "lagrum-config-fuzz-XXXXXX").string();
        if (mkdtemp(tmpl.data()) == nullptr) std::abort();
        std::ofstream(tmpl + "/good.txtpb")
            << "organisation_id: \"se.boras.soc\"\nroot_public_key: \"" << std::string(32, 'A')
            << "\"\nauthority_type: AUTHORITY_TYPE_SOCIAL_SERVICES\n";
        std::ofstream(tmpl + "/bad.txtpb") << "organisation_id: \nroot_public_key: 7\n";
        std::ofstream(tmpl + "/empty.txtpb");
        // Removed at exit; a crashed run leaves one small folder in the temp directory.
        std::atexit([] { std::filesystem::remove_all(base_dir()); });
        return new std::string(tmpl);
    }();
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (text.find("/dev") != std::string::npos || text.find("/proc") != std::string::npos ||
        text.find("/sys") != std::string::npos) {
        return 0;
    }
    lagrum::relay::ConfigResult<lagrum::relay::RelayConfig> parsed =
        lagrum::relay::ConfigError{lagrum::relay::ConfigErrc::invalid, "config: not parsed"};
    try {
        parsed = lagrum::relay::parse_config(text, base_dir());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "parse_config threw: %s\n", e.what());
        std::abort();
    }
    if (!parsed.ok()) {
        const auto& err = parsed.error().message;
        if (err.rfind("config", 0) != 0) {
            std::fprintf(stderr, "error without the config prefix: %s\n", err.c_str());
            std::abort();
        }
        return 0;
    }
    const auto& c = parsed.value();
    for (const auto& r : c.trust) {
        if (r.organisation_id().empty() || r.root_public_key().size() != 32) std::abort();
    }
    if (!(c.rate_per_second > 0) || !(c.rate_burst > 0)) std::abort();
    return 0;
}
