// Group operations (group.h) versus a baseline measured in the same run: one Ed25519
// sign+verify plus one HPKE (DHKEM-X25519, HKDF-SHA256, ChaCha20-Poly1305) base-mode
// seal+open of 32 bytes, i.e. the public-key work a commit cannot avoid per recipient.
//  * BM_CommitWithPath/n: in an n-member group, member 0 makes an empty commit with a
//    forced UpdatePath, merges it, and member 1 processes it (both advance one epoch).
//    The group is built by one bulk Add commit, so intermediate tree nodes are blank and
//    the copath resolutions hold many leaves: the committer encrypts to ~n-1 HPKE keys
//    (commit_bytes grows by one HPKECiphertext per member), the receiver decrypts one.
//  * BM_CommitWithPathPopulated/n: the same after every even leaf has committed once,
//    so every parent node holds a key: each copath resolution is one node and the
//    committer encrypts to ~log2(n) keys. What remains O(n) is the tree hash.
//  * BM_JoinWelcome/50: a joiner processes a Welcome into a 50-member group (timed: only
//    Group::join_from_message; that includes verifying every leaf signature and the
//    tree hash, both O(n)).
// Only members 0 and 1 hold state; the others exist as leaves only (their key packages).
// Prints every row as a ratio to the baseline (CPU time) after Google Benchmark's table.
#include <benchmark/benchmark.h>

#include "lagrum/bench/ratio_reporter.h"

#include <cstdio>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hpke.h"
#include "lagrum/crypto/random.h"
#include "lagrum/mls/group.h"

namespace {

using namespace lagrum;
using namespace lagrum::mls;

constexpr const char* kBaselineName = "BM_Baseline_Ed25519SignVerify_HpkeSealOpen";

void BM_Baseline_Ed25519SignVerify_HpkeSealOpen(benchmark::State& state) {
    const auto kp = crypto::ed25519_generate();
    const auto hk = crypto::hpke::generate_key_pair();
    const Bytes msg = crypto::random_bytes(32);
    const Bytes info = {'b', 'e', 'n', 'c', 'h'};
    for (auto _ : state) {
        auto sig = crypto::ed25519_sign(kp.seed, msg);
        bool ok = crypto::ed25519_verify(kp.public_key, msg, *sig);
        auto sealed = crypto::hpke::seal_base(hk.public_key, info, {}, msg);
        auto pt =
            crypto::hpke::open_base(sealed->enc, hk.private_key, info, {}, sealed->ciphertext);
        if (!ok || !pt) state.SkipWithError("baseline crypto failed");
        benchmark::DoNotOptimize(pt);
    }
}
BENCHMARK(BM_Baseline_Ed25519SignVerify_HpkeSealOpen)->Unit(benchmark::kMicrosecond);

Credential cred(const std::string& name) {
    return Credential::basic(Bytes(name.begin(), name.end()));
}

GroupConfig config() {
    GroupConfig c;
    c.credential_policy = [](const Credential&, ByteView) { return true; };
    return c;
}

// Member 0 (creator) and member 1 live; members 2..n-1 are added leaves only.
struct Fixture {
    std::optional<Group> a;
    std::optional<Group> b;
    std::optional<KeyPackageBundle> joiner;
    Bytes welcome;  // for BM_JoinWelcome: adds `joiner` as the last member

    // `n` members in the group; with `extra_joiner`, one more pending Add + its Welcome;
    // with `populated`, every even leaf from 2 on commits once (filling the tree).
    Fixture(int n, bool extra_joiner, bool populated = false) {
        const auto sa = generate_signature_key_pair();
        a = Group::create(Bytes{'b', 'e', 'n', 'c', 'h'}, cred("m0"), sa.private_key, config());
        Group::CommitOptions add;
        std::optional<KeyPackageBundle> b_kp;
        std::map<int, KeyPackageBundle> committers;  // populated: even leaves >= 2
        for (int i = 1; i < n; ++i) {
            const auto s = generate_signature_key_pair();
            std::string name = "m";  // not "m" + to_string: GCC 12 -O3 false -Wrestrict
            name += std::to_string(i);
            auto kp = create_key_package(cred(name), s.private_key);
            add.by_value.push_back(Proposal{Add{kp.key_package}});
            if (i == 1)
                b_kp.emplace(std::move(kp));
            else if (populated && i % 2 == 0)
                committers.emplace(i, std::move(kp));
        }
        if (n > 1) {
            auto out = a->commit(add);
            a->merge_pending_commit();
            if (!extra_joiner) b = Group::join_from_message(*out.welcome, *b_kp, config());
            std::map<int, Group> states;
            for (auto& [i, kp] : committers) {
                states.emplace(i, Group::join_from_message(*out.welcome, kp, config()));
            }
            // Each committer fills its direct path; everyone still to commit (and the
            // two benchmarked members) follows.
            Group::CommitOptions path;
            path.force_path = true;
            for (auto it = states.begin(); it != states.end(); it = states.erase(it)) {
                auto c = it->second.commit(path);
                it->second.merge_pending_commit();
                a->handle(c.commit);
                b->handle(c.commit);
                for (auto later = std::next(it); later != states.end(); ++later) {
                    later->second.handle(c.commit);
                }
            }
        }
        if (extra_joiner) {
            const auto s = generate_signature_key_pair();
            joiner.emplace(create_key_package(cred("joiner"), s.private_key));
            Group::CommitOptions one;
            one.by_value.push_back(Proposal{Add{joiner->key_package}});
            welcome = *a->commit(one).welcome;  // left pending: only the Welcome is needed
        }
    }
};

// Fixtures are built once per size (Google Benchmark calls the function several times).
Fixture& fixture(int n, bool extra_joiner, bool populated = false) {
    static std::map<std::tuple<int, bool, bool>, std::unique_ptr<Fixture>> cache;
    auto& f = cache[{n, extra_joiner, populated}];
    if (!f) f = std::make_unique<Fixture>(n, extra_joiner, populated);
    return *f;
}

void commit_and_process(benchmark::State& state, Fixture& f) {
    Group::CommitOptions opts;
    opts.force_path = true;
    std::size_t commit_bytes = 0;
    for (auto _ : state) {
        auto out = f.a->commit(opts);
        f.a->merge_pending_commit();
        f.b->handle(out.commit);
        commit_bytes = out.commit.size();
    }
    if (f.a->epoch_authenticator() != f.b->epoch_authenticator()) {
        state.SkipWithError("members diverged");
    }
    state.counters["members"] = static_cast<double>(state.range(0));
    state.counters["commit_bytes"] = static_cast<double>(commit_bytes);
}

void BM_CommitWithPath(benchmark::State& state) {
    commit_and_process(state, fixture(static_cast<int>(state.range(0)), false));
}
BENCHMARK(BM_CommitWithPath)->Arg(2)->Arg(10)->Arg(50)->Arg(200)->Unit(benchmark::kMillisecond);

void BM_CommitWithPathPopulated(benchmark::State& state) {
    commit_and_process(state, fixture(static_cast<int>(state.range(0)), false, true));
}
BENCHMARK(BM_CommitWithPathPopulated)->Arg(10)->Arg(50)->Arg(200)->Unit(benchmark::kMillisecond);

void BM_JoinWelcome(benchmark::State& state) {
    // range(0) is the group size after the join.
    auto& f = fixture(static_cast<int>(state.range(0)) - 1, true);
    for (auto _ : state) {
        auto g = Group::join_from_message(f.welcome, *f.joiner, config());
        benchmark::DoNotOptimize(g);
    }
    state.counters["members"] = static_cast<double>(state.range(0));
    state.counters["welcome_bytes"] = static_cast<double>(f.welcome.size());
}
BENCHMARK(BM_JoinWelcome)->Arg(50)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
    return lagrum::bench::run_with_ratios(argc, argv, kBaselineName);
}
