// Locating the project's shared test data (../shared or $LAGRUM_SHARED).
//
// Test data is never copied into the repository. A test whose data is missing must
// fail loudly with the path it looked at, never skip silently.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace lagrum::test {

// $LAGRUM_SHARED if set, else the ../shared folder beside the source tree.
std::filesystem::path shared_dir();

// Reads shared_dir()/relative. Throws std::runtime_error naming the full path if the
// file is missing or unreadable (GoogleTest reports it as a failure).
std::string read_shared_text(const std::filesystem::path& relative);

// read_shared_text + JSON parse (throws with the path on parse errors).
nlohmann::json load_shared_json(const std::filesystem::path& relative);

// Lowercase/uppercase hex to bytes; throws std::invalid_argument on odd length or a
// non-hex digit. Test vectors are hex throughout.
std::vector<std::uint8_t> from_hex(std::string_view hex);
std::string to_hex(const std::uint8_t* data, std::size_t len);
inline std::string to_hex(const std::vector<std::uint8_t>& v) { return to_hex(v.data(), v.size()); }

}  // namespace lagrum::test
