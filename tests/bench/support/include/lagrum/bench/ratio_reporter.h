// Benchmark output for notes: Google Benchmark's table, then time per operation and the
// ratio of each benchmark's CPU time to a baseline measured in the same run. CPU time is
// less disturbed than wall time by other processes on a shared machine; wall time is
// listed too.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace lagrum::bench {

class RatioReporter : public benchmark::ConsoleReporter {
  public:
    // Tabular counters, no ANSI colours (the output is pasted into notes).
    explicit RatioReporter(std::string baseline)
        : ConsoleReporter(OO_Tabular), baseline_(std::move(baseline)) {}

    void ReportRuns(const std::vector<Run>& runs) override {
        ConsoleReporter::ReportRuns(runs);
        for (const auto& run : runs) {
            if (run.error_occurred || run.run_type != Run::RT_Iteration) continue;
            const double to_ns = 1e9 / benchmark::GetTimeUnitMultiplier(run.time_unit);
            rows_.push_back({run.benchmark_name(), run.GetAdjustedRealTime() * to_ns,
                             run.GetAdjustedCPUTime() * to_ns,
                             static_cast<long long>(run.iterations)});
        }
    }

    void Finalize() override {
        ConsoleReporter::Finalize();
        double base = 0;
        int width = 9;
        for (const auto& r : rows_) {
            if (r.name == baseline_) base = r.cpu_ns;
            width = std::max(width, static_cast<int>(r.name.size()));
        }
        std::printf("\n%-*s %12s %12s %10s %14s\n", width, "benchmark", "wall/op", "cpu/op",
                    "iters", "cpu x baseline");
        for (const auto& r : rows_) {
            std::printf("%-*s %12s %12s %10lld %14s\n", width, r.name.c_str(),
                        human(r.real_ns).c_str(), human(r.cpu_ns).c_str(), r.iterations,
                        base > 0 ? fmt("%.2f", r.cpu_ns / base).c_str() : "n/a");
        }
        std::printf("(baseline: %s)\n", baseline_.c_str());
    }

  private:
    struct Row {
        std::string name;
        double real_ns;
        double cpu_ns;
        long long iterations;
    };
    static std::string fmt(const char* f, double v) {
        char buf[64];
        std::snprintf(buf, sizeof buf, f, v);
        return buf;
    }
    static std::string human(double ns) {
        if (ns >= 1e9) return fmt("%.3f s", ns / 1e9);
        if (ns >= 1e6) return fmt("%.2f ms", ns / 1e6);
        if (ns >= 1e3) return fmt("%.2f us", ns / 1e3);
        return fmt("%.0f ns", ns);
    }

    std::string baseline_;
    std::vector<Row> rows_;
};

// The whole main() of a benchmark program that reports ratios against `baseline`.
inline int run_with_ratios(int argc, char** argv, const char* baseline) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    RatioReporter reporter(baseline);
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}

}  // namespace lagrum::bench
