// Benchmarks for the legal check (issue: median per draft over a mixed set of 1 000 drafts,
// goal <= 50 µs; catalog load time). Baseline in the same run: parsing the same JSON input
// with nlohmann::json only. Ratios are reported as counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "lagrum/core/legal/catalog.h"
#include "lagrum/core/legal/check.h"
#include "lagrum/core/legal/check_input.h"
#include "lagrum/core/legal/verdict_json.h"

namespace legal = lagrum::core::legal;
using nlohmann::json;

namespace {

constexpr int kDrafts = 1000;

const legal::Catalog& catalog() {
    static const legal::Catalog cat = [] {
        auto r = legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        if (auto* e = std::get_if<legal::CatalogError>(&r))
            throw std::runtime_error(e->to_string());
        return std::get<legal::Catalog>(std::move(r));
    }();
    return cat;
}

// A deterministic mixed set: every provision, 1–6 recipients of random authorities, the
// three subject forms, dates 2010–2026, random facts (some missing), categories, consent.
struct Corpus {
    std::vector<std::string> inputs;
    std::vector<legal::Draft> drafts;
};

const Corpus& corpus() {
    static const Corpus c = [] {
        Corpus out;
        const auto& cat = catalog();
        std::mt19937 rng(20260302);
        auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
        const char* auths[] = {
            "social_services", "police", "security_service", "prosecutor", "school",
            "health_care",     "other"};
        const char* cats[] = {"health", "third_party_health", "substance_use", "criminal_offences"};
        while (static_cast<int>(out.inputs.size()) < kDrafts) {
            const auto& p = cat.provisions[static_cast<std::size_t>(
                pick(static_cast<int>(cat.provisions.size())))];
            const int year = 2010 + pick(17);
            char date[11];
            std::snprintf(date, sizeof date, "%04d-%02d-%02d", year, 1 + pick(12), 1 + pick(28));
            json in = {{"format", "lagrum-check/1"},
                       {"date", date},
                       {"sender", {{"authority", auths[pick(7)]}}},
                       {"provision", p.id}};
            json rs = json::array();
            const int n = 1 + pick(6);
            for (int i = 0; i < n; ++i) {
                std::string id = "r";
                id.append(std::to_string(i));  // not "r" + ...: GCC 12 -O3 -Wrestrict
                rs.push_back({{"id", id}, {"authority", auths[pick(7)]}});
            }
            in["recipients"] = rs;
            switch (pick(3)) {
                case 0:
                    in["subject"] = {{"personnummer", "200801012386"}};
                    break;
                case 1: {
                    char b[11];
                    std::snprintf(b, sizeof b, "%04d-%02d-%02d", year - 1 - pick(30), 1 + pick(12),
                                  1 + pick(28));
                    in["subject"] = {{"birth_date", b}};
                    break;
                }
                default:
                    in["subject"] = {{"presumed_age", pick(40)}};
                    break;
            }
            json facts = json::object();
            for (const auto& f : cat.facts) {
                if (pick(4) == 0) continue;  // leave some facts missing
                switch (f.type) {
                    case legal::FactType::boolean:
                        facts[f.name] = pick(4) != 0;
                        break;
                    case legal::FactType::enumeration:
                        facts[f.name] = f.values[static_cast<std::size_t>(
                            pick(static_cast<int>(f.values.size())))];
                        break;
                    case legal::FactType::number:
                        facts[f.name] = pick(9) * 0.5;
                        break;
                }
            }
            in["facts"] = facts;
            if (p.consent) {
                in["consent"] = {{"status", pick(5) == 0 ? "withdrawn" : "given"},
                                 {"given_by", {pick(2) ? "subject" : "guardian"}},
                                 {"recipient_authorities", {auths[pick(7)], auths[pick(7)]}},
                                 {"valid_until", "2026-12-31"}};
            }
            if (pick(2)) in["categories"] = {cats[pick(4)], cats[pick(4)]};
            auto text = in.dump();
            auto parsed = legal::parse_check_input(text, cat);
            if (!std::holds_alternative<legal::Draft>(parsed)) continue;  // e.g. future birth date
            out.inputs.push_back(std::move(text));
            out.drafts.push_back(std::get<legal::Draft>(std::move(parsed)));
        }
        return out;
    }();
    return c;
}

void BM_Baseline_JsonParseOnly(benchmark::State& state) {
    const auto& c = corpus();
    std::size_t i = 0;
    for (auto _ : state) {
        auto j = json::parse(c.inputs[i]);
        benchmark::DoNotOptimize(j);
        i = (i + 1) % c.inputs.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Baseline_JsonParseOnly);

void BM_Check(benchmark::State& state) {
    const auto& c = corpus();
    const auto& cat = catalog();
    std::size_t i = 0;
    for (auto _ : state) {
        auto v = legal::check(c.drafts[i], cat);
        benchmark::DoNotOptimize(v);
        i = (i + 1) % c.drafts.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Check);

void BM_ParseValidateCheck(benchmark::State& state) {
    const auto& c = corpus();
    const auto& cat = catalog();
    std::size_t i = 0;
    for (auto _ : state) {
        auto d = legal::parse_check_input(c.inputs[i], cat);
        auto v = legal::check(std::get<legal::Draft>(d), cat);
        benchmark::DoNotOptimize(v);
        i = (i + 1) % c.inputs.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseValidateCheck);

void BM_CliPipeline_ParseCheckSerialize(benchmark::State& state) {
    const auto& c = corpus();
    const auto& cat = catalog();
    std::size_t i = 0;
    for (auto _ : state) {
        auto d = legal::parse_check_input(c.inputs[i], cat);
        auto out = legal::verdict_to_json(legal::check(std::get<legal::Draft>(d), cat), cat);
        benchmark::DoNotOptimize(out);
        i = (i + 1) % c.inputs.size();
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CliPipeline_ParseCheckSerialize);

void BM_CatalogLoad(benchmark::State& state) {
    for (auto _ : state) {
        auto r = legal::load_catalog(LAGRUM_CATALOG_SOURCE_DIR);
        if (!std::holds_alternative<legal::Catalog>(r)) state.SkipWithError("catalog load failed");
        benchmark::DoNotOptimize(r);
    }
}
BENCHMARK(BM_CatalogLoad)->Unit(benchmark::kMicrosecond);

// Per-draft median: each draft timed over kReps runs (steady_clock around the batch, divided),
// then the median over the 1 000 drafts, for the check and for the JSON-parse baseline.
template <class F>
double median_ns_per_draft(std::size_t n, F&& one) {
    constexpr int kReps = 64;
    std::vector<double> per;
    per.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < kReps; ++r) one(i);
        const auto t1 = std::chrono::steady_clock::now();
        per.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / kReps);
    }
    std::nth_element(per.begin(), per.begin() + static_cast<long>(n / 2), per.end());
    return per[n / 2];
}

void BM_MedianPerDraft(benchmark::State& state) {
    const auto& c = corpus();
    const auto& cat = catalog();
    double check_ns = 0;
    double parse_ns = 0;
    double full_ns = 0;
    for (auto _ : state) {
        check_ns = median_ns_per_draft(c.drafts.size(), [&](std::size_t i) {
            auto v = legal::check(c.drafts[i], cat);
            benchmark::DoNotOptimize(v);
        });
        parse_ns = median_ns_per_draft(c.inputs.size(), [&](std::size_t i) {
            auto j = json::parse(c.inputs[i]);
            benchmark::DoNotOptimize(j);
        });
        full_ns = median_ns_per_draft(c.inputs.size(), [&](std::size_t i) {
            auto d = legal::parse_check_input(c.inputs[i], cat);
            auto out = legal::verdict_to_json(legal::check(std::get<legal::Draft>(d), cat), cat);
            benchmark::DoNotOptimize(out);
        });
    }
    state.counters["drafts"] = static_cast<double>(c.drafts.size());
    state.counters["check_median_us"] = check_ns / 1000.0;
    state.counters["json_parse_median_us"] = parse_ns / 1000.0;
    state.counters["cli_pipeline_median_us"] = full_ns / 1000.0;
    state.counters["check_over_parse"] = check_ns / parse_ns;
    state.counters["goal_50us_met"] = check_ns <= 50000.0 ? 1 : 0;
}
BENCHMARK(BM_MedianPerDraft)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
