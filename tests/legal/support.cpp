#include "support.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace lagrum::legal_test {

const legal::Catalog& catalog() {
    static const legal::Catalog cat = [] {
        auto r = legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        if (auto* e = std::get_if<legal::CatalogError>(&r)) {
            throw std::runtime_error("catalog does not load: " + e->to_string());
        }
        return std::get<legal::Catalog>(std::move(r));
    }();
    return cat;
}

json input(const std::string& provision, json facts) {
    return json{{"date", "2026-03-02"},
                {"sender", {{"authority", "social_services"}}},
                {"recipients", json::array({{{"id", "anna"}, {"authority", "police"}}})},
                {"subject", {{"birth_date", "2009-05-14"}}},
                {"provision", provision},
                {"facts", std::move(facts)}};
}

legal::Verdict run(const json& in) {
    auto r = legal::parse_check_input(in.dump(), catalog());
    if (auto* e = std::get_if<legal::InputError>(&r)) {
        ADD_FAILURE() << "input rejected: " << e->code << " at " << e->path << ": " << e->message
                      << "\n"
                      << in.dump();
        return {};
    }
    return legal::check(std::get<legal::Draft>(r), catalog());
}

std::string error_code_text(const std::string& text) {
    auto r = legal::parse_check_input(text, catalog());
    if (auto* e = std::get_if<legal::InputError>(&r)) return e->code;
    return "";
}

std::string error_code(const json& in) {
    return error_code_text(in.dump());
}

bool has_reason(const std::vector<legal::Reason>& rs, legal::ReasonCode c,
                const std::string& fact) {
    for (const auto& r : rs) {
        if (r.code == c && (fact.empty() || r.fact == fact)) return true;
    }
    return false;
}

bool has_warning(const legal::Verdict& v, legal::WarningCode c) {
    for (const auto& w : v.warnings) {
        if (w.code == c) return true;
    }
    return false;
}

std::string verdict_of(const legal::Verdict& v) {
    return std::string(legal::to_string(v.verdict));
}

std::string recipient_verdict(const legal::Verdict& v, const std::string& id) {
    for (const auto& r : v.recipients) {
        if (r.id == id) return std::string(legal::to_string(r.verdict));
    }
    return "?";
}

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

ProcessResult run_cli(const std::vector<std::string>& args, const std::string& stdin_text) {
    // stdin, stdout and stderr go through temporary files: no pipe deadlocks, no threads.
    char dir_template[] = "/tmp/lagrum-legal-XXXXXX";
    const char* dir = mkdtemp(dir_template);
    if (dir == nullptr) throw std::runtime_error("mkdtemp failed");
    const std::filesystem::path base(dir);
    const auto in_path = base / "stdin";
    const auto out_path = base / "stdout";
    const auto err_path = base / "stderr";
    {
        std::ofstream in(in_path, std::ios::binary);
        in << stdin_text;
    }
    std::vector<std::string> argv_store;
    argv_store.emplace_back(LAGRUM_CLI_PATH);
    argv_store.insert(argv_store.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_store) argv.push_back(a.data());
    argv.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int in_fd = open(in_path.c_str(), O_RDONLY);
        const int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in_fd < 0 || out_fd < 0 || err_fd < 0) _exit(126);
        dup2(in_fd, 0);
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) throw std::runtime_error("waitpid failed");
    ProcessResult r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    std::error_code ec;
    std::filesystem::remove_all(base, ec);
    return r;
}

}  // namespace lagrum::legal_test
