#include "lagrum/relay/log.h"

#include <chrono>
#include <ctime>
#include <stdexcept>

namespace lagrum::relay {

Logger::Logger(const std::string& path) {
    if (path.empty()) {
        out_ = stderr;
    } else {
        out_ = std::fopen(path.c_str(), "a");
        if (!out_) throw std::runtime_error("cannot open log file " + path);
        owned_ = true;
    }
}

Logger::~Logger() {
    if (owned_) std::fclose(out_);
}

void Logger::log(const char* level, const char* event, nlohmann::json fields) {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto t = system_clock::to_time_t(now);
    const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char ts[96];
    std::snprintf(ts, sizeof ts, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(ms));
    nlohmann::json line = {{"ts", ts}, {"level", level}, {"event", event}};
    if (fields.is_object()) {
        for (auto& [k, v] : fields.items()) line[k] = v;
    }
    // Replace invalid UTF-8 rather than throw: log content must never take us down.
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::lock_guard lock(mu_);
    std::fwrite(text.data(), 1, text.size(), out_);
    std::fflush(out_);
}

}  // namespace lagrum::relay
