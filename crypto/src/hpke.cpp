// HPKE, RFC 9180, base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305.
//
// Written from the pseudocode in RFC 9180 §4, §5 and §7.1; section numbers refer to it.
// Secrets that outlive a call (context key, exporter secret, derived private keys) live in
// SecretBytes; intermediates (DH output, PRKs, shared secret) live in StackSecret buffers
// that are wiped when they go out of scope.
#include "lagrum/crypto/hpke.h"

#include <array>
#include <limits>
#include <span>
#include <string_view>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/random.h"
#include "lagrum/crypto/x25519.h"

namespace lagrum::crypto::hpke {

namespace {

constexpr std::string_view kVersionLabel = "HPKE-v1";
constexpr std::uint8_t kModeBase = 0x00;

// §4.1: suite_id = concat("KEM", I2OSP(kem_id, 2)) inside the KEM.
constexpr std::array<std::uint8_t, 5> kKemSuiteId = {'K', 'E', 'M', kKemId >> 8, kKemId & 0xff};
// §5.1: suite_id = concat("HPKE", I2OSP(kem_id, 2), I2OSP(kdf_id, 2), I2OSP(aead_id, 2)).
constexpr std::array<std::uint8_t, 10> kHpkeSuiteId = {
    'H',           'P',         'K',           'E',          kKemId >> 8,
    kKemId & 0xff, kKdfId >> 8, kKdfId & 0xff, kAeadId >> 8, kAeadId & 0xff};

using SuiteId = ByteView;
using Span32 = std::span<std::uint8_t, 32>;

// A short-lived fixed-size secret on the stack, wiped when it goes out of scope. The key
// schedule has about a dozen intermediates (PRKs, DH output, shared secret); as SecretBytes
// each would be a guarded sodium_malloc (~0.16 ms of syscalls measured in crypto_bench),
// which made a setup ~2.3 ms. Only the secrets that outlive a call use SecretBytes.
template <std::size_t N>
class StackSecret {
  public:
    StackSecret() noexcept = default;
    ~StackSecret() { wipe(bytes_.data(), N); }
    StackSecret(const StackSecret&) = delete;
    StackSecret& operator=(const StackSecret&) = delete;
    std::span<std::uint8_t, N> span() noexcept { return bytes_; }
    ByteView view() const noexcept { return {bytes_.data(), N}; }

  private:
    std::array<std::uint8_t, N> bytes_{};
};
using Secret32 = StackSecret<32>;

// §4: LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm).
// The labeled IKM is fed to HMAC piecewise, so the secret IKM is never copied. An empty salt
// is HMAC's zero-padded key, i.e. the HashLen zeros RFC 5869 §2.2 prescribes.
void labeled_extract(SuiteId suite_id, ByteView salt, std::string_view label, ByteView ikm,
                     Span32 out) noexcept {
    hmac_sha256_into(salt, {as_bytes(kVersionLabel), suite_id, as_bytes(label), ikm}, out);
}

// §4: LabeledExpand(prk, label, info, L) =
//     Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L), L = out.size().
Status labeled_expand(SuiteId suite_id, ByteView prk, std::string_view label, ByteView info,
                      std::span<std::uint8_t> out) {
    // HKDF-SHA256's own bound (255*Nh) is far below the 2-byte I2OSP(L, 2) bound.
    if (out.size() > kHkdfSha256MaxOutput) {
        return make_error(Errc::limit_exceeded, "HPKE LabeledExpand length exceeds 255*Nh");
    }
    const std::uint8_t length[2] = {static_cast<std::uint8_t>(out.size() >> 8),
                                    static_cast<std::uint8_t>(out.size() & 0xff)};
    return hkdf_expand_into(
        prk, {ByteView(length, 2), as_bytes(kVersionLabel), suite_id, as_bytes(label), info}, out);
}

// §4.1 ExtractAndExpand(dh, kem_context).
Status extract_and_expand(ByteView dh, ByteView kem_context, Span32 shared_secret) {
    Secret32 eae_prk;
    labeled_extract(kKemSuiteId, {}, "eae_prk", dh, eae_prk.span());
    return labeled_expand(kKemSuiteId, eae_prk.view(), "shared_secret", kem_context, shared_secret);
}

// §4.1 Encap(pkR) with the ephemeral private key supplied by the caller; returns enc.
Result<Bytes> encap(ByteView pk_r, ByteView sk_e, Span32 shared_secret) {
    if (pk_r.size() != kNpk) {
        return make_error(Errc::invalid_argument, "HPKE recipient public key must be 32 bytes");
    }
    auto enc = x25519_public_key(sk_e);  // SerializePublicKey(pkE)
    if (!enc) return enc.error();
    // DH(skE, pkR); x25519_into rejects the all-zero output (§7.1.4, RFC 7748 §6.1).
    Secret32 dh;
    if (auto st = x25519_into(sk_e, pk_r, dh.span()); !st) return st.error();
    const Bytes kem_context = concat(*enc, pk_r);
    if (auto st = extract_and_expand(dh.view(), kem_context, shared_secret); !st) {
        return st.error();
    }
    return enc;
}

// §4.1 Decap(enc, skR).
Status decap(ByteView enc, ByteView sk_r, Span32 shared_secret) {
    if (enc.size() != kNenc) {
        return make_error(Errc::invalid_argument, "HPKE enc must be 32 bytes");
    }
    if (sk_r.size() != kNsk) {
        return make_error(Errc::invalid_argument, "HPKE recipient private key must be 32 bytes");
    }
    Secret32 dh;
    if (auto st = x25519_into(sk_r, enc, dh.span()); !st) return st.error();
    auto pk_r = x25519_public_key(sk_r);
    if (!pk_r) return pk_r.error();
    const Bytes kem_context = concat(enc, *pk_r);
    return extract_and_expand(dh.view(), kem_context, shared_secret);
}

std::span<std::uint8_t> span_of(SecretBytes& s) noexcept {
    return {s.data(), s.size()};
}

}  // namespace

// Builds contexts; the only code allowed to call Context's private constructor.
struct ContextFactory {
    // §5.1 KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "").
    static Result<Context> key_schedule(ByteView shared_secret, ByteView info) {
        // key_schedule_context = mode || psk_id_hash || info_hash (public values).
        std::array<std::uint8_t, 1 + 2 * kNh> context{};
        context[0] = kModeBase;
        labeled_extract(kHpkeSuiteId, {}, "psk_id_hash", {}, Span32(context.data() + 1, kNh));
        labeled_extract(kHpkeSuiteId, {}, "info_hash", info, Span32(context.data() + 1 + kNh, kNh));

        // secret = LabeledExtract(shared_secret, "secret", psk) with psk = "" in base mode.
        Secret32 secret;
        labeled_extract(kHpkeSuiteId, shared_secret, "secret", {}, secret.span());
        SecretBytes key(kNk);
        if (auto st = labeled_expand(kHpkeSuiteId, secret.view(), "key", context, span_of(key));
            !st) {
            return st.error();
        }
        Bytes base_nonce(kNn);
        if (auto st =
                labeled_expand(kHpkeSuiteId, secret.view(), "base_nonce", context, base_nonce);
            !st) {
            return st.error();
        }
        SecretBytes exporter(kNh);
        if (auto st =
                labeled_expand(kHpkeSuiteId, secret.view(), "exp", context, span_of(exporter));
            !st) {
            return st.error();
        }
        return Context(std::move(key), std::move(base_nonce), std::move(exporter));
    }
};

KeyPair generate_key_pair() {
    X25519KeyPair kp = x25519_generate();
    return KeyPair{std::move(kp.private_key), std::move(kp.public_key)};
}

// §7.1.3 DeriveKeyPair for X25519. The private key is returned exactly as LabeledExpand
// produced it (not clamped): RFC 9180's A.2 vectors list skEm/skRm in that form, and
// X25519 clamps the scalar on every use (RFC 7748 §5), so the key behaves identically.
Result<KeyPair> derive_key_pair(ByteView ikm) {
    // §7.1.3: ikm SHOULD be at least Nsk bytes; we make it a requirement.
    if (ikm.size() < kNsk) {
        return make_error(Errc::invalid_argument, "HPKE DeriveKeyPair ikm shorter than Nsk");
    }
    Secret32 dkp_prk;
    labeled_extract(kKemSuiteId, {}, "dkp_prk", ikm, dkp_prk.span());
    SecretBytes sk(kNsk);
    if (auto st = labeled_expand(kKemSuiteId, dkp_prk.view(), "sk", {}, span_of(sk)); !st) {
        return st.error();
    }
    auto pk = x25519_public_key(sk);
    if (!pk) return pk.error();
    return KeyPair{std::move(sk), std::move(*pk)};
}

// §5.2 ComputeNonce(seq): base_nonce XOR I2OSP(seq, Nn). Our seq is 64 bits, i.e. the
// "shorter sequence number padded on the left with zero" that §5.2 permits.
Result<Bytes> Context::compute_nonce() const {
    if (base_nonce_.size() != kNn) {
        return make_error(Errc::invalid_argument, "HPKE context is empty (moved from?)");
    }
    Bytes nonce = base_nonce_;
    for (std::size_t i = 0; i < sizeof(seq_); ++i) {
        nonce[kNn - 1 - i] ^= static_cast<std::uint8_t>(seq_ >> (8 * i));
    }
    return nonce;
}

// §5.2 IncrementSeq(): errors instead of wrapping. With a 64-bit counter the largest
// value cannot be incremented, so it is never used for a message.
Status Context::increment_seq() {
    if (seq_ == std::numeric_limits<std::uint64_t>::max()) {
        return make_error(Errc::limit_exceeded, "HPKE sequence number would overflow");
    }
    ++seq_;
    return {};
}

// §5.2 ContextS.Seal. The overflow check happens before encrypting: the RFC discards the
// ciphertext when IncrementSeq fails, and not producing it at all is equivalent.
Result<Bytes> Context::seal(ByteView aad, ByteView plaintext) {
    if (seq_ == std::numeric_limits<std::uint64_t>::max()) {
        return make_error(Errc::limit_exceeded, "HPKE message limit reached");
    }
    auto nonce = compute_nonce();
    if (!nonce) return nonce.error();
    auto ct = ChaCha20Poly1305::seal(key_, *nonce, aad, plaintext);
    if (!ct) return ct;
    if (auto st = increment_seq(); !st) return st.error();
    return ct;
}

// §5.2 ContextR.Open: the sequence number only advances on success.
Result<Bytes> Context::open(ByteView aad, ByteView ciphertext) {
    if (seq_ == std::numeric_limits<std::uint64_t>::max()) {
        return make_error(Errc::limit_exceeded, "HPKE message limit reached");
    }
    auto nonce = compute_nonce();
    if (!nonce) return nonce.error();
    auto pt = ChaCha20Poly1305::open(key_, *nonce, aad, ciphertext);
    if (!pt) return pt;
    if (auto st = increment_seq(); !st) return st.error();
    return pt;
}

// §5.3 Export(exporter_context, L) = LabeledExpand(exporter_secret, "sec", context, L).
Result<SecretBytes> Context::export_secret(ByteView exporter_context, std::size_t length) const {
    if (exporter_secret_.size() != kNh) {
        return make_error(Errc::invalid_argument, "HPKE context is empty (moved from?)");
    }
    // Checked before allocating: the length may come from a peer.
    if (length > kHkdfSha256MaxOutput) {
        return make_error(Errc::limit_exceeded, "HPKE Export length exceeds 255*Nh");
    }
    SecretBytes out(length);
    if (auto st =
            labeled_expand(kHpkeSuiteId, exporter_secret_, "sec", exporter_context, span_of(out));
        !st) {
        return st.error();
    }
    return out;
}

namespace {

Result<SenderSetup> setup_s_with(ByteView pk_r, ByteView info, ByteView sk_e) {
    Secret32 shared_secret;
    auto enc = encap(pk_r, sk_e, shared_secret.span());
    if (!enc) return enc.error();
    auto ctx = ContextFactory::key_schedule(shared_secret.view(), info);
    if (!ctx) return ctx.error();
    return SenderSetup{std::move(*enc), std::move(*ctx)};
}

}  // namespace

// §5.1.1 SetupBaseS(pkR, info). The ephemeral key (GenerateKeyPair, §4.1) is random
// bytes used as an X25519 scalar and wiped on return.
Result<SenderSetup> setup_base_s(ByteView recipient_public_key, ByteView info) {
    Secret32 sk_e;
    fill_random(sk_e.span());
    return setup_s_with(recipient_public_key, info, sk_e.view());
}

Result<SenderSetup> setup_base_s_with_ikm(ByteView recipient_public_key, ByteView info,
                                          ByteView ikm_e) {
    auto ephemeral = derive_key_pair(ikm_e);
    if (!ephemeral) return ephemeral.error();
    return setup_s_with(recipient_public_key, info, ephemeral->private_key);
}

// §5.1.1 SetupBaseR(enc, skR, info).
Result<Context> setup_base_r(ByteView enc, ByteView recipient_private_key, ByteView info) {
    Secret32 shared_secret;
    if (auto st = decap(enc, recipient_private_key, shared_secret.span()); !st) {
        return st.error();
    }
    return ContextFactory::key_schedule(shared_secret.view(), info);
}

// §6.1 SealBase / OpenBase.
Result<Sealed> seal_base(ByteView recipient_public_key, ByteView info, ByteView aad,
                         ByteView plaintext) {
    auto setup = setup_base_s(recipient_public_key, info);
    if (!setup) return setup.error();
    auto ct = setup->context.seal(aad, plaintext);
    if (!ct) return ct.error();
    return Sealed{std::move(setup->enc), std::move(*ct)};
}

Result<Bytes> open_base(ByteView enc, ByteView recipient_private_key, ByteView info, ByteView aad,
                        ByteView ciphertext) {
    auto ctx = setup_base_r(enc, recipient_private_key, info);
    if (!ctx) return ctx.error();
    return ctx->open(aad, ciphertext);
}

}  // namespace lagrum::crypto::hpke
