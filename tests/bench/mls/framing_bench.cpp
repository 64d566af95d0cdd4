// Application message protect+unprotect (RFC 9420 §6.3, PrivateMessage) of 1 KiB versus a
// baseline measured in the same run: a raw Ed25519 sign+verify plus a ChaCha20-Poly1305
// seal+open of the same 1 KiB, i.e. the asymmetric and symmetric work MLS cannot avoid.
// The difference is MLS's own overhead: FramedContentTBS encoding, the secret-tree ratchet
// (key, nonce, next secret per side), sender-data key/nonce derivation and encryption.
// Besides Google Benchmark's table, prints every row as a ratio to the baseline (CPU time).
#include <benchmark/benchmark.h>

#include "lagrum/bench/ratio_reporter.h"

#include <cstdio>
#include <string>
#include <vector>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/random.h"
#include "lagrum/crypto/secret.h"
#include "lagrum/mls/framing.h"

namespace {

using namespace lagrum;
using namespace lagrum::mls;

constexpr const char* kBaselineName = "BM_Baseline_Ed25519SignVerify_ChaChaSealOpen_1KiB";
constexpr std::size_t kSize = 1024;

void BM_Baseline_Ed25519SignVerify_ChaChaSealOpen_1KiB(benchmark::State& state) {
    const auto kp = crypto::ed25519_generate();
    const Bytes key = crypto::random_bytes(32);
    const Bytes nonce = crypto::random_bytes(12);
    const Bytes msg = crypto::random_bytes(kSize);
    for (auto _ : state) {
        auto sig = crypto::ed25519_sign(kp.seed, msg);
        bool ok = crypto::ed25519_verify(kp.public_key, msg, *sig);
        auto ct = crypto::ChaCha20Poly1305::seal(key, nonce, {}, msg);
        auto pt = crypto::ChaCha20Poly1305::open(key, nonce, {}, *ct);
        benchmark::DoNotOptimize(ok);
        benchmark::DoNotOptimize(pt);
    }
}
BENCHMARK(BM_Baseline_Ed25519SignVerify_ChaChaSealOpen_1KiB);

struct Fixture {
    SignatureKeyPair signer = generate_signature_key_pair();
    GroupContext gc;
    Bytes enc_secret = crypto::random_bytes(32);
    Bytes sd_secret = crypto::random_bytes(32);
    Fixture() {
        gc.group_id = crypto::random_bytes(16);
        gc.epoch = 7;
        gc.tree_hash = crypto::random_bytes(32);
        gc.confirmed_transcript_hash = crypto::random_bytes(32);
    }
    FramedContent content() const {
        FramedContent fc;
        fc.group_id = gc.group_id;
        fc.epoch = gc.epoch;
        fc.sender = Sender{SenderType::member, 1};
        fc.body = crypto::random_bytes(kSize);
        return fc;
    }
};

void BM_MlsApplication_ProtectUnprotect_1KiB(benchmark::State& state) {
    Fixture f;
    SecretTree sender(f.enc_secret, 8);
    SecretTree receiver(f.enc_secret, 8);
    const FramedContent fc = f.content();
    const SignatureKeyLookup lookup = [&](const FramedContent&) { return f.signer.public_key; };
    for (auto _ : state) {
        auto ac = sign_content(WireFormat::private_message, fc, f.gc, f.signer.private_key);
        const Bytes wire = encode(MlsMessage{encrypt_private_message(ac, sender, f.sd_secret)});
        const auto msg = decode_exact<MlsMessage>(wire);
        auto back = decrypt_private_message(std::get<PrivateMessage>(msg.body), f.gc, receiver,
                                            f.sd_secret, lookup);
        benchmark::DoNotOptimize(back);
    }
}
BENCHMARK(BM_MlsApplication_ProtectUnprotect_1KiB);

// The pieces, to show where the overhead goes.
void BM_MlsApplication_ProtectOnly_1KiB(benchmark::State& state) {
    Fixture f;
    SecretTree sender(f.enc_secret, 8);
    const FramedContent fc = f.content();
    for (auto _ : state) {
        auto ac = sign_content(WireFormat::private_message, fc, f.gc, f.signer.private_key);
        auto m = encrypt_private_message(ac, sender, f.sd_secret);
        benchmark::DoNotOptimize(m);
    }
}
BENCHMARK(BM_MlsApplication_ProtectOnly_1KiB);

void BM_SecretTree_NextKey(benchmark::State& state) {
    Fixture f;
    SecretTree tree(f.enc_secret, 8);
    for (auto _ : state) {
        auto k = tree.next_key(LeafIndex{1}, RatchetType::application);
        benchmark::DoNotOptimize(k);
    }
}
BENCHMARK(BM_SecretTree_NextKey);

void BM_SecretBytes_Allocate32(benchmark::State& state) {
    for (auto _ : state) {
        crypto::SecretBytes s(32);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_SecretBytes_Allocate32);

void BM_ExpandWithLabel(benchmark::State& state) {
    const Bytes secret = crypto::random_bytes(32);
    for (auto _ : state) {
        auto s = expand_with_label(secret, "key", {}, 32);
        benchmark::DoNotOptimize(s.data());
    }
}
BENCHMARK(BM_ExpandWithLabel);

}  // namespace

int main(int argc, char** argv) {
    return lagrum::bench::run_with_ratios(argc, argv, kBaselineName);
}
