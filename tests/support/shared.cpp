#include "lagrum/test/shared.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lagrum::test {

std::filesystem::path shared_dir() {
    if (const char* env = std::getenv("LAGRUM_SHARED"); env != nullptr && *env != '\0') {
        return std::filesystem::path(env);
    }
    return std::filesystem::path(LAGRUM_SHARED_DEFAULT);
}

std::string read_shared_text(const std::filesystem::path& relative) {
    const auto path = shared_dir() / relative;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("shared test data missing: " + path.string() +
                                 " (set LAGRUM_SHARED to the shared/ folder)");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in.good() && !in.eof()) throw std::runtime_error("cannot read " + path.string());
    return ss.str();
}

nlohmann::json load_shared_json(const std::filesystem::path& relative) {
    const std::string text = read_shared_text(relative);
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error("invalid JSON in " + (shared_dir() / relative).string() + ": " +
                                 e.what());
    }
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::vector<std::uint8_t> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) throw std::invalid_argument("odd-length hex string");
    std::vector<std::uint8_t> out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_value(hex[2 * i]);
        const int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) throw std::invalid_argument("non-hex digit in test vector");
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t len) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(len * 2, '0');
    for (std::size_t i = 0; i < len; ++i) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0xf];
    }
    return out;
}

}  // namespace lagrum::test
