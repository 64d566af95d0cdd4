#include "catalog_path.h"

#include <unistd.h>

#include <cstdlib>
#include <system_error>

namespace lagrum::app {

namespace fs = std::filesystem;

namespace {

fs::path executable_dir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

}  // namespace

fs::path catalog_dir() {
    if (const char* env = std::getenv("LAGRUM_CATALOG"); env != nullptr && *env != '\0') return env;
    const auto exe = executable_dir();
    if (!exe.empty()) {
        const auto installed = exe.parent_path() / "share" / "lagrum" / "provisions";
        std::error_code ec;
        if (fs::is_directory(installed, ec)) return installed;
    }
    return LAGRUM_CATALOG_BUILD_DIR;
}

fs::path profile_dir(const std::string& flag) {
    if (!flag.empty()) return flag;
    if (const char* env = std::getenv("LAGRUM_PROFILE"); env != nullptr && *env != '\0') return env;
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
        return fs::path(home) / ".local" / "share" / "lagrum" / "profile";
    }
    return {};
}

}  // namespace lagrum::app
