// RFC 9420 §5 cipher suite operations for suite 0x0003 on lagrum::crypto primitives.
#include "lagrum/mls/cipher_suite.h"

#include <string>

#include "lagrum/crypto/ed25519.h"
#include "lagrum/crypto/hash.h"
#include "lagrum/crypto/hpke.h"
#include "lagrum/crypto/x25519.h"

namespace lagrum::mls {

namespace {

constexpr std::string_view kLabelPrefix = "MLS 1.0 ";

Bytes prefixed_label(std::string_view label) {
    // Built via std::string: GCC 12 reports a false -Warray-bounds for a vector insert of
    // two char ranges here.
    std::string s;
    s.reserve(kLabelPrefix.size() + label.size());
    s.append(kLabelPrefix);
    s.append(label);
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    return Bytes(p, p + s.size());
}

// The two-field { opaque label<V>; opaque content<V>; } struct shared by SignContent,
// EncryptContext and RefHashInput.
Bytes label_and_content(ByteView label, ByteView content) {
    Writer w;
    w.opaque(label);
    w.opaque(content);
    return w.take();
}

template <class T>
T unwrap(crypto::Result<T>&& r, const char* what) {
    if (!r.ok()) {
        const auto code = r.error().code == crypto::Errc::decryption_failed
                              ? MlsErrc::decryption_failed
                              : MlsErrc::crypto;
        fail(code, std::string(what) + ": " + r.error().message);
    }
    return std::move(r).value();
}

}  // namespace

Bytes hash(ByteView data) {
    return crypto::sha256(data);
}

SecretBytes kdf_extract(ByteView salt, ByteView ikm) {
    return crypto::hkdf_extract(salt, ikm);
}

SecretBytes kdf_expand(ByteView prk, ByteView info, std::size_t length) {
    if (length > crypto::kHkdfSha256MaxOutput) {
        fail(MlsErrc::length_limit, "KDF.Expand length beyond 255*Nh");
    }
    return unwrap(crypto::hkdf_expand(prk, info, length), "KDF.Expand");
}

SecretBytes expand_with_label(ByteView secret, std::string_view label, ByteView context,
                              std::uint16_t length) {
    Writer w;
    w.u16(length);
    w.opaque(prefixed_label(label));
    w.opaque(context);
    return kdf_expand(secret, w.bytes(), length);
}

SecretBytes derive_secret(ByteView secret, std::string_view label) {
    return expand_with_label(secret, label, {}, static_cast<std::uint16_t>(kNh));
}

SecretBytes derive_tree_secret(ByteView secret, std::string_view label, std::uint32_t generation,
                               std::uint16_t length) {
    Writer w;
    w.u32(generation);
    return expand_with_label(secret, label, w.bytes(), length);
}

Bytes mac(ByteView key, ByteView data) {
    return crypto::hmac_sha256(key, data).expose();
}

bool verify_mac(ByteView key, ByteView data, ByteView tag) noexcept {
    // A truncated tag is never acceptable in MLS: require the full Nh bytes.
    if (tag.size() != kNh) return false;
    return crypto::hmac_sha256_verify(key, data, tag);
}

Bytes ref_hash(std::string_view label, ByteView value) {
    return hash(label_and_content(crypto::as_bytes(label), value));
}

Bytes make_key_package_ref(ByteView encoded_key_package) {
    return ref_hash("MLS 1.0 KeyPackage Reference", encoded_key_package);
}

Bytes make_proposal_ref(ByteView encoded_authenticated_content) {
    return ref_hash("MLS 1.0 Proposal Reference", encoded_authenticated_content);
}

SignatureKeyPair generate_signature_key_pair() {
    auto kp = crypto::ed25519_generate();
    return {std::move(kp.seed), std::move(kp.public_key)};
}

Bytes signature_public_key(ByteView private_key) {
    return unwrap(crypto::ed25519_from_seed(private_key), "Ed25519 key from seed").public_key;
}

Bytes sign_with_label(ByteView private_key, std::string_view label, ByteView content) {
    const Bytes tbs = label_and_content(prefixed_label(label), content);
    return unwrap(crypto::ed25519_sign(private_key, tbs), "SignWithLabel");
}

bool verify_with_label(ByteView public_key, std::string_view label, ByteView content,
                       ByteView signature) noexcept {
    try {
        const Bytes tbs = label_and_content(prefixed_label(label), content);
        return crypto::ed25519_verify(public_key, tbs, signature);
    } catch (...) {  // allocation failure: treat as not verified
        return false;
    }
}

HpkeKeyPair generate_hpke_key_pair() {
    auto kp = crypto::hpke::generate_key_pair();
    return {std::move(kp.private_key), std::move(kp.public_key)};
}

HpkeKeyPair derive_hpke_key_pair(ByteView secret) {
    auto kp = unwrap(crypto::hpke::derive_key_pair(secret), "KEM.DeriveKeyPair");
    return {std::move(kp.private_key), std::move(kp.public_key)};
}

Bytes hpke_public_key(ByteView private_key) {
    return unwrap(crypto::x25519_public_key(private_key), "X25519 public key");
}

void HpkeCiphertext::encode(Writer& w) const {
    w.opaque(kem_output);
    w.opaque(ciphertext);
}

HpkeCiphertext HpkeCiphertext::decode(Reader& r) {
    HpkeCiphertext c;
    c.kem_output = r.opaque();
    c.ciphertext = r.opaque();
    return c;
}

HpkeCiphertext encrypt_with_label(ByteView public_key, std::string_view label, ByteView context,
                                  ByteView plaintext) {
    const Bytes info = label_and_content(prefixed_label(label), context);
    auto sealed = unwrap(crypto::hpke::seal_base(public_key, info, {}, plaintext), "SealBase");
    return {std::move(sealed.enc), std::move(sealed.ciphertext)};
}

SecretBytes decrypt_with_label(ByteView private_key, std::string_view label, ByteView context,
                               ByteView kem_output, ByteView ciphertext) {
    const Bytes info = label_and_content(prefixed_label(label), context);
    auto r = crypto::hpke::open_base(kem_output, private_key, info, {}, ciphertext);
    // Any failure to open (bad kem_output, wrong key, tampered ciphertext) is a
    // decryption failure from the protocol's point of view.
    if (!r.ok()) fail(MlsErrc::decryption_failed, "DecryptWithLabel: " + r.error().message);
    return SecretBytes::take(std::move(r).value());
}

}  // namespace lagrum::mls
