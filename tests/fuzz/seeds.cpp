// Cuts seed inputs for the fuzz targets out of the shared MLS test vectors, and the
// check inputs of the shared legal examples; writes cert_fuzz's and control_fuzz's seeds
// (pki/cert_fixture.h, client/control_seeds.h).
//
// Every hex string field of the MLS vector files becomes a seed file under
// OUTDIR/<field name>/<file>-<n>.bin (at most kPerField per field and file, so the
// replay driver stays fast). Fuzz targets pick the fields they parse.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "client/control_seeds.h"
#include "lagrum/test/shared.h"
#include "pki/cert_fixture.h"

namespace {

constexpr int kPerField = 12;

bool is_hex(const std::string& s) {
    if (s.size() < 2 || s.size() % 2 != 0) return false;
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

struct Cutter {
    std::filesystem::path out;
    std::string file;
    std::map<std::string, int> counts;
    long written = 0;

    void walk(const nlohmann::json& j, const std::string& key) {
        if (j.is_object()) {
            for (const auto& [k, v] : j.items()) walk(v, k);
        } else if (j.is_array()) {
            for (const auto& v : j) walk(v, key);
        } else if (j.is_string() && !key.empty() && is_hex(j.get<std::string>())) {
            int& n = counts[key];
            if (n >= kPerField) return;
            const auto bytes = lagrum::test::from_hex(j.get<std::string>());
            const auto dir = out / key;
            std::filesystem::create_directories(dir);
            std::ofstream f(dir / (file + "-" + std::to_string(n++) + ".bin"), std::ios::binary);
            f.write(reinterpret_cast<const char*>(bytes.data()),
                    static_cast<std::streamsize>(bytes.size()));
            ++written;
        }
    }
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: fuzz_seeds OUTDIR\n");
        return 2;
    }
    try {
        Cutter cut{argv[1], {}, {}, 0};
        const auto dir = lagrum::test::shared_dir() / "test-vectors" / "mls";
        if (!std::filesystem::is_directory(dir)) {
            std::fprintf(stderr, "fuzz_seeds: MLS test vectors missing: %s\n", dir.c_str());
            return 1;
        }
        for (const auto& e : std::filesystem::directory_iterator(dir)) {
            if (e.path().extension() != ".json") continue;
            cut.file = e.path().stem().string();
            cut.counts.clear();
            const auto rel = std::filesystem::path("test-vectors/mls") / e.path().filename();
            cut.walk(lagrum::test::load_shared_json(rel), "");
        }
        // Each legal example's "input" object is a `lagrum check --json` input:
        // OUTDIR/check_input/<example>.json (check_input_fuzz).
        const auto legal = lagrum::test::shared_dir() / "legal" / "examples";
        if (std::filesystem::is_directory(legal)) {
            std::filesystem::create_directories(std::filesystem::path(argv[1]) / "check_input");
            for (const auto& e : std::filesystem::directory_iterator(legal)) {
                if (e.path().extension() != ".json") continue;
                const auto rel = std::filesystem::path("legal/examples") / e.path().filename();
                const auto ex = lagrum::test::load_shared_json(rel);
                if (!ex.contains("input")) continue;
                std::ofstream f(std::filesystem::path(argv[1]) / "check_input" /
                                e.path().filename());
                f << ex["input"].dump(1);
                ++cut.written;
            }
        }
        // cert_fuzz: built here (signed by the fixture's roots), not read from anywhere.
        const auto cert_dir = std::filesystem::path(argv[1]) / "cert";
        std::filesystem::create_directories(cert_dir);
        for (const auto& [name, bytes] : lagrum::cert_fuzz::seeds()) {
            std::ofstream(cert_dir / (name + ".bin"), std::ios::binary) << bytes;
            ++cut.written;
        }
        // control_fuzz: Contents built here (client/control_seeds.h).
        const auto control_dir = std::filesystem::path(argv[1]) / "control";
        std::filesystem::create_directories(control_dir);
        for (const auto& [name, bytes] : lagrum::control_seeds::seeds()) {
            std::ofstream(control_dir / (name + ".bin"), std::ios::binary) << bytes;
            ++cut.written;
        }
        std::printf("fuzz_seeds: wrote %ld seed files to %s\n", cut.written, argv[1]);
        return cut.written > 0 ? 0 : 1;
    } catch (const std::exception& ex) {
        std::fprintf(stderr, "fuzz_seeds: %s\n", ex.what());
        return 1;
    }
}
