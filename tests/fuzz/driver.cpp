// Replay-and-mutate driver for fuzz targets in builds without libFuzzer.
//
// Usage: <target> [--mutants N] [--seconds S] DIR_OR_FILE...
// Runs LLVMFuzzerTestOneInput on every seed file, then on N deterministic mutants of
// each (bit flips, byte changes, truncation, duplication, insertion of length-like
// bytes). A crash, sanitizer report or uncaught exception fails the test; the fixed PRNG
// seed makes every failure reproducible. With --seconds it keeps going round the seeds
// (the generator continues) until S seconds have passed: a long mutation run where
// libFuzzer is not built; the count of inputs it prints says how far it got.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::uint8_t> read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::uint8_t> mutate(std::vector<std::uint8_t> v, std::mt19937_64& rng) {
    auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
    const int rounds = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < rounds; ++i) {
        switch (rng() % 6) {
            case 0:
                if (!v.empty()) v[pick(v.size())] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
                break;
            case 1:
                if (!v.empty()) v[pick(v.size())] = static_cast<std::uint8_t>(rng());
                break;
            case 2:
                v.resize(pick(v.size() + 1));
                break;
            case 3: {
                const std::size_t at = pick(v.size() + 1);
                static constexpr std::uint8_t kLengthy[] = {0x00, 0x3f, 0x40, 0x7f, 0xbf, 0xff};
                v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), kLengthy[rng() % 6]);
                break;
            }
            case 4:
                if (!v.empty() && v.size() < (1u << 16)) {
                    const std::size_t from = pick(v.size());
                    const std::size_t len = 1 + pick(std::min<std::size_t>(64, v.size() - from));
                    std::vector<std::uint8_t> chunk(
                        v.begin() + static_cast<std::ptrdiff_t>(from),
                        v.begin() + static_cast<std::ptrdiff_t>(from + len));
                    v.insert(v.begin() + static_cast<std::ptrdiff_t>(pick(v.size() + 1)),
                             chunk.begin(), chunk.end());
                }
                break;
            default:
                v.push_back(static_cast<std::uint8_t>(rng()));
                break;
        }
    }
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    long mutants = 100;
    double seconds = 0;
    std::vector<std::filesystem::path> seeds;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--mutants" && i + 1 < argc) {
            mutants = std::strtol(argv[++i], nullptr, 10);
            continue;
        }
        if (arg == "--seconds" && i + 1 < argc) {
            seconds = std::strtod(argv[++i], nullptr);
            continue;
        }
        const std::filesystem::path p(arg);
        if (std::filesystem::is_directory(p)) {
            for (const auto& e : std::filesystem::recursive_directory_iterator(p)) {
                if (e.is_regular_file()) seeds.push_back(e.path());
            }
        } else if (std::filesystem::is_regular_file(p)) {
            seeds.push_back(p);
        } else {
            std::fprintf(stderr, "fuzz driver: no such seed file or folder: %s\n", arg.c_str());
            return 2;
        }
    }
    if (seeds.empty()) {
        std::fprintf(stderr, "fuzz driver: no seeds given (the corpus folder is empty)\n");
        return 2;
    }
    std::mt19937_64 rng(0x4c616772756dULL);  // fixed: failures must be reproducible
    long runs = 0;
    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    do {
        for (const auto& s : seeds) {
            const auto data = read_file(s);
            LLVMFuzzerTestOneInput(data.data(), data.size());
            ++runs;
            for (long m = 0; m < mutants; ++m) {
                const auto mutant = mutate(data, rng);
                LLVMFuzzerTestOneInput(mutant.data(), mutant.size());
                ++runs;
            }
            if (seconds > 0 && elapsed() >= seconds) break;
        }
    } while (seconds > 0 && elapsed() < seconds);
    // The empty input is always worth one run.
    LLVMFuzzerTestOneInput(nullptr, 0);
    std::printf("fuzz driver: %zu seeds, %ld inputs, no crash\n", seeds.size(), runs + 1);
    return 0;
}
