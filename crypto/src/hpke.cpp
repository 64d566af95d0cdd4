// HPKE, RFC 9180, base mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / ChaCha20-Poly1305.
//
// Written from the pseudocode in RFC 9180 §4, §5 and §7.1; section numbers refer to it.
// Every intermediate secret (DH output, PRKs, shared secret, key schedule outputs) lives
// in SecretBytes, so it is wiped when it goes out of scope.
#include "lagrum/crypto/hpke.h"

#include <array>
#include <cstring>
#include <limits>
#include <string_view>

#include "lagrum/crypto/aead.h"
#include "lagrum/crypto/hash.h"
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

void append(std::uint8_t*& cursor, ByteView part) {
    if (!part.empty()) std::memcpy(cursor, part.data(), part.size());
    cursor += part.size();
}

// §4: LabeledExtract(salt, label, ikm) = Extract(salt, "HPKE-v1" || suite_id || label || ikm).
// The labeled IKM contains the secret IKM, so it is assembled in secure memory.
SecretBytes labeled_extract(SuiteId suite_id, ByteView salt, std::string_view label, ByteView ikm) {
    SecretBytes labeled_ikm(kVersionLabel.size() + suite_id.size() + label.size() + ikm.size());
    std::uint8_t* cursor = labeled_ikm.data();
    append(cursor, as_bytes(kVersionLabel));
    append(cursor, suite_id);
    append(cursor, as_bytes(label));
    append(cursor, ikm);
    return hkdf_extract(salt, labeled_ikm);
}

// §4: LabeledExpand(prk, label, info, L) =
//     Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).
// The labeled info is public (contexts and labels only).
Result<SecretBytes> labeled_expand(SuiteId suite_id, ByteView prk, std::string_view label,
                                   ByteView info, std::size_t length) {
    // HKDF-SHA256's own bound (255*Nh) is far below the 2-byte I2OSP(L, 2) bound.
    if (length > kHkdfSha256MaxOutput) {
        return make_error(Errc::limit_exceeded, "HPKE LabeledExpand length exceeds 255*Nh");
    }
    Bytes labeled_info;
    labeled_info.reserve(2 + kVersionLabel.size() + suite_id.size() + label.size() + info.size());
    labeled_info.push_back(static_cast<std::uint8_t>(length >> 8));
    labeled_info.push_back(static_cast<std::uint8_t>(length & 0xff));
    labeled_info.insert(labeled_info.end(), kVersionLabel.begin(), kVersionLabel.end());
    labeled_info.insert(labeled_info.end(), suite_id.begin(), suite_id.end());
    labeled_info.insert(labeled_info.end(), label.begin(), label.end());
    labeled_info.insert(labeled_info.end(), info.begin(), info.end());
    return hkdf_expand(prk, labeled_info, length);
}

// §4.1 ExtractAndExpand(dh, kem_context).
Result<SecretBytes> extract_and_expand(ByteView dh, ByteView kem_context) {
    const SecretBytes eae_prk = labeled_extract(kKemSuiteId, {}, "eae_prk", dh);
    return labeled_expand(kKemSuiteId, eae_prk, "shared_secret", kem_context, kNsecret);
}

struct Encapsulation {
    SecretBytes shared_secret;
    Bytes enc;
};

// §4.1 Encap(pkR) with the ephemeral key pair supplied by the caller.
Result<Encapsulation> encap(ByteView pk_r, const KeyPair& ephemeral) {
    if (pk_r.size() != kNpk) {
        return make_error(Errc::invalid_argument, "HPKE recipient public key must be 32 bytes");
    }
    // DH(skE, pkR); x25519() rejects the all-zero output (§7.1.4, RFC 7748 §6.1).
    auto dh = x25519(ephemeral.private_key, pk_r);
    if (!dh) return dh.error();
    const Bytes kem_context = concat(ephemeral.public_key, pk_r);
    auto shared = extract_and_expand(*dh, kem_context);
    if (!shared) return shared.error();
    return Encapsulation{std::move(*shared), ephemeral.public_key};
}

// §4.1 Decap(enc, skR).
Result<SecretBytes> decap(ByteView enc, ByteView sk_r) {
    if (enc.size() != kNenc) {
        return make_error(Errc::invalid_argument, "HPKE enc must be 32 bytes");
    }
    if (sk_r.size() != kNsk) {
        return make_error(Errc::invalid_argument, "HPKE recipient private key must be 32 bytes");
    }
    auto dh = x25519(sk_r, enc);
    if (!dh) return dh.error();
    auto pk_r = x25519_public_key(sk_r);
    if (!pk_r) return pk_r.error();
    const Bytes kem_context = concat(enc, *pk_r);
    return extract_and_expand(*dh, kem_context);
}

}  // namespace

// Builds contexts; the only code allowed to call Context's private constructor.
struct ContextFactory {
    // §5.1 KeySchedule(mode_base, shared_secret, info, psk = "", psk_id = "").
    static Result<Context> key_schedule(ByteView shared_secret, ByteView info) {
        const SecretBytes psk_id_hash = labeled_extract(kHpkeSuiteId, {}, "psk_id_hash", {});
        const SecretBytes info_hash = labeled_extract(kHpkeSuiteId, {}, "info_hash", info);
        Bytes key_schedule_context;
        key_schedule_context.reserve(1 + 2 * kNh);
        key_schedule_context.push_back(kModeBase);
        key_schedule_context.insert(key_schedule_context.end(), psk_id_hash.view().begin(),
                                    psk_id_hash.view().end());
        key_schedule_context.insert(key_schedule_context.end(), info_hash.view().begin(),
                                    info_hash.view().end());

        // secret = LabeledExtract(shared_secret, "secret", psk) with psk = "" in base mode.
        const SecretBytes secret = labeled_extract(kHpkeSuiteId, shared_secret, "secret", {});
        auto key = labeled_expand(kHpkeSuiteId, secret, "key", key_schedule_context, kNk);
        if (!key) return key.error();
        auto base_nonce =
            labeled_expand(kHpkeSuiteId, secret, "base_nonce", key_schedule_context, kNn);
        if (!base_nonce) return base_nonce.error();
        auto exporter = labeled_expand(kHpkeSuiteId, secret, "exp", key_schedule_context, kNh);
        if (!exporter) return exporter.error();
        return Context(std::move(*key), base_nonce->expose(), std::move(*exporter));
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
    const SecretBytes dkp_prk = labeled_extract(kKemSuiteId, {}, "dkp_prk", ikm);
    auto sk = labeled_expand(kKemSuiteId, dkp_prk, "sk", {}, kNsk);
    if (!sk) return sk.error();
    auto pk = x25519_public_key(*sk);
    if (!pk) return pk.error();
    return KeyPair{std::move(*sk), std::move(*pk)};
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
    return labeled_expand(kHpkeSuiteId, exporter_secret_, "sec", exporter_context, length);
}

namespace {

Result<SenderSetup> setup_s_with(ByteView pk_r, ByteView info, const KeyPair& ephemeral) {
    auto encapsulation = encap(pk_r, ephemeral);
    if (!encapsulation) return encapsulation.error();
    auto ctx = ContextFactory::key_schedule(encapsulation->shared_secret, info);
    if (!ctx) return ctx.error();
    return SenderSetup{std::move(encapsulation->enc), std::move(*ctx)};
}

}  // namespace

// §5.1.1 SetupBaseS(pkR, info).
Result<SenderSetup> setup_base_s(ByteView recipient_public_key, ByteView info) {
    const KeyPair ephemeral = generate_key_pair();
    return setup_s_with(recipient_public_key, info, ephemeral);
}

Result<SenderSetup> setup_base_s_with_ikm(ByteView recipient_public_key, ByteView info,
                                          ByteView ikm_e) {
    auto ephemeral = derive_key_pair(ikm_e);
    if (!ephemeral) return ephemeral.error();
    return setup_s_with(recipient_public_key, info, *ephemeral);
}

// §5.1.1 SetupBaseR(enc, skR, info).
Result<Context> setup_base_r(ByteView enc, ByteView recipient_private_key, ByteView info) {
    auto shared = decap(enc, recipient_private_key);
    if (!shared) return shared.error();
    return ContextFactory::key_schedule(*shared, info);
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
