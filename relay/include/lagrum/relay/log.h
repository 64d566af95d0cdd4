// Structured logs: one JSON object per line. Callers pass metadata only (method names,
// status codes, sizes, shortened device ids) — never payloads or certificate contents.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace lagrum::relay {

class Logger {
  public:
    // Empty path: stderr. Throws std::runtime_error if the file cannot be opened.
    explicit Logger(const std::string& path = {});
    ~Logger();
    Logger(const Logger&) = delete;
    Logger& operator=(const Logger&) = delete;

    void log(const char* level, const char* event,
             nlohmann::json fields = nlohmann::json::object());
    void info(const char* event, nlohmann::json fields = nlohmann::json::object()) {
        log("info", event, std::move(fields));
    }
    void warn(const char* event, nlohmann::json fields = nlohmann::json::object()) {
        log("warn", event, std::move(fields));
    }
    void error(const char* event, nlohmann::json fields = nlohmann::json::object()) {
        log("error", event, std::move(fields));
    }

  private:
    std::mutex mu_;
    std::FILE* out_ = nullptr;
    bool owned_ = false;
};

}  // namespace lagrum::relay
