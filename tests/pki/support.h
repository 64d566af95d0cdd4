// Helpers for the PKI tests: scratch folders, keys, and running the lagrum binary.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lagrum/crypto/bytes.h"

namespace lagrum::pki_test {

// A fresh folder under /tmp, removed with everything in it on destruction.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  private:
    std::filesystem::path path_;
};

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& data);
std::string hex(crypto::ByteView bytes);

struct ProcessResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs the lagrum binary with `args` and `env` added to (or, with an empty value,
// removed from) the environment; stdin is empty and there is no terminal.
ProcessResult run_cli(const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {});

}  // namespace lagrum::pki_test
