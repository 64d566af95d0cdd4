// Benchmarks for lagrum_crypto. Absolute times depend on the machine (and on whatever else
// runs on it), so besides Google Benchmark's own table this prints every result as a ratio
// to a baseline measured in the same run: SHA-256 of 1 KiB.
#include <benchmark/benchmark.h>

#include "lagrum/bench/ratio_reporter.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/argon2.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/hpke.h"
#include "lagrum/crypto/random.h"
#include "lagrum/crypto/x25519.h"

using namespace lagrum::crypto;

namespace {

constexpr const char* kBaselineName = "BM_Baseline_Sha256_1KiB";

void fail(benchmark::State& state, const char* what) {
    state.SkipWithError(what);
}

// Baseline: one SHA-256 over 1 KiB.
void BM_Baseline_Sha256_1KiB(benchmark::State& state) {
    const Bytes data = random_bytes(1024);
    for (auto _ : state) {
        Bytes h = sha256(data);
        benchmark::DoNotOptimize(h.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * 1024);
}
BENCHMARK(BM_Baseline_Sha256_1KiB);

// One 32-byte SecretBytes: sodium_malloc (mmap, guard pages, mlock) and sodium_free.
// Shows what each secret on the heap costs; the HPKE key schedule is built to need few.
void BM_SecretBytes_Alloc32(benchmark::State& state) {
    for (auto _ : state) {
        SecretBytes s(32);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_SecretBytes_Alloc32);

// One seal plus one open of a message of state.range(0) bytes.
void BM_ChaCha20Poly1305_SealOpen(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const Bytes key = random_bytes(ChaCha20Poly1305::kKeySize);
    const Bytes nonce = random_bytes(ChaCha20Poly1305::kNonceSize);
    const Bytes aad = random_bytes(32), pt = random_bytes(n);
    for (auto _ : state) {
        auto ct = ChaCha20Poly1305::seal(key, nonce, aad, pt);
        if (!ct) return fail(state, "seal failed");
        auto back = ChaCha20Poly1305::open(key, nonce, aad, *ct);
        if (!back) return fail(state, "open failed");
        benchmark::DoNotOptimize(back->data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}
BENCHMARK(BM_ChaCha20Poly1305_SealOpen)->Arg(1024)->Arg(64 * 1024);

void BM_Ed25519_Sign(benchmark::State& state) {
    const auto kp = ed25519_generate();
    const Bytes msg = random_bytes(256);
    for (auto _ : state) {
        auto sig = ed25519_sign(kp.seed, msg);
        if (!sig) return fail(state, "sign failed");
        benchmark::DoNotOptimize(sig->data());
    }
}
BENCHMARK(BM_Ed25519_Sign);

void BM_Ed25519_Verify(benchmark::State& state) {
    const auto kp = ed25519_generate();
    const Bytes msg = random_bytes(256);
    const auto sig = ed25519_sign(kp.seed, msg);
    if (!sig) return fail(state, "sign failed");
    for (auto _ : state) {
        const bool ok = ed25519_verify(kp.public_key, msg, *sig);
        if (!ok) return fail(state, "verify failed");
        benchmark::DoNotOptimize(ok);
    }
}
BENCHMARK(BM_Ed25519_Verify);

// One X25519 shared-secret computation (scalar multiplication + all-zero check).
void BM_X25519_SharedSecret(benchmark::State& state) {
    const auto a = x25519_generate(), b = x25519_generate();
    for (auto _ : state) {
        auto s = x25519(a.private_key, b.public_key);
        if (!s) return fail(state, "x25519 failed");
        benchmark::DoNotOptimize(s->data());
    }
}
BENCHMARK(BM_X25519_SharedSecret);

// Sender side of a one-message exchange: SetupBaseS (ephemeral keygen + DH + key
// schedule) and one Seal of 1 KiB.
void BM_Hpke_SetupSeal_1KiB(benchmark::State& state) {
    const auto kp = hpke::generate_key_pair();
    const Bytes info = random_bytes(32), aad = random_bytes(32), pt = random_bytes(1024);
    for (auto _ : state) {
        auto s = hpke::setup_base_s(kp.public_key, info);
        if (!s) return fail(state, "setup_base_s failed");
        auto ct = s->context.seal(aad, pt);
        if (!ct) return fail(state, "seal failed");
        benchmark::DoNotOptimize(ct->data());
    }
}
BENCHMARK(BM_Hpke_SetupSeal_1KiB);

// Recipient side: SetupBaseR (DH + key schedule) and one Open of 1 KiB.
void BM_Hpke_SetupOpen_1KiB(benchmark::State& state) {
    const auto kp = hpke::generate_key_pair();
    const Bytes info = random_bytes(32), aad = random_bytes(32), pt = random_bytes(1024);
    auto s = hpke::setup_base_s(kp.public_key, info);
    if (!s) return fail(state, "setup_base_s failed");
    const auto ct = s->context.seal(aad, pt);
    if (!ct) return fail(state, "seal failed");
    for (auto _ : state) {
        auto r = hpke::setup_base_r(s->enc, kp.private_key, info);
        if (!r) return fail(state, "setup_base_r failed");
        auto back = r->open(aad, *ct);
        if (!back) return fail(state, "open failed");
        benchmark::DoNotOptimize(back->data());
    }
}
BENCHMARK(BM_Hpke_SetupOpen_1KiB);

// Seal + Open of 1 KiB on already established contexts (the per-message cost).
void BM_Hpke_ContextSealOpen_1KiB(benchmark::State& state) {
    const auto kp = hpke::generate_key_pair();
    const Bytes aad = random_bytes(32), pt = random_bytes(1024);
    auto s = hpke::setup_base_s(kp.public_key, {});
    if (!s) return fail(state, "setup_base_s failed");
    auto r = hpke::setup_base_r(s->enc, kp.private_key, {});
    if (!r) return fail(state, "setup_base_r failed");
    for (auto _ : state) {
        auto ct = s->context.seal(aad, pt);
        if (!ct) return fail(state, "seal failed");
        auto back = r->open(aad, *ct);
        if (!back) return fail(state, "open failed");
        benchmark::DoNotOptimize(back->data());
    }
}
BENCHMARK(BM_Hpke_ContextSealOpen_1KiB);

// Second baseline for the Argon2id rows: obtaining and first touching kArgon2Store's
// memory (malloc, which mmaps blocks this large, memset, free). Argon2id pays this before
// its passes; on a sandboxed or virtualised machine page faults can dominate the total.
void BM_Baseline_FreshMemory_256MiB(benchmark::State& state) {
    const std::size_t n = kArgon2Store.memlimit;
    for (auto _ : state) {
        auto* p = static_cast<unsigned char*>(std::malloc(n));
        if (p == nullptr) return fail(state, "malloc failed");
        std::memset(p, 1, n);
        benchmark::DoNotOptimize(p);
        benchmark::ClobberMemory();
        std::free(p);
    }
}
BENCHMARK(BM_Baseline_FreshMemory_256MiB)->Unit(benchmark::kMillisecond)->MinTime(1.0);

void run_argon2(benchmark::State& state, const Argon2Params& params) {
    const Bytes salt = random_bytes(kArgon2SaltSize);
    for (auto _ : state) {
        auto key = argon2id_derive("correct horse battery staple", salt, 32, params);
        if (!key) return fail(state, "argon2id failed");
        benchmark::DoNotOptimize(key->data());
    }
    state.counters["MiB"] = static_cast<double>(params.memlimit) / (1024.0 * 1024.0);
    state.counters["ops"] = static_cast<double>(params.opslimit);
}
void BM_Argon2id_Store(benchmark::State& state) {
    run_argon2(state, kArgon2Store);
}
void BM_Argon2id_Interactive(benchmark::State& state) {
    run_argon2(state, kArgon2Interactive);
}
BENCHMARK(BM_Argon2id_Store)->Unit(benchmark::kMillisecond)->MinTime(2.0);
// The passes sweep at kArgon2Store's memory, which kArgon2Store's choice rests on.
void BM_Argon2id_256MiB_Passes(benchmark::State& state) {
    run_argon2(state, Argon2Params{static_cast<unsigned long long>(state.range(0)),
                                   kArgon2Store.memlimit});
}
BENCHMARK(BM_Argon2id_256MiB_Passes)
    ->Arg(1)
    ->Arg(2)
    ->Arg(3)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(1.5);
BENCHMARK(BM_Argon2id_Interactive)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

int main(int argc, char** argv) {
    return lagrum::bench::run_with_ratios(argc, argv, kBaselineName);
}
